"""What the sampler could not do. ``Notices`` keeps each notice once, in order (for the runs'
context), and says it once as a warning (shown in the notebook); ``Guard`` reads a metric and,
when the reading fails, leaves that metric out with a notice instead of raising."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Notices:
    """One line per thing the sampler could not do, each warned once per process."""

    def __init__(self, warn: bool = True) -> None:
        self._lines: list[str] = []
        self._lock = threading.Lock()
        self._warn = warn

    def add(self, text: str) -> None:
        with self._lock:
            if text in self._lines:
                return
            self._lines.append(text)
        if self._warn:
            warnings.warn(f"jupyter-mlm: {text}", RuntimeWarning, stacklevel=2)

    def lines(self) -> list[str]:
        with self._lock:
            return list(self._lines)

    def __len__(self) -> int:
        return len(self._lines)


def explain(error: BaseException) -> str:
    """``TypeName: message`` of an error, for a notice."""
    text = str(error).strip()
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


class Guard:
    """Reads metrics so that one failing reading never stops the others.

    A reading that raises counts a strike against its metric; ``strikes(error)`` says after
    how many consecutive strikes the metric is left out for good (default: the first), with
    a notice ``"<keys> not sampled: <why>"``. Dropped metrics are never read again."""

    def __init__(
        self,
        notices: Notices,
        strikes: Callable[[BaseException], int] | None = None,
        why: Callable[[BaseException], str] = explain,
    ) -> None:
        self._notices = notices
        self._strikes = strikes
        self._why = why
        self._failed: dict[tuple[str, ...], int] = {}
        self.dropped: set[str] = set()

    def read(self, keys: tuple[str, ...], fn: Callable[[], T]) -> T | None:
        """``fn()``, or None when it raises or ``keys`` were dropped before."""
        if keys[0] in self.dropped:
            return None
        try:
            value = fn()
        except Exception as error:
            count = self._failed.get(keys, 0) + 1
            limit = self._strikes(error) if self._strikes is not None else 1
            if count < limit:
                self._failed[keys] = count
                return None
            self._failed.pop(keys, None)
            self.drop(keys, self._why(error) + ("" if limit == 1 else f", {count} times in a row"))
            return None
        if keys in self._failed:
            del self._failed[keys]
        return value

    def drop(self, keys: tuple[str, ...], why: str) -> None:
        """Leave ``keys`` out from now on, with a notice saying ``why``."""
        self.dropped.update(keys)
        self._notices.add(f"{' and '.join(keys)} not sampled: {why}")
