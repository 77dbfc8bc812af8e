"""Shared helpers for the benchmark scripts: figure lines, timing statistics, temp dirs, RSS,
and the optional PostgreSQL server.

Every figure is printed as one line::

    NAME: VALUE UNIT (baseline BASELINE UNIT, ratio R; bar: BAR) PASS|MISS|INFO

``ratio`` is always VALUE / BASELINE (both measured in the same process run). ``INFO`` marks a
figure that the issue asks to report but gives no bar for (p99, RSS...).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # runnable as `python benchmarks/NAME.py` without PYTHONPATH
    sys.path.insert(0, str(ROOT))

ENV_PG = "MLM_BENCH_POSTGRES_URI"
_results: list[str] = []


def fmt(value: float) -> str:
    """A number with ~4 significant digits, no exponent for everyday magnitudes."""
    if value != value:
        return "nan"
    a = abs(value)
    if a == 0:
        return "0"
    if a >= 1e6:
        return f"{value:,.0f}"
    if a >= 100:
        return f"{value:.0f}"
    if a >= 10:
        return f"{value:.1f}"
    if a >= 1:
        return f"{value:.2f}"
    if a >= 0.01:
        return f"{value:.3f}"
    return f"{value:.2g}"


def figure(
    name: str,
    value: float,
    unit: str,
    baseline: float,
    baseline_unit: str | None,
    bar: str,
    ok: bool | None,
) -> str:
    """Print one figure line; ``ok`` None means there is no bar (INFO)."""
    ratio = value / baseline if baseline else float("inf")
    verdict = "INFO" if ok is None else ("PASS" if ok else "MISS")
    line = (
        f"{name}: {fmt(value)} {unit} (baseline {fmt(baseline)} {baseline_unit or unit}, "
        f"ratio {ratio:.3g}; bar: {bar}) {verdict}"
    )
    print(line, flush=True)
    _results.append(line)
    return line


def note(text: str) -> None:
    """A free-form line (not a figure): prefixed with '#' so tools can skip it."""
    print(f"# {text}", flush=True)


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def pct(xs: list[float], q: float) -> float:
    """The q-th percentile (nearest rank, q in 0..100)."""
    s = sorted(xs)
    if not s:
        return float("nan")
    k = max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))
    return s[k]


@contextlib.contextmanager
def tempdir(prefix: str) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix=f"mlm-bench-{prefix}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def rss_mb() -> float:
    """Current resident set size, MB."""
    try:
        import psutil

        return psutil.Process().memory_info().rss / 2**20
    except ImportError:  # Linux fallback
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, MB (ru_maxrss is KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def load_series(store, run_id: str, key: str, n: int, chunk: int = 200_000) -> None:
    """Bulk-load ``n`` points (steps 0..n-1) of one series into ``store``, the way the writer
    does: ``series.pack`` + ``store.write_metrics``, ``chunk`` points per transaction."""
    from jupyter_mlm.tracking.series import pack

    now = time.time()
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        steps = array("q", range(lo, hi))
        values = array("d", (i * 1e-6 for i in range(lo, hi)))
        times = array("d", (now + i * 1e-3 for i in range(lo, hi)))
        store.metrics.write([pack(run_id, key, steps, values, times)])


def parse_args(description: str, postgres: bool = False) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=description)
    if postgres:
        ap.add_argument(
            "--postgres",
            action="store_true",
            help=f"start a throwaway PostgreSQL server (or use ${ENV_PG})",
        )
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (smoke test)")
    return ap.parse_args()


@contextlib.contextmanager
def postgres_uri(enabled: bool) -> Iterator[str | None]:
    """The PostgreSQL URI to benchmark: ``$MLM_BENCH_POSTGRES_URI``, else a throwaway server
    from tests/pg_server.py when ``enabled``, else None."""
    uri = os.environ.get(ENV_PG, "").strip()
    if uri:
        yield uri
        return
    if not enabled:
        yield None
        return
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_server import start_postgres

    with tempdir("pg") as tmp:
        server = start_postgres(tmp)
        try:
            yield server.uri
        finally:
            server.stop()


def reset_postgres_schema(uri: str) -> None:
    """Drop everything in the public schema (a fresh store per benchmark)."""
    import psycopg

    with psycopg.connect(libpq_uri(uri), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def libpq_uri(uri: str) -> str:
    """A SQLAlchemy-style URI (postgresql+psycopg://...) as libpq/psycopg accepts it."""
    scheme, rest = uri.split("://", 1)
    return "postgresql://" + rest if "+" in scheme or scheme == "postgres" else uri


def paired_loops(
    sides: dict[str, Callable[[], tuple[int, int]]], pairs: int, warm: int = 1
) -> dict[str, list[tuple[int, int]]]:
    """Run every side (a whole loop returning (wall ns, process CPU ns)) once per pair,
    which side goes first swapping every pair so neither gains from its position; ``warm``
    untimed pairs first (imports, first-call costs)."""
    for _ in range(warm):
        for loop in sides.values():
            loop()
    times: dict[str, list[tuple[int, int]]] = {side: [] for side in sides}
    names = list(sides)
    for pair in range(pairs):
        for side in names if pair % 2 == 0 else reversed(names):
            times[side].append(sides[side]())
    return times


def loop_overhead(
    times: dict[str, list[tuple[int, int]]], steps: int, plain: str, other: str
) -> dict[str, float]:
    """Per-step medians (us) of both sides' wall and CPU time, the overheads in %, the
    per-pair wall overheads and the fastest-loop overhead, from ``paired_loops``."""

    def per_step(side: str, what: int) -> float:
        return median([t[what] for t in times[side]]) / steps / 1000

    out = {
        "base_wall": per_step(plain, 0),
        "base_cpu": per_step(plain, 1),
        "wall": per_step(other, 0),
        "cpu": per_step(other, 1),
    }
    out["slow"] = (out["wall"] / out["base_wall"] - 1) * 100
    out["more_cpu"] = (out["cpu"] / out["base_cpu"] - 1) * 100
    out["fastest"] = (
        min(t[0] for t in times[other]) / min(t[0] for t in times[plain]) - 1
    ) * 100
    out["pairs"] = [  # type: ignore[assignment]
        (b[0] / a[0] - 1) * 100 for a, b in zip(times[plain], times[other], strict=True)
    ]
    return out


def report_loops(
    name: str, intro: str, times: dict[str, list[tuple[int, int]]], control: list[tuple[int, int]],
    steps: int, pairs: int,
) -> None:
    """The note line and the wall and CPU figures (bar: 2 %) of ``paired_loops`` of a plain
    and a logging side, with ``control`` four plain loops (ABBA) showing the machine's drift."""
    o = loop_overhead(times, steps, "plain", "logging")
    ctrl = ((control[1][0] + control[2][0]) / (control[0][0] + control[3][0]) - 1) * 100
    note(f"{intro}, {steps:,} steps per loop, {pairs} pairs; "
         f"{1e3 / o['base_wall']:.1f}k steps/s without logging; logging adds "
         f"{o['wall'] - o['base_wall']:+.2f} us/step wall, {o['cpu'] - o['base_cpu']:+.2f} "
         "us/step CPU; per pair, wall: " + ", ".join(f"{p:+.1f} %" for p in o["pairs"])  # type: ignore[attr-defined]
         + f"; fastest loop of each side: {o['fastest']:+.1f} %; control, plain against plain "
         f"(2 pairs): {ctrl:+.1f} %")  # fmt: skip
    figure(name, o["wall"], "us/step", o["base_wall"], None,
           f"<= 2 % slower (measured {o['slow']:+.2f} %)", o["slow"] <= 2.0)  # fmt: skip
    figure(f"{name}_cpu", o["cpu"], "us/step", o["base_cpu"], None,
           f"<= 2 % more CPU, writer included (measured {o['more_cpu']:+.2f} %)",
           o["more_cpu"] <= 2.0)  # fmt: skip
