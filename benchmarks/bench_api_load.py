"""The REST API under load: ``GET /mlm/api/runs/{id}/metrics/loss?points=500`` of a 10 M-point
run <= 20 ms unloaded; with 8 clients using the API and a training process logging into the
same store, every endpoint's p99 <= 300 ms.

Fixture: a fresh SQLite store with 200 finished runs (params, two metrics) and one run with a
10 M-point ``loss`` series (2 M with --quick), loaded as the writer would; a real ``jupyter
server`` with the extension on 127.0.0.1, token auth. Load: 8 client threads, each looping over
the endpoints a side panel uses (runs page, one run, the big run's history downsampled to 500
points, the leaderboard, experiments) for DURATION seconds, while a separate Python process
trains: 3 metrics a step, ~200 us of work a step, through ``mlm.start_run`` into the same store.
Baseline: Jupyter's own ``GET /api/status`` timed by the same clients under the same load.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from _common import ROOT, figure, load_series, median, note, parse_args, pct, tempdir

CLIENTS = 8
TRAINER = """
import sys, time, jupyter_mlm as mlm
mlm.set_store(sys.argv[1])
deadline = time.monotonic() + float(sys.argv[2])
with mlm.start_run("load", params={"lr": 0.01}) as run:
    step = 0
    while time.monotonic() < deadline:
        t = time.perf_counter()
        while time.perf_counter() - t < 2e-4:
            pass
        run.log(loss=1.0 / (step + 1), acc=step * 1e-6, lr=0.01, step=step)
        step += 1
print(step)
"""


def build(store_dir: Path, n: int) -> tuple[str, str]:
    """200 small runs and one run with an ``n``-point series; (experiment id, big run id)."""
    from jupyter_mlm.store import open_store
    from jupyter_mlm.tracking.series import pack

    store = open_store(str(store_dir))
    try:
        exp = store.experiments.get_or_create("load")
        for i in range(200):
            info = store.runs.create(exp.experiment_id, name=f"r{i}", params={"lr": 10 ** (-1 - i % 4),
                                    "layers": i % 5}, tags={}, parent_run_id=None)  # fmt: skip
            from array import array

            store.metrics.write([pack(info.run_id, "acc", array("q", [0, 1]),
                                      array("d", [0.1, (i % 97) / 97]),
                                      array("d", [1.0, 2.0]))])  # fmt: skip
            store.runs.end(info.run_id, "finished")
        big = store.runs.create(exp.experiment_id, name="big", params={}, tags={},
                               parent_run_id=None)  # fmt: skip
        load_series(store, big.run_id, "loss", n, chunk=500_000)
        store.runs.end(big.run_id, "finished")
        return exp.experiment_id, big.run_id
    finally:
        store.close()


def start_server(root: Path, store_dir: Path, token: str) -> tuple[subprocess.Popen, str]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    home = root / "jupyter"
    (home / "config").mkdir(parents=True)
    config = {"ServerApp": {"jpserver_extensions": {"jupyter_mlm": True, "jupyterlab": False,
                                                     "notebook": False, "nbdime": False,
                                                     "jupyter_lsp": False,
                                                     "jupyter_server_terminals": False},
                            "root_dir": str(root), "ip": "127.0.0.1", "port": port,
                            "port_retries": 0, "open_browser": False, "allow_root": True},
              "IdentityProvider": {"token": token}}  # fmt: skip
    (home / "config" / "jupyter_server_config.json").write_text(json.dumps(config))
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(home / "config"),
           "JUPYTER_DATA_DIR": str(home / "data"), "JUPYTER_RUNTIME_DIR": str(home / "rt"),
           "MLM_STORE": str(store_dir), "PYTHONPATH": str(ROOT)}  # fmt: skip
    log = open(root / "server.log", "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen([sys.executable, "-m", "jupyter_server"], env=env, cwd=root,
                            stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            get(url, "api/status", token)
            return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("the server did not start:\n" + (root / "server.log").read_text()[-2000:])


def get(url: str, path: str, token: str) -> bytes:
    request = urllib.request.Request(url + path, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(request, timeout=60) as reply:
        return reply.read()


def main() -> None:
    args = parse_args(__doc__)
    n = 2_000_000 if args.quick else 10_000_000
    duration = 8.0 if args.quick else 20.0
    token = secrets.token_hex(16)
    with tempdir("api-load") as tmp:
        store_dir = tmp / "store"
        t0 = time.perf_counter()
        exp_id, big = build(store_dir, n)
        note(f"fixture: 200 runs and a {n:,}-point run in {time.perf_counter() - t0:.1f} s")
        proc, url = start_server(tmp, store_dir, token)
        try:
            history = f"mlm/api/runs/{big}/metrics/loss?points=500"
            reply = json.loads(get(url, history, token))
            assert reply["total_points"] == n and len(reply["steps"]) <= 500
            quiet: list[float] = []
            status: list[float] = []
            for _ in range(15):
                t = time.perf_counter()
                get(url, history, token)
                quiet.append(time.perf_counter() - t)
                t = time.perf_counter()
                get(url, "api/status", token)
                status.append(time.perf_counter() - t)
            m = median(quiet) * 1e3
            figure(f"api_history_500_of_{n // 1_000_000}M_unloaded", m, "ms",
                   median(status) * 1e3, "ms (GET /api/status)", "<= 20 ms", m <= 20)  # fmt: skip

            endpoints = {
                "runs_page": "mlm/api/runs?limit=50&order_by=-metrics.acc",
                "run": f"mlm/api/runs/{big}",
                "history_500": history,
                "leaderboard": f"mlm/api/leaderboard?experiment={exp_id}&metric=acc&goal=max",
                "experiments": "mlm/api/experiments",
                "jupyter_status": "api/status",
            }
            times: dict[str, list[float]] = {name: [] for name in endpoints}
            errors: list[str] = []
            lock = threading.Lock()
            trainer = subprocess.Popen(
                [sys.executable, "-c", TRAINER, str(store_dir), str(duration + 2)],
                env={**os.environ, "PYTHONPATH": str(ROOT), "MLM_CAPTURE": "0"},
                stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            time.sleep(1.0)  # the trainer is logging
            stop = time.monotonic() + duration

            def client(offset: int) -> None:
                names = list(endpoints)
                i = offset
                while time.monotonic() < stop:
                    name = names[i % len(names)]
                    i += 1
                    t = time.perf_counter()
                    try:
                        get(url, endpoints[name], token)
                    except Exception as err:
                        with lock:
                            errors.append(f"{name}: {err}")
                        continue
                    with lock:
                        times[name].append(time.perf_counter() - t)

            threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            steps = int(trainer.communicate(timeout=120)[0].strip() or 0)
            note(f"{CLIENTS} clients for {duration:g} s while a trainer logged {steps:,} steps "
                 f"(3 metrics each); {sum(len(v) for v in times.values()):,} requests, "
                 f"{len(errors)} failed")  # fmt: skip
            assert not errors, errors[:5]
            base = pct(times["jupyter_status"], 99) * 1e3
            for name, values in times.items():
                if name == "jupyter_status":
                    continue
                p50, p99 = median(values) * 1e3, pct(values, 99) * 1e3
                note(f"{name}: {len(values)} requests, p50 {p50:.1f} ms")
                figure(f"api_{name}_p99_under_load", p99, "ms", base,
                       "ms (GET /api/status p99)", "<= 300 ms", p99 <= 300)  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


if __name__ == "__main__":
    main()
