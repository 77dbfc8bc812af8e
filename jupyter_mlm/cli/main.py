"""The ``mlm`` command: its arguments and dispatch; each command group is a module of its own
(runs, store, checkpoints, data, cost)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .checkpoints import checkpoints_command
from .cost import advice_command, cost_command
from .data import dataset_command, datasets_command, duplicates_command
from .runs import lifecycle_command, runs_command, show_command
from .store import gc_command, store_command


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    from ..core.errors import MlmError

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
    runs.set_defaults(func=runs_command)

    show = sub.add_parser("show", help="one run: status, params, tags, metrics, files")
    show.add_argument("run_id")
    show.set_defaults(func=show_command)

    cost = sub.add_parser("cost", help="what runs cost (newest first) and the total")
    cost.add_argument("experiment", nargs="?", help="only this experiment")
    cost.add_argument("--hourly", type=float, help="price them at this many USD an hour")
    advice = sub.add_parser("advice", help="how runs could cost less, from their samples")
    advice.add_argument("experiment", nargs="?", help="only this experiment")
    for cmd, func, limit in ((cost, cost_command, 50), (advice, advice_command, 20)):
        cmd.add_argument("--where", help="filter, as for 'mlm runs'")
        cmd.add_argument("--limit", type=int, default=limit)
        cmd.add_argument("--all", action="store_true", help="include archived runs")
        cmd.add_argument("--json", action="store_true", help="JSON instead of a table")
        cmd.set_defaults(func=func)

    store = sub.add_parser("store", help="where the store is and how big it is")
    store.set_defaults(func=store_command)

    gc = sub.add_parser("gc", help="remove blobs and checkpoint content that nothing refers to")
    gc.add_argument("--grace", type=float, default=3600.0,
                    help="keep blobs and checkpoint content younger than this (s)")  # fmt: skip
    gc.add_argument("--dry-run", action="store_true")
    gc.set_defaults(func=gc_command)

    cps = sub.add_parser("checkpoints", help="a notebook's checkpoint history, newest first")
    cps.add_argument("path", help="the notebook or file (it may have been deleted); outside git, "
                     "give it relative to the Jupyter server's root folder, from there")  # fmt: skip
    cps.add_argument("--limit", type=int, default=50)
    cps.set_defaults(func=checkpoints_command)

    dsets = sub.add_parser("datasets", help="list recorded dataset versions")
    dsets.add_argument("name", nargs="?", help="only versions of this dataset")
    dsets.set_defaults(func=datasets_command)

    dset = sub.add_parser("dataset", help="hash a file, folder, glob or URL and record it")
    dset.add_argument("source", help="path, glob (quote it) or fsspec URL")
    dset.add_argument("--name", help="dataset name (default: the file or folder name)")
    dset.add_argument("--no-progress", action="store_true", help="no progress bar")
    dset.set_defaults(func=dataset_command)

    dups = sub.add_parser("duplicates", help="find identical files across folders and URLs")
    dups.add_argument("paths", nargs="+", help="files, folders or fsspec URLs")
    dups.add_argument("--blobs", action="store_true", help="include the store's blobs")
    dups.set_defaults(func=duplicates_command)

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
        cmd.set_defaults(func=lifecycle_command, action=name)
    return p



if __name__ == "__main__":
    sys.exit(main())
