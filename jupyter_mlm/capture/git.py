"""The git state of the repository holding a notebook or script (not the process cwd).

Commit, branch, the diff of tracked files against HEAD, untracked files and the remote, with
every remote URL stripped of credentials. Runs at most three git commands: ``status``, ``diff``
when something changed, and ``rev-list`` when no remote names the repository.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..core.repo import find_repo_root
from .urls import remote_identity, strip_credentials

if TYPE_CHECKING:
    from git import Repo

__all__ = ["capture_git", "locate_repository", "strip_credentials"]

MAX_UNTRACKED = 1000
_CHUNK = 1 << 16
_DIFF_OPTIONS = (
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)


def capture_git(
    path: str | os.PathLike[str],
    *,
    max_diff_bytes: int = 1_000_000,
    max_untracked: int = MAX_UNTRACKED,
) -> dict[str, Any] | None:
    """The state of the git repository holding ``path``; None outside git or without a git binary.

    Keys: ``root``, ``identity``, ``commit`` (None before the first commit), ``branch`` (None
    when detached), ``detached``, ``dirty`` (tracked files differ from HEAD), ``diff`` (``git diff
    HEAD``, cut to ``max_diff_bytes`` with ``diff_truncated``; ``diff_bytes`` is the full size),
    ``untracked`` (the first ``max_untracked`` names) with ``untracked_count``, ``remote_url``
    and ``remotes``. Errors of a broken repository propagate (GitCommandError).
    """
    with _opened(path) as repo:
        if repo is None:
            return None
        import git

        try:
            return _describe(repo, max_diff_bytes, max_untracked)
        except git.GitCommandNotFound:
            return None


def locate_repository(path: str | os.PathLike[str]) -> tuple[str, str | None] | None:
    """``(work-tree root, repository identity)`` for the repository holding ``path``, or None."""
    with _opened(path) as repo:
        if repo is None:
            return None
        import git

        try:
            return _root(repo), _identity(repo, _remotes(repo))
        except git.GitCommandNotFound:
            return None


@contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[Repo | None]:
    """The Repo holding ``path`` (or None), closed afterwards."""
    repo = _open(path)
    try:
        yield repo
    finally:
        if repo is not None:
            repo.close()


def _open(path: str | os.PathLike[str]) -> Repo | None:
    folder = Path(path).expanduser().absolute()
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    if find_repo_root(folder) is None:  # skips importing GitPython outside git
        return None
    try:
        import git
    except ImportError:  # GitPython refuses to import without a git executable
        return None
    try:
        repo = git.Repo(folder, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.working_tree_dir is None:  # a bare repository holds no notebooks
        repo.close()
        return None
    repo.git.update_environment(GIT_OPTIONAL_LOCKS="0")  # never take the index lock
    return repo


def _describe(repo: Repo, max_diff_bytes: int, max_untracked: int) -> dict[str, Any]:
    status = _status(repo, max_untracked)
    diff, diff_bytes, truncated = (
        _diff(repo, status["commit"], max_diff_bytes) if status["dirty"] else ("", 0, False)
    )
    remotes = _remotes(repo)
    preferred = _preferred(remotes)
    return {
        "root": _root(repo),
        "identity": _identity(repo, remotes),
        **status,
        "diff": diff,
        "diff_bytes": diff_bytes,
        "diff_truncated": truncated,
        "remote_url": remotes[preferred] if preferred else None,
        "remotes": remotes,
    }


def _status(repo: Repo, max_untracked: int) -> dict[str, Any]:
    """Commit, branch and changes from one ``git status --porcelain=v2``."""
    commit: str | None = None
    branch: str | None = None
    detached = dirty = False
    untracked: list[str] = []
    count = 0
    entries = _split_nul(
        _stream(repo, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=all")
    )
    for entry in entries:
        if entry.startswith(b"# branch.oid "):
            oid = entry[len(b"# branch.oid ") :].decode()
            commit = None if oid == "(initial)" else oid
        elif entry.startswith(b"# branch.head "):
            head = entry[len(b"# branch.head ") :].decode("utf-8", "replace")
            detached = head == "(detached)"
            branch = None if detached else head
        elif entry.startswith(b"? "):
            count += 1
            if len(untracked) < max_untracked:
                untracked.append(entry[2:].decode("utf-8", "replace"))
        elif entry[:2] in (b"1 ", b"2 ", b"u "):
            dirty = True
            if entry.startswith(b"2 "):  # a rename is followed by its original path
                next(entries, None)
    return {
        "commit": commit,
        "branch": branch,
        "detached": detached,
        "dirty": dirty,
        "untracked": untracked,
        "untracked_count": count,
    }


def _diff(repo: Repo, commit: str | None, max_bytes: int) -> tuple[str, int, bool]:
    """The diff of tracked files against HEAD (an empty tree before the first commit)."""
    base = commit or repo.git.hash_object("-t", "tree", "--stdin")  # stdin is empty
    kept = bytearray()
    total = 0
    for chunk in _stream(repo, "diff", *_DIFF_OPTIONS, base, "--"):
        total += len(chunk)
        if len(kept) < max_bytes:
            kept += chunk[: max_bytes - len(kept)]
    truncated = total > len(kept)
    if truncated:
        cut = kept.rfind(b"\n") + 1
        del kept[cut or len(kept) :]  # end on a whole line when there is one
    return kept.decode("utf-8", "replace"), total, truncated


def _remotes(repo: Repo) -> dict[str, str]:
    """Every remote's URL, without credentials."""
    urls: dict[str, str] = {}
    for remote in repo.remotes:
        try:
            urls[remote.name] = strip_credentials(str(remote.config_reader.get("url")))
        except Exception:  # a remote with no url (a pushurl only)
            continue
    return urls


def _preferred(remotes: dict[str, str]) -> str | None:
    """``origin`` if there is one, else the first remote by name."""
    if "origin" in remotes:
        return "origin"
    return min(remotes, default=None)


def _identity(repo: Repo, remotes: dict[str, str]) -> str | None:
    """The repository's name in every clone: its remote's ``host/path``, else its root commit."""
    names = sorted(remotes, key=lambda name: (name != "origin", name))
    for name in names:
        identity = remote_identity(remotes[name])
        if identity:
            return identity
    root = repo.git.rev_list("--max-parents=0", "--first-parent", "HEAD", with_exceptions=False)
    return f"root:{root.split()[0]}" if root.strip() else None


def _root(repo: Repo) -> str:
    assert repo.working_tree_dir is not None
    return os.fspath(repo.working_tree_dir)


def _stream(repo: Repo, *args: str) -> Iterator[bytes]:
    """The output of a git command, chunk by chunk (a diff may be larger than memory allows)."""
    proc = getattr(repo.git, args[0])(*args[1:], as_process=True)
    assert proc.proc is not None and proc.proc.stdout is not None
    while chunk := proc.proc.stdout.read(_CHUNK):
        yield chunk
    proc.wait()  # raises GitCommandError on failure


def _split_nul(chunks: Iterator[bytes]) -> Iterator[bytes]:
    rest = b""
    for chunk in chunks:
        *entries, rest = (rest + chunk).split(b"\0")
        yield from entries
    if rest:
        yield rest
