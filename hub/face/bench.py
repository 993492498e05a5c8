"""`menjin bench face` and `menjin bench match`: numbers, never pass/fail."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from hub.bench.report import summarise

from .const import EMBEDDING_DIM

ENV_DATA_DIR = "MENJIN_DATA_DIR"


def default_data_dir() -> Path:
    """`$MENJIN_DATA_DIR`, else `../shared/data` next to the repository."""
    configured = os.environ.get(ENV_DATA_DIR)
    if configured:
        return Path(configured).expanduser()
    return Path(__file__).resolve().parents[3] / "shared" / "data"


def _time_ms(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000.0


def bench_face(
    images_dir: Path, frames: int, model_dir: Path | None, threads: int, gallery_size: int
) -> dict[str, Any]:
    """Time each stage and the whole pipeline on real 640x480 frames."""
    import cv2

    from .align import align_face
    from .config import FaceEngineConfig
    from .datasets import is_image
    from .engine import FaceEngine
    from .imageio import read_image
    from .quality import assess_quality

    engine = FaceEngine(FaceEngineConfig(model_dir=model_dir, intra_op_threads=threads))
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((gallery_size, EMBEDDING_DIM)).astype(np.float32)
    engine.gallery.add_many([f"person-{i}" for i in range(gallery_size)], vectors)
    paths = sorted(p for p in images_dir.rglob("*") if is_image(p))
    loaded = []
    for path in paths:
        frame = read_image(path)
        if frame.shape[:2] != (480, 640):
            frame = np.asarray(cv2.resize(frame, (640, 480)), dtype=np.uint8)
        faces = engine.detect(frame)
        if faces:
            loaded.append((frame, faces[0]))
        if len(loaded) >= frames:
            break
    if not loaded:
        raise FileNotFoundError(f"No frame with a face under {images_dir}.")
    timings: dict[str, list[float]] = {k: [] for k in (
        "detect_ms", "align_ms", "quality_ms", "liveness_ms", "mask_ms", "embed_ms",
        "match_ms", "end_to_end_ms")}
    for frame, _face in loaded[:3]:  # warm-up
        engine.identify(frame)
    for frame, face in loaded:
        aligned = align_face(frame, face)
        vector = engine.embed_aligned([aligned])[0]
        stages: dict[str, Callable[[], object]] = {
            "detect_ms": partial(engine.detect, frame),
            "align_ms": partial(align_face, frame, face),
            "quality_ms": partial(assess_quality, face, aligned, engine.config.quality),
            "liveness_ms": partial(engine.liveness, frame, face),
            "mask_ms": partial(engine.mask, frame, face),
            "embed_ms": partial(engine.embed_aligned, [aligned]),
            "match_ms": partial(engine.identify_embedding, vector),
            "end_to_end_ms": partial(engine.identify, frame),
        }
        for name, stage in stages.items():
            timings[name].append(_time_ms(stage))
    result: dict[str, Any] = {name: summarise(values) for name, values in timings.items()}
    result.update({
        "frames": len(loaded),
        "sizes": [[640, 480]],
        "detector_input": engine.config.detector.input_size,
        "detector_model": engine.models.detector.path.name,
        "recogniser_form": "fp32 (derived)" if engine.config.fp32_recogniser else "int8",
        "intra_op_threads": threads,
        "gallery_size": gallery_size,
        "liveness": engine.liveness_available,
        "mask": engine.mask_available,
        "images_dir": str(images_dir),
        "cpu_count": os.cpu_count(),
    })
    return result


def bench_match(n: int, queries: int, k: int, threads: int) -> dict[str, Any]:
    """1:N query time and memory for a gallery of `n` random unit vectors."""
    from .embed import l2_normalise
    from .gallery import Gallery

    rng = np.random.default_rng(0)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    gallery = Gallery(capacity=n, intra_op_threads=threads)
    ids = [f"p{i}" for i in range(n)]
    chunk = 100_000
    kept = np.empty((min(queries, n), EMBEDDING_DIM), np.float32)
    for start in range(0, n, chunk):
        block = l2_normalise(
            rng.standard_normal((min(chunk, n - start), EMBEDDING_DIM)).astype(np.float32)
        )
        gallery.add_many(ids[start : start + len(block)], block)
        if start == 0:
            kept[:] = block[: len(kept)]
        del block
    del ids
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    # Queries: noisy copies of enrolled vectors (cosine about 0.7 to their source).
    probes = l2_normalise(kept + 0.07 * rng.standard_normal(kept.shape).astype(np.float32))
    for probe in probes[:5]:
        gallery.search(probe, k)
    times: list[float] = []
    agree = 0
    errors: list[float] = []
    for index, probe in enumerate(probes):
        start_t = time.perf_counter()
        hits = gallery.search(probe, k)
        times.append((time.perf_counter() - start_t) * 1000.0)
        exact = float(kept[index] @ probe)
        agree += hits[0].person_id == f"p{index}"
        errors.append(abs(hits[0].score - exact))
    stats = summarise(times)
    return {
        "n": n,
        "k": k,
        "queries": len(probes),
        "query_ms": stats,
        "bytes_per_identity": round((after - before) / n, 1),
        "array_bytes_per_identity": round(gallery.nbytes() / n, 1),
        "storage": "int8 + float32 inverse norm + int32 slot",
        "top1_agreement_with_float32": agree / len(probes),
        "max_abs_score_error_vs_float32": round(max(errors), 5),
        "intra_op_threads": threads,
    }


def _print(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        json.dump(result, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    for key, value in result.items():
        print(f"{key}: {value}")


def _run_face(args: argparse.Namespace) -> int:
    from .errors import FaceEngineError

    images = Path(args.images) if args.images else (
        default_data_dir() / "faces" / "liveness" / "nuaa" / "live")
    try:
        result = bench_face(images, args.frames, args.model_dir, args.threads, args.gallery)
    except (FaceEngineError, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    _print(result, args.json)
    return 0


def _run_match(args: argparse.Namespace) -> int:
    if args.n < 1:
        print("error: --n must be at least 1", file=sys.stderr)
        return 2
    _print(bench_match(args.n, args.queries, args.k, args.threads), args.json)
    return 0


def register_bench(targets: Any) -> None:
    """Add the `face` and `match` targets to `menjin bench`."""
    face = targets.add_parser("face", help="time every face pipeline stage on 640x480 frames")
    face.add_argument("--images", help="folder of frames (default: NUAA live captures)")
    face.add_argument("--frames", type=int, default=50, help="frames to time (default 50)")
    face.add_argument("--model-dir", type=Path, default=None)
    face.add_argument("--threads", type=int, default=2, help="onnxruntime intra-op threads")
    face.add_argument("--gallery", type=int, default=1000, help="enrolled identities")
    face.add_argument("--json", action="store_true", help="print JSON")
    face.set_defaults(func=_run_face)
    match = targets.add_parser("match", help="time 1:N search on N random identities")
    match.add_argument("--n", type=int, default=100_000)
    match.add_argument("--queries", type=int, default=200)
    match.add_argument("--k", type=int, default=5)
    match.add_argument("--threads", type=int, default=2)
    match.add_argument("--json", action="store_true", help="print JSON")
    match.set_defaults(func=_run_match)
