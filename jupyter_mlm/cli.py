"""The ``mlm`` command: list and inspect runs, show the store, collect garbage, archive and
delete runs or experiments."""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from .errors import MlmError

    try:
        return int(args.func(args) or 0)
    except (MlmError, ValueError, TypeError, OSError, ImportError) as err:
        print(f"mlm: error: {err}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="mlm", description="jupyter-mlm: experiments, runs and the store."
    )
    p.add_argument(
        "--store", help="database URI or folder (default: MLM_STORE, mlm.toml, or .mlm/)"
    )
    sub = p.add_subparsers(metavar="COMMAND")

    runs = sub.add_parser("runs", help="list runs, newest first")
    runs.add_argument("experiment", nargs="?", help="only this experiment")
    runs.add_argument("--where", help="filter, e.g. \"params.lr < 0.01 and status = 'finished'\"")
    runs.add_argument("--order-by", help="e.g. '-metrics.val_accuracy'")
    runs.add_argument("--limit", type=int, default=50)
    runs.add_argument("--all", action="store_true", help="include archived runs")
    runs.set_defaults(func=_runs)

    show = sub.add_parser("show", help="one run: status, params, tags, metrics, files")
    show.add_argument("run_id")
    show.set_defaults(func=_show)

    store = sub.add_parser("store", help="where the store is and how big it is")
    store.set_defaults(func=_store)

    gc = sub.add_parser("gc", help="remove blobs and checkpoint content that nothing refers to")
    gc.add_argument("--grace", type=float, default=3600.0,
                    help="keep blobs and checkpoint content younger than this (s)")  # fmt: skip
    gc.add_argument("--dry-run", action="store_true")
    gc.set_defaults(func=_gc)

    cps = sub.add_parser("checkpoints", help="a notebook's checkpoint history, newest first")
    cps.add_argument("path", help="the notebook or file (it may have been deleted); outside git, "
                     "give it relative to the Jupyter server's root folder, from there")  # fmt: skip
    cps.add_argument("--limit", type=int, default=50)
    cps.set_defaults(func=_checkpoints)

    dsets = sub.add_parser("datasets", help="list recorded dataset versions")
    dsets.add_argument("name", nargs="?", help="only versions of this dataset")
    dsets.set_defaults(func=_datasets)

    dset = sub.add_parser("dataset", help="hash a file, folder, glob or URL and record it")
    dset.add_argument("source", help="path, glob (quote it) or fsspec URL")
    dset.add_argument("--name", help="dataset name (default: the file or folder name)")
    dset.add_argument("--no-progress", action="store_true", help="no progress bar")
    dset.set_defaults(func=_dataset)

    dups = sub.add_parser("duplicates", help="find identical files across folders and URLs")
    dups.add_argument("paths", nargs="+", help="files, folders or fsspec URLs")
    dups.add_argument("--blobs", action="store_true", help="include the store's blobs")
    dups.set_defaults(func=_duplicates)

    for name, helptext in (
        ("archive", "hide"),
        ("restore", "un-hide"),
        ("delete", "permanently delete"),
    ):
        cmd = sub.add_parser(name, help=f"{helptext} a run or an experiment")
        cmd.add_argument("kind", choices=("run", "experiment"))
        cmd.add_argument("ident", help="run id, or experiment name")
        if name == "delete":
            cmd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
        cmd.set_defaults(func=_lifecycle, action=name)
    return p


def _open(args: argparse.Namespace):
    from .config import location_from, resolve_store
    from .store import open_store

    location = location_from(args.store) if args.store else resolve_store()
    return location, open_store(location)


def _runs(args: argparse.Namespace) -> int:
    _, st = _open(args)
    ids = [st.get_experiment(args.experiment).experiment_id] if args.experiment else None
    found = st.search_runs(
        ids, where=args.where, order_by=args.order_by, limit=args.limit, include_archived=args.all
    )
    rows = [["RUN ID", "EXPERIMENT", "NAME", "STATUS", "STARTED", "METRICS"]]
    for r in found:
        metrics = ", ".join(f"{k}={_num(m.last)}" for k, m in sorted(r.metrics.items())[:4])
        rows.append([r.run_id, r.experiment, r.name, r.status, _when(r.start_time), metrics])
    _table(rows)
    print(f"{len(found)} run(s)")
    return 0


def _show(args: argparse.Namespace) -> int:
    _, st = _open(args)
    r = st.get_run(args.run_id)
    print(f"run        {r.run_id}  ({r.name})")
    print(f"experiment {r.experiment}")
    print(f"status     {r.status}{'  [archived]' if r.lifecycle == 'archived' else ''}")
    print(f"started    {_when(r.start_time)} by {r.user} on {r.host} (pid {r.pid})")
    if r.end_time is not None:
        print(f"ended      {_when(r.end_time)} after {r.end_time - r.start_time:.1f} s")
    if r.parent_run_id:
        print(f"parent     {r.parent_run_id}")
    for title, items in (("params", r.params), ("tags", r.tags)):
        if items:
            print(f"{title}:")
            for k, v in sorted(items.items()):
                print(f"  {k} = {v!r}")
    if r.metrics:
        print("metrics:            last        min         max         points")
        for k, m in sorted(r.metrics.items()):
            print(
                f"  {k:<16} {_num(m.last):>10}  {_num(m.min):>10}  {_num(m.max):>10}  {m.count:>8}"
            )
    for a in st.list_artifacts(r.run_id):
        print(f"artifact   {a.name} ({a.size} bytes, blob {a.blob_id[:12]}…)")
    for kind, items in (("text", st.list_texts(r.run_id)), ("image", st.list_images(r.run_id))):
        for b in items:
            print(f"{kind:<10} {b.name} (blob {b.blob_id[:12]}…)")
    if r.error:
        print("error:\n" + r.error.rstrip())
    return 0


