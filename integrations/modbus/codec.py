"""Register decoding: data types, byte and word order, scale and offset.

Kept free of I/O so it can be tested exhaustively (and fuzzed) on its own.
"""

from __future__ import annotations

import struct
from typing import Final

_FORMATS: Final = {
    "int16": ("h", 1), "uint16": ("H", 1),
    "int32": ("i", 2), "uint32": ("I", 2),
    "float32": ("f", 2),
}


def register_count(data_type: str) -> int:
    """How many 16-bit registers a value of `data_type` occupies."""
    return _FORMATS[data_type][1]


def _ordered(registers: list[int], byte_order: str, word_order: str) -> bytes:
    words = list(reversed(registers)) if word_order == "little" else list(registers)
    raw = b"".join(int(word & 0xFFFF).to_bytes(2, "big") for word in words)
    if byte_order == "little":
        raw = b"".join(raw[i : i + 2][::-1] for i in range(0, len(raw), 2))
    return raw


def decode(
    registers: list[int],
    data_type: str = "uint16",
    byte_order: str = "big",
    word_order: str = "big",
    scale: float = 1.0,
    offset: float = 0.0,
    precision: int | None = None,
) -> float | int:
    """Turn raw registers into a number: value * scale + offset, rounded if asked."""
    fmt, count = _FORMATS[data_type]
    if len(registers) != count:
        raise ValueError(f"{data_type} needs {count} registers, got {len(registers)}")
    value: float | int = struct.unpack(f">{fmt}", _ordered(registers, byte_order, word_order))[0]
    if scale != 1.0 or offset != 0.0:
        value = value * scale + offset
    if precision is not None:
        value = round(float(value), precision)
    elif isinstance(value, float) and value.is_integer() and data_type != "float32":
        value = int(value)
    return value


def encode(
    value: float | int, data_type: str = "uint16", byte_order: str = "big",
    word_order: str = "big", scale: float = 1.0, offset: float = 0.0,
) -> list[int]:
    """The inverse of `decode`: registers to write for a value."""
    fmt, _count = _FORMATS[data_type]
    raw_value: float | int = (value - offset) / scale
    if data_type != "float32":
        raw_value = round(raw_value)
    raw = struct.pack(f">{fmt}", raw_value)
    if byte_order == "little":
        raw = b"".join(raw[i : i + 2][::-1] for i in range(0, len(raw), 2))
    words = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
    return list(reversed(words)) if word_order == "little" else words
