"""Checks on request input (ids, numbers, choices, JSON bodies); each raises ValueError naming
the parameter and what it accepts, which the handlers answer with a 400."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

HEX32 = re.compile(r"^[0-9a-f]{32}$")
MAX_BODY = 1 << 20
MAX_TEXT = 10_000
MAX_NAME = 255
# Query parameters are bounded so that any request fits Tornado's 64 KB request line, even when
# every character is percent-encoded 4-byte UTF-8.
MAX_PATH = 1024
MAX_FILTER = 2000
MAX_ORDER = 500
MAX_GROUP_BY = 1000
COMMENT_TARGETS = ("run", "checkpoint", "model", "experiment")
MODEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@+/-]{0,63}$")


def hex_id(value: Any, what: str) -> str:
    """A run, checkpoint, experiment or comment id: 32 lowercase hex digits."""
    if not isinstance(value, str) or not HEX32.match(value):
        raise ValueError(f"not a {what} id: {_show(value)} (32 hex digits expected)")
    return value


def target_id(kind: str, value: Any) -> str:
    """The id of what a comment is about: a hex id, or a model name."""
    if kind == "model":
        if not isinstance(value, str) or not MODEL_ID.match(value):
            raise ValueError(
                f"not a model id: {_show(value)} (letters, digits and ._:@+/- up to 64 characters)"
            )
        return value
    return hex_id(value, kind)


def integer(text: str | None, name: str, low: int, high: int, default: int) -> int:
    """An integer query parameter within [low, high]."""
    if text is None or text == "":
        return default
    if not re.fullmatch(r"[0-9]{1,10}", text):
        raise ValueError(f"{name} must be a whole number from {low} to {high}, got {_show(text)}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{name} must be from {low} to {high}, got {value}")
    return value


def choice(text: str | None, name: str, choices: Sequence[str], default: str | None) -> str | None:
    if text is None or text == "":
        return default
    if text not in choices:
        raise ValueError(f"{name} must be one of {', '.join(choices)}; got {_show(text)}")
    return text


def text(
    value: Any, name: str, max_length: int = MAX_NAME, *, required: bool = False
) -> str | None:
    """A printable string (None when absent and not required)."""
    if value is None or value == "":
        if required:
            raise ValueError(f"{name} is required")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string, got {type(value).__name__}")
    if len(value) > max_length:
        raise ValueError(f"{name} is longer than {max_length} characters")
    if "\0" in value:
        raise ValueError(f"{name} must not contain NUL characters")
    return value


def required(value: Any, name: str, max_length: int = MAX_NAME) -> str:
    """A printable string that must be given."""
    found = text(value, name, max_length, required=True)
    assert found is not None
    return found


def json_object(body: bytes, allowed: Sequence[str]) -> dict[str, Any]:
    """A request body: a JSON object (empty body: ``{}``) with only the ``allowed`` keys."""
    if len(body) > MAX_BODY:
        raise ValueError(f"the request body is larger than {MAX_BODY} bytes")
    if not body.strip():
        return {}
    try:
        found = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"the request body is not valid JSON: {err}") from err
    if not isinstance(found, dict):
        raise ValueError(f"the request body must be a JSON object, got {type(found).__name__}")
    unknown = sorted(set(found) - set(allowed))
    if unknown:
        raise ValueError(
            f"unknown field(s) {', '.join(map(repr, unknown))}; accepted: {', '.join(allowed)}"
        )
    return found


def next_offset(offset: int, count: int, total: int) -> int | None:
    """Where the next page starts, None after the last."""
    end = offset + count
    return end if count and end < total else None


def _show(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 80 else shown[:77] + "..."
