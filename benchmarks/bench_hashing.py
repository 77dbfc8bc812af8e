"""Data versioning: hashing speed of one large file and of a folder of many small files.

(a) A 1 GiB file of random bytes, page-cache warm (read once first). Baseline: ``readinto`` a
reused 1 MiB buffer over the whole file (the raw read speed), and ``hashlib.md5`` over the same
chunks. Ours: ``hash_file`` (blake3, memory-mapped, all cores). Best of 3 of each, interleaved.
Bars: >= 0.8x the raw read speed, >= 5x md5. Skipped (with a note) below 3 GiB free disk.

(b) 10,000 files of 1-8 KiB in 10 x 10 nested folders, mtimes an hour in the past (outside
the cache's racy window). First ``hash_folder`` with an empty cache (files/s; baseline:
reading every file's bytes in a loop), then the same folder again with nothing changed
(median of 5; bar <= 100 ms; baseline: the read loop's time).
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import time
from pathlib import Path

from _common import figure, median, note, parse_args, tempdir

GIB = 1 << 30
CHUNK = 1 << 20


def write_big(path: Path, size: int) -> None:
    block = bytearray(os.urandom(64 * CHUNK))
    with open(path, "wb") as fh:
        for i in range(size // len(block)):
            block[:8] = i.to_bytes(8, "little")  # no two blocks alike
            fh.write(block)


def read_all(path: Path) -> int:
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    total = 0
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(view):
            total += n
    return total


def md5_all(path: Path) -> str:
    h = hashlib.md5()
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    with open(path, "rb", buffering=0) as fh:
        while n := fh.readinto(view):
            h.update(view[:n])
    return h.hexdigest()


def bench_big_file(tmp: Path, reps: int) -> None:
    from jupyter_mlm.data.filehash import hash_file

    free = shutil.disk_usage(tmp).free
    if free < 3 * GIB:
        note(f"skipping the 1 GiB file: only {free / GIB:.1f} GiB free in {tmp} (need 3)")
        return
    path = tmp / "big.bin"
    try:
        write_big(path, GIB)
        read_all(path)  # page-cache warm
        hash_file(path)
        best = {"read": float("inf"), "blake3": float("inf"), "md5": float("inf")}
        for _ in range(reps):
            for name, fn in (("read", read_all), ("blake3", hash_file), ("md5", md5_all)):
                t0 = time.perf_counter()
                fn(path)
                best[name] = min(best[name], time.perf_counter() - t0)
        gbs = {k: GIB / v / 1e9 for k, v in best.items()}
        figure(
            "hash_1GiB_vs_read",
            gbs["blake3"],
            "GB/s",
            gbs["read"],
            None,
            ">= 0.8x raw read",
            gbs["blake3"] >= 0.8 * gbs["read"],
        )
        figure(
            "hash_1GiB_vs_md5",
            gbs["blake3"],
            "GB/s",
            gbs["md5"],
            None,
            ">= 5x md5",
            gbs["blake3"] >= 5 * gbs["md5"],
        )
    finally:
        path.unlink(missing_ok=True)


def bench_small_files(tmp: Path, reps: int) -> None:
    from jupyter_mlm.data.folders import hash_folder
    from jupyter_mlm.data.hashcache import HashCache

    root = tmp / "small"
    rng = random.Random(0)
    past = time.time_ns() - 3600 * 10**9
    paths: list[Path] = []
    for i in range(10_000):
        p = root / f"d{i % 10}" / f"e{i // 10 % 10}" / f"f{i:05}.bin"
        if i < 100:
            p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(rng.randbytes(rng.randint(1024, 8192)))
        os.utime(p, ns=(past, past))
        paths.append(p)

    t0 = time.perf_counter()
    for p in paths:
        with open(p, "rb") as fh:
            fh.read()
    t_read = time.perf_counter() - t0

    t0 = time.perf_counter()
    cache = HashCache(tmp / "cache" / "hashcache.db")
    t_open = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = hash_folder(root, cache=cache)
    t_first = time.perf_counter() - t0
    assert first.files_hashed == 10_000, first.files_hashed
    figure(
        "hash_10k_small_first",
        10_000 / t_first,
        "files/s",
        10_000 / t_read,
        None,
        "none (read loop as baseline)",
        None,
    )

    times: list[float] = []
    for _ in range(reps):
        t0 = time.perf_counter()
        again = hash_folder(root, cache=cache)
        times.append(time.perf_counter() - t0)
        assert again.files_cached == 10_000 and again.content_id == first.content_id
    cache.close()
    ms = median(times) * 1e3
    figure("rehash_10k_unchanged", ms, "ms", t_read * 1e3, None, "<= 100 ms", ms <= 100)
    note(
        f"re-hash: min {min(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms over {reps}; "
        f"opening the cache {t_open * 1e3:.1f} ms"
    )


def main() -> None:
    args = parse_args(__doc__)
    reps = 1 if args.quick else 3
    with tempdir("hashing") as tmp:
        bench_big_file(tmp, reps)
        bench_small_files(tmp, 2 if args.quick else 5)


if __name__ == "__main__":
    main()
