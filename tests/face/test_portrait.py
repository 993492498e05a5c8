"""Tight crops (ORL, CASIA, ID-card chip photos): the portrait canvas policy of `find_faces`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hub.face.const import PORTRAIT_CANVAS, PORTRAIT_FACE_SIDE, PORTRAIT_MAX_SIDE
from hub.face.detect import portrait_canvas
from hub.face.engine import FaceEngine
from hub.face.imageio import read_image

from .conftest import lfw_person


def test_canvas_geometry(faces_dir: Path) -> None:
    crop = read_image(faces_dir / "orl" / "s1" / "1.pgm")  # 92 x 112
    canvas, scale, left, top = portrait_canvas(crop)
    assert canvas.shape == (PORTRAIT_CANVAS, PORTRAIT_CANVAS, 3)
    assert scale == pytest.approx(PORTRAIT_FACE_SIDE / 112)
    assert (left, top) == ((PORTRAIT_CANVAS - round(92 * scale)) // 2,
                           (PORTRAIT_CANVAS - PORTRAIT_FACE_SIDE) // 2)
    # Edge-replicated border: the canvas corner repeats the crop's corner pixel.
    assert tuple(canvas[0, 0]) == tuple(canvas[top, left])


def test_small_images_are_detected_on_the_canvas_first(engine: FaceEngine,
                                                       faces_dir: Path) -> None:
    crop = read_image(faces_dir / "casia5" / "003" / "003_0.png")
    assert max(crop.shape[:2]) <= PORTRAIT_MAX_SIDE
    found = engine.find_faces(crop)
    padded = engine.detect_in_portrait(crop)
    assert len(found) == len(padded) == 1
    # The canvas's landmarks drive alignment (found on a window of the canvas around
    # the plain face, hence the tolerance); the box stays the plain one when there is one.
    np.testing.assert_allclose(found[0].landmarks, padded[0].landmarks, atol=0.5)
    plain = engine.detect(crop)
    if plain:
        assert found[0].box == plain[0].box
    # Landmarks are in the crop's own pixels, inside it.
    for x, y in found[0].landmarks:
        assert 0 <= x < crop.shape[1] and 0 <= y < crop.shape[0]


def test_large_images_are_detected_plainly(engine: FaceEngine, faces_dir: Path) -> None:
    frame = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    large = np.ascontiguousarray(np.repeat(np.repeat(frame, 2, axis=0), 2, axis=1))
    assert max(large.shape[:2]) > PORTRAIT_MAX_SIDE
    assert engine.find_faces(large) == engine.detect(large)


def test_tight_crops_of_one_person_match(engine: FaceEngine, faces_dir: Path) -> None:
    """Held-out CASIA persons (010-019 were never used to choose the policy)."""
    vectors = {}
    for person in ("012", "015"):
        for index in range(3):
            frame = read_image(faces_dir / "casia5" / person / f"{person}_{index}.png")
            faces = engine.find_faces(frame)
            assert faces, (person, index)
            vectors[(person, index)] = engine.embed(frame, faces[0])
    same = [float(vectors[(p, 0)] @ vectors[(p, i)]) for p in ("012", "015") for i in (1, 2)]
    different = [float(vectors[("012", i)] @ vectors[("015", j)])
                 for i in range(3) for j in range(3)]
    assert min(same) > engine.config.match_threshold > max(different)


def test_canvas_never_adds_faces_to_a_plain_detection(engine: FaceEngine,
                                                      faces_dir: Path) -> None:
    """Andre_Agassi_0001: the canvas also sees a cut-off bystander at the edge; plain
    detection does not, and enrolment must not start refusing the photo for it."""
    frame = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    plain = engine.detect(frame)
    assert len(engine.detect_in_portrait(frame)) > len(plain) == 1
    (found,) = engine.find_faces(frame)
    assert found.box.iou(plain[0].box) >= 0.5
    assert engine.prepare_enrolment("agassi", [frame]).accepted == 1
