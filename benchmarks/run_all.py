"""Run every benchmark (each in its own process, one after the other) and summarise.

    python benchmarks/run_all.py [--postgres] [--quick] [--only NAME ...]

Each script's lines are streamed as they come; at the end every figure line is repeated with
the PASS / MISS / INFO counts. Exit status: 0 when no figure missed its bar, 1 otherwise
(2 when a script failed).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPTS = (
    "bench_log_call",
    "bench_training_loop",
    "bench_torch_loop",
    "bench_ingest",
    "bench_start_run",
    "bench_history",
    "bench_leaderboard",
    "bench_open_store",
    "bench_cold",
    "bench_postgres",
    "bench_duplicates",
    "bench_hashing",
    "bench_notebook",
    "bench_chart_render",
    "bench_checkpoint_save",
    "bench_api_load",
    "bench_system_metrics",
)
FIGURE = re.compile(r"^[\w.-]+: .* \(baseline .*; bar: .*\) (PASS|MISS|INFO)$")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--postgres", action="store_true",
                    help="also run the PostgreSQL figures on a throwaway server")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    ap.add_argument("--only", nargs="+", metavar="NAME", help="run only these scripts")
    args = ap.parse_args()
    chosen = [s for s in SCRIPTS if not args.only or s in args.only
              or s.removeprefix("bench_") in args.only]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH")) if p)
    figures: list[str] = []
    failed: list[str] = []
    t_all = time.perf_counter()
    for name in chosen:
        cmd = [sys.executable, str(HERE / f"{name}.py")]
        if args.quick:
            cmd.append("--quick")
        if args.postgres and name == "bench_postgres":
            cmd.append("--postgres")
        print(f"## {name}", flush=True)
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True,
                                stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        for line in proc.stdout:
            print(line, end="", flush=True)
            if FIGURE.match(line.rstrip("\n")):
                figures.append(line.rstrip("\n"))
        if proc.wait() != 0:
            failed.append(name)
            print(f"## {name} FAILED (exit {proc.returncode})", flush=True)
        print(f"## {name} took {time.perf_counter() - t0:.1f} s", flush=True)
    counts = {v: sum(f.endswith(v) for f in figures) for v in ("PASS", "MISS", "INFO")}
    print(f"\n## summary ({time.perf_counter() - t_all:.0f} s): {counts['PASS']} PASS, "
          f"{counts['MISS']} MISS, {counts['INFO']} INFO"
          + (f"; FAILED: {', '.join(failed)}" if failed else ""))
    for line in figures:
        print(line)
    if failed:
        return 2
    return 1 if counts["MISS"] else 0


if __name__ == "__main__":
    sys.exit(main())
