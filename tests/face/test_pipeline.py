"""Every stage on real photos: detection, quality, liveness, mask, alignment, embedding."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from hub.face.engine import FaceEngine
from hub.face.imageio import read_image

from .conftest import lfw_person


def _lfw_samples(faces_dir: Path, count: int = 8) -> list[Path]:
    return sorted((faces_dir / "lfw").glob("*/*.jpg"))[:count]


def test_decoder_matches_opencv_reference(engine: FaceEngine, faces_dir: Path,
                                          model_dir: Path) -> None:
    """Our YuNet decoding gives OpenCV FaceDetectorYN's boxes, landmarks and scores."""
    detector_file = engine.models.detector.path
    paths = _lfw_samples(faces_dir, 6) + sorted(
        (faces_dir / "liveness" / "nuaa" / "live").rglob("*.jpg"))[:3]
    for path in paths:
        frame = read_image(path)
        height, width = frame.shape[:2]
        config = engine.config.detector
        reference = cv2.FaceDetectorYN.create(
            str(detector_file), "", (width, height), config.score_threshold,
            config.nms_threshold, config.top_k)
        _, expected = reference.detect(frame)
        expected = np.zeros((0, 15)) if expected is None else expected
        expected = expected[np.argsort(-expected[:, 14])]
        ours = engine.detect(frame)
        assert len(ours) == len(expected), path
        for face, row in zip(ours, expected, strict=True):
            values = [face.box.x, face.box.y, face.box.width, face.box.height]
            values += [c for point in face.landmarks for c in point]
            np.testing.assert_allclose(values, row[:14], atol=0.05)
            assert face.score == pytest.approx(row[14], abs=1e-4)


def test_no_face_in_blank_or_noise(engine: FaceEngine) -> None:
    assert engine.detect(np.zeros((480, 640, 3), np.uint8)) == []
    noise = np.random.default_rng(0).integers(0, 255, (480, 640, 3), dtype=np.uint8)
    assert engine.detect(noise) == []


def test_several_faces_all_found(engine: FaceEngine, faces_dir: Path) -> None:
    first = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    second = read_image(lfw_person(faces_dir, "Angelina_Jolie")[0])
    frame = np.concatenate([first, second], axis=1)
    assert len(engine.detect(frame)) >= 2


def test_portrait_helper_finds_tight_crops(engine: FaceEngine, faces_dir: Path) -> None:
    """ORL's 92x112 crops need the padded canvas; coordinates map back to the crop."""
    crop = read_image(faces_dir / "orl" / "s1" / "1.pgm")
    faces = engine.detect_in_portrait(crop)
    assert len(faces) == 1
    box = faces[0].box
    assert -20 < box.x < 46 and -20 < box.y < 56
    assert 30 < box.width < 130
    assert engine.find_faces(crop)


def test_alignment_and_embedding(engine: FaceEngine, faces_dir: Path) -> None:
    frame = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    face = engine.detect(frame)[0]
    assert engine.align(frame, face).shape == (112, 112, 3)
    vector = engine.embed(frame, face)
    assert vector.shape == (128,) and vector.dtype == np.float32
    assert np.linalg.norm(vector) == pytest.approx(1.0, abs=1e-5)


def test_same_person_scores_above_different(engine: FaceEngine, faces_dir: Path) -> None:
    items = []
    for name in ("Andre_Agassi", "Angelina_Jolie"):
        for path in lfw_person(faces_dir, name)[:3]:
            frame = read_image(path)
            items.append((frame, engine.detect(frame)[0]))
    vectors = engine.embed_many(items)
    scores = vectors @ vectors.T
    same = [scores[0, 1], scores[0, 2], scores[3, 4], scores[3, 5]]
    different = [scores[i, j] for i in range(3) for j in range(3, 6)]
    assert min(same) > engine.config.match_threshold > max(different)
    # Batch and single embedding agree.
    single = engine.embed(*items[0])
    assert float(single @ vectors[0]) == pytest.approx(1.0, abs=1e-5)


