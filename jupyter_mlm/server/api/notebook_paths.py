"""Which file on this server a checkpoint belongs to. A checkpoint names its notebook by
repository identity + repo-relative path (shared by every clone); this server holds it when the
server root lies in a clone of that repository (or outside git, under the same relative path)."""

from __future__ import annotations

import os
from collections.abc import Callable

from ...checkpoints import CheckpointService
from ...core.entities import CheckpointInfo
from ...core.errors import ConflictError


def contents_path_of(
    service: CheckpointService, server_root: str, info: CheckpointInfo
) -> str | None:
    """The contents path (server-root-relative) of the checkpoint's notebook on this server,
    None when it is not under this server's root. Blocking (git)."""
    root = os.path.realpath(server_root)
    here = service.locate(os.path.join(root, ".mlm-root-probe"))
    if info.repo and here.root is not None and here.repo == info.repo:
        candidate = os.path.join(here.root, *info.path.split("/"))
    elif not info.repo and here.root is None:
        candidate = os.path.join(root, *info.path.split("/"))
    else:
        return None
    candidate = os.path.normpath(candidate)
    if os.path.commonpath([candidate, root]) != root or candidate == root:
        return None
    if not is_notebook_of(service, info, candidate):
        return None
    return os.path.relpath(candidate, root).replace(os.sep, "/")


def is_notebook_of(service: CheckpointService, info: CheckpointInfo, abs_path: str) -> bool:
    """True when ``abs_path`` is the notebook ``info`` checkpointed (same repository and path,
    in any clone). Blocking (git)."""
    ref = service.locate(abs_path)
    return (ref.repo, ref.path) == (info.repo, info.path)


def require_notebook_of(
    service: CheckpointService, info: CheckpointInfo, abs_path: str, contents_path: str
) -> None:
    """ConflictError unless ``abs_path`` is the checkpoint's notebook."""
    if not is_notebook_of(service, info, abs_path):
        raise ConflictError(
            f"checkpoint {info.checkpoint_id} is of {info.path!r}"
            + (f" in {info.repo}" if info.repo else "")
            + f", not of {contents_path!r}"
        )


def fork_path(original: str, checkpoint_id: str, exists: Callable[[str], bool]) -> str:
    """``folder/name-fork-<8 hex>.ipynb`` next to ``original`` (then ``-2``, ``-3`` … while
    ``exists``)."""
    folder, _, name = original.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not stem:  # no extension
        stem, dot, suffix = name, "", ""
    base = f"{stem}-fork-{checkpoint_id[:8]}"
    for n in range(1, 1000):
        candidate = f"{base}{'' if n == 1 else f'-{n}'}{dot}{suffix}"
        candidate = f"{folder}/{candidate}" if folder else candidate
        if not exists(candidate):
            return candidate
    raise ConflictError(f"too many forks of {original!r} from checkpoint {checkpoint_id}")
