"""Notices are said once (a warning) and kept in order; the guard leaves out a failing metric
after its strikes, and never reads it again."""

from __future__ import annotations

import warnings

from jupyter_mlm.system.notices import Guard, Notices


def test_a_notice_is_warned_once_and_kept_in_order():
    notices = Notices()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        notices.add("first")
        notices.add("second")
        notices.add("first")
    assert [(w.category, str(w.message)) for w in caught] == [
        (RuntimeWarning, "jupyter-mlm: first"),
        (RuntimeWarning, "jupyter-mlm: second"),
    ]
    assert notices.lines() == ["first", "second"] and len(notices) == 2


def test_the_guard_drops_after_the_strikes_and_stops_reading():
    notices = Notices(warn=False)
    guard = Guard(notices, strikes=lambda e: 2)
    calls = []

    def failing():
        calls.append(1)
        raise OSError("nope")

    assert guard.read(("sys/a",), failing) is None
    assert guard.read(("sys/a",), lambda: 1.0) == 1.0  # a success resets the count
    assert guard.read(("sys/a",), failing) is None
    assert guard.read(("sys/a",), failing) is None  # second strike in a row: dropped
    assert guard.read(("sys/a",), lambda: 1.0) is None
    assert len(calls) == 3
    assert notices.lines() == ["sys/a not sampled: OSError: nope, 2 times in a row"]
    assert guard.dropped == {"sys/a"}
