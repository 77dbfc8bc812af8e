"""``Bundle``: a widget's ``_esm`` read from ``jupyter_mlm/static`` when a widget is made."""

from __future__ import annotations

from pathlib import Path
from typing import Any

STATIC = Path(__file__).parent.parent / "static"


class Bundle:
    """Reads the built ESM file on access, so a missing bundle fails when a widget is made,
    clearly, and not at import (anywidget would read a plain ``Path`` at class creation)."""

    def __init__(self, name: str) -> None:
        self.path = STATIC / name

    def __get__(self, obj: object, owner: type | None = None) -> Any:
        if obj is None:
            return self
        if not self.path.is_file():
            raise FileNotFoundError(
                "the widget bundle is not built: pip install -e . with Node installed "
                f"(missing {self.path})"
            )
        return self.path.read_text(encoding="utf-8")
