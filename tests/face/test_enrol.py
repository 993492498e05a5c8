"""Enrolment from photos: refusals with reasons, duplicate warnings, then 1:N and 1:1."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

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


def test_prepare_does_not_touch_the_gallery_and_carries_full_precision(
        fresh_engine: FaceEngine, faces_dir: Path) -> None:
    photos = lfw_person(faces_dir, "Ariel_Sharon")[:3]
    blurred = cv2.GaussianBlur(read_image(photos[0]), (0, 0), 6)
    prepared = fresh_engine.prepare_enrolment("sharon", [photos[0], blurred, *photos[1:]])
    assert "sharon" not in fresh_engine.gallery and fresh_engine.gallery.row_count == 0
    assert not prepared.committed and prepared.accepted == 3
    assert prepared.photo_indices == (0, 2, 3)
    assert [r.index for r in prepared.rejected] == [1]
    rows = prepared.embeddings
    assert rows.shape == (3, 128) and rows.dtype == np.float32 and not rows.flags.writeable
    np.testing.assert_allclose(np.linalg.norm(rows, axis=1), 1.0, atol=1e-5)
    # Full precision: the same vectors a single embed gives, not the int8 gallery copy.
    for row, path in zip(rows, (photos[0], *photos[1:]), strict=True):
        frame = read_image(path)
        single = fresh_engine.embed(frame, fresh_engine.find_faces(frame)[0])
        np.testing.assert_allclose(row, single, atol=1e-5)
    assert len(prepared.qualities) == 3
    assert all(0.0 < q <= 1.0 for q in prepared.qualities)

    committed = fresh_engine.commit_enrolment(prepared)
    assert committed.committed and "sharon" in fresh_engine.gallery
    gallery_rows = fresh_engine.gallery.embeddings_of("sharon")
    assert gallery_rows.shape == (3, 128)
    quantisation = np.abs(gallery_rows - rows).max()
    assert 0.0 < quantisation < 0.01  # the gallery holds int8; the result does not
    with pytest.raises(ValueError, match="already in the gallery"):
        fresh_engine.commit_enrolment(committed)


def test_commit_with_replace_and_empty_results(fresh_engine: FaceEngine,
                                               faces_dir: Path) -> None:
    photos = lfw_person(faces_dir, "Andre_Agassi")
    first = fresh_engine.commit_enrolment(fresh_engine.prepare_enrolment("agassi", photos[:4]))
    assert first.accepted >= 2 and fresh_engine.gallery.row_count == first.accepted
    again = fresh_engine.prepare_enrolment("agassi", photos[4:6])
    assert again.accepted >= 1
    assert again.duplicates == ()  # the person's own rows are never a duplicate
    fresh_engine.commit_enrolment(again, replace=True)
    assert fresh_engine.gallery.row_count == again.accepted
    nothing = fresh_engine.prepare_enrolment("agassi", [np.zeros((50, 50, 3), np.uint8)])
    assert not nothing.enrolled and nothing.embeddings.shape == (0, 128)
    fresh_engine.commit_enrolment(nothing, replace=True)  # changes nothing
    assert fresh_engine.gallery.row_count == again.accepted


def test_bulk_prepare_matches_single_and_finds_duplicates_within_the_batch(
        fresh_engine: FaceEngine, faces_dir: Path) -> None:
    from hub.face.enrol import prepare_enrolments

    sharon = lfw_person(faces_dir, "Ariel_Sharon")
    agassi = lfw_person(faces_dir, "Andre_Agassi")
    jobs = [("sharon", sharon[:2]), ("agassi", [*agassi[:2], b"junk"]),
            ("sharon-again", sharon[2:4])]
    bulk = prepare_enrolments(fresh_engine, jobs, workers=2)
    serial = prepare_enrolments(fresh_engine, jobs, workers=1)
    assert fresh_engine.gallery.row_count == 0
    for many, one in zip(bulk, serial, strict=True):
        assert many.person_id == one.person_id and many.photo_indices == one.photo_indices
        assert many.rejected == one.rejected and many.warnings == one.warnings
        np.testing.assert_allclose(many.embeddings, one.embeddings, atol=1e-5)
    assert [r.index for r in bulk[1].rejected] == [2]
    # sharon-again is warned about sharon although neither is in the gallery yet.
    assert [c.person_id for c in bulk[2].duplicates] == ["sharon"]
    assert bulk[0].duplicates == () and bulk[1].duplicates == ()
    # Results prepared earlier but not committed count too.
    later = fresh_engine.prepare_enrolments([("sharon-3", sharon[4:5])], pending=bulk[:1])
    assert [c.person_id for c in later[0].duplicates] == ["sharon"]


def test_quality_score_ranks_photos(engine: FaceEngine, faces_dir: Path) -> None:
    from hub.face.quality import measure_quality, quality_score

    frame = read_image(lfw_person(faces_dir, "Andre_Agassi")[0])
    face = engine.detect(frame)[0]
    sharp = quality_score(measure_quality(face, engine.align(frame, face)))
    blurred_frame = cv2.GaussianBlur(frame, (0, 0), 2)
    blurred = quality_score(measure_quality(face, engine.align(blurred_frame, face)))
    dark_frame = (frame * 0.3).astype(np.uint8)
    dark = quality_score(measure_quality(face, engine.align(dark_frame, face)))
    assert 0.0 < blurred < sharp <= 1.0 and 0.0 < dark < sharp
    black = quality_score(measure_quality(face, np.zeros((112, 112, 3), np.uint8)))
    assert black == 0.0


def test_enrolment_result_checks_its_rows() -> None:
    from hub.face.results import EnrolmentResult

    with pytest.raises(ValueError, match="one entry per accepted photo"):
        EnrolmentResult("x", 2, (), embeddings=np.zeros((1, 128), np.float32),
                        qualities=(0.5,), photo_indices=(0,))
