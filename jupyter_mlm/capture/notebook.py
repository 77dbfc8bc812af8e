"""Which notebook this kernel runs, from what the server tells the kernel (never guessed), and a
name for that notebook that is the same in every clone of its repository."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _getcwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # the folder was deleted
        return None


# The server starts a kernel in its notebook's folder; the notebook may chdir away later.
_START_CWD = _getcwd()

NOTEBOOK_SUFFIX = ".ipynb"


def notebook_path(user_ns: Mapping[str, Any] | None = None) -> str | None:
    """The path of the notebook this kernel runs, or None (plain IPython, nbclient, a console).

    From VS Code's ``__vsc_ipynb_file__`` (in ``user_ns``, default: ``__main__``'s globals) or
    jupyter_server's ``JPY_SESSION_NAME``: absolute, or relative to the server root. A relative
    one is resolved against the kernel's folder when that file exists, else against
    ``JUPYTER_SERVER_ROOT`` when set, else returned as given.
    """
    namespace = (
        user_ns if user_ns is not None else getattr(sys.modules.get("__main__"), "__dict__", {})
    )
    vscode = namespace.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and vscode:
        return vscode
    session = os.environ.get("JPY_SESSION_NAME", "")
    if not session or session.endswith(("/", os.sep)):
        return None
    path = _resolve_session(session)
    # Consoles get a session named like "Console 1"; only a notebook is a file or an .ipynb.
    if not path.endswith(NOTEBOOK_SUFFIX) and not os.path.isfile(path):
        return None
    return path


def notebook_identity(path: str | os.PathLike[str]) -> dict[str, str | None]:
    """``{"repo": repository identity, "path": repo-relative POSIX path}`` for a notebook.

    Outside git: ``{"repo": None, "path": path relative to the server root}`` (the
    ``JUPYTER_SERVER_ROOT`` environment variable, else the cwd).
    """
    from .git import locate_repository

    return identity_in(path, locate_repository(path))


def identity_in(
    path: str | os.PathLike[str], repository: tuple[str, str | None] | None
) -> dict[str, str | None]:
    """The identity of ``path`` given ``locate_repository(path)`` (already known to the caller)."""
    if repository is None:
        base = os.environ.get("JUPYTER_SERVER_ROOT") or _getcwd() or "/"
        return {"repo": None, "path": _relative(path, base)}
    root, identity = repository
    return {"repo": identity, "path": _relative(path, root)}


def _resolve_session(session: str) -> str:
    if os.path.isabs(session):
        return os.path.normpath(session)
    relative = Path(session)
    for cwd in dict.fromkeys(filter(None, (_START_CWD, _getcwd()))):
        here = Path(cwd)
        if (here / relative).is_file():  # the server root is the kernel's folder
            return os.path.normpath(here / relative)
        # The kernel runs in the notebook's folder, which ends with the session's folder.
        folders = relative.parent.parts
        if folders and here.parts[-len(folders) :] == folders and (here / relative.name).is_file():
            return os.path.normpath(here / relative.name)
    server_root = os.environ.get("JUPYTER_SERVER_ROOT")
    if server_root:
        return os.path.normpath(Path(server_root).expanduser() / relative)
    return session


def _relative(path: str | os.PathLike[str], base: str) -> str:
    """``path`` relative to ``base`` as POSIX, symlinked folders resolved; absolute if outside."""
    target = Path(path).expanduser().absolute()
    target = target.parent.resolve() / target.name  # a symlinked notebook stays itself
    try:
        return target.relative_to(Path(base).expanduser().resolve()).as_posix()
    except ValueError:
        return target.as_posix()
