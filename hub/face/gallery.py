"""The enrolled faces as one contiguous int8 matrix, searched 1:N in one call.

Storage: each embedding is quantised to int8 with its own scale (128 bytes)
plus a float32 inverse norm and an int32 person slot: 136 bytes a row. The
search is one onnxruntime graph (MatMulInteger -> scale -> TopK): MLAS's int8
kernels read 4x less memory than float32 BLAS, which is what bounds a 1:N
query at large N. The int8 path is exact integer arithmetic; the only loss is
quantisation (cosine error about 1e-3, see docs/face-engine.md).

Rows are added at the end (capacity grows by 1.5x) and removed by moving the
last row into the hole, so add/remove/update never rebuild the matrix.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import onnxruntime as ort
from onnx import TensorProto, helper

from .const import EMBEDDING_DIM
from .embed import l2_normalise
from .onnx_tools import session_options
from .results import Candidate, MatchResult

FloatArray = npt.NDArray[np.float32]
_GROWTH = 1.5
_MIN_CAPACITY = 64
# Below this many rows numpy is faster than an onnxruntime call.
_ORT_MIN_ROWS = 2048


def quantise(vectors: FloatArray) -> tuple[npt.NDArray[np.int8], FloatArray]:
    """int8 rows (scaled so the largest component is 127) and their inverse norms."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    peak = np.abs(vectors).max(axis=1, keepdims=True)
    peak[peak == 0] = 1.0
    rows = np.round(vectors * (127.0 / peak)).astype(np.int8)
    norms = np.linalg.norm(rows.astype(np.float32), axis=1)
    norms[norms == 0] = 1.0
    return rows, (1.0 / norms).astype(np.float32)


