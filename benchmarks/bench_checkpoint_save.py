"""Checkpoint bars: what a save costs with jupyter-mlm's history, and what the history stores.

1. ``checkpoint_save_5mb``: a 5 MB notebook with images (40 code cells, 24 PNG outputs of
   random, incompressible bytes) in a git repository with one commit, saved the way JupyterLab
   does it: ``cm.save(model, path)`` then ``cm.create_checkpoint(path)`` on a real
   ``FileContentsManager``. Baseline: the same with Jupyter's default ``FileCheckpoints`` (a
   copy of the file); ours: with ``HistoryCheckpoints`` installed (content split, hashed and
   stored on the request path; git state, runs and the check that the file is in Jupyter's
   serialisation in the background). One small edit (a line
   in one cell) before every save; REPS saves per side, interleaved, median. The background
   work of a save is let finish (untimed) before the next one, as saves are seconds apart;
   its time is reported on its own (INFO). Bar: ours <= 1.5x baseline.
2. ``checkpoint_bytes_100``: 100 checkpoints of that notebook, one small edit each: the stored
   content chunks (after compression) plus the checkpoint rows (every column value's length)
   against one copy of the notebook file. Bar: <= 1.5x one copy. The SQLite file's growth
   (pages, indexes, free space) is reported too (INFO).
"""

from __future__ import annotations

import base64
import json
import os
import random
import subprocess
import time
from pathlib import Path

from _common import figure, median, note, parse_args, tempdir

CELLS = 40
IMAGES = 24
IMAGE_BYTES = 155_000  # ~207 KB of base64 each


