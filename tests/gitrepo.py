"""Real git repositories for tests: one ``git`` runner and one ``make_repo``."""

from __future__ import annotations

import subprocess
from pathlib import Path


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` and return its output (stripped); raises on failure."""
    return subprocess.run(
        ["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True
    ).stdout.strip()


def make_repo(
    root: Path,
    files: dict[str, str] | None = None,
    *,
    commit: bool = True,
    message: str = "first",
    user: str = "Ada Lovelace",
    email: str = "ada@example.com",
) -> Path:
    """A repository at ``root`` on branch ``main`` with ``user`` as its committer, holding
    ``files`` (default: a README), committed unless ``commit`` is False."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", user)
    git(root, "config", "user.email", email)
    for name, text in (files if files is not None else {"README.md": "hello\n"}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", message)
    return root