def _search_graph() -> bytes:
    """ONNX graph: scores = (G_int8 @ q_int8) * inv_norm, then top-k."""
    nodes = [
        helper.make_node("MatMulInteger", ["gallery", "query"], ["dots"]),
        helper.make_node("Cast", ["dots"], ["dots_f"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["dots_f", "inv_norm"], ["scores"]),
        helper.make_node("TopK", ["scores", "k"], ["values", "indices"], axis=0),
    ]
    graph = helper.make_graph(
        nodes,
        "gallery_search",
        [
            helper.make_tensor_value_info("gallery", TensorProto.INT8, ["n", EMBEDDING_DIM]),
            helper.make_tensor_value_info("query", TensorProto.INT8, [EMBEDDING_DIM, "q"]),
            helper.make_tensor_value_info("inv_norm", TensorProto.FLOAT, ["n", 1]),
            helper.make_tensor_value_info("k", TensorProto.INT64, [1]),
        ],
        [
            helper.make_tensor_value_info("values", TensorProto.FLOAT, None),
            helper.make_tensor_value_info("indices", TensorProto.INT64, None),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


@dataclass(frozen=True, slots=True)
class GalleryHit:
    """One row found by a search: its person and cosine score."""

    person_id: str
    score: float


class Gallery:
    """Thread-safe store of enrolled embeddings with 1:N and 1:1 search."""

    def __init__(self, capacity: int = 0, intra_op_threads: int = 2) -> None:
        """Create an empty gallery; `capacity` reserves rows up front (no regrowth)."""
        capacity = max(capacity, _MIN_CAPACITY)
        self._rows = np.zeros((capacity, EMBEDDING_DIM), dtype=np.int8)
        self._inv = np.zeros((capacity, 1), dtype=np.float32)
        self._slot_of_row = np.zeros(capacity, dtype=np.int32)
        self._count = 0
        self._person_ids: list[str | None] = []  # slot -> person id
        self._slot_by_id: dict[str, int] = {}
        self._row_counts = np.zeros(capacity, dtype=np.int32)  # slot -> number of rows
        self._max_rows = 0
        self._free_slots: list[int] = []
        self._lock = threading.RLock()
        self._threads = intra_op_threads
        self._session: ort.InferenceSession | None = None

    # -- bookkeeping ---------------------------------------------------------------

    def __len__(self) -> int:
        """Number of enrolled persons."""
        return len(self._slot_by_id)

    @property
    def row_count(self) -> int:
        """Number of stored embeddings (a person may have several)."""
        return self._count

    def __contains__(self, person_id: object) -> bool:
        """True when the person has at least one embedding."""
        return person_id in self._slot_by_id

    def person_ids(self) -> list[str]:
        """Enrolled person ids (unordered)."""
        with self._lock:
            return list(self._slot_by_id)

    def nbytes(self) -> int:
        """Bytes held by the arrays (allocated capacity, not just used rows)."""
        return int(
            self._rows.nbytes + self._inv.nbytes + self._slot_of_row.nbytes
            + self._row_counts.nbytes
        )

    def _ensure_capacity(self, extra: int) -> None:
        needed = self._count + extra
        if needed <= self._rows.shape[0]:
            return
        capacity = max(needed, int(self._rows.shape[0] * _GROWTH))
        for name in ("_rows", "_inv", "_slot_of_row"):
            old = getattr(self, name)
            new = np.zeros((capacity, *old.shape[1:]), dtype=old.dtype)
            new[: self._count] = old[: self._count]
            setattr(self, name, new)

    def _slot_for(self, person_id: str) -> int:
        slot = self._slot_by_id.get(person_id)
        if slot is not None:
            return slot
        if self._free_slots:
            slot = self._free_slots.pop()
            self._person_ids[slot] = person_id
        else:
            slot = len(self._person_ids)
            self._person_ids.append(person_id)
        self._slot_by_id[person_id] = slot
        if slot >= len(self._row_counts):
            grown = np.zeros(max(slot + 1, int(len(self._row_counts) * _GROWTH)), np.int32)
            grown[: len(self._row_counts)] = self._row_counts
            self._row_counts = grown
        return slot

    # -- mutation ------------------------------------------------------------------

    def add(self, person_id: str, embeddings: FloatArray) -> None:
        """Append embeddings (one or several rows) for a person."""
        rows, inv = quantise(l2_normalise(np.atleast_2d(embeddings).astype(np.float32)))
        with self._lock:
            slot = self._slot_for(person_id)
            self._ensure_capacity(len(rows))
            end = self._count + len(rows)
            self._rows[self._count : end] = rows
            self._inv[self._count : end, 0] = inv
            self._slot_of_row[self._count : end] = slot
            self._count = end
            self._row_counts[slot] += len(rows)
            self._max_rows = max(self._max_rows, int(self._row_counts[slot]))

    def add_many(self, person_ids: Sequence[str], embeddings: FloatArray) -> None:
        """Bulk add one embedding per person id (used for large galleries)."""
        if len(person_ids) != len(embeddings):
            raise ValueError("person_ids and embeddings must have the same length")
        rows, inv = quantise(l2_normalise(np.asarray(embeddings, dtype=np.float32)))
        with self._lock:
            slots = np.fromiter(
                (self._slot_for(pid) for pid in person_ids), dtype=np.int32, count=len(rows)
            )
            self._ensure_capacity(len(rows))
            end = self._count + len(rows)
            self._rows[self._count : end] = rows
            self._inv[self._count : end, 0] = inv
            self._slot_of_row[self._count : end] = slots
            self._count = end
            np.add.at(self._row_counts, slots, 1)
            self._max_rows = max(self._max_rows, int(self._row_counts[slots].max(initial=0)))

    def remove(self, person_id: str) -> bool:
        """Remove every embedding of a person; False when they were not enrolled."""
        with self._lock:
            slot = self._slot_by_id.pop(person_id, None)
            if slot is None:
                return False
            count = self._count
            gone = np.nonzero(self._slot_of_row[:count] == slot)[0]
            new_count = count - len(gone)
            # Fill holes below the new end with surviving rows from the tail.
            holes = gone[gone < new_count]
            tail = np.arange(new_count, count)
            movers = tail[self._slot_of_row[tail] != slot]
            self._rows[holes] = self._rows[movers]
            self._inv[holes] = self._inv[movers]
            self._slot_of_row[holes] = self._slot_of_row[movers]
            self._count = new_count
            removed_rows = int(self._row_counts[slot])
            self._row_counts[slot] = 0
            self._person_ids[slot] = None
            self._free_slots.append(slot)
            if removed_rows >= self._max_rows:
                self._max_rows = int(self._row_counts.max(initial=0))
            return True

    def update(self, person_id: str, embeddings: FloatArray) -> None:
        """Replace a person's embeddings (re-enrolment)."""
        with self._lock:
            self.remove(person_id)
            self.add(person_id, embeddings)

    def embeddings_of(self, person_id: str) -> FloatArray:
        """Dequantised unit vectors of one person (for verification and tests)."""
        with self._lock:
            slot = self._slot_by_id.get(person_id)
            if slot is None:
                return np.zeros((0, EMBEDDING_DIM), np.float32)
            mask = self._slot_of_row[: self._count] == slot
            rows = self._rows[: self._count][mask].astype(np.float32)
            return np.asarray(rows * self._inv[: self._count][mask], dtype=np.float32)

    # -- search --------------------------------------------------------------------

    def _get_session(self) -> ort.InferenceSession:
        if self._session is None:
            options = session_options(self._threads)
            self._session = ort.InferenceSession(
                _search_graph(), options, providers=["CPUExecutionProvider"]
            )
        return self._session

    def search(self, embedding: FloatArray, k: int = 5) -> list[GalleryHit]:
        """Top-k persons by cosine score (best row per person), best first."""
        query = l2_normalise(np.asarray(embedding, np.float32).reshape(1, -1))
        q_rows, q_inv = quantise(query)
        with self._lock:
            count = self._count
            if count == 0:
                return []
            # Persons may own several rows: fetch enough rows to fill k distinct persons.
            row_k = min(count, k * max(self._max_rows, 1))
            if count < _ORT_MIN_ROWS:
                dots = self._rows[:count].astype(np.float32) @ q_rows[0].astype(np.float32)
                scores = dots * self._inv[:count, 0]
                order = np.argpartition(-scores, row_k - 1)[:row_k]
                order = order[np.argsort(-scores[order], kind="stable")]
                values = scores[order]
            else:
                values, order = self._get_session().run(
                    None,
                    {
                        "gallery": self._rows[:count],
                        "query": np.ascontiguousarray(q_rows.T),
                        "inv_norm": self._inv[:count],
                        "k": np.array([row_k], dtype=np.int64),
                    },
                )
                values, order = values.reshape(-1), order.reshape(-1)
            slots = self._slot_of_row[order]
            hits: list[GalleryHit] = []
            seen: set[int] = set()
            for slot, value in zip(slots.tolist(), values.tolist(), strict=True):
                if slot in seen:
                    continue
                seen.add(slot)
                person = self._person_ids[slot]
                if person is not None:
                    hits.append(GalleryHit(person, float(value * q_inv[0])))
                if len(hits) == k:
                    break
        return hits

    def identify(
        self,
        embedding: FloatArray,
        threshold: float,
        margin: float,
        k: int = 5,
        exclude: Iterable[str] = (),
    ) -> MatchResult:
        """1:N decision: a person, "unknown" (below threshold) or "ambiguous" (too close)."""
        excluded = set(exclude)
        hits = [h for h in self.search(embedding, k + len(excluded)) if h.person_id not in excluded]
        hits = hits[:k]
        candidates = tuple(Candidate(h.person_id, round(h.score, 6)) for h in hits)
        if not hits:
            return MatchResult("empty_gallery", None, None, threshold, margin, (),
                               "nobody is enrolled")
        best = hits[0]
        runner_up = hits[1].score if len(hits) > 1 else None
        if best.score < threshold:
            return MatchResult("unknown", None, best.score, threshold, margin, candidates,
                               f"best score {best.score:.3f} below threshold {threshold:.3f}")
        if runner_up is not None and best.score - runner_up < margin:
            return MatchResult(
                "ambiguous", None, best.score, threshold, margin, candidates,
                f"best {best.score:.3f} and runner-up {runner_up:.3f} closer than {margin:.3f}",
            )
        return MatchResult("match", best.person_id, best.score, threshold, margin, candidates)
