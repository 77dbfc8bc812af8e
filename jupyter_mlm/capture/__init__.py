"""Where a run comes from: its notebook, the git state of its repository and its environment.

Nothing here imports GitPython, psutil, IPython or Tornado at module level.
"""

from __future__ import annotations

from .context import capture_context, context_tags
from .environment import capture_environment
from .git import capture_git, locate_repository
from .notebook import notebook_identity, notebook_path
from .urls import remote_identity, strip_credentials

__all__ = [
    "capture_context",
    "capture_environment",
    "capture_git",
    "context_tags",
    "locate_repository",
    "notebook_identity",
    "notebook_path",
    "remote_identity",
    "strip_credentials",
]
