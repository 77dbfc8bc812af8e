"""Bar 8: whole-process (cold start) costs, timed around subprocess.run, median of REPS:

* ``python -c "import jupyter_mlm"`` <= 0.15 s (baseline: ``python -c pass``);
* import + open an existing store + one run with one param and one metric, flushed (the run
  is then ended by the package's atexit hook, inside the timed process) <= 0.5 s (baseline:
  ``python -c "import sqlite3"``).

The children run with this interpreter and PYTHONPATH=<repo>. Bytecode caching is on (as for
a user) but kept out of the repository: PYTHONPYCACHEPREFIX points into the temp dir and
PYTHONDONTWRITEBYTECODE is removed; one untimed warm-up of each command fills that cache and
the OS file cache first. The variants are interleaved.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

from _common import ROOT, figure, median, parse_args, tempdir


def timed(cmd: list[str], env: dict[str, str]) -> int:
    t0 = time.perf_counter_ns()
    subprocess.run(cmd, env=env, check=True, stdin=subprocess.DEVNULL)
    return time.perf_counter_ns() - t0


def main() -> None:
    args = parse_args(__doc__)
    reps = 3 if args.quick else 7
    with tempdir("cold") as tmp:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONDONTWRITEBYTECODE", "MLM_STORE", "MLM_ARTIFACTS")}
        env["PYTHONPATH"] = str(ROOT)
        env["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        store = tmp / "store"
        # an existing store, with the experiment already there (as on a user's second run)
        subprocess.run([sys.executable, "-c",
                        f"import jupyter_mlm as m; m.set_store({str(store)!r}); "
                        "m.start_run('bench').finish()"], env=env, check=True)
        py = sys.executable
        cmds = {
            "pass": [py, "-c", "pass"],
            "import": [py, "-c", "import jupyter_mlm"],
            "sqlite3": [py, "-c", "import sqlite3"],
            "run": [py, "-c",
                    "import jupyter_mlm as mlm\n"
                    f"mlm.set_store({str(store)!r})\n"
                    "run = mlm.start_run('bench', params={'lr': 0.01})\n"
                    "run.log(loss=0.5)\n"
                    "run.flush()\n"],
        }
        times: dict[str, list[int]] = {k: [] for k in cmds}
        for cmd in cmds.values():  # warm-up: bytecode cache, OS file cache
            timed(cmd, env)
        for _ in range(reps):
            for name, cmd in cmds.items():
                times[name].append(timed(cmd, env))
        check = subprocess.run(
            [py, "-c", f"import jupyter_mlm as m; m.set_store({str(store)!r}); "
             "print(len(m.runs('bench')), len(m.runs('bench', where={'status': 'finished'})))"],
            env=env, check=True, capture_output=True, text=True).stdout.split()
        assert check == [str(reps + 2)] * 2, check

    s = {k: median(v) / 1e9 for k, v in times.items()}
    figure("cold_import", s["import"], "s", s["pass"], None, "<= 0.15 s", s["import"] <= 0.15)
    figure("cold_import_open_run_log_flush", s["run"], "s", s["sqlite3"], None, "<= 0.5 s",
           s["run"] <= 0.5)


if __name__ == "__main__":
    main()
