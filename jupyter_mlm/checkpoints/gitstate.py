"""The git state of the repository holding a notebook, read with a time limit, and the optional
side ref commit that never touches the user's branch, index or working tree."""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import tempfile
from typing import Any

from ..capture.urls import scrub_text

_GIT_ENV = {"GIT_OPTIONAL_LOCKS": "0", "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
SIDE_REF_PREFIX = "refs/mlm/checkpoints/"


class GitTimeout(Exception):
    pass


def _git(folder: str, *args: str, timeout: float, stdin: bytes | None = None,
         env: dict[str, str] | None = None) -> bytes:  # fmt: skip
    try:
        done = subprocess.run(
            ["git", "-C", folder, *args],
            input=stdin,
            capture_output=True,
            timeout=timeout,
            env={**os.environ, **_GIT_ENV, **(env or {})},
        )
    except subprocess.TimeoutExpired as err:
        raise GitTimeout(f"git {args[0]} took longer than {timeout:g} s") from err
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(scrub_text(message[-1] if message else f"git {args[0]} failed"))
    return done.stdout


def git_state(folder: str, *, timeout: float = 20.0) -> dict[str, Any]:
    """``{"state", "commit", "branch", "dirty", "detail"}`` of the repository holding ``folder``.

    ``state``: ``ok``; ``none`` (not in a repository, a bare one, or no git); ``timeout``;
    ``error`` (``detail`` says why). A repository mid-rebase or mid-merge is ``ok`` with the
    operation in ``detail``; a detached HEAD has ``branch`` None.
    """
    state: dict[str, Any] = {"state": "ok", "commit": None, "branch": None, "dirty": None,
                             "detail": None}  # fmt: skip
    try:
        inside = _git(folder, "rev-parse", "--is-inside-work-tree", "--absolute-git-dir",
                      timeout=timeout).decode().split("\n")  # fmt: skip
    except FileNotFoundError:
        return {**state, "state": "none", "detail": "git is not installed"}
    except GitTimeout as err:
        return {**state, "state": "timeout", "detail": str(err)}
    except RuntimeError as err:
        text = str(err)
        if "not a git repository" in text.lower():
            return {**state, "state": "none", "detail": "not in a git repository"}
        return {**state, "state": "error", "detail": text}
    if inside[0].strip() != "true":
        return {**state, "state": "none", "detail": "not in a git work tree (bare repository?)"}
    git_dir = inside[1].strip()
    try:
        out = _git(folder, "status", "--porcelain=v2", "--branch", "-z", "--untracked-files=no",
                   "--ignore-submodules=all", timeout=timeout)  # fmt: skip
    except GitTimeout as err:
        return {**state, "state": "timeout", "detail": str(err)}
    except (RuntimeError, OSError) as err:
        return {**state, "state": "error", "detail": str(err)}
    dirty = False
    for entry in out.split(b"\0"):
        if entry.startswith(b"# branch.oid "):
            oid = entry[13:].decode()
            state["commit"] = None if oid == "(initial)" else oid
        elif entry.startswith(b"# branch.head "):
            head = entry[14:].decode("utf-8", "replace")
            state["branch"] = None if head == "(detached)" else head
        elif entry[:2] in (b"1 ", b"2 ", b"u "):
            dirty = True
    state["dirty"] = dirty
    state["detail"] = _operation(git_dir)
    return state


def _operation(git_dir: str) -> str | None:
    """A rebase, merge, cherry-pick or bisect in progress, if any."""
    for name, what in (
        ("rebase-merge", "rebase in progress"),
        ("rebase-apply", "rebase in progress"),
        ("MERGE_HEAD", "merge in progress"),
        ("CHERRY_PICK_HEAD", "cherry-pick in progress"),
        ("BISECT_LOG", "bisect in progress"),
    ):
        if os.path.exists(os.path.join(git_dir, name)):
            return what
    return None


def side_ref_name(author: str) -> str:
    """``refs/mlm/checkpoints/<author>``, the author made safe for a ref name."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", author).strip(".-") or "unknown"
    return SIDE_REF_PREFIX + safe


def commit_side_ref(
    root: str,
    rel_path: str,
    content: bytes,
    *,
    author: str,
    author_name: str,
    message: str,
    timeout: float = 20.0,
) -> str:
    """Commit ``content`` at ``rel_path`` on top of HEAD's tree to ``refs/mlm/checkpoints/…``
    (parent: that ref's previous commit); returns the commit id. Uses a private index file, so
    the user's branch, index and working tree are never touched."""
    ref = side_ref_name(author)
    blob = (
        _git(root, "hash-object", "-w", "--stdin", stdin=content, timeout=timeout).decode().strip()
    )
    with tempfile.TemporaryDirectory(prefix="mlm-index-") as tmp:
        env = {"GIT_INDEX_FILE": os.path.join(tmp, "index")}
        try:
            _git(root, "read-tree", "HEAD", timeout=timeout, env=env)
        except RuntimeError:  # no commit yet: start from an empty tree
            _git(root, "read-tree", "--empty", timeout=timeout, env=env)
        _git(root, "update-index", "--add", "--cacheinfo", f"100644,{blob},{rel_path}",
             timeout=timeout, env=env)  # fmt: skip
        tree = _git(root, "write-tree", timeout=timeout, env=env).decode().strip()
    parents: list[str] = []
    with contextlib.suppress(RuntimeError):
        parents = [
            "-p",
            _git(root, "rev-parse", "--verify", "-q", ref, timeout=timeout).decode().strip(),
        ]
    name, _, email = author_name.partition(" <")
    ident = {
        "GIT_AUTHOR_NAME": name or author,
        "GIT_AUTHOR_EMAIL": email.rstrip(">") or author,
        "GIT_COMMITTER_NAME": "jupyter-mlm",
        "GIT_COMMITTER_EMAIL": "jupyter-mlm@localhost",
    }
    commit = _git(root, "commit-tree", tree, *parents, "-m", message, timeout=timeout,
                  env=ident).decode().strip()  # fmt: skip
    _git(root, "update-ref", ref, commit, timeout=timeout)
    return commit


def file_at_commit(root: str, commit: str, rel_path: str, *, timeout: float = 20.0) -> bytes | None:
    """The bytes of ``rel_path`` at ``commit`` in the repository at ``root``; None when the file
    is not in that commit. LookupError when this clone does not have the commit."""
    if not re.fullmatch(r"[0-9a-f]{40}([0-9a-f]{24})?", commit):
        raise ValueError(f"not a commit id: {commit!r}")
    if rel_path.startswith(("/", "-")) or ".." in rel_path.split("/"):
        raise ValueError(f"not a repository path: {rel_path!r}")
    try:
        _git(root, "cat-file", "-e", f"{commit}^{{commit}}", timeout=timeout)
    except RuntimeError as err:
        raise LookupError(f"commit {commit[:12]} is not in this clone (fetch it first)") from err
    try:
        return _git(root, "show", f"{commit}:{rel_path}", timeout=timeout)
    except RuntimeError:
        return None
