"""live(run): a thread sends each stored point once while the run runs, then a snapshot."""

from __future__ import annotations

import time

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.widgets import live
from jupyter_mlm.widgets.feed import _Feeder


def test_each_poll_sends_only_what_was_stored_since(tracking, sent) -> None:
    run = mlm.start_run("feed")
    chart = live(run, interval=60)  # the thread sleeps: this test polls by hand
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