def _store(args: argparse.Namespace) -> int:
    location, st = _open(args)
    stats = st.stats()
    blobs = list(st.blobs.iter_blobs())
    print(f"store      {location.describe()}")
    if location.root is not None:
        db = location.root / "mlm.db"
        size = sum(p.stat().st_size for p in location.root.glob("mlm.db*") if p.is_file())
        print(f"database   {db} ({_bytes(size)})")
    print(
        f"contents   {stats['experiments']} experiment(s), {stats['runs']} run(s), "
        f"{stats['metric_points']} metric point(s)"
    )
    print(f"blobs      {len(blobs)} ({_bytes(sum(b[1] for b in blobs))}) in {st.blobs.uri}")
    return 0


def _gc(args: argparse.Namespace) -> int:
    from .store.gc import collect_garbage

    _, st = _open(args)
    report = collect_garbage(st, grace_seconds=args.grace, dry_run=args.dry_run)
    verb = "would remove" if report.dry_run else "removed"
    print(
        f"{verb} {report.removed} blob(s), {_bytes(report.freed_bytes)}; "
        f"kept {report.kept} referenced blob(s) older than {args.grace:g} s; "
        f"{verb} {report.removed_chunks} unused checkpoint content chunk(s)"
    )
    return 0


def _checkpoints(args: argparse.Namespace) -> int:
    import os

    from .checkpoints.locate import locate
    from .config import location_from, resolve_store
    from .store import open_store

    path = os.path.abspath(args.path)
    st = open_store(location_from(args.store) if args.store else resolve_store(path))
    ref = locate(path)
    infos, total = st.list_checkpoints(repo=ref.repo, path=ref.path, limit=args.limit)
    rows = [["ID", "TIME", "AUTHOR", "COMMIT", "MESSAGE"]]
    for i in infos:
        if i.git_commit:
            commit = i.git_commit[:10] + ("*" if i.git_dirty else "")
        else:
            commit = f"({i.git_state})"
        rows.append([i.checkpoint_id[:8], _when(i.created_at), i.author_name, commit,
                     (i.message or "").splitlines()[0][:60] if i.message else ""])  # fmt: skip
    _table(rows)
    shown = f"{len(infos)} of {total}" if total > len(infos) else str(total)
    print(f"{shown} checkpoint(s) of {ref.path}" + (f" in {ref.repo}" if ref.repo else "")
          + ("; * uncommitted changes" if any(i.git_dirty for i in infos) else ""))  # fmt: skip
    return 0


def _datasets(args: argparse.Namespace) -> int:
    _, st = _open(args)
    rows = [["ID", "NAME", "KIND", "FILES/ROWS", "SIZE", "RECORDED", "SOURCE"]]
    versions = st.list_dataset_versions(args.name)
    for v in versions:
        rows.append([v.content_id[:12], v.name, v.kind, str(v.file_count), _bytes(v.bytes),
                     _when(v.created_at), v.source])  # fmt: skip
    _table(rows)
    print(f"{len(versions)} version(s)")
    return 0


def _dataset(args: argparse.Namespace) -> int:
    from .data.sources import describe
    from .data.versions import record

    _, st = _open(args)
    version = record(describe(args.source, name=args.name, progress=not args.no_progress), st)
    print(f"{version.content_id}  {version.name}  ({version.kind}, {version.file_count} "
          f"file(s), {_bytes(version.bytes)})")  # fmt: skip
    runs = st.dataset_uses(content_id=version.content_id)
    if runs:
        print(f"used by {len({u.run_id for u in runs})} run(s)")
    return 0


def _duplicates(args: argparse.Namespace) -> int:
    from .data.duplicates import find_duplicates
    from .store.blobs import LocalBlobStore

    blob_dirs = []
    if args.blobs:
        _, st = _open(args)
        if isinstance(st.blobs, LocalBlobStore):
            blob_dirs.append(st.blobs.root)
    report = find_duplicates(*args.paths, blob_dirs=blob_dirs)
    print(report.to_text())
    return 0


def _lifecycle(args: argparse.Namespace) -> int:
    _, st = _open(args)
    ident = args.ident if args.kind == "run" else st.get_experiment(args.ident).experiment_id
    if args.action == "delete":
        if not args.yes:
            if not sys.stdin.isatty():
                print("mlm: error: delete needs --yes when not run interactively", file=sys.stderr)
                return 1
            if (
                input(
                    f"permanently delete {args.kind} {args.ident} and all it logged? [y/N] "
                ).lower()
                != "y"
            ):
                return 1
        n = st.purge(args.kind, ident)
        print(f"deleted {args.kind} {args.ident} ({n} run(s)); run 'mlm gc' to free blob space")
    else:
        st.set_lifecycle(args.kind, ident, "archived" if args.action == "archive" else "active")
        print(f"{args.action}d {args.kind} {args.ident}")
    return 0


def _table(rows: list[list[str]]) -> None:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip())


def _num(x: float) -> str:
    return "nan" if math.isnan(x) else f"{x:.6g}"


def _when(t: float) -> str:
    return dt.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M:%S")


def _bytes(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GiB"


if __name__ == "__main__":
    sys.exit(main())
