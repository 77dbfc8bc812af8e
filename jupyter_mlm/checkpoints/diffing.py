"""Cell-level diff of two notebooks: nbdime's diff (as JSON) and a per-cell summary the side
panel draws: which cells were added, removed or modified, and whether their outputs changed."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

#: Cell fields whose change makes a cell "modified"; ids, metadata and execution counts do not.
CONTENT_FIELDS = ("source", "cell_type", "attachments")


def normalized(nb: Mapping[str, Any]) -> Any:
    """A v4 ``NotebookNode`` copy of ``nb`` with multi-line strings joined (as saved files split
    them into lists of lines), so equal text compares equal."""
    import nbformat
    from nbformat.v4.rwbase import rejoin_lines

    if not isinstance(nb, Mapping) or not isinstance(nb.get("cells"), list):
        raise ValueError("not a notebook: expected a JSON object with a list of cells")
    return rejoin_lines(nbformat.from_dict(json.loads(json.dumps(nb))))


def diff_notebooks(base: Mapping[str, Any], remote: Mapping[str, Any]) -> dict[str, Any]:
    """``{"diff": nbdime diff (JSON list), "cells": per-cell summary}`` of base → remote."""
    from nbdime.diffing.notebooks import diff_notebooks as nbdime_diff

    a, b = normalized(base), normalized(remote)
    diff = json.loads(json.dumps(nbdime_diff(a, b)))
    return {"diff": diff, "cells": cell_summary(a["cells"], b["cells"], diff)}


def cell_summary(
    base: Sequence[Mapping[str, Any]], remote: Sequence[Mapping[str, Any]], diff: list[Any]
) -> list[dict[str, Any]]:
    """One entry per cell of either notebook, in reading order, from nbdime's diff."""
    ops: list[Any] = next(
        (e["diff"] for e in diff if e.get("key") == "cells" and e["op"] == "patch"), []
    )
    # nbdime lists the operations on one base index as added-before, then removed/patched
    ordered = sorted(ops, key=lambda e: (e["key"], e["op"] != "addrange"))
    out: list[dict[str, Any]] = []
    bi = ri = 0

    def same_until(stop: int) -> None:
        nonlocal bi, ri
        while bi < stop:
            out.append(_entry("unchanged", bi, ri, base[bi], remote[ri], False))
            bi, ri = bi + 1, ri + 1

    for op in ordered:
        same_until(op["key"])
        if op["op"] == "addrange":
            for _ in op["valuelist"]:
                out.append(_entry("added", None, ri, None, remote[ri], False))
                ri += 1
        elif op["op"] == "removerange":
            for _ in range(op["length"]):
                out.append(_entry("removed", bi, None, base[bi], None, False))
                bi += 1
        else:  # patch of one cell
            keys = {e["key"] for e in op["diff"]}
            outputs = "outputs" in keys
            status = "modified" if outputs or keys & set(CONTENT_FIELDS) else "unchanged"
            out.append(_entry(status, bi, ri, base[bi], remote[ri], outputs))
            bi, ri = bi + 1, ri + 1
    same_until(len(base))
    return out


def _entry(
    status: str,
    base_index: int | None,
    remote_index: int | None,
    base: Mapping[str, Any] | None,
    remote: Mapping[str, Any] | None,
    outputs_changed: bool,
) -> dict[str, Any]:
    shown = remote if remote is not None else base
    assert shown is not None
    return {
        "status": status,
        "base_index": base_index,
        "remote_index": remote_index,
        "cell_type": shown.get("cell_type", "code"),
        "source_base": None if base is None else _text(base.get("source", "")),
        "source_remote": None if remote is None else _text(remote.get("source", "")),
        "outputs_changed": outputs_changed,
    }


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)
