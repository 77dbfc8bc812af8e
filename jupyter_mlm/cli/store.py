"""``mlm store`` (where the store is, how big) and ``mlm gc``."""

from __future__ import annotations

import argparse

from ..core.text import size
from .opening import open_from


def store_command(args: argparse.Namespace) -> int:
    location, st = open_from(args)
    stats = st.stats()
    blobs = list(st.blobs.iter_blobs())
    print(f"store      {location.describe()}")
    if location.root is not None:
        db = location.root / "mlm.db"
        used = sum(p.stat().st_size for p in location.root.glob("mlm.db*") if p.is_file())
        print(f"database   {db} ({size(used)})")
    print(
        f"contents   {stats['experiments']} experiment(s), {stats['runs']} run(s), "
        f"{stats['metric_points']} metric point(s)"
    )
    print(f"blobs      {len(blobs)} ({size(sum(b[1] for b in blobs))}) in {st.blobs.uri}")
    return 0


def gc_command(args: argparse.Namespace) -> int:
    from ..checkpoints.gc import collect_garbage

    _, st = open_from(args)
    report = collect_garbage(st, grace_seconds=args.grace, dry_run=args.dry_run)
    verb = "would remove" if report.dry_run else "removed"
    print(
        f"{verb} {report.removed} blob(s), {size(report.freed_bytes)}; "
        f"kept {report.kept} referenced blob(s) older than {args.grace:g} s; "
        f"{verb} {report.removed_chunks} unused checkpoint content chunk(s)"
    )
    return 0
