"""The ``mlm`` command (``jupyter_mlm.cli:main``)."""

from .main import main

__all__ = ["main"]
