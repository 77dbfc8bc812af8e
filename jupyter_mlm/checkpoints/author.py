"""Who made a checkpoint: the Jupyter identity when it names a user, else the repository's git
``user.name``/``user.email``, else the OS user."""

from __future__ import annotations

import functools
import getpass
import os
import subprocess
from dataclasses import dataclass
from typing import Any

GIT_CONFIG_TIMEOUT = 5.0


@dataclass(frozen=True)
class Author:
    username: str  # the key: who may delete a checkpoint or a comment
    display_name: str
    source: str  # jupyter | jupyterhub | git | os

    def to_dict(self) -> dict[str, Any]:
        return {"username": self.username, "display_name": self.display_name, "source": self.source}


def author_for(folder: str | None = None) -> Author:
    """The author outside a Jupyter request: JupyterHub's user (its kernels get
    ``JUPYTERHUB_USER``), else git's user in ``folder``'s repository, else the OS user."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user:
        return Author(hub_user, hub_user, "jupyterhub")
    found = _git_user(os.path.abspath(folder or os.getcwd()))
    if found is not None:
        return found
    user = _os_user()
    return Author(user, user, "os")


def jupyter_author(user: Any, *, names_a_user: bool) -> Author | None:
    """The author from a jupyter_server ``User``, when the identity provider names real users
    (JupyterHub, a configured provider) rather than an anonymous token holder."""
    if user is None or not names_a_user:
        return None
    username = getattr(user, "username", None) or (user if isinstance(user, str) else None)
    if not username:
        return None
    display = getattr(user, "display_name", None) or getattr(user, "name", None) or username
    return Author(str(username), str(display), "jupyter")


@functools.lru_cache(maxsize=256)
def _git_user(folder: str) -> Author | None:
    def get(key: str) -> str:
        try:
            done = subprocess.run(
                ["git", "-C", folder, "config", "--get", key],
                capture_output=True,
                text=True,
                timeout=GIT_CONFIG_TIMEOUT,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            )
        except (OSError, subprocess.TimeoutExpired):
            return ""
        return done.stdout.strip() if done.returncode == 0 else ""

    if not os.path.isdir(folder):
        return None
    name, email = get("user.name"), get("user.email")
    if not (name or email):
        return None
    return Author(email or name, f"{name} <{email}>" if name and email else name or email, "git")


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no name for this uid (containers)
        return f"uid-{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def forget_cached_git_users() -> None:
    _git_user.cache_clear()
