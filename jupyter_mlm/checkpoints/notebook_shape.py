"""Whether a saved ``.ipynb`` is split into cells and outputs, or kept as plain bytes."""

from __future__ import annotations

from typing import Any


def check_notebook(nb: Any) -> None:
    """Raise ValueError naming the problem unless ``nb`` has an nbformat 4 notebook's shape (an
    object with ``nbformat`` 4, a ``metadata`` object and a list of cell objects): what the
    chunks rebuild exactly. Anything else (old formats, ``{}``, a list of cells that are not
    objects) is checkpointed as plain bytes. Schema errors (a missing ``display_name``) are
    Jupyter's to report; such a notebook still comes back byte for byte."""
    if not isinstance(nb, dict):
        raise ValueError("not a notebook: the JSON is not an object")
    major = nb.get("nbformat")
    if major != 4 or isinstance(major, bool):
        raise ValueError(f"not an nbformat 4 notebook (nbformat {major!r})")
    if not isinstance(nb.get("metadata"), dict):
        raise ValueError("not a notebook: its metadata is not an object")
    cells = nb.get("cells")
    if not isinstance(cells, list) or not all(isinstance(c, dict) for c in cells):
        raise ValueError("not a notebook: cells is not a list of objects")
