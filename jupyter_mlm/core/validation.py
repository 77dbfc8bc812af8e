"""Checks on user input (keys, metric values, params) done at the call site."""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Mapping
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
    """Convert a metric value to float: ints, floats, numpy/JAX scalars, 0-d and one-element
    arrays and tensors (duck typed: torch, numpy and jax are never imported here).

    Each type is classified once and its converter cached in ``FLOAT_OF``: a later value of
    that type costs a dict lookup and the conversion. Arrays and tensors are read with
    ``.item()``, which for a tensor on a GPU copies it to the host (waiting for the device).
    """
    convert = FLOAT_OF.get(type(value)) or _converter(key, value)
    try:
        return convert(value)
    except Refused as refused:
        raise TypeError(f"metric {key!r} {refused}") from None


class Refused(TypeError):
    """Raised by a ``FLOAT_OF`` converter for a value that cannot be a metric; the message
    lacks the key (``metric_value`` adds it)."""


#: type -> its converter to float, filled on first sight by ``metric_value``; a converter
#: raises ``Refused`` for a value it cannot take (the logging hot path calls them directly)
FLOAT_OF: dict[type, Callable[[Any], float]] = {float: float, int: float}


def _converter(key: str, value: object) -> Callable[[Any], float]:
    """Classify a type not seen before: cache and return its converter, or raise the error
    naming ``key`` for a type that is never a number."""
    tp = type(value)
    if isinstance(value, (bool, str, bytes, list, tuple, dict, set)) or value is None:
        raise TypeError(f"metric {key!r} must be a real number, got {tp.__name__}: {_short(value)}")
    if isinstance(value, complex):
        raise TypeError(f"metric {key!r} must be a real number, got complex: {value!r}")
    convert: Callable[[Any], float] = _any
    if isinstance(value, (int, float)):  # numpy.float64, int and float subclasses
        convert = float
    elif _is_numpy_scalar(value):  # one dtype per type
        kind = value.dtype.kind  # type: ignore[attr-defined]
        if kind in "fiu":
            convert = float
        elif kind == "b":
            convert = _boolean
    elif all(hasattr(tp, name) for name in ("shape", "ndim", "item")):
        convert = _one_item  # ndarray, torch.Tensor, jax.Array: each value's shape is checked
    FLOAT_OF[tp] = convert
    return convert


def _is_numpy_scalar(value: object) -> bool:
    np = sys.modules.get("numpy")  # a numpy value means numpy is imported already
    return np is not None and isinstance(value, np.generic)


def _one_item(value: Any) -> float:
    """The element of a 0-d or shape (1,) array or tensor."""
    if value.ndim and tuple(value.shape) != (1,):
        raise Refused(f"must be a scalar, got {type(value).__name__} of shape {tuple(value.shape)}")
    item = value.item()
    return item if type(item) is float else _number(value, item)


def _number(value: object, item: object) -> float:
    """``item`` (read from ``value``) as a float; booleans, complex and text are refused."""
    if isinstance(item, bool):
        raise Refused(f"must be a real number, got a boolean {type(value).__name__}")
    if not isinstance(item, (complex, str, bytes)) and item is not None:
        try:
            return float(item)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            pass
    raise Refused(f"must be a real number, got {type(value).__name__}: {_short(value)}")


def _boolean(value: object) -> float:
    raise Refused(f"must be a real number, got a boolean {type(value).__name__}")


def _any(value: Any) -> float:
    """Any other type, checked value by value: a ``shape`` other than () or (1,) and a
    boolean ``dtype`` are refused; then ``.item()`` (when it has a shape) and ``float()``."""
    shape = getattr(value, "shape", None)
    if shape is not None and tuple(shape) not in ((), (1,)):
        raise Refused(f"must be a scalar, got {type(value).__name__} of shape {tuple(shape)}")
    dtype = getattr(value, "dtype", None)
    if dtype is not None and str(dtype).rpartition(".")[2] == "bool":  # numpy, torch.bool
        raise Refused(f"must be a real number, got a boolean {type(value).__name__}")
    item = getattr(value, "item", None)
    try:
        number = item() if shape is not None and item is not None else value
    except (TypeError, ValueError):
        raise Refused(
            f"must be a real number, got {type(value).__name__}: {_short(value)}"
        ) from None
    return number if type(number) is float else _number(value, number)


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
