"""jupyter-mlm: ML model management that lives inside Jupyter.

``import jupyter_mlm as mlm``; ``with mlm.start_run("exp", params={...}) as run: run.log(loss=x)``.
Heavy modules (SQLAlchemy, numpy) load on first use, so importing the package is fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "ConfigError",
    "ConflictError",
    "MlmError",
    "NotFoundError",
    "Run",
    "SchemaVersionError",
    "StoreError",
    "WriterError",
    "active_run",
    "compare",
    "costs",
    "dataset",
    "datasets",
    "duplicates",
    "flush",
    "get_run",
    "get_store",
    "leaderboard",
    "leaderboard_rows",
    "live",
    "log",
    "parallel_coordinates",
    "resolve_store",
    "resume_run",
    "runs",
    "set_store",
    "start_run",
]

_LAZY = {
    "active_run": "tracking.fluent",
    "costs": "tracking.fluent",
    "dataset": "tracking.fluent",
    "duplicates": "tracking.fluent",
    "flush": "tracking.fluent",
    "get_run": "tracking.fluent",
    "leaderboard_rows": "tracking.fluent",
    "live": "widgets",
    "leaderboard": "widgets",
    "compare": "widgets",
    "parallel_coordinates": "widgets",
    "log": "tracking.fluent",
    "resume_run": "tracking.fluent",
    "runs": "tracking.fluent",
    "start_run": "tracking.fluent",
    "get_store": "tracking.fluent",
    "Run": "tracking.run",
    "resolve_store": "store.location",
    "set_store": "store.location",
    "ConfigError": "core.errors",
    "ConflictError": "core.errors",
    "MlmError": "core.errors",
    "NotFoundError": "core.errors",
    "SchemaVersionError": "core.errors",
    "StoreError": "core.errors",
    "WriterError": "core.errors",
}

if TYPE_CHECKING:
    from . import datasets
    from .core.errors import (
        ConfigError,
        ConflictError,
        MlmError,
        NotFoundError,
        SchemaVersionError,
        StoreError,
        WriterError,
    )
    from .store.location import resolve_store, set_store
    from .tracking.fluent import (
        active_run,
        costs,
        dataset,
        duplicates,
        flush,
        get_run,
        get_store,
        leaderboard_rows,
        log,
        resume_run,
        runs,
        start_run,
    )
    from .tracking.run import Run
    from .widgets import compare, leaderboard, live, parallel_coordinates


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext jupyter_mlm``: registers ``%mlm_track`` and, in a kernel, the comm target the
    labextension links to (IPython is imported only here)."""
    from .capture import notebook  # noqa: F401 - records the kernel's starting folder
    from .ipython import kernel_link
    from .ipython.magics import TrackMagics

    ipython.register_magics(TrackMagics)
    kernel_link.install(ipython)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    """The server extension (checkpoint history + ``/mlm/api/``), enabled on install."""
    return [{"module": "jupyter_mlm"}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    from .server.extension import load_extension

    load_extension(serverapp)


def _unload_jupyter_server_extension(serverapp: Any) -> None:
    from .server.extension import unload_extension

    unload_extension(serverapp)


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    return [{"src": "labextension", "dest": "jupyter-mlm"}]


def __getattr__(name: str) -> Any:
    if name == "datasets":  # a namespace: mlm.datasets.diff / list / get
        import importlib

        return importlib.import_module(f"{__name__}.datasets")
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'jupyter_mlm' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
