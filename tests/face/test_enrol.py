"""Enrolment from photos: refusals with reasons, duplicate warnings, then 1:N and 1:1."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from hub.face.engine import FaceEngine
from hub.face.imageio import read_image

from .conftest import lfw_person


def test_enrolment_refuses_bad_photos_with_reasons(fresh_engine: FaceEngine,
                                                   faces_dir: Path) -> None:
    good = lfw_person(faces_dir, "Andre_Agassi")[0]
    frame = read_image(good)
    two_faces = np.concatenate(
        [frame, read_image(lfw_person(faces_dir, "Angelina_Jolie")[0])], axis=1)
    blurred = cv2.GaussianBlur(frame, (0, 0), 6)
    ok, blurred_jpeg = cv2.imencode(".jpg", blurred)
    assert ok
    result = fresh_engine.enrol("agassi", [
        good,
        np.zeros((300, 300, 3), np.uint8),
        two_faces,
        blurred_jpeg.tobytes(),
        b"not an image",
        good.read_bytes()[:500],
    ])
    assert result.accepted == 1 and result.enrolled
    reasons = {r.index: " ".join(r.reasons) for r in result.rejected}
    assert "no face" in reasons[1]
    assert "faces found" in reasons[2]
    assert "blurred" in reasons[3]
    assert "not an image" in reasons[4]
    assert "truncated" in reasons[5]


def test_nothing_usable_enrols_nobody(fresh_engine: FaceEngine) -> None:
    result = fresh_engine.enrol("nobody", [np.zeros((200, 200, 3), np.uint8)])
    assert not result.enrolled and "nobody" not in fresh_engine.gallery


def test_duplicate_warning_and_identification(fresh_engine: FaceEngine,
                                              faces_dir: Path) -> None:
    sharon = lfw_person(faces_dir, "Ariel_Sharon")
    agassi = lfw_person(faces_dir, "Andre_Agassi")
    assert fresh_engine.enrol("sharon", sharon[:2]).warnings == ()
    assert fresh_engine.enrol("agassi", agassi[:2]).enrolled
    again = fresh_engine.enrol("sharon-again", sharon[2:4])
    assert again.enrolled
    assert again.duplicates and again.duplicates[0].person_id == "sharon"
    assert any("sharon" in warning for warning in again.warnings)
    fresh_engine.remove("sharon-again")
    (analysis,) = fresh_engine.identify(agassi[4])
    assert analysis.match is not None and analysis.match.person_id == "agassi"
    stranger = next((faces_dir / "lfw_strangers").glob("*/*.jpg"))
    for item in fresh_engine.identify(stranger):
        assert item.match is not None and item.match.person_id is None


def test_verify_id_photo_against_capture(engine: FaceEngine, faces_dir: Path) -> None:
    """ORL crops stand in for ID-card chip photos: tight, small, grayscale."""
    same = engine.verify(faces_dir / "orl" / "s3" / "1.pgm", faces_dir / "orl" / "s3" / "5.pgm")
    different = engine.verify(faces_dir / "orl" / "s3" / "1.pgm",
                              faces_dir / "orl" / "s4" / "1.pgm")
    assert same.same_person and same.score > different.score
    assert not different.same_person
    blank = engine.verify(np.zeros((100, 100, 3), np.uint8), faces_dir / "orl" / "s3" / "1.pgm")
    assert not blank.same_person and "no face" in blank.reason
