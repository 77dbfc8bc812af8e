"""Notebook bars: ``run.log`` with a live chart open, and ``start_run`` inside a real kernel.

1. ``log_call_with_live_chart``: the caller's cost of ``run.log(loss=x)`` on a run with
   ``mlm.live(run)`` open (a ``LiveChart`` whose feeder thread polls the store every 0.2 s and
   sends the new points; outside a kernel the comm is a dummy, so a send costs no I/O) stays
   within 2x of the same call on a run without a chart. Timed in batches of BATCH calls (as
   bench_log_call.py), median over batches. The two sides alternate in phases of PHASE seconds,
   each on a fresh run (a chart cannot be switched off within a run, and its feeder thread
   would load the baseline's batches too if both ran at once); which side goes first swaps
   every round. The writer's 1 s flushes and the feeder's polls fall inside the phases.
   Sends are counted by wrapping ``chart.send``, polls by wrapping the feeder's ``poll``.
2. ``start_run_in_kernel``: ``mlm.start_run`` called in a real ipykernel (started with
   jupyter_client) returns in at most 5 ms, median of REPS back-to-back runs after a warm-up
   of 2; ``JPY_SESSION_NAME`` names a saved notebook in a temp git repo (one commit), so each
   run queues the full context capture (git status, notebook snapshot) on the capture worker.
   Baseline, interleaved in the kernel: a plain sqlite3 INSERT + COMMIT (WAL).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from _common import ROOT, figure, median, note, parse_args, pct, tempdir

BATCH = 1000


# --- 1: run.log with a live chart ----------------------------------------------------------


def _log_phase(run, seconds: float, out: list[float]) -> int:
    """Log ``loss`` flat out in batches for ``seconds``; per-call ns appended to ``out``."""
    log = run.log
    ns = time.perf_counter_ns
    x = 0.25
    end = ns() + int(seconds * 1e9)
    batches = 0
    while True:
        t0 = ns()
        for _ in range(BATCH):
            log(loss=x)
        t1 = ns()
        out.append((t1 - t0) / BATCH)
        batches += 1
        if t1 >= end:
            return batches * BATCH


def bench_live_chart(quick: bool) -> None:
    import jupyter_mlm as mlm
    from jupyter_mlm.widgets import feed

    rounds, phase = (2, 0.75) if quick else (4, 1.25)  # seconds per side: rounds x phase
    polls = {"n": 0, "s": 0.0}
    poll = feed._Feeder.poll

    def counted_poll(self: feed._Feeder) -> None:  # instrumentation only
        t0 = time.perf_counter()
        poll(self)
        polls["s"] += time.perf_counter() - t0
        polls["n"] += 1

    feed._Feeder.poll = counted_poll  # type: ignore[method-assign]
    sends = {"n": 0, "points": 0}
    plain: list[float] = []
    charted: list[float] = []
    logged = {"plain": [0, 0.0], "chart": [0, 0.0]}  # points, seconds
    try:
        with tempdir("notebook-live") as tmp:
            mlm.set_store(tmp)
            warm = mlm.start_run("bench")
            for _ in range(2000):  # first key creation, writer thread, numpy in the feeder
                warm.log(loss=0.25)
            mlm.live(warm).close()
            warm.finish()
            for r in range(rounds):
                for side in ("plain", "chart") if r % 2 == 0 else ("chart", "plain"):
                    run = mlm.start_run("bench")
                    chart = None
                    if side == "chart":
                        chart = mlm.live(run, interval=0.2)
                        send = chart.send

                        def counted_send(content, buffers=None, _send=send):
                            sends["n"] += 1
                            sends["points"] += sum(len(b) for b in buffers or ()) // 16
                            return _send(content, buffers)

                        chart.send = counted_send
                    t0 = time.perf_counter()
                    n = _log_phase(run, phase, charted if chart else plain)
                    logged[side][0] += n
                    logged[side][1] += time.perf_counter() - t0
                    run.finish()
                    if chart is not None:
                        time.sleep(0.25)  # the feeder's last poll and snapshot, then stop it
                        chart.close()
                    steps, _, _ = run._store.history(run.run_id, "loss")
                    assert len(steps) == n, (side, len(steps), n)
    finally:
        feed._Feeder.poll = poll  # type: ignore[method-assign]

    assert sends["n"] > 0 and polls["n"] > 0, (sends, polls)
    med, med_b = median(charted), median(plain)
    figure("log_call_with_live_chart", med / 1000, "us", med_b / 1000, None,
           "<= 2x without a chart", med <= 2 * med_b)
    figure("log_call_with_live_chart_p99", pct(charted, 99) / 1000, "us", pct(plain, 99) / 1000,
           None, "none (report only)", None)
    secs = logged["chart"][1]
    figure("live_chart_updates_sent", sends["n"], "sends", secs / 0.2, "polls due (0.2 s)",
           "none (report only)", None)
    figure("live_chart_points_logged", logged["chart"][0] / secs, "points/s",
           logged["plain"][0] / logged["plain"][1], None, "none (report only)", None)
    note(f"live chart: {polls['n']} polls, {1000 * polls['s'] / polls['n']:.1f} ms each on "
         f"average; {sends['n']} sends carried {sends['points']:,} (downsampled) points; "
         f"{len(charted)} + {len(plain)} batches of {BATCH} calls, {rounds} x {phase} s per side")


# --- 2: start_run in a kernel -------------------------------------------------------------

KERNEL_CODE = r"""
import json as _json, sqlite3 as _sqlite3, statistics as _st, time as _time
import jupyter_mlm as _mlm
from jupyter_mlm.tracking import capture_hook as _ch

