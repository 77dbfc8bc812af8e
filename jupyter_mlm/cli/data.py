"""``mlm datasets``, ``mlm dataset`` and ``mlm duplicates``."""

from __future__ import annotations

import argparse

from ..core.text import size, table, when
from .opening import open_from


def datasets_command(args: argparse.Namespace) -> int:
    _, st = open_from(args)
    rows = [["ID", "NAME", "KIND", "FILES/ROWS", "SIZE", "RECORDED", "SOURCE"]]
    versions = st.datasets.versions(args.name)
    for v in versions:
        rows.append([v.content_id[:12], v.name, v.kind, str(v.file_count), size(v.bytes),
                     when(v.created_at), v.source])  # fmt: skip
    print(table(rows))
    print(f"{len(versions)} version(s)")
    return 0


def dataset_command(args: argparse.Namespace) -> int:
    from ..data.sources import describe
    from ..data.versions import record

    _, st = open_from(args)
    version = record(describe(args.source, name=args.name, progress=not args.no_progress), st)
    print(f"{version.content_id}  {version.name}  ({version.kind}, {version.file_count} "
          f"file(s), {size(version.bytes)})")  # fmt: skip
    runs = st.datasets.uses(content_id=version.content_id)
    if runs:
        print(f"used by {len({u.run_id for u in runs})} run(s)")
    return 0


def duplicates_command(args: argparse.Namespace) -> int:
    from ..data.duplicates import find_duplicates
    from ..store.blobs import LocalBlobStore

    blob_dirs = []
    if args.blobs:
        _, st = open_from(args)
        if isinstance(st.blobs, LocalBlobStore):
            blob_dirs.append(st.blobs.root)
    report = find_duplicates(*args.paths, blob_dirs=blob_dirs)
    print(report.to_text())
    return 0
