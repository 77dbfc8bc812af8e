"""``mlm checkpoints PATH``: a notebook's checkpoint history."""

from __future__ import annotations

import argparse

from ..core.text import table, when
from .opening import open_from


def checkpoints_command(args: argparse.Namespace) -> int:
    import os

    from ..checkpoints.locate import locate

    path = os.path.abspath(args.path)
    _, st = open_from(args, near=path)
    ref = locate(path)
    infos, total = st.checkpoints.find(repo=ref.repo, path=ref.path, limit=args.limit)
    rows = [["ID", "TIME", "AUTHOR", "COMMIT", "MESSAGE"]]
    for i in infos:
        if i.git_commit:
            commit = i.git_commit[:10] + ("*" if i.git_dirty else "")
        else:
            commit = f"({i.git_state})"
        rows.append([i.checkpoint_id[:8], when(i.created_at), i.author_name, commit,
                     (i.message or "").splitlines()[0][:60] if i.message else ""])  # fmt: skip
    print(table(rows))
    shown = f"{len(infos)} of {total}" if total > len(infos) else str(total)
    print(f"{shown} checkpoint(s) of {ref.path}" + (f" in {ref.repo}" if ref.repo else "")
          + ("; * uncommitted changes" if any(i.git_dirty for i in infos) else ""))  # fmt: skip
    return 0
