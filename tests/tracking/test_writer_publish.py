"""The writer publishes what it stored to in-process subscribers: exactly the stored points, in
order, journaled ones when replayed; a subscriber that raises is dropped, never the points."""

from __future__ import annotations

import logging
import threading
import time

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import StoreError, WriterError
from jupyter_mlm.core.series import SeriesChunk


@pytest.fixture(autouse=True)
def _metrics_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLM_CAPTURE", "0")  # only the metric path is under test here


class Got(list):
    """A subscriber: records each publication (a tuple of chunks) and the thread it ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: list[str] = []

    def __call__(self, chunks: tuple[SeriesChunk, ...]) -> None:
        self.threads.append(threading.current_thread().name)
        self.append(chunks)

    def series(self, key: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(steps, values, times) of ``key``, the published chunks end to end."""
        chunks = [c for published in self for c in published if c.key == key]
        return (
            np.frombuffer(b"".join(c.steps for c in chunks), "<i8"),
            np.frombuffer(b"".join(c.values for c in chunks), "<f8"),
            np.frombuffer(b"".join(c.times for c in chunks), "<f8"),
        )


def assert_same_as_stored(got: Got, store, run_id: str, keys: list[str]) -> None:
    for key in keys:
        for published, stored in zip(
            got.series(key), store.metrics.history(run_id, key), strict=True
        ):
            assert published.tolist() == stored.tolist(), key


def test_subscribers_get_exactly_the_stored_points_in_order_across_flushes(tracking) -> None:
    run = mlm.start_run("publish")
    other = mlm.start_run("other")
    got = Got()
    run._writer.subscribe(run.run_id, got)
    for i in range(100):
        run.log(loss=1 / (i + 1), acc=i / 100)
        other.log(loss=float(i))
        if i % 30 == 29:
            run.flush()
    run.log({"lr": 0.1}, step=1_000)  # an explicit step
    run.log(lr=0.05)
    run._writer.flush_interval = 0.05  # and once by the writer thread itself
    run._writer.wake()
    deadline = time.monotonic() + 10
    while "jupyter-mlm-writer" not in got.threads and time.monotonic() < deadline:
        time.sleep(0.02)
    run.log(loss=0.0)
    run.finish()
    other.finish()
    assert "jupyter-mlm-writer" in got.threads
    assert len(got) >= 4  # several flushes, each published once
    assert {c.run_id for published in got for c in published} == {run.run_id}
    assert_same_as_stored(got, tracking, run.run_id, ["loss", "acc", "lr"])
    assert got.series("lr")[0].tolist() == [1_000, 1_001]
    assert got.series("loss")[1][-1] == 0.0 and len(got.series("loss")[1]) == 101


def test_an_unsubscribed_callback_gets_nothing_more(tracking) -> None:
    run = mlm.start_run("unsubscribe")
    first, second = Got(), Got()
    stop_first = run._writer.subscribe(run.run_id, first)
    run._writer.subscribe(run.run_id, second)
    twice = run._writer.subscribe(run.run_id, second)  # the same callback again: its own entry
    run.log(loss=1.0)
    run.flush()
    stop_first()
    stop_first()  # a second call changes nothing
    twice()
    run.log(loss=2.0)
    run.finish()
    assert first.series("loss")[1].tolist() == [1.0]
    assert second.series("loss")[1].tolist() == [1.0, 1.0, 2.0]  # twice, then once


def test_a_raising_callback_is_dropped_without_stopping_the_writer_or_losing_points(
    tracking, caplog: pytest.LogCaptureFixture
) -> None:
    run = mlm.start_run("raising")
    calls = []

    def broken(chunks: tuple[SeriesChunk, ...]) -> None:
        calls.append(chunks)
        raise RuntimeError("subscriber bug")

    got = Got()
    run._writer.subscribe(run.run_id, broken)
    run._writer.subscribe(run.run_id, got)
    with caplog.at_level(logging.ERROR, logger="jupyter_mlm.tracking.writer"):
        for i in range(50):
            run.log(loss=float(i))
        assert run._writer.flush([run]) is True
    assert "subscriber bug" in caplog.text and "unsubscribed" in caplog.text
    for i in range(50, 100):
        run.log(loss=float(i))  # no WriterError: the writer is fine
    run.finish()
    assert len(calls) == 1
    assert got.series("loss")[1].tolist() == [float(i) for i in range(100)]
    assert tracking.metrics.history(run.run_id, "loss")[1].tolist() == [
        float(i) for i in range(100)
    ]
    assert run._writer.journal.pending() == []


def test_journaled_points_are_published_when_replayed(tracking, monkeypatch) -> None:
    run = mlm.start_run("outage")
    writer = run._writer
    got = Got()
    writer.subscribe(run.run_id, got)
    for i in range(10):
        run.log(loss=float(i))
    run.flush()

    def down(*args: object, **kwargs: object) -> bool:
        raise StoreError("the database is down")

    with monkeypatch.context() as patch:
        patch.setattr(writer.store.metrics, "write", down)
        for i in range(10, 20):
            run.log(loss=float(i))
        with pytest.warns(RuntimeWarning, match="could not write metrics"):
            assert writer.flush([run]) is False
    assert len(writer.journal.pending(own_only=True)) == 1
    assert got.series("loss")[1].tolist() == [float(i) for i in range(10)]  # not stored yet
    with pytest.raises(WriterError):
        run.log(loss=-1.0)  # the outage is reported once (this point is refused)
    for i in range(20, 30):
        run.log(loss=float(i))
    with pytest.warns(RuntimeWarning, match="writable again"):
        run.finish()
    assert writer.journal.pending() == []
    assert got.series("loss")[1].tolist() == [float(i) for i in range(30)]
    assert_same_as_stored(got, tracking, run.run_id, ["loss"])


def test_hold_keeps_flushes_out_until_it_ends(tracking) -> None:
    run = mlm.start_run("hold")
    run.log(loss=1.0)
    flushed = threading.Event()

    def flush() -> None:
        run.flush()
        flushed.set()

    with run._writer.hold():
        before = tracking.runs.get(run.run_id).metrics
        threading.Thread(target=flush).start()
        assert not flushed.wait(0.3)
        assert tracking.runs.get(run.run_id).metrics == before == {}
    assert flushed.wait(10)
    assert tracking.runs.get(run.run_id).metrics["loss"].count == 1
    run.finish()


def test_unsubscribing_waits_for_a_publication_in_progress(tracking) -> None:
    run = mlm.start_run("in-flight")
    inside, release, stopped = threading.Event(), threading.Event(), threading.Event()

    def slow(chunks: tuple[SeriesChunk, ...]) -> None:
        inside.set()
        release.wait(10)

    stop = run._writer.subscribe(run.run_id, slow)
    run.log(loss=1.0)
    flushing = threading.Thread(target=run.flush)
    flushing.start()
    assert inside.wait(10)
    threading.Thread(target=lambda: (stop(), stopped.set())).start()
    assert not stopped.wait(0.3)  # the callback is still running
    release.set()
    assert stopped.wait(10)
    flushing.join(10)
    run.finish()
