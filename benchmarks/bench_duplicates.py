"""Duplicate-file finder: files/s over 10,000 small files (report only, no bar).

Fixture: 10,000 files of 1-64 KiB (random sizes and content) in 200 nested folders: 8,500
originals, 1,000 copies of randomly chosen originals (some copied more than once, mostly into
other folders) and 500 files with the size of an original but other content (250 random, 250
the original with its last byte flipped). Ours: ``find_duplicates(folder, cache=False)``
(listing, size grouping, hashing of size collisions). Baseline: walking the folder and
reading every file's bytes once (one thread). Both with a warm page cache, interleaved,
medians. Also a re-scan with a filled hash cache (``HashCache`` in the temp dir: no file is
read). The groups found must be exactly the planted ones (exit 1 otherwise).
"""

from __future__ import annotations

import os
import random
import shutil
import sys
import time
from pathlib import Path

from _common import figure, median, note, parse_args, tempdir

from jupyter_mlm.data.duplicates import DuplicateReport, find_duplicates
from jupyter_mlm.data.hashcache import HashCache

KIB = 1024
ORIGINALS, COPIES, LOOKALIKES = 8_500, 1_000, 500


def plant(root: Path, rng: random.Random) -> set[frozenset[str]]:
    """Write the fixture; return the expected duplicate groups (sets of paths)."""
    folders = [
        root / f"d{i:02}" / f"s{j}" / ("deep" if j % 3 == 0 else "")
        for i in range(20)
        for j in range(10)
    ]
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    originals: list[Path] = []
    for i in range(ORIGINALS):
        path = rng.choice(folders) / f"orig-{i}.bin"
        path.write_bytes(rng.randbytes(rng.randint(KIB, 64 * KIB)))
        originals.append(path)
    copies: dict[Path, list[Path]] = {}
    for i in range(COPIES):
        src = rng.choice(originals)
        dst = rng.choice(folders) / f"copy-{i}.bin"
        shutil.copyfile(src, dst)
        copies.setdefault(src, []).append(dst)
    for i, src in enumerate(rng.sample(originals, LOOKALIKES)):  # distinct: no twin lookalikes
        data = src.read_bytes()
        data = data[:-1] + bytes([data[-1] ^ 0xFF]) if i % 2 else rng.randbytes(len(data))
        (rng.choice(folders) / f"lookalike-{i}.bin").write_bytes(data)
    return {frozenset(str(p) for p in [src, *dsts]) for src, dsts in copies.items()}


def read_everything(root: Path) -> int:
    n = 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            with open(os.path.join(dirpath, name), "rb") as fh:
                fh.read()
            n += 1
    return n


def check(report: DuplicateReport, expected: set[frozenset[str]], n_files: int) -> None:
    """Exit 1 unless the groups found are exactly the planted ones."""
    found = {frozenset(g.locations) for g in report.groups}
    if found != expected or report.files_scanned != n_files:
        print(
            f"WRONG: {len(found)} groups found, {len(expected)} planted; "
            f"missing {len(expected - found)}, unexpected {len(found - expected)}; "
            f"{report.files_scanned} files scanned",
            file=sys.stderr,
        )
        sys.exit(1)


def main() -> None:
    args = parse_args(__doc__)
    reps = 1 if args.quick else 5
    with tempdir("duplicates") as tmp:
        root = tmp / "data"
        t0 = time.perf_counter()
        expected = plant(root, random.Random(20261127))
        n_files = ORIGINALS + COPIES + LOOKALIKES
        note(
            f"fixture: {n_files:,} files, {len(expected)} planted groups "
            f"({COPIES} copies), written in {time.perf_counter() - t0:.1f} s"
        )
        assert read_everything(root) == n_files  # warm the page cache
        ns = time.perf_counter_ns
        ours: list[int] = []
        cached: list[int] = []
        base: list[int] = []
        with HashCache(tmp / "hashcache.db") as cache:
            time.sleep(0.2)  # the cache trusts only files older than its 100 ms racy window
            find_duplicates(root, cache=cache)  # fills it
            for _ in range(reps):
                t0 = ns()
                read_everything(root)
                base.append(ns() - t0)
                t0 = ns()
                report = find_duplicates(root, cache=False)
                ours.append(ns() - t0)
                check(report, expected, n_files)
                t0 = ns()
                check(find_duplicates(root, cache=cache), expected, n_files)
                cached.append(ns() - t0)
        work: list[tuple[int, int]] = [(0, 0)]
        find_duplicates(root, cache=False, progress=lambda b, n: work.append((b, n)))
        note(
            f"found {len(report.groups)} groups, {report.wasted_bytes / 2**20:.1f} MiB wasted of "
            f"{report.bytes_scanned / 2**20:.0f} MiB listed; all match the planted ones; "
            f"{work[-1][1]:,} hash passes over {work[-1][0] / 2**20:.0f} MiB (partial + full)"
        )
        baseline = n_files / (median(base) / 1e9)
        bar = "none (report only; baseline reads every file once)"
        figure(
            "duplicates_scan_10k",
            n_files / (median(ours) / 1e9),
            "files/s",
            baseline,
            None,
            bar,
            None,
        )
        figure(
            "duplicates_rescan_cached_10k",
            n_files / (median(cached) / 1e9),
            "files/s",
            baseline,
            None,
            bar,
            None,
        )


if __name__ == "__main__":
    main()
