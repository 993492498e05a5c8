"""Evaluation runs behind `menjin eval`: faces (verification and identification),
liveness and mask, on folders of real photos. Returns plain dicts for JSON."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from .align import align_face
from .datasets import class_images, identity_folders
from .engine import FaceEngine
from .errors import FaceEngineError
from .gallery import Gallery
from .imageio import Frame, read_image
from .metrics import auc, eer, fnir_at_fpir, roc_curve, tar_at_far, threshold_at_far
from .quality import assess_quality
from .results import Face

_LOGGER = logging.getLogger(__name__)

Progress = Callable[[int, int], None]


@dataclass(slots=True)
class Sample:
    """One usable image: who, its embedding and whether it passed enrolment quality."""

    person: str
    path: Path
    embedding: npt.NDArray[np.float32]
    enrol_ok: bool


def central_face(frame: Frame, faces: list[Face]) -> Face:
    """Pick the face nearest the image centre (datasets centre their subject), by size."""
    height, width = frame.shape[:2]

    def cost(face: Face) -> float:
        cx, cy = face.box.center
        offset = ((cx - width / 2) ** 2 + (cy - height / 2) ** 2) ** 0.5
        return float(offset / max(width, height) - 0.5 * face.box.width / max(width, 1))

    return min(faces, key=cost)


def embed_folder(
    engine: FaceEngine,
    people: dict[str, list[Path]],
    skipped: Counter[str],
    progress: Progress | None = None,
) -> list[Sample]:
    """Detect, align and embed every image; count what had to be skipped and why."""
    samples: list[Sample] = []
    total = sum(len(paths) for paths in people.values())
    done = 0
    batch: list[tuple[str, Path, Frame, bool]] = []

    def flush() -> None:
        if not batch:
            return
        vectors = engine.embed_aligned([crop for _, _, crop, _ in batch])
        for (person, path, _, ok), vector in zip(batch, vectors, strict=True):
            samples.append(Sample(person, path, vector, ok))
        batch.clear()

    for person, paths in people.items():
        for path in paths:
            done += 1
            if progress:
                progress(done, total)
            try:
                frame = read_image(path)
            except FaceEngineError as err:
                skipped[f"unreadable: {err}"] += 1
                continue
            faces = engine.find_faces(frame)
            if not faces:
                skipped["no face detected"] += 1
                continue
            face = central_face(frame, faces)
            crop = align_face(frame, face)
            ok = assess_quality(face, crop, engine.config.enrolment_quality).ok
            batch.append((person, path, crop, ok))
            if len(batch) >= 32:
                flush()
    flush()
    return samples


def verification_metrics(samples: list[Sample]) -> tuple[dict[str, Any], Any, Any]:
    """All same-person and different-person pairs of the embedded images."""
    matrix = np.stack([s.embedding for s in samples]).astype(np.float32)
    labels = np.array([s.person for s in samples])
    scores = matrix @ matrix.T
    upper = np.triu_indices(len(samples), k=1)
    same = labels[upper[0]] == labels[upper[1]]
    pair_scores = scores[upper]
    genuine, impostor = pair_scores[same], pair_scores[~same]
    equal_error, eer_threshold = eer(genuine, impostor)
    metrics = {
        "auc": auc(genuine, impostor),
        "eer": equal_error,
        "eer_threshold": eer_threshold,
        "tar_at_far_1e-3": tar_at_far(genuine, impostor, 1e-3),
        "tar_at_far_1e-4": tar_at_far(genuine, impostor, 1e-4),
        "threshold_at_far_1e-3": threshold_at_far(impostor, 1e-3),
        "threshold_at_far_1e-4": threshold_at_far(impostor, 1e-4),
        "pairs_same": int(genuine.size),
        "pairs_different": int(impostor.size),
    }
    return metrics, genuine, impostor


def identification_metrics(
    samples: list[Sample],
    strangers: list[Sample],
    enrol_k: int,
    threshold: float,
    margin: float,
    threads: int,
) -> dict[str, Any]:
    """Enrol K images per person (quality-passing first), probe with the rest.

    Reports rank-1 on the int8 gallery and on exact float32 scores (the
    quantisation cost), FNIR at FPIR 1e-2 with strangers, and the decision
    counts at the engine's own threshold and margin.
    """
    by_person: dict[str, list[Sample]] = {}
    for sample in samples:
        by_person.setdefault(sample.person, []).append(sample)
    gallery = Gallery(intra_op_threads=threads)
    probes: list[Sample] = []
    for person, items in by_person.items():
        ordered = sorted(items, key=lambda s: not s.enrol_ok)  # stable: good photos first
        if len(ordered) <= enrol_k:
            continue  # nobody left to probe with; not enrolled either
        gallery.add(person, np.stack([s.embedding for s in ordered[:enrol_k]]))
        probes.extend(ordered[enrol_k:])
    if not probes or len(gallery) == 0:
        return {"rank1": float("nan"), "fnir_at_fpir_1e-2": float("nan"), "persons_enrolled": 0,
                "probes_mated": 0, "probes_nonmated": len(strangers)}
    exact_rows = {pid: gallery.embeddings_of(pid) for pid in gallery.person_ids()}
    mated_scores: list[float] = []
    mated_correct: list[bool] = []
    exact_correct: list[bool] = []
    errors: list[float] = []
    decisions: Counter[str] = Counter()
    for probe in probes:
        hits = gallery.search(probe.embedding, k=2)
        mated_scores.append(hits[0].score)
        mated_correct.append(hits[0].person_id == probe.person)
        exact = {pid: float((rows @ probe.embedding).max()) for pid, rows in exact_rows.items()}
        best_exact = max(exact, key=lambda pid: exact[pid])
        exact_correct.append(best_exact == probe.person)
        errors.append(abs(exact[hits[0].person_id] - hits[0].score))
        result = gallery.identify(probe.embedding, threshold, margin)
        if result.status == "match":
            decisions["correct_match" if result.person_id == probe.person else "wrong_match"] += 1
        else:
            decisions[result.status] += 1
    stranger_scores = [gallery.search(s.embedding, k=1)[0].score for s in strangers]
    stranger_decisions: Counter[str] = Counter(
        gallery.identify(s.embedding, threshold, margin).status for s in strangers
    )
    metrics: dict[str, Any] = {
        "rank1": float(np.mean(mated_correct)),
        "rank1_float32": float(np.mean(exact_correct)),
        "int8_max_abs_score_error": float(max(errors)) if errors else 0.0,
        "persons_enrolled": len(gallery),
        "enrol_k": enrol_k,
        "probes_mated": len(probes),
        "probes_nonmated": len(strangers),
        "at_engine_threshold": {
            "threshold": threshold,
            "margin": margin,
            "mated": dict(decisions),
            "strangers": dict(stranger_decisions),
        },
    }
    if strangers:
        open_set = fnir_at_fpir(mated_scores, mated_correct, stranger_scores, 1e-2)
        metrics["fnir_at_fpir_1e-2"] = open_set.fnir
        metrics["fpir_actual"] = open_set.fpir
        metrics["threshold_at_fpir_1e-2"] = open_set.threshold
    else:
        metrics["fnir_at_fpir_1e-2"] = None
    return metrics


def evaluate_faces(
    engine: FaceEngine,
    dataset: Path,
    strangers: Path | None = None,
    enrol_k: int = 1,
    plot: Path | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """`menjin eval faces`: verification, identification and detection on a folder."""
    people = identity_folders(dataset)
    images = sum(len(paths) for paths in people.values())
    skipped: Counter[str] = Counter()
    samples = embed_folder(engine, people, skipped, progress)
    stranger_samples: list[Sample] = []
    stranger_skipped: Counter[str] = Counter()
    stranger_images = 0
    if strangers is not None:
        stranger_people = identity_folders(strangers)
        stranger_images = sum(len(paths) for paths in stranger_people.values())
        stranger_samples = embed_folder(engine, stranger_people, stranger_skipped)
    verification, genuine, impostor = verification_metrics(samples)
    identification = identification_metrics(
        samples, stranger_samples, enrol_k, engine.config.match_threshold,
        engine.config.match_margin, engine.config.intra_op_threads,
    )
    detected = images - skipped["no face detected"]
    result: dict[str, Any] = {
        "dataset": str(dataset),
        "persons": len(people),
        "images": images,
        "detection_rate": detected / images if images else float("nan"),
        "skipped": sum(skipped.values()),
        "skipped_reasons": dict(skipped),
        "enrolment_quality_pass_rate": float(np.mean([s.enrol_ok for s in samples])),
        "verification": verification,
        "identification": identification,
        "recogniser_form": "fp32 (derived)" if engine.config.fp32_recogniser else "int8",
    }
    if strangers is not None:
        result["strangers"] = {
            "dataset": str(strangers),
            "images": stranger_images,
            "skipped": sum(stranger_skipped.values()),
            "skipped_reasons": dict(stranger_skipped),
        }
    if plot is not None:
        from .plot import plot_verification

        plot_verification(plot, *roc_curve(genuine, impostor), genuine, impostor,
                          title=dataset.name)
        result["plot"] = str(plot)
    return result


def evaluate_liveness(
    engine: FaceEngine, dataset: Path, threshold: float | None = None
) -> dict[str, Any]:
    """`menjin eval liveness`: APCER/BPCER of printed-photo spoofs vs live faces."""
    if not engine.liveness_available:
        raise FaceEngineError(
            "No liveness model found; put liveness_minifasnet_v2_80x80_s2.7.onnx in the "
            "model folder (see `menjin models`)."
        )
    threshold = engine.config.liveness_threshold if threshold is None else threshold
    classes = class_images(dataset, ("live", "spoof"))
    scores: dict[str, list[float]] = {"live": [], "spoof": []}
    skipped: Counter[str] = Counter()
    for name, paths in classes.items():
        for path in paths:
            try:
                frame = read_image(path)
            except FaceEngineError as err:
                skipped[f"unreadable: {err}"] += 1
                continue
            faces = engine.detect(frame)
            if not faces:
                skipped["no face detected"] += 1
                continue
            largest = max(faces, key=lambda f: f.box.width * f.box.height)
            result = engine.liveness(frame, largest)
            assert result.score is not None
            scores[name].append(result.score)
    live, spoof = np.array(scores["live"]), np.array(scores["spoof"])
    equal_error, eer_threshold = eer(live, spoof)
    return {
        "dataset": str(dataset),
        "images": sum(len(p) for p in classes.values()),
        "live": int(live.size),
        "spoof": int(spoof.size),
        "threshold": threshold,
        "apcer": float(np.mean(spoof >= threshold)) if spoof.size else float("nan"),
        "bpcer": float(np.mean(live < threshold)) if live.size else float("nan"),
        "auc": auc(live, spoof),
        "eer": equal_error,
        "eer_threshold": eer_threshold,
        "at_threshold_0.5": {
            "apcer": float(np.mean(spoof >= 0.5)) if spoof.size else float("nan"),
            "bpcer": float(np.mean(live < 0.5)) if live.size else float("nan"),
        },
        "skipped": sum(skipped.values()),
        "skipped_reasons": dict(skipped),
        "attacks_covered": "printed photos only; replay/screen attacks not measured",
    }


def evaluate_mask(engine: FaceEngine, dataset: Path) -> dict[str, Any]:
    """`menjin eval mask`: mask classifier accuracy on faces cropped from YuNet boxes."""
    if not engine.mask_available:
        raise FaceEngineError(
            "No mask model found; put mask_seetaface6_104.onnx in the model folder "
            "(see `menjin models`)."
        )
    classes = class_images(dataset, ("with_mask", "without_mask"))
    probabilities: dict[str, list[float]] = {"with_mask": [], "without_mask": []}
    unknown: Counter[str] = Counter()
    missed: Counter[str] = Counter()
    for name, paths in classes.items():
        for path in paths:
            try:
                frame = read_image(path)
            except FaceEngineError:
                missed[name] += 1
                continue
            faces = engine.find_faces(frame)
            if not faces:
                missed[name] += 1
                continue
            result = engine.mask(frame, central_face(frame, faces))
            assert result.probability is not None
            probabilities[name].append(result.probability)
            if result.verdict == "unknown":
                unknown[name] += 1
    masked = np.array(probabilities["with_mask"])
    bare = np.array(probabilities["without_mask"])
    threshold = engine.config.mask_threshold
    correct = int((masked >= threshold).sum() + (bare < threshold).sum())
    detected = masked.size + bare.size
    images = sum(len(p) for p in classes.values())
    return {
        "dataset": str(dataset),
        "images": images,
        "threshold": threshold,
        "accuracy": correct / detected if detected else float("nan"),
        "masked_recall": float(np.mean(masked >= threshold)) if masked.size else float("nan"),
        "unmasked_recall": float(np.mean(bare < threshold)) if bare.size else float("nan"),
        "detection_rate": detected / images if images else float("nan"),
        "detection_rate_masked": masked.size / len(classes["with_mask"])
        if classes["with_mask"] else float("nan"),
        "detection_rate_unmasked": bare.size / len(classes["without_mask"])
        if classes["without_mask"] else float("nan"),
        "unknown_verdicts": dict(unknown),
        "not_detected": dict(missed),
    }
