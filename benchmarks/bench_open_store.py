"""Bar 7: creating a fresh store takes <= 50 ms (imports excluded).

Everything the store needs is imported and one throwaway store is created first; then
``open_store(new_dir)`` on a new, not yet existing folder is timed, REPS times (median).
Baseline, interleaved: ``sqlite3.connect`` of a new file + one CREATE TABLE + commit.
Also reported: re-opening an existing store (what every new process pays).
"""

from __future__ import annotations

import sqlite3
import time

from _common import figure, median, parse_args, tempdir


def main() -> None:
    args = parse_args(__doc__)
    reps = 8 if args.quick else 25
    from jupyter_mlm.store import open_store

    with tempdir("openstore") as tmp:
        open_store(str(tmp / "warm")).close()  # imports and first-use caches
        ours: list[int] = []
        base: list[int] = []
        reopen: list[int] = []
        ns = time.perf_counter_ns
        for i in range(reps):
            folder = tmp / f"store{i}"
            t0 = ns()
            store = open_store(str(folder))
            t1 = ns()
            store.close()
            t2 = ns()
            con = sqlite3.connect(tmp / f"raw{i}.db")
            con.execute("CREATE TABLE runs (run_id TEXT PRIMARY KEY, name TEXT, start REAL)")
            con.commit()
            t3 = ns()
            con.close()
            t4 = ns()
            open_store(str(folder)).close()
            t5 = ns()
            ours.append(t1 - t0)
            base.append(t3 - t2)
            reopen.append(t5 - t4)
        assert (tmp / "store0" / "mlm.db").is_file()

    m = median(ours) / 1e6
    figure("open_store_fresh", m, "ms", median(base) / 1e6, None, "<= 50 ms", m <= 50)
    figure("open_store_existing", median(reopen) / 1e6, "ms", median(base) / 1e6, None,
           "none (report only; includes close())", None)


if __name__ == "__main__":
    main()
