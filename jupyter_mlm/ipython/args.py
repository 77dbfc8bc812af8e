"""Argument parsing for ``%mlm_track``: errors become a usage message, never a traceback, and
``k=v`` values are Python literals when they parse as one."""

from __future__ import annotations

import argparse
import ast
from typing import Any, NoReturn


class UsageError(Exception):
    """Bad ``%mlm_track`` arguments; the message is what the user sees."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.format_usage().strip()}\n{self.prog}: {message}")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        raise UsageError((message or self.format_help()).strip())


def literal(text: str) -> Any:
    """``3e-4`` → 0.0003, ``[64, 32]`` → list, ``adam`` → "adam"."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return text


def pairs(items: list[str] | None, what: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{what} must look like KEY=VALUE, got {item!r}")
        out[key.strip()] = literal(value.strip())
    return out


def _run_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("experiment", help="experiment name (created on first use)")
    p.add_argument("--name", help="run name (default: a generated one)")
    p.add_argument("--param", action="append", metavar="K=V", help="a param (repeatable)")
    p.add_argument("--tag", action="append", metavar="K=V", help="a tag (repeatable)")
    p.add_argument("--data", action="append", metavar="PATH", help="a dataset the run reads")
    p.add_argument("--quiet", action="store_true", help="print nothing")


def line_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="%mlm_track", add_help=True, description="Track runs from a notebook.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    start = sub.add_parser("start", help="start a run that spans cells (and show its live chart)")
    _run_options(start)
    start.add_argument(
        "--baseline", default=None, metavar="best|last:N", help="earlier runs drawn in grey"
    )
    stop = sub.add_parser("stop", help="end the active run")
    stop.add_argument("--status", default="finished", choices=("finished", "failed", "killed"))
    sub.add_parser("status", help="the active run")
    board = sub.add_parser("leaderboard", help="runs ranked by a metric")
    board.add_argument("experiment")
    board.add_argument("--metric", required=True)
    goal = board.add_mutually_exclusive_group()
    goal.add_argument("--max", dest="goal", action="store_const", const="max")
    goal.add_argument("--min", dest="goal", action="store_const", const="min")
    board.add_argument("--group-by", nargs="+", default=None, metavar="PARAM")
    board.add_argument("--agg", default="last", choices=("last", "min", "max", "mean"))
    board.add_argument("--limit", type=int, default=10)
    compare = sub.add_parser("compare", help="runs side by side: RUN_ID ... or last:N")
    compare.add_argument("runs", nargs="+")
    checkpoint = sub.add_parser(
        "checkpoint",
        help="record the notebook as a checkpoint with its git state (as open in JupyterLab, "
        "unsaved edits included; else the saved file)",
    )
    checkpoint.add_argument("-m", "--message", default=None, help="what this checkpoint is")
    return p


def cell_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="%%mlm_track", description="Run the cell as one tracked run.")
    _run_options(p)
    return p


def literal_assignments(source: str) -> dict[str, Any]:
    """Top-level ``name = <literal>`` assignments of a cell (its hyper-parameters)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    found: dict[str, Any] = {}
    for node in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = node.targets, node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            targets, value = [node.target], node.value
        if value is None:
            continue
        try:
            literal_value = ast.literal_eval(value)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        for target in targets:
            if isinstance(target, ast.Name) and not target.id.startswith("_"):
                found[target.id] = literal_value
    return found
