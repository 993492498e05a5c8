"""The face engine: models loaded once, every stage callable from worker threads.

`FaceEngine` is blocking and thread-safe (onnxruntime sessions allow concurrent
`run`; the gallery has its own lock). The hub never calls it on its event loop:
it uses `AsyncFaceEngine`, which runs these methods in an executor.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
import onnxruntime as ort

from .align import align_face
from .config import FaceEngineConfig
from .const import PORTRAIT_CANVAS, PORTRAIT_FACE_SIDE, PORTRAIT_MAX_SIDE, STATUS_UNAVAILABLE
from .detect import YuNetDetector, map_face_back, portrait_canvas
from .embed import Embedding, SFaceEmbedder
from .errors import ModelLoadError
from .gallery import Gallery
from .imageio import Frame, decode_image, ensure_bgr8, read_image
from .liveness import LivenessModel
from .mask import MaskModel
from .models import ModelSet, resolve_models
from .onnx_tools import (
    cache_dir,
    create_session,
    load_recogniser_bytes,
    prepare_thread_pool,
)
from .quality import QualityConfig, assess_quality
from .results import (
    EnrolmentResult,
    Face,
    FaceAnalysis,
    LivenessResult,
    MaskResult,
    MatchResult,
    QualityVerdict,
    VerifyResult,
)

_LOGGER = logging.getLogger(__name__)

ImageInput = bytes | Path | npt.NDArray[np.generic]

# A plain and a portrait-canvas detection with this overlap are the same face.
_PORTRAIT_MATCH_IOU = 0.5


def to_frame(image: ImageInput) -> Frame:
    """Accept encoded bytes, a path or an array; return a safe 8-bit BGR frame."""
    if isinstance(image, bytes):
        return decode_image(image)
    if isinstance(image, Path):
        return read_image(image)
    return ensure_bgr8(image)


class FaceEngine:
    """Detection, quality, liveness, mask, alignment, embedding and 1:N matching."""

    def __init__(
        self, config: FaceEngineConfig | None = None, models: ModelSet | None = None
    ) -> None:
        """Resolve and load every model once; raises with the fix if one is missing."""
        self.config = config or FaceEngineConfig()
        self.models = models or resolve_models(self.config.model_dir)
        threads = self.config.intra_op_threads
        prepare_thread_pool(threads)
        self._detector = YuNetDetector(
            create_session(self.models.detector.path, threads, "detector"), self.config.detector
        )
        self._embedder = SFaceEmbedder(self._recogniser_session(threads))
        self._liveness: LivenessModel | None = None
        if self.models.liveness is not None:
            self._liveness = LivenessModel(
                create_session(self.models.liveness.path, threads, "liveness"),
                self.config.liveness_threshold,
            )
        self._mask: MaskModel | None = None
        if self.models.mask is not None:
            self._mask = MaskModel(
                create_session(self.models.mask.path, threads, "mask"),
                self.config.mask_threshold,
                self.config.mask_uncertain_band,
            )
        self.gallery = Gallery(self.config.gallery_capacity, threads)
        _LOGGER.debug(
            "Face engine ready: detector %s, recogniser %s, liveness %s, mask %s",
            self.models.detector.path.name,
            self.models.recogniser.path.name,
            "yes" if self._liveness else "unavailable",
            "yes" if self._mask else "unavailable",
        )

    def _recogniser_session(self, threads: int) -> ort.InferenceSession:
        model = self.models.recogniser
        data = load_recogniser_bytes(model.path, model.sha256, fp32=self.config.fp32_recogniser)
        try:
            return create_session(data, threads, "recogniser")
        except ModelLoadError:
            if not self.config.fp32_recogniser:
                raise
            # A damaged cache entry: derive again rather than fail.
            _LOGGER.warning("Cached recogniser in %s is unusable; deriving again", cache_dir())
            for stale in cache_dir().glob(f"sface_fp32_{model.sha256[:16]}_*.onnx"):
                stale.unlink(missing_ok=True)
            data = load_recogniser_bytes(model.path, model.sha256, fp32=True)
            return create_session(data, threads, "recogniser")

    @property
    def liveness_available(self) -> bool:
        """False when no liveness model was found."""
        return self._liveness is not None

    @property
    def mask_available(self) -> bool:
        """False when no mask model was found."""
        return self._mask is not None

    # -- single stages -------------------------------------------------------------

    def detect(self, image: ImageInput) -> list[Face]:
        """All faces in a frame, best first."""
        return self._detector.detect(to_frame(image))

    def detect_in_portrait(
        self,
        image: ImageInput,
        target: int = PORTRAIT_CANVAS,
        face_side: int = PORTRAIT_FACE_SIDE,
    ) -> list[Face]:
        """Detect on a tight crop (ORL photo, ID-card chip photo) by padding it first.

        Coordinates are returned in the original crop's pixels.
        """
        frame = to_frame(image)
        canvas, scale, left, top = portrait_canvas(frame, target, face_side)
        return [map_face_back(face, scale, left, top) for face in self._detector.detect(canvas)]

    def find_faces(self, image: ImageInput) -> list[Face]:
        """Detect for enrolment photos and ID cards, where tight crops are common.

        Images up to `PORTRAIT_MAX_SIDE` px are also detected on the portrait
        canvas, which places landmarks better on tight crops (measured in
        docs/face-engine.md): each face of the plain detection takes the
        canvas's landmarks when the two overlap (IoU >= 0.5) but keeps its own
        box and score (the mask and liveness crops were measured on plain
        boxes); the canvas's faces are used alone only when plain detection
        finds none. So the canvas never adds a face (an edge artefact or a
        cut-off bystander) to a photo that plain detection already read. Gate
        frames go through `detect`/`identify`, which never pad.
        """
        frame = to_frame(image)
        plain = self._detector.detect(frame)
        if max(frame.shape[:2]) > PORTRAIT_MAX_SIDE:
            return plain
        padded = self._detect_portrait_near(frame, plain)
        if not plain or not padded:
            return plain or padded
        refined: list[Face] = []
        for face in plain:
            best = max(padded, key=lambda other: face.box.iou(other.box))
            if face.box.iou(best.box) >= _PORTRAIT_MATCH_IOU:
                refined.append(Face(face.box, face.score, best.landmarks))
            else:
                refined.append(face)
        return refined

    def _detect_portrait_near(self, frame: Frame, plain: list[Face]) -> list[Face]:
        """Portrait-canvas detection, on the part of the canvas around `plain` faces.

        YuNet is fully convolutional: a window of the canvas that keeps a margin
        of one face size around the faces, with its corner on the 32-px anchor
        grid, gives the faces of the whole canvas at a fraction of the cost
        (enrolment throughput). Without plain faces the whole canvas is used.
        """
        canvas, scale, left, top = portrait_canvas(frame)
        if not plain:
            faces = self._detector.detect(canvas)
            return [map_face_back(face, scale, left, top) for face in faces]
        boxes = [face.box for face in plain]
        x0 = min(b.x for b in boxes) * scale + left
        y0 = min(b.y for b in boxes) * scale + top
        x1 = max(b.x + b.width for b in boxes) * scale + left
        y1 = max(b.y + b.height for b in boxes) * scale + top
        margin = max(max(b.width, b.height) for b in boxes) * scale
        height, width = canvas.shape[:2]
        wx0 = max(0, int((x0 - margin) // 32) * 32)
        wy0 = max(0, int((y0 - margin) // 32) * 32)
        wx1 = min(width, int(np.ceil(x1 + margin)))
        wy1 = min(height, int(np.ceil(y1 + margin)))
        window = np.ascontiguousarray(canvas[wy0:wy1, wx0:wx1])
        return [map_face_back(face, scale, left - wx0, top - wy0)
                for face in self._detector.detect(window)]

    def align(self, image: ImageInput, face: Face) -> Frame:
        """The 112x112 aligned crop of a face."""
        return align_face(to_frame(image), face)

    def quality(
        self, image: ImageInput, face: Face, config: QualityConfig | None = None
    ) -> QualityVerdict:
        """Quality verdict with reasons (gate limits unless `config` is given)."""
        frame = to_frame(image)
        return assess_quality(face, align_face(frame, face), config or self.config.quality)

    def liveness(self, image: ImageInput, face: Face) -> LivenessResult:
        """Liveness score and verdict, or status "unavailable" without the model."""
        if self._liveness is None:
            return LivenessResult(STATUS_UNAVAILABLE, reason="no liveness model installed")
        return self._liveness.check(to_frame(image), face.box)

    def mask(self, image: ImageInput, face: Face) -> MaskResult:
        """Mask verdict, or status "unavailable" without the model."""
        if self._mask is None:
            return MaskResult(STATUS_UNAVAILABLE, reason="no mask model installed")
        return self._mask.check(to_frame(image), face.box)

    def embed(self, image: ImageInput, face: Face) -> Embedding:
        """L2-normalised 128-d embedding of one face."""
        vectors = self._embedder.embed_aligned([align_face(to_frame(image), face)])
        return np.asarray(vectors[0], dtype=np.float32)

    def embed_many(self, items: Sequence[tuple[ImageInput, Face]]) -> npt.NDArray[np.float32]:
        """Embed several faces in one batch (enrolment, evaluation)."""
        crops = [align_face(to_frame(image), face) for image, face in items]
        return self._embedder.embed_aligned(crops)

    def embed_aligned(self, crops: Sequence[Frame]) -> npt.NDArray[np.float32]:
        """Embed crops that are already aligned to the 112x112 template."""
        return self._embedder.embed_aligned(crops)

    # -- the pipeline --------------------------------------------------------------

    def analyse_face(self, frame: Frame, face: Face, *, match: bool = True) -> FaceAnalysis:
        """Run every stage on one detected face of a frame."""
        aligned = align_face(frame, face)
        quality = assess_quality(face, aligned, self.config.quality)
        liveness = self.liveness(frame, face)
        mask = self.mask(frame, face)
        result: MatchResult | None = None
        if match:
            threshold = (
                self.config.masked_match_threshold if mask.masked else self.config.match_threshold
            )
            if self.config.gate_on_quality and not quality.ok:
                result = MatchResult(
                    "skipped", None, None, threshold, self.config.match_margin, (),
                    "poor quality: " + "; ".join(quality.reasons),
                )
            else:
                embedding = self._embedder.embed_aligned([aligned])[0]
                result = self.gallery.identify(
                    embedding, threshold, self.config.match_margin, self.config.top_k
                )
        return FaceAnalysis(face, quality, liveness, mask, result)

    def identify(self, image: ImageInput) -> list[FaceAnalysis]:
        """Every face in the frame with quality, liveness, mask and its 1:N match."""
        frame = to_frame(image)
        return [self.analyse_face(frame, face) for face in self._detector.detect(frame)]

    def identify_embedding(self, embedding: Embedding, *, masked: bool = False) -> MatchResult:
        """1:N match of an embedding computed elsewhere."""
        threshold = self.config.masked_match_threshold if masked else self.config.match_threshold
        return self.gallery.identify(
            embedding, threshold, self.config.match_margin, self.config.top_k
        )

    def verify_embeddings(
        self, first: Embedding, second: Embedding, *, masked: bool = False
    ) -> VerifyResult:
        """1:1 decision between two embeddings (cosine score and threshold)."""
        threshold = self.config.masked_match_threshold if masked else self.config.match_threshold
        score = float(np.dot(first, second))
        return VerifyResult(score >= threshold, score, threshold)

    def verify(self, first: ImageInput, second: ImageInput) -> VerifyResult:
        """1:1: is the largest face in `first` (e.g. an ID-card photo) the one in `second`?"""
        embeddings: list[Embedding] = []
        for name, image in (("first", first), ("second", second)):
            frame = to_frame(image)
            faces = self.find_faces(frame)
            if not faces:
                threshold = self.config.match_threshold
                return VerifyResult(False, 0.0, threshold, f"no face in the {name} image")
            largest = max(faces, key=lambda f: f.box.width * f.box.height)
            embeddings.append(self._embedder.embed_aligned([align_face(frame, largest)])[0])
        return self.verify_embeddings(embeddings[0], embeddings[1])

    def enrol(
        self, person_id: str, images: Sequence[ImageInput], *, replace: bool = False
    ) -> EnrolmentResult:
        """Enrol a person from photos and add them to the gallery at once (see `enrol.py`).

        With durable storage use `prepare_enrolment`, store, then `commit_enrolment`.
        """
        from .enrol import enrol_person  # local: enrol imports this module's types

        return enrol_person(self, person_id, images, replace=replace)

    def prepare_enrolment(self, person_id: str, images: Sequence[ImageInput]) -> EnrolmentResult:
        """Check and embed a person's photos without touching the gallery.

        The result carries the full-precision embeddings and quality scores to
        store; pass it to `commit_enrolment` once they are stored.
        """
        from .enrol import prepare_enrolment

        return prepare_enrolment(self, person_id, images)

    def prepare_enrolments(
        self,
        jobs: Sequence[tuple[str, Sequence[ImageInput]]],
        pending: Sequence[EnrolmentResult] = (),
    ) -> list[EnrolmentResult]:
        """Bulk `prepare_enrolment`: photos checked in parallel, embedded in batches.

        Duplicates are also looked for among earlier jobs and in `pending`
        (prepared results not committed yet).
        """
        from .enrol import prepare_enrolments

        return prepare_enrolments(self, jobs, pending=pending)

    def commit_enrolment(
        self, result: EnrolmentResult, *, replace: bool = False
    ) -> EnrolmentResult:
        """Add a prepared enrolment to the gallery; returns it marked `committed`."""
        from .enrol import commit_enrolment

        return commit_enrolment(self, result, replace=replace)

    def remove(self, person_id: str) -> bool:
        """Forget every embedding of a person (erasure on request)."""
        return self.gallery.remove(person_id)