def test_quality_verdicts_with_reasons(engine: FaceEngine, faces_dir: Path) -> None:
    frame = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    face = engine.detect(frame)[0]
    good = engine.quality(frame, face)
    assert good.ok and good.reasons == ()
    blurred = cv2.GaussianBlur(frame, (0, 0), 6)
    verdict = engine.quality(blurred, face)
    assert not verdict.ok and any("blurred" in r for r in verdict.reasons)
    dark = (frame * 0.1).astype(np.uint8)
    assert any("dark" in r for r in engine.quality(dark, face).reasons)
    small = cv2.resize(frame, (60, 60))
    small_faces = engine.detect_in_portrait(small)
    assert small_faces
    assert any("too small" in r for r in engine.quality(small, small_faces[0]).reasons)


def test_pose_from_landmarks_flags_turned_heads() -> None:
    from hub.face.quality import QualityConfig, judge_quality, measure_quality
    from hub.face.results import Box, Face

    turned = Face(Box(0, 0, 100, 100), 0.9,
                  ((30, 40), (70, 40), (80, 60), (40, 80), (65, 80)))
    measures = measure_quality(turned, np.full((112, 112, 3), 128, np.uint8))
    assert measures.yaw > 0.45
    assert any("sideways" in r for r in judge_quality(measures, QualityConfig()).reasons)


def test_liveness_separates_live_from_printed_photos(engine: FaceEngine,
                                                     faces_dir: Path) -> None:
    nuaa = faces_dir / "liveness" / "nuaa"
    scores = {}
    for label in ("live", "spoof"):
        values = []
        for path in sorted((nuaa / label).rglob("*.jpg"))[::60][:6]:
            frame = read_image(path)
            result = engine.liveness(frame, engine.detect(frame)[0])
            assert result.status == "ok" and result.score is not None
            values.append(result.score)
        scores[label] = values
    assert min(scores["live"]) > max(scores["spoof"])


def test_liveness_crop_is_shifted_not_clipped() -> None:
    from hub.face.liveness import silent_face_crop
    from hub.face.results import Box

    frame = np.zeros((480, 640, 3), np.uint8)
    frame[:, 200:] = 255
    # A face at the left edge: the 2.7x crop (270 px) would start at x=-85, so it is
    # shifted to x=0..270 and keeps its width; a clipped crop (0..185) has no white.
    crop = silent_face_crop(frame, Box(0, 200, 100, 100))
    assert crop.shape == (80, 80, 3)
    white = (crop[..., 0] > 128).mean()
    assert 0.2 < white < 0.32  # columns 200..270 of 0..270 are white


def test_mask_verdicts(engine: FaceEngine, faces_dir: Path) -> None:
    masks = faces_dir / "masks"
    for label, verdict in (("with_mask", "masked"), ("without_mask", "not_masked")):
        correct = 0
        paths = sorted((masks / label).glob("*.jpg"))[:8]
        for path in paths:
            frame = read_image(path)
            faces = engine.find_faces(frame)
            result = engine.mask(frame, faces[0])
            assert result.status == "ok" and result.probability is not None
            correct += result.verdict == verdict
        assert correct >= 6, label


def test_identify_reports_every_stage(fresh_engine: FaceEngine, faces_dir: Path) -> None:
    photos = lfw_person(faces_dir, "Ariel_Sharon")
    assert fresh_engine.enrol("ariel", photos[:3]).enrolled
    (analysis,) = fresh_engine.identify(photos[5])
    assert analysis.quality.ok
    assert analysis.liveness.status == "ok" and analysis.mask.status == "ok"
    assert analysis.match is not None and analysis.match.person_id == "ariel"
    assert analysis.match.candidates[0].score == pytest.approx(analysis.match.score, abs=1e-5)
    # A frame that fails quality is never matched.
    frame = read_image(photos[5])
    blurred = cv2.GaussianBlur(frame, (0, 0), 6)
    for item in fresh_engine.identify(blurred):
        assert item.match is not None and item.match.status == "skipped"