def make_notebook(seed: int = 0) -> dict:
    rnd = random.Random(seed)
    cells = []
    for i in range(CELLS):
        source = f"# step {i}\nresult_{i} = train(step={i}, lr=3e-4)\nplot(result_{i})\n"
        outputs: list[dict] = [
            {
                "output_type": "stream",
                "name": "stdout",
                "text": f"step {i}: loss {1 / (i + 1):.4f}\n",
            }
        ]
        if i < IMAGES:
            png = base64.b64encode(rnd.randbytes(IMAGE_BYTES)).decode()
            outputs.append({"output_type": "display_data", "metadata": {},
                            "data": {"image/png": png, "text/plain": "<Figure size 640x480>"}})  # fmt: skip
        cells.append({"cell_type": "code", "id": f"cell-{i}", "metadata": {},
                      "execution_count": i + 1, "source": source, "outputs": outputs})  # fmt: skip
    return {"nbformat": 4, "nbformat_minor": 5, "cells": cells,
            "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}  # fmt: skip


def edit(nb: dict, i: int) -> None:
    """One small edit: a line added to one cell (another cell each time)."""
    cell = nb["cells"][(i * 7) % CELLS]
    cell["source"] += f"# edit {i}\n"


def git_repo(root: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Bench")
    git("config", "user.email", "bench@example.com")
    for k in range(200):  # a small project around the notebook
        (root / f"src_{k}.py").write_text(f"def f{k}():\n    return {k}\n")
    git("add", ".")
    git("commit", "-q", "-m", "project")


def bench_save(tmp: Path, reps: int) -> None:
    import copy

    from jupyter_server.services.contents.filemanager import FileContentsManager

    from jupyter_mlm.checkpoints import CheckpointService
    from jupyter_mlm.server.checkpoints_adapter import HistoryCheckpoints, install_checkpoints

    roots = {side: tmp / side for side in ("base", "ours")}
    for root in roots.values():
        root.mkdir()
        git_repo(root)
    base = FileContentsManager(root_dir=str(roots["base"]))
    ours = FileContentsManager(root_dir=str(roots["ours"]))
    service = CheckpointService(server_root=str(roots["ours"]))
    install_checkpoints(ours, service)
    assert isinstance(ours.checkpoints, HistoryCheckpoints)
    assert type(base.checkpoints).__name__ == "FileCheckpoints"

    nb = make_notebook()
    size = len(json.dumps(nb, indent=1))
    times: dict[str, list[float]] = {"base": [], "ours": []}
    create_only: dict[str, list[float]] = {"base": [], "ours": []}
    background: list[float] = []
    ns = time.perf_counter_ns
    for i in range(-2, reps):  # two warm-up saves each
        edit(nb, i + 2)
        order = ("base", "ours") if i % 2 else ("ours", "base")
        for side in order:
            cm = base if side == "base" else ours
            model = {"type": "notebook", "format": "json", "content": copy.deepcopy(nb)}
            t0 = ns()
            cm.save(model, "analysis.ipynb")
            t1 = ns()
            cm.create_checkpoint("analysis.ipynb")
            t2 = ns()
            if side == "ours":
                assert service.wait(120)
                t3 = ns()
                if i >= 0:
                    background.append((t3 - t2) / 1e6)
            if i >= 0:
                times[side].append((t2 - t0) / 1e6)
                create_only[side].append((t2 - t1) / 1e6)
    infos, total = service.list(str(roots["ours"] / "analysis.ipynb"), limit=1)
    assert total >= reps and infos[0].git_state == "ok", infos[0]
    assert not service.failures(str(roots["ours"] / "analysis.ipynb"))
    service.close()

    note(f"notebook {size / 2**20:.2f} MiB ({CELLS} cells, {IMAGES} images); {reps} saves/side")
    b, o = median(times["base"]), median(times["ours"])
    figure("checkpoint_save_5mb", o, "ms", b, None,
           "<= 1.5x a plain save + Jupyter's file checkpoint", o <= 1.5 * b)  # fmt: skip
    figure("checkpoint_create_only_5mb", median(create_only["ours"]), "ms",
           median(create_only["base"]), None, "none (create_checkpoint alone)", None)  # fmt: skip
    figure("checkpoint_background_5mb", median(background), "ms", b, None,
           "none (git state, runs, datasets; off the save path)", None)  # fmt: skip


def _row_bytes(store) -> int:
    from sqlalchemy import select

    from jupyter_mlm.store import schema

    total = 0
    with store.engine.connect() as conn:
        for table in (schema.checkpoints, schema.checkpoint_runs, schema.checkpoint_datasets):
            for row in conn.execute(select(table)):
                total += sum(len(str(v).encode()) for v in row if v is not None)
    return total


def _sqlite_bytes(folder: Path) -> int:
    import sqlite3

    db = folder / "mlm.db"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return sum(p.stat().st_size for p in folder.glob("mlm.db*"))


def bench_bytes(tmp: Path) -> None:
    import nbformat

    from jupyter_mlm.checkpoints import Author, CheckpointService
    from jupyter_mlm.store import open_store

    root = tmp / "bytes"
    root.mkdir()
    git_repo(root)
    folder = tmp / "bytes-store"
    store = open_store(str(folder))
    empty = _sqlite_bytes(folder)
    service = CheckpointService(store_for=lambda _p: store, server_root=str(root))
    author = Author("bench@example.com", "Bench", "git")
    nb = make_notebook(seed=1)
    path = root / "analysis.ipynb"
    for i in range(100):
        edit(nb, i)
        data = (nbformat.writes(nbformat.from_dict(nb)) + "\n").encode()  # as Jupyter saves it
        path.write_bytes(data)
        service.create(str(path), author)
    assert service.wait(120)
    one_copy = len(data)
    stored = store.chunks.total_bytes() + _row_bytes(store)
    growth = _sqlite_bytes(folder) - empty
    assert service.list(str(path))[1] == 100
    service.close()
    store.close()
    mib = 2**20
    figure("checkpoint_bytes_100", stored / mib, "MiB", one_copy / mib, "MiB (one copy)",
           "<= 1.5x one copy (chunks + rows)", stored <= 1.5 * one_copy)  # fmt: skip
    figure("checkpoint_sqlite_growth_100", growth / mib, "MiB", one_copy / mib,
           "MiB (one copy)", "none (the database file, pages and indexes)", None)  # fmt: skip


def main() -> None:
    args = parse_args(__doc__)
    os.environ["MLM_CAPTURE"] = "0"
    with tempdir("checkpoint") as tmp:
        os.environ["MLM_STORE"] = str(tmp / "store")
        bench_save(tmp, 20 if args.quick else 30)
        bench_bytes(tmp)


if __name__ == "__main__":
    main()
