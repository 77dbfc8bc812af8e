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
    """Convert a metric value to float, or raise naming ``key``: ints, floats, numpy and JAX
    scalars, arrays and tensors of one element (read with ``.item()``: for a tensor on a GPU
    that copies it to the host, waiting for the device). Booleans (``bool``, ``numpy.bool_``,
    boolean arrays and tensors), complex numbers and non-numbers are refused.

    Duck typed: torch, numpy and jax are never imported here. What a type needs is learnt on
    its first value (``AS_IS``, ``QUICK_FLOAT``), so later values skip the full check."""
    tp = type(value)
    if tp in AS_IS:
        return float(value)  # type: ignore[arg-type]
    try:
        number = QUICK_FLOAT[tp](value)
    except Exception:  # not seen yet, or not a plain number: the full check says why
        number = None
    return number if type(number) is float else _checked(key, value)


#: Types whose every value is a real number that ``Run.log`` appends to its ``array("d")`` as
#: it is: the array stores ``float()`` of it (float, int, numpy's float and int scalars).
#: Learnt by ``metric_value``.
AS_IS: set[type] = {float, int}

#: type -> a quick converter (``ndarray.item``, ``Tensor.item``...), learnt by ``metric_value``.
#: Only a float result is to be trusted: anything else, or an exception, means the value needs
#: the full check (``metric_value``), which also names the key in its error.
QUICK_FLOAT: dict[type, Callable[[Any], object]] = {}


def _checked(key: str, value: object) -> float:
    """The full check and conversion; learns how to take the type quickly when it passes."""
    tp = type(value)
    if isinstance(value, (bool, str, bytes, list, tuple, dict, set)) or value is None:
        raise TypeError(f"metric {key!r} must be a real number, got {tp.__name__}: {_short(value)}")
    if isinstance(value, complex):
        raise TypeError(f"metric {key!r} must be a real number, got complex: {value!r}")
    shape = getattr(value, "shape", None)
    if shape is not None and math.prod(shape) != 1:
        raise TypeError(
            f"metric {key!r} must be a scalar, got {tp.__name__} of shape {tuple(shape)}"
        )
    dtype = getattr(value, "dtype", None)
    if dtype is not None and str(dtype).rpartition(".")[2] == "bool":  # numpy, torch.bool
        raise TypeError(f"metric {key!r} must be a real number, got a boolean {tp.__name__}")
    item = getattr(value, "item", None)
    try:
        number = float(item() if shape is not None and item is not None else value)  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"metric {key!r} must be a real number, got {tp.__name__}: {_short(value)}"
        ) from exc
    if tp not in QUICK_FLOAT:
        _learn(value)
    return number


def _learn(value: object) -> None:
    """Remember how to take values of ``value``'s type (which passed the full check)."""
    tp = type(value)
    np = sys.modules.get("numpy")  # a numpy value means numpy is imported already
    if np is not None and isinstance(value, np.generic) and value.dtype.kind in "fiu":
        AS_IS.add(tp)
        QUICK_FLOAT[tp] = float
    elif isinstance(value, (int, float)):  # a subclass: its own __float__ may differ
        QUICK_FLOAT[tp] = float
    elif callable(getattr(tp, "item", None)) and hasattr(tp, "shape"):
        QUICK_FLOAT[tp] = tp.item  # type: ignore[attr-defined]  # ndarray, Tensor, jax.Array
    else:
        QUICK_FLOAT[tp] = _full_check  # no quick way: every value takes the full check


def _full_check(value: object) -> float:
    """``_checked`` for ``QUICK_FLOAT``: when it raises, ``metric_value`` names the key."""
    return _checked("", value)


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
