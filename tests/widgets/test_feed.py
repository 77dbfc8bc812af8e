"""live(run): a run of this process is read from the store once, then followed through the
writer's publications (each point sent once); at its end the chart sends a snapshot, and a
view that connects mid-run gets every point so far."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.widgets import LiveChart, live
from jupyter_mlm.widgets.feed import _Feeder


def test_each_poll_sends_only_what_was_stored_since(tracking, sent) -> None:
    run = mlm.start_run("feed")
    chart = LiveChart()  # a run id's chart and baselines are fed this way, from the store
    feeder = _Feeder(chart, run._store, run._info, None)
    for i in range(3):
        run.log(loss=1 / (i + 1), acc=i / 10)
    run.flush()
    feeder.poll()
    time.sleep(chart.min_interval)
    run.log(loss=0.1)
    run.flush()
    feeder.poll()
    assert sent.points(f"{run.run_id}:loss") == 4 and sent.points(f"{run.run_id}:acc") == 3
    assert {s["metric"] for s in chart.series} == {"acc", "loss"}
    chart.close()
    run.finish()


def test_the_thread_follows_the_run_then_sends_a_snapshot(tracking, sent) -> None:
    run = mlm.start_run("follow")
    chart = live(run, metrics=["loss"], x="time", interval=0.1)
    for i in range(3000):
        run.log(loss=1 / (i + 1), other=i)
        if i % 500 == 0:
            run.flush()
            time.sleep(0.15)
    run.finish()
    deadline = time.monotonic() + 5
    while not any(c["type"] == "reset" for c, _ in sent) and time.monotonic() < deadline:
        time.sleep(0.05)
    sid = f"{run.run_id}:loss"
    assert sent.points(sid, "reset") > 0 and [s["metric"] for s in chart.series] == ["loss"]
    assert sent.points(sid) <= 3000 and len([c for c, _ in sent if c["type"] == "append"]) >= 2
    assert chart.points(sid)[1].min() == pytest.approx(1 / 3000)
    assert chart.points(sid)[0].max() < 60  # x is seconds since the run started


def test_baselines_are_drawn_grey(tracking, sent) -> None:
    done = []
    for lr in (0.1, 0.2, 0.3):
        with mlm.start_run("base", params={"lr": lr}) as old:
            for i in range(10):
                old.log(loss=lr + 1 / (i + 1))
        done.append(old.run_id)
    with mlm.start_run("base") as run:
        run.log(loss=5.0)
        run.flush()
        best = live(run, ["loss"], baseline="best", goal="min")
        last = live(run, ["loss"], baseline="last:2")
        ids = live(run, ["loss"], baseline=[done[1]])
    assert [s["id"] for s in best.series if s["baseline"]] == [f"{done[0]}:loss"]
    assert [s["id"] for s in last.series if s["baseline"]] == [f"{d}:loss" for d in done[:0:-1]]
    assert [s["id"] for s in ids.series if s["baseline"]] == [f"{done[1]}:loss"]
    assert len(ids.points(f"{done[1]}:loss")[0]) == 10


def test_a_finished_run_is_drawn_once(tracking, sent) -> None:
    with mlm.start_run("done") as run:
        for i in range(50):
            run.log(loss=i)
    chart = live(run.run_id)
    assert sent.points(f"{run.run_id}:loss") == 50
    assert chart.series == [
        {"id": f"{run.run_id}:loss", "metric": "loss", "run": run.name, "baseline": False}
    ]


def _wait(predicate: Callable[[], Any], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "not reached in time"
        time.sleep(0.02)


@pytest.fixture
def reads(tracking, monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Counts the store's run reads (``runs.get`` and ``metrics.history``) from now on (the
    environment capture, which reads the run too, is off)."""
    monkeypatch.setenv("MLM_CAPTURE", "0")
    counts: Counter = Counter()
    for repo, method_name, name in ((tracking.runs, "get", "get_run"),
                                    (tracking.metrics, "history", "history")):  # fmt: skip
        method = getattr(repo, method_name)

        def counted(*args: Any, _method: Any = method, _name: str = name, **kw: Any) -> Any:
            counts[_name] += 1
            return _method(*args, **kw)

        monkeypatch.setattr(repo, method_name, counted)
    return counts


def test_a_running_run_is_read_from_the_store_once_then_followed(tracking, sent, reads) -> None:
    run = mlm.start_run("direct")
    for i in range(100):
        run.log(loss=float(i))
    run.flush()  # 100 stored before the chart...
    for i in range(100, 150):
        run.log(loss=float(i))  # ...and 50 buffered, not stored yet
    chart = live(run, interval=0.05)
    sid = f"{run.run_id}:loss"
    first = dict(reads)
    assert first == {"get_run": 1, "history": 1} and sent.points(sid) == 100
    for i in range(150, 600):
        run.log(loss=float(i), acc=i / 600)  # a metric that appears mid-run
        if i % 150 == 0:
            run.flush()
    run.flush()
    _wait(lambda: len(chart.points(sid)[0]) == 600)
    assert dict(reads) == first  # every point after the first read came from the writer
    assert chart.points(sid)[1].tolist() == [float(i) for i in range(600)]  # each point once
    assert sent.points(sid) == 600 and sent.points(f"{run.run_id}:acc") == 450
    run.log(loss=600.0)  # logged at the very end, never flushed by us
    run.finish()
    _wait(lambda: any(c["type"] == "reset" for c, _ in sent))
    assert dict(reads) == first  # nor at the end
    assert chart.points(sid)[1][-1] == 600.0 and sent.points(sid) == 601
    assert sent.points(sid, "reset") == 601


def test_a_view_connecting_mid_run_gets_every_point_so_far(tracking, sent) -> None:
    run = mlm.start_run("hello")
    chart = live(run, interval=0.05)
    sid = f"{run.run_id}:loss"
    for i in range(300):
        run.log(loss=1 / (i + 1))
        if i % 100 == 99:
            run.flush()
    _wait(lambda: any(s["id"] == sid for s in chart.series) and len(chart.points(sid)[0]) == 300)
    chart._on_msg(chart, {"type": "hello"}, [])  # what a new view's model sends first
    content, buffers = sent[-1]
    assert content["type"] == "reset" and content["ids"] == [sid]
    assert buffers[0].tolist() == list(range(300))
    assert np.allclose(buffers[1], [1 / (i + 1) for i in range(300)])
    assert run.status == "running"
    run.finish()
