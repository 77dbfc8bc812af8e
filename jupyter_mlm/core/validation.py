"""Checks on user input (keys, metric values, params) done at the call site."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any

MAX_KEY_LENGTH = 250
MAX_PARAM_BYTES = 64 * 1024
MAX_TAG_BYTES = 64 * 1024
RUN_STATUSES = ("running", "finished", "failed", "crashed", "killed")
END_STATUSES = ("finished", "failed", "crashed", "killed")


def check_key(key: object, what: str = "metric") -> str:
    """Return ``key`` if it is a usable name; raise naming the problem otherwise."""
    if not isinstance(key, str):
        raise TypeError(f"{what} key must be a str, got {type(key).__name__}: {key!r}")
    if not key:
        raise ValueError(f"{what} key must not be empty")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(
            f"{what} key is {len(key)} characters long; the limit is {MAX_KEY_LENGTH}: {key[:40]!r}…"
        )
    if not key.isprintable():
        raise ValueError(f"{what} key must not contain control characters: {key!r}")
    return key


def metric_value(key: str, value: object) -> float:
    """Convert a metric value to float: ints, floats, numpy scalars, 0-d arrays, tensors.

    A GPU tensor is copied to the host by ``float()``, which synchronises the device.
    """
    tp = type(value)
    if tp is float:
        return value  # type: ignore[return-value]
    if tp is int:
        return float(value)  # type: ignore[arg-type]
    if isinstance(value, (bool, str, bytes, list, tuple, dict, set)) or value is None:
        raise TypeError(f"metric {key!r} must be a real number, got {tp.__name__}: {_short(value)}")
    if isinstance(value, complex):
        raise TypeError(f"metric {key!r} must be a real number, got complex: {value!r}")
    shape = getattr(value, "shape", None)
    if shape is not None and tuple(shape) not in ((), (1,)):
        raise TypeError(
            f"metric {key!r} must be a scalar, got {tp.__name__} of shape {tuple(shape)}"
        )
    if getattr(value, "dtype", None) is not None and str(value.dtype) == "bool":  # type: ignore[attr-defined]
        raise TypeError(f"metric {key!r} must be a real number, got a boolean {tp.__name__}")
    try:
        item = getattr(value, "item", None)
        return float(item() if shape is not None and item is not None else value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"metric {key!r} must be a real number, got {tp.__name__}: {_short(value)}"
        ) from exc


def param_json(key: str, value: Any) -> str:
    """Serialise one param value to canonical JSON (≤ 64 KB); raise naming the key if we cannot."""
    try:
        text = json.dumps(_plain(value), sort_keys=True, allow_nan=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"param {key!r} must be JSON-serialisable, got {type(value).__name__}: {exc}"
        ) from exc
    if len(text.encode()) > MAX_PARAM_BYTES:
        raise ValueError(
            f"param {key!r} is {len(text.encode())} bytes as JSON; the limit is {MAX_PARAM_BYTES}"
        )
    return text


def param_number(value: Any) -> float | None:
    """The numeric value of a param for range filters, or None when it is not a number."""
    value = _plain(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def tag_value(key: str, value: object) -> str:
    """Tags are short strings; numbers and bools are converted, anything else is refused."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (int, float, bool)):
        text = str(value)
    else:
        raise TypeError(f"tag {key!r} must be a str, number or bool, got {type(value).__name__}")
    if len(text.encode()) > MAX_TAG_BYTES:
        raise ValueError(f"tag {key!r} is longer than {MAX_TAG_BYTES} bytes")
    return text


def check_mapping(obj: object, what: str) -> Mapping[str, Any]:
    if obj is None:
        return {}
    if not isinstance(obj, Mapping):
        raise TypeError(f"{what} must be a dict, got {type(obj).__name__}")
    return obj


def check_status(status: str) -> str:
    if status not in RUN_STATUSES:
        raise ValueError(
            f"unknown run status {status!r}; expected one of {', '.join(RUN_STATUSES)}"
        )
    return status


def _plain(value: Any) -> Any:
    """numpy scalars/arrays → Python objects so json can take them."""
    item = getattr(value, "item", None)
    if item is not None and getattr(value, "shape", None) == ():
        return item()
    tolist = getattr(value, "tolist", None)
    if tolist is not None and type(value).__module__.startswith("numpy"):
        return tolist()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
