"""A notebook's bytes as Jupyter writes them (``nbformat.write``: ``json.dumps`` with sorted keys,
indent 1, ``ensure_ascii=False``, then a newline), built so that a save can tell cheaply whether
the file on disk is in that form: long strings (images, big outputs) repeat from save to save,
so their JSON text is cached by value (hashing a string costs a tenth of escaping it)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from json.encoder import encode_basestring
from typing import Any

LONG = 4096  # strings at least this long are cached


class EncodedStrings:
    """Long strings → their JSON text, holding at most about ``max_bytes``."""

    def __init__(self, max_bytes: int = 64 << 20) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[str, str] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def encode(self, value: str) -> str:
        with self._lock:
            hit = self._items.get(value)
            if hit is not None:
                self._items.move_to_end(value)
                return hit
        text = encode_basestring(value)
        with self._lock:
            if value not in self._items:
                self._items[value] = text
                self._size += len(value) + len(text)
                while self._size > self.max_bytes and self._items:
                    old, old_text = self._items.popitem(last=False)
                    self._size -= len(old) + len(old_text)
        return text


def jupyter_bytes(nb: Any, strings: EncodedStrings | None = None) -> bytes:
    """``json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\\n"``, UTF-8."""

    def enc(value: str) -> str:
        if strings is not None and len(value) >= LONG:
            return strings.encode(value)
        return encode_basestring(value)

    out: list[str] = []
    _emit(nb, 0, out, enc)
    out.append("\n")
    return "".join(out).encode("utf-8", "surrogatepass")


def _emit(value: Any, level: int, out: list[str], enc: Any) -> None:
    if isinstance(value, str):
        out.append(enc(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = "\n" + " " * (level + 1)
        sep = "{" + inner
        for key in sorted(value):
            out.append(sep)
            out.append(enc(key))
            out.append(": ")
            _emit(value[key], level + 1, out, enc)
            sep = "," + inner
        out.append("\n" + " " * level + "}")
    elif isinstance(value, list):
        if not value:
            out.append("[]")
            return
        inner = "\n" + " " * (level + 1)
        sep = "[" + inner
        for item in value:
            out.append(sep)
            _emit(item, level + 1, out, enc)
            sep = "," + inner
        out.append("\n" + " " * level + "]")
    else:
        raise TypeError(f"not a JSON value: {type(value).__name__}")


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == float("-inf"):
        return "-Infinity"
    return float.__repr__(value)
