"""Gallery: add/remove/update without rebuild, 1:N decisions, int8 search accuracy."""

from __future__ import annotations

import numpy as np
import pytest

from hub.face.embed import l2_normalise
from hub.face.gallery import Gallery


def _vectors(count: int, seed: int = 0) -> np.ndarray:
    return l2_normalise(np.random.default_rng(seed).standard_normal((count, 128)).astype(
        np.float32))


def test_add_search_remove_update() -> None:
    gallery = Gallery()
    vectors = _vectors(3)
    gallery.add("a", vectors[0])
    gallery.add("b", vectors[1:3])
    assert len(gallery) == 2 and gallery.row_count == 3
    hits = gallery.search(vectors[2], k=2)
    assert hits[0].person_id == "b" and hits[0].score == pytest.approx(1.0, abs=5e-3)
    assert gallery.remove("b") and not gallery.remove("b")
    assert gallery.row_count == 1 and "b" not in gallery
    assert gallery.search(vectors[2], k=2)[0].person_id == "a"
    gallery.update("a", vectors[2])
    assert gallery.row_count == 1
    assert gallery.search(vectors[2], k=1)[0].score == pytest.approx(1.0, abs=5e-3)
    np.testing.assert_allclose(gallery.embeddings_of("a")[0], vectors[2], atol=0.01)


def test_remove_keeps_other_rows_intact() -> None:
    """Removing from the middle moves tail rows into the holes, nothing else changes."""
    gallery = Gallery()
    vectors = _vectors(50, seed=3)
    for index in range(10):
        gallery.add(f"p{index}", vectors[index * 5 : index * 5 + 5])
    gallery.remove("p2")
    gallery.remove("p7")
    assert gallery.row_count == 40
    for index in (0, 1, 3, 9):
        rows = gallery.embeddings_of(f"p{index}")
        assert rows.shape == (5, 128)
        np.testing.assert_allclose(
            np.sort(rows @ vectors[index * 5]), np.sort(vectors[index * 5 : index * 5 + 5]
                                                        @ vectors[index * 5]), atol=0.01)


def test_unknown_and_ambiguous_decisions() -> None:
    gallery = Gallery()
    vectors = _vectors(2, seed=5)
    assert gallery.identify(vectors[0], 0.4, 0.05).status == "empty_gallery"
    gallery.add("a", vectors[0])
    stranger = _vectors(1, seed=9)[0]
    result = gallery.identify(stranger, 0.4, 0.05)
    assert result.status == "unknown" and result.person_id is None
    assert result.candidates and result.candidates[0].person_id == "a"
    # Twins: two persons with nearly the same template.
    gallery.add("twin", l2_normalise(vectors[0] + 0.001 * vectors[1]))
    assert gallery.identify(vectors[0], 0.4, 0.05).status == "ambiguous"
    assert gallery.identify(vectors[0], 0.4, 0.0).status == "match"
    assert gallery.identify(vectors[0], 0.4, 0.0, exclude=("twin",)).person_id == "a"


def test_large_gallery_uses_int8_graph_and_agrees_with_float32() -> None:
    """Above the onnxruntime cut-over the int8 search ranks like exact cosine."""
    count = 5000
    vectors = _vectors(count, seed=11)
    gallery = Gallery(capacity=count)
    gallery.add_many([f"p{i}" for i in range(count)], vectors)
    assert gallery.nbytes() / count <= 150
    probes = l2_normalise(vectors[:50] + 0.07 * _vectors(50, seed=12))
    for index, probe in enumerate(probes):
        hits = gallery.search(probe, k=3)
        assert hits[0].person_id == f"p{index}"
        assert hits[0].score == pytest.approx(float(vectors[index] @ probe), abs=5e-3)
        assert hits[0].score >= hits[1].score >= hits[2].score


def test_persons_with_several_rows_are_ranked_once() -> None:
    gallery = Gallery()
    vectors = _vectors(6, seed=21)
    gallery.add("a", vectors[:4])
    gallery.add("b", vectors[4:])
    hits = gallery.search(vectors[0], k=5)
    assert [h.person_id for h in hits] == ["a", "b"]


def test_verify_embeddings(engine: object) -> None:
    from hub.face.engine import FaceEngine

    assert isinstance(engine, FaceEngine)
    vectors = _vectors(2, seed=30)
    same = engine.verify_embeddings(vectors[0], vectors[0])
    assert same.same_person and same.score == pytest.approx(1.0)
    other = engine.verify_embeddings(vectors[0], vectors[1])
    assert not other.same_person and other.threshold == engine.config.match_threshold
    masked = engine.verify_embeddings(vectors[0], vectors[1], masked=True)
    assert masked.threshold == engine.config.masked_match_threshold