for _i in range(2):  # warm-up: opens the store, creates the experiment, starts the workers
    _mlm.start_run("k").finish()
_ch.wait_for_captures()
_con = _sqlite3.connect(__RAW__, isolation_level=None)
_con.execute("PRAGMA journal_mode=WAL")
_con.execute("PRAGMA synchronous=NORMAL")
_con.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, name TEXT, start REAL)")
_start, _finish, _base = [], [], []
_ns = _time.perf_counter_ns
for _i in range(__REPS__):
    _t0 = _ns()
    _run = _mlm.start_run("k")
    _t1 = _ns()
    _run.finish()
    _t2 = _ns()
    _con.execute("BEGIN")
    _con.execute("INSERT INTO runs VALUES (?, ?, ?)", (f"{_i:032x}", f"run-{_i}", _time.time()))
    _con.execute("COMMIT")
    _t3 = _ns()
    _start.append(_t1 - _t0)
    _finish.append(_t2 - _t1)
    _base.append(_t3 - _t2)
_t0 = _time.perf_counter()
_ch.wait_for_captures(60)
_drain = _time.perf_counter() - _t0
_tags = _mlm.get_run(_run.run_id).tags
_con.close()
print(_json.dumps({"start": _start, "finish": _finish, "base": _base, "drain": _drain,
                   "notebook": _tags.get("mlm.notebook"), "commit": _tags.get("mlm.git.commit")}))
"""


def _git_repo(path: Path) -> Path:
    """A temp git repository with one saved notebook, committed; returns the notebook."""
    path.mkdir()
    nb = path / "train.ipynb"
    cell = {"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {},
            "outputs": [], "source": ["import jupyter_mlm as mlm\n", "run = mlm.start_run('k')"]}
    nb.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4,
                              "nbformat_minor": 5}, indent=1))
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    for cmd in (["init", "-q"], ["add", "train.ipynb"], ["commit", "-q", "-m", "init"]):
        subprocess.run(["git", *cmd], cwd=path, env=env, check=True)
    return nb


def bench_kernel(quick: bool) -> None:
    from jupyter_client.manager import start_new_kernel

    reps = 30 if quick else 100
    with tempdir("notebook-kernel") as tmp:
        nb = _git_repo(tmp / "repo")
        env = {**os.environ, "MLM_STORE": str(tmp / "store"), "JPY_SESSION_NAME": str(nb),
               "PYTHONPATH": os.pathsep.join(
                   p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)}
        env.pop("MLM_CAPTURE", None)
        log_path = tmp / "kernel.log"  # the kernel's stderr (its TCP warning), shown on failure
        t0 = time.perf_counter()
        with open(log_path, "wb") as log_file:
            km, kc = start_new_kernel(kernel_name="python3", startup_timeout=60, env=env,
                                      cwd=str(nb.parent), stderr=log_file)
        t_start = time.perf_counter() - t0
        try:
            out: list[str] = []
            errors: list[str] = []

            def hook(msg: dict) -> None:
                kind, content = msg["msg_type"], msg["content"]
                if kind == "stream" and content.get("name") == "stdout":
                    out.append(content["text"])
                elif kind == "error":
                    errors.append("\n".join(content.get("traceback", [])))

            code = (KERNEL_CODE.replace("__RAW__", repr(str(tmp / "raw.db")))
                    .replace("__REPS__", str(reps)))
            reply = kc.execute_interactive(code, timeout=120, output_hook=hook)
            if reply["content"]["status"] != "ok" or errors:
                raise RuntimeError("kernel code failed:\n" + "\n".join(errors)
                                   + "\n--- kernel stderr:\n" + log_path.read_text()[-4000:])
            res = json.loads("".join(out).strip().splitlines()[-1])
        finally:
            kc.stop_channels()
            km.shutdown_kernel(now=False)

    start, finish, base = res["start"], res["finish"], res["base"]
    if not res["notebook"] or not res["commit"]:
        note(f"WARNING: context capture did not record the notebook/commit: {res}")
    figure("start_run_in_kernel", median(start) / 1e6, "ms", median(base) / 1e6, None,
           "<= 5 ms", median(start) <= 5e6)
    figure("start_run_in_kernel_p99", pct(start, 99) / 1e6, "ms", pct(base, 99) / 1e6, None,
           "none (report only)", None)
    figure("finish_in_kernel", median(finish) / 1e6, "ms", median(base) / 1e6, None,
           "none (report only)", None)
    note(f"kernel: started in {t_start:.2f} s; {len(start)} runs after 2 warm-up runs; captures "
         f"recorded notebook {res['notebook']!r} at commit {str(res['commit'])[:10]}; the capture "
         f"worker needed {res['drain']:.2f} s more after the loop to catch up")


def main() -> None:
    args = parse_args(__doc__)
    bench_live_chart(args.quick)
    bench_kernel(args.quick)


if __name__ == "__main__":
    sys.exit(main())
