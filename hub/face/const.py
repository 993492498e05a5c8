"""Constants of the face engine: defaults, model pins and the alignment template."""

from __future__ import annotations

from typing import Final

# Environment variables the engine reads (never at import time).
ENV_MODEL_DIR: Final = "MENJIN_MODEL_DIR"
ENV_CACHE_DIR: Final = "MENJIN_CACHE_DIR"

# Model kinds, also the keys of `ModelSet`.
MODEL_DETECTOR: Final = "detector"
MODEL_RECOGNISER: Final = "recogniser"
MODEL_LIVENESS: Final = "liveness"
MODEL_MASK: Final = "mask"

# Status values shared by the optional checks.
STATUS_OK: Final = "ok"
STATUS_UNAVAILABLE: Final = "unavailable"

# Embedding size of SFace.
EMBEDDING_DIM: Final = 128

# The standard 5-point template (ArcFace/InsightFace) for a 112x112 aligned face:
# right eye, left eye, nose tip, right and left mouth corner (subject's view), the
# same order as YuNet's landmarks.
ARCFACE_TEMPLATE_112: Final = (
    (38.2946, 51.6963),
    (73.5318, 51.5014),
    (56.0252, 71.7366),
    (41.5493, 92.3655),
    (70.7299, 92.2041),
)
ALIGNED_SIZE: Final = 112

# Defaults chosen from the measurements in docs/face-engine.md.
DEFAULT_INTRA_OP_THREADS: Final = 2
DEFAULT_DET_INPUT_SIZE: Final = 640
DEFAULT_DET_SCORE_THRESHOLD: Final = 0.6
DEFAULT_DET_NMS_THRESHOLD: Final = 0.3
DEFAULT_DET_TOP_K: Final = 5000
DEFAULT_MATCH_THRESHOLD: Final = 0.45
DEFAULT_MASKED_MATCH_THRESHOLD: Final = 0.50
DEFAULT_MATCH_MARGIN: Final = 0.04
DEFAULT_LIVENESS_THRESHOLD: Final = 0.2
DEFAULT_MASK_THRESHOLD: Final = 0.5
DEFAULT_MASK_UNCERTAIN_BAND: Final = 0.15
# Crop the YuNet box at 0.9x for the mask classifier (measured best on faces/masks).
DEFAULT_MASK_CROP_SCALE: Final = 0.9

# Tight crops (ID-card chip photos, ORL and CASIA crops) are almost all face, so YuNet,
# trained on faces with surroundings, misses them or places the landmarks badly. Images
# whose longer side is at most PORTRAIT_MAX_SIDE are therefore detected on a portrait
# canvas: scaled so the longer side is PORTRAIT_FACE_SIDE and centred on a square
# PORTRAIT_CANVAS canvas with replicated edges (plain detection only if that finds
# nothing). Chosen on CASIA-FaceV5 persons 000-009 only; reported on 010-019, ORL,
# LFW and Yale (docs/face-engine.md).
PORTRAIT_MAX_SIDE: Final = 400
PORTRAIT_FACE_SIDE: Final = 160
PORTRAIT_CANVAS: Final = 400

# Images larger than this (from the header, before decoding) are refused.
DEFAULT_MAX_IMAGE_PIXELS: Final = 40_000_000
DEFAULT_MAX_IMAGE_SIDE: Final = 16_384
DEFAULT_MAX_FILE_BYTES: Final = 50_000_000
