"""Errors of the face engine; each message says what the user can do about it."""

from __future__ import annotations


class FaceEngineError(Exception):
    """Base class of every error the face engine raises on purpose."""


class ModelNotFoundError(FaceEngineError):
    """A required model file could not be found in any source."""


class ModelIntegrityError(FaceEngineError):
    """A model file exists but is not one of the pinned, known-good files."""


class ModelLoadError(FaceEngineError):
    """onnxruntime refused a model file (corrupt, or not the expected network)."""


class ImageDecodeError(FaceEngineError):
    """An image could not be decoded safely (empty, truncated, too large, not an image)."""


class FrameError(FaceEngineError):
    """A frame array has a shape or dtype the engine cannot use."""
