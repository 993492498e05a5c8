"""Safe decoding of untrusted images: every bad input gives a clear error, no crash."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from hub.face.errors import FrameError, ImageDecodeError
from hub.face.imageio import decode_image, ensure_bgr8, read_header, read_image


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(
        ">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def test_real_photos_decode_to_bgr8(faces_dir: Path) -> None:
    """ORL PGM (gray), Yale and CASIA PNG and LFW JPEG all become 8-bit BGR."""
    for path in (
        faces_dir / "orl" / "s1" / "1.pgm",
        faces_dir / "yale" / "subject01" / sorted(p.name for p in (
            faces_dir / "yale" / "subject01").iterdir())[0],
        faces_dir / "casia5" / "000" / "000_0.png",
        next((faces_dir / "lfw").glob("*/*.jpg")),
    ):
        image = read_image(path)
        assert image.dtype == np.uint8 and image.ndim == 3 and image.shape[2] == 3


def test_empty_file_is_refused() -> None:
    with pytest.raises(ImageDecodeError, match="empty"):
        decode_image(b"")


def test_non_image_is_refused() -> None:
    with pytest.raises(ImageDecodeError, match="not an image"):
        decode_image(b"%PDF-1.7 this is not a photo")


def test_truncated_jpeg_is_refused(faces_dir: Path) -> None:
    data = next((faces_dir / "lfw").glob("*/*.jpg")).read_bytes()
    with pytest.raises(ImageDecodeError, match="truncated"):
        decode_image(data[: len(data) // 2])


def test_truncated_png_is_refused(faces_dir: Path) -> None:
    data = (faces_dir / "casia5" / "000" / "000_0.png").read_bytes()
    with pytest.raises(ImageDecodeError, match="truncated"):
        decode_image(data[: len(data) // 2])


def test_decompression_bomb_refused_from_header() -> None:
    """A 100,000 x 100,000 PNG header is refused before any pixel is decoded."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    data = (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + _png_chunk(b"IEND", b""))
    assert read_header(data).width == 100_000
    with pytest.raises(ImageDecodeError, match="decompression bomb"):
        decode_image(data)


def test_grayscale_and_16_bit_become_bgr8() -> None:
    gray16 = (np.arange(64 * 48, dtype=np.uint16).reshape(48, 64) * 20)
    ok, encoded = cv2.imencode(".png", gray16)
    assert ok
    image = decode_image(encoded.tobytes())
    assert image.shape == (48, 64, 3) and image.dtype == np.uint8
    assert image[..., 0].max() == (gray16 >> 8).max()


def test_exif_orientation_is_honoured() -> None:
    """A landscape JPEG tagged "rotate 90" decodes as portrait."""
    picture = np.zeros((40, 80, 3), np.uint8)
    picture[:, :40] = 255
    ok, encoded = cv2.imencode(".jpg", picture)
    assert ok
    # Minimal EXIF APP1 segment: big-endian TIFF, one IFD entry Orientation=6.
    tiff = b"MM\x00*\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(
        ">HHIHH", 0x0112, 3, 1, 6, 0) + b"\x00\x00\x00\x00"
    app1 = b"Exif\x00\x00" + tiff
    segment = b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
    data = encoded.tobytes()
    rotated = decode_image(data[:2] + segment + data[2:])
    assert rotated.shape[:2] == (80, 40)


def test_silentface_samples_decode(faces_dir: Path) -> None:
    for name in ("image_T1.jpg", "image_F1.jpg", "image_F2.jpg"):
        assert read_image(faces_dir / "liveness" / "silentface" / name).ndim == 3


def test_ensure_bgr8_converts_frames() -> None:
    assert ensure_bgr8(np.zeros((4, 5), np.uint8)).shape == (4, 5, 3)
    assert ensure_bgr8(np.zeros((4, 5, 4), np.uint8)).shape == (4, 5, 3)
    assert ensure_bgr8(np.full((4, 5, 3), 65535, np.uint16)).max() == 255
    with pytest.raises(FrameError):
        ensure_bgr8(np.zeros((4, 5, 3), np.float32))
    with pytest.raises(FrameError):
        ensure_bgr8(np.zeros((0, 0, 3), np.uint8))


def test_unreadable_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ImageDecodeError, match="Cannot read"):
        read_image(tmp_path / "missing.jpg")
