"""Notebook checkpoint history tied to git commits, dataset versions and runs."""

from .author import Author, author_for, jupyter_author
from .content import ContentPolicy
from .service import CheckpointService, CheckpointSettings, Failure, default_service

__all__ = [
    "Author",
    "CheckpointService",
    "CheckpointSettings",
    "ContentPolicy",
    "Failure",
    "author_for",
    "default_service",
    "jupyter_author",
]
