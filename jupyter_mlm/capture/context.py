"""Where a run comes from, in one JSON-serialisable dict: notebook, git state, environment.

A problem in one section (a broken repository, say) is recorded as ``{"error": ...}`` in that
section and never raised: capturing the context must not break a run.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .environment import capture_environment
from .git import capture_git
from .notebook import identity_in, notebook_identity
from .urls import scrub_text

T = TypeVar("T")


def capture_context(notebook: str | None = None, *, cwd: str | None = None) -> dict[str, Any]:
    """``{"notebook": {"path", "identity"}, "git", "environment", "captured_at"}`` for a run.

    ``notebook`` is the notebook's path (see ``notebook_path()``), None for a script; git is read
    from the notebook's folder, else from ``cwd`` (default: the current directory). ``git`` is
    None outside git; ``captured_at`` is a Unix time.
    """
    captured_at = time.time()
    base = cwd or _getcwd()
    path = _absolute(notebook, base) if notebook else None
    folder = os.path.dirname(path) if path else base
    git = _guard(lambda: capture_git(folder)) if folder else None
    identity: dict[str, Any] | None = None
    if path:
        if isinstance(git, dict) and "root" in git:
            identity = dict(identity_in(path, (git["root"], git["identity"])))
        elif git is None:
            identity = _guard(lambda: dict(identity_in(path, None)))
        else:  # git failed: try again on its own, else say why
            identity = _guard(lambda: dict(notebook_identity(path)))
    return {
        "notebook": {"path": path, "identity": identity},
        "git": git,
        "environment": _guard(capture_environment),
        "captured_at": captured_at,
    }


def context_tags(ctx: dict[str, Any]) -> dict[str, str]:
    """Short searchable tags: ``mlm.notebook``, ``mlm.repo``, ``mlm.git.*``, ``mlm.python``,
    ``mlm.host`` (only those the context has)."""
    notebook = _section(ctx, "notebook")
    identity = _section(notebook, "identity")
    git = _section(ctx, "git")
    env = _section(ctx, "environment")
    dirty = git.get("dirty")
    candidates = {
        "mlm.notebook": identity.get("path"),
        "mlm.repo": git.get("identity") or identity.get("repo"),
        "mlm.git.commit": git.get("commit"),
        "mlm.git.branch": git.get("branch"),
        "mlm.git.dirty": None if dirty is None else str(bool(dirty)).lower(),
        "mlm.python": _section(env, "python").get("version"),
        "mlm.host": env.get("hostname"),
    }
    return {key: str(value) for key, value in candidates.items() if value not in (None, "")}


def _guard(capture: Callable[[], T]) -> T | dict[str, str]:
    try:
        return capture()
    except Exception as exc:
        return {"error": scrub_text(f"{type(exc).__name__}: {exc}".strip())}


def _section(ctx: Any, key: str) -> dict[str, Any]:
    """``ctx[key]`` when it is a dict without an error, else ``{}``."""
    value = ctx.get(key) if isinstance(ctx, dict) else None
    return value if isinstance(value, dict) and "error" not in value else {}


def _absolute(path: str, base: str | None) -> str:
    path = os.path.expanduser(path)
    return os.path.normpath(os.path.join(base, path) if base else os.path.abspath(path))


def _getcwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:
        return None
