"""Images to PNG bytes: matplotlib figures, PIL images and numpy arrays (no Pillow needed)."""

from __future__ import annotations

import struct
import zlib
from typing import Any


def to_png(image: Any) -> tuple[bytes, tuple[int, int]]:
    """PNG bytes and (width, height) of a figure, a PIL image, an array or PNG bytes."""
    if isinstance(image, (bytes, bytearray)):
        data = bytes(image)
    elif hasattr(image, "savefig"):  # matplotlib Figure
        import io

        buf = io.BytesIO()
        image.savefig(buf, format="png", bbox_inches="tight")
        data = buf.getvalue()
    elif hasattr(image, "save") and hasattr(image, "mode"):  # PIL.Image
        import io

        buf = io.BytesIO()
        image.save(buf, format="PNG")
        data = buf.getvalue()
    elif hasattr(image, "shape") and hasattr(image, "dtype"):
        data = _array_png(image)
    else:
        raise TypeError(
            f"cannot log a {type(image).__name__} as an image: pass a matplotlib figure, a PIL "
            "image, a numpy array (H×W, H×W×3 or H×W×4) or PNG bytes"
        )
    return data, png_size(data)


def png_size(data: bytes) -> tuple[int, int]:
    if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        raise ValueError("not PNG data")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _array_png(arr: Any) -> bytes:
    import numpy as np

    a = np.asarray(arr)
    if a.ndim == 3 and a.shape[2] == 1:
        a = a[:, :, 0]
    if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)) or 0 in a.shape:
        raise ValueError(f"an image array must be H×W, H×W×3 or H×W×4, got shape {a.shape}")
    if a.dtype == np.bool_:
        a = a.astype(np.uint8) * 255
    elif np.issubdtype(a.dtype, np.floating):
        if not np.isfinite(a).all():
            raise ValueError("an image array must not contain NaN or inf")
        if a.min() < 0 or a.max() > 1:
            raise ValueError("a float image array must hold values in [0, 1]")
        a = np.round(a * 255).astype(np.uint8)
    elif a.dtype != np.uint8:
        if a.min() < 0 or a.max() > 255:
            raise ValueError(f"an integer image array must hold values in 0..255, dtype {a.dtype}")
        a = a.astype(np.uint8)
    height, width = a.shape[:2]
    color = {2: 0, 3: 2, 4: 6}[a.ndim if a.ndim == 2 else a.shape[2]]
    raw = np.concatenate([np.zeros((height, 1), np.uint8), a.reshape(height, -1)], axis=1)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", ihdr)
        + _chunk(b"IDAT", zlib.compress(raw.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
