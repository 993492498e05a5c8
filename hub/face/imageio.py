"""Safe image decoding: refuse empty, truncated, oversized or non-image input.

Image bytes at a gate come from cameras, uploads and ID-card readers, so they
are untrusted. The size is read from the header *before* decoding, so a small
file that claims to be 100,000 x 100,000 pixels (a decompression bomb) is
refused without allocating gigabytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import numpy.typing as npt

from .const import DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_IMAGE_PIXELS, DEFAULT_MAX_IMAGE_SIDE
from .errors import FrameError, ImageDecodeError

Frame = npt.NDArray[np.uint8]


@dataclass(frozen=True, slots=True)
class ImageHeader:
    """Format and size read from the first bytes of an image file."""

    format: str
    width: int
    height: int


def read_header(data: bytes) -> ImageHeader:
    """Return the format and size of an image without decoding its pixels."""
    if not data:
        raise ImageDecodeError("The image is empty (0 bytes); send a JPEG or PNG photo.")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return _png_header(data)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_header(data)
    if data[:2] in (b"P2", b"P5", b"P3", b"P6"):
        return _pnm_header(data)
    if data.startswith(b"BM"):
        return _bmp_header(data)
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return _need(data, 10, "GIF", lambda: struct.unpack("<HH", data[6:10]))
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return _webp_header(data)
    raise ImageDecodeError(
        "The file is not an image this engine reads (expected JPEG, PNG, BMP, PGM/PPM, "
        "GIF or WebP)."
    )


def _need(data: bytes, size: int, fmt: str, parse: object) -> ImageHeader:
    if len(data) < size:
        raise ImageDecodeError(f"The {fmt} file is truncated before its header ends.")
    width, height = parse()  # type: ignore[operator]
    return ImageHeader(fmt, int(width), int(height))


def _png_header(data: bytes) -> ImageHeader:
    if len(data) < 33 or data[12:16] != b"IHDR":
        raise ImageDecodeError("The PNG file is truncated or damaged (no IHDR chunk).")
    width, height = struct.unpack(">II", data[16:24])
    if data.rfind(b"IEND") < 33:
        raise ImageDecodeError("The PNG file is truncated (no IEND chunk); re-send the photo.")
    return ImageHeader("PNG", width, height)


def _jpeg_header(data: bytes) -> ImageHeader:
    pos = 2
    size: tuple[int, int] | None = None
    length = len(data)
    while pos + 4 <= length:
        if data[pos] != 0xFF:
            raise ImageDecodeError("The JPEG file is damaged (bad marker); re-send the photo.")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        seg_len = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        is_sof = 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC)
        if is_sof:
            if pos + 9 > length:
                break
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            size = (width, height)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            if size is None:
                break
            if data.rfind(b"\xff\xd9") <= pos:
                raise ImageDecodeError(
                    "The JPEG file is truncated (no end-of-image marker); re-send the photo."
                )
            return ImageHeader("JPEG", size[0], size[1])
        pos += 2 + seg_len
    raise ImageDecodeError("The JPEG file is truncated or damaged before its image data.")


def _pnm_header(data: bytes) -> ImageHeader:
    tokens: list[bytes] = []
    for line in data[:512].split(b"\n"):
        line = line.split(b"#", 1)[0]
        tokens.extend(line.split())
        if len(tokens) >= 3:
            break
    try:
        width, height = int(tokens[1]), int(tokens[2])
    except (IndexError, ValueError):
        raise ImageDecodeError("The PGM/PPM file has a damaged header.") from None
    return ImageHeader("PNM", width, height)


def _bmp_header(data: bytes) -> ImageHeader:
    if len(data) < 26:
        raise ImageDecodeError("The BMP file is truncated before its header ends.")
    width, height = struct.unpack("<ii", data[18:26])
    return ImageHeader("BMP", abs(width), abs(height))


def _webp_header(data: bytes) -> ImageHeader:
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        width = 1 + int.from_bytes(data[24:27], "little")
        height = 1 + int.from_bytes(data[27:30], "little")
        return ImageHeader("WebP", width, height)
    if chunk == b"VP8 " and len(data) >= 30:
        width, height = struct.unpack("<HH", data[26:30])
        return ImageHeader("WebP", width & 0x3FFF, height & 0x3FFF)
    if chunk == b"VP8L" and len(data) >= 25:
        bits = int.from_bytes(data[21:25], "little")
        return ImageHeader("WebP", (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1)
    raise ImageDecodeError("The WebP file is truncated or damaged.")


def decode_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_IMAGE_PIXELS,
    max_side: int = DEFAULT_MAX_IMAGE_SIDE,
    max_bytes: int = DEFAULT_MAX_FILE_BYTES,
) -> Frame:
    """Decode untrusted image bytes into an 8-bit BGR frame, honouring EXIF orientation.

    Grayscale and 16-bit images are converted to 8-bit BGR, because every model
    in the pipeline expects that.
    """
    if len(data) > max_bytes:
        raise ImageDecodeError(
            f"The image file is {len(data):,} bytes, above the {max_bytes:,}-byte limit; "
            "send a smaller photo."
        )
    header = read_header(data)
    if header.width <= 0 or header.height <= 0:
        raise ImageDecodeError("The image header gives a zero size; the file is damaged.")
    if (
        header.width > max_side
        or header.height > max_side
        or header.width * header.height > max_pixels
    ):
        raise ImageDecodeError(
            f"The image claims {header.width}x{header.height} pixels, above the limit of "
            f"{max_pixels:,} pixels ({max_side} per side); it may be a decompression bomb. "
            "Resize the photo before sending it."
        )
    buffer = np.frombuffer(data, dtype=np.uint8)
    # IMREAD_COLOR applies EXIF orientation and reduces 16-bit and gray to 8-bit BGR.
    image = cv2.imdecode(buffer, cv2.IMREAD_COLOR)
    if image is None or image.size == 0:
        raise ImageDecodeError(
            f"The {header.format} image could not be decoded (damaged or truncated)."
        )
    return np.ascontiguousarray(image, dtype=np.uint8)


def read_image(path: str | Path, **limits: int) -> Frame:
    """Read and safely decode an image file from disk."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ImageDecodeError(f"Cannot read image file {path}: {err.strerror}.") from err
    return decode_image(data, **limits)


def ensure_bgr8(frame: npt.NDArray[np.generic]) -> Frame:
    """Convert a camera frame array into contiguous 8-bit, 3-channel BGR."""
    if not isinstance(frame, np.ndarray) or frame.size == 0:
        raise FrameError("The frame is empty; expected an HxWx3 BGR image array.")
    if frame.dtype == np.uint16:
        array: Frame = (frame.astype(np.uint16) >> 8).astype(np.uint8)
    elif frame.dtype == np.uint8:
        array = frame.astype(np.uint8, copy=False)
    else:
        raise FrameError(
            f"Frames must be 8- or 16-bit integers, got {frame.dtype}; convert before calling."
        )
    if array.ndim == 2:
        return np.ascontiguousarray(cv2.cvtColor(array, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if array.ndim == 3 and array.shape[2] == 1:
        return np.ascontiguousarray(cv2.cvtColor(array, cv2.COLOR_GRAY2BGR), dtype=np.uint8)
    if array.ndim == 3 and array.shape[2] == 4:
        return np.ascontiguousarray(cv2.cvtColor(array, cv2.COLOR_BGRA2BGR), dtype=np.uint8)
    if array.ndim == 3 and array.shape[2] == 3:
        return np.ascontiguousarray(array, dtype=np.uint8)
    raise FrameError(f"Frames must be HxW or HxWx3, got shape {array.shape}.")
