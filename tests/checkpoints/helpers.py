"""Notebooks, authors and a service on a temporary store, for the checkpoint tests."""

from __future__ import annotations

import base64
import json
import random

from jupyter_mlm.checkpoints import Author

ADA = Author("ada@example.com", "Ada", "git")
BOB = Author("bob@example.com", "Bob", "git")


def notebook(n_cells: int, edit: int | None = None, images: int = 0, seed: int = 0) -> dict:
    """``n_cells`` code cells with a stream output; ``images`` PNG-sized outputs (random, so
    they do not compress); cell ``edit`` % n_cells gets one extra line."""
    rnd = random.Random(seed)
    cells = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "execution_count": i,
         "source": f"# step {i}\n" + f"x{i} = compute({i})\n" * 6,
         "outputs": [{"output_type": "stream", "name": "stdout", "text": f"x{i} done\n"}]}
        for i in range(n_cells)
    ]  # fmt: skip
    for k in range(images):
        png = base64.b64encode(rnd.randbytes(60_000)).decode()
        cells[k * 3 % n_cells]["outputs"].append(
            {"output_type": "display_data", "metadata": {},
             "data": {"image/png": png, "text/plain": "<Figure>"}}
        )  # fmt: skip
    if edit is not None:
        cells[edit % n_cells]["source"] += f"# edit {edit}\n"
    return {"nbformat": 4, "nbformat_minor": 5,
            "metadata": {"kernelspec": {"name": "python3"}}, "cells": cells}  # fmt: skip


def saved(nb: dict) -> bytes:
    """The bytes Jupyter writes for ``nb`` (``nbformat.write``)."""
    import nbformat

    return (nbformat.writes(nbformat.from_dict(nb)) + "\n").encode()


def as_saved(nb: dict) -> dict:
    """``nb`` as read back from its file (Jupyter writes multi-line text as lists of lines)."""
    return json.loads(saved(nb))
