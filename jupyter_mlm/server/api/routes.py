"""Every ``/mlm/api/`` route and its handler."""

from __future__ import annotations

from typing import Any

from jupyter_server.utils import url_path_join

from .checkpoint_actions import ForkHandler, RestoreHandler
from .checkpoints import CheckpointContentHandler, CheckpointHandler, CheckpointsHandler
from .comments import CommentHandler, CommentsHandler
from .datasets import DatasetHandler, DatasetsHandler
from .diffs import DiffHandler
from .me import MeHandler, OpenApiHandler
from .tracking import (
    ExperimentsHandler,
    LeaderboardHandler,
    MetricHistoryHandler,
    RunHandler,
    RunsHandler,
)

PREFIX = "mlm/api"
ID = r"([^/]+)"  # validated by the handler, so a malformed id is a 400 rather than a 404

ROUTES: list[tuple[str, type]] = [
    ("me", MeHandler),
    ("openapi.yaml", OpenApiHandler),
    ("experiments", ExperimentsHandler),
    ("runs", RunsHandler),
    (rf"runs/{ID}", RunHandler),
    (rf"runs/{ID}/metrics/(.+)", MetricHistoryHandler),
    ("leaderboard", LeaderboardHandler),
    ("datasets", DatasetsHandler),
    ("datasets/(.+)", DatasetHandler),
    ("checkpoints", CheckpointsHandler),
    (rf"checkpoints/{ID}", CheckpointHandler),
    (rf"checkpoints/{ID}/content", CheckpointContentHandler),
    (rf"checkpoints/{ID}/diff", DiffHandler),
    (rf"checkpoints/{ID}/restore", RestoreHandler),
    (rf"checkpoints/{ID}/fork", ForkHandler),
    ("comments", CommentsHandler),
    (rf"comments/{ID}", CommentHandler),
]


def api_handlers(base_url: str) -> list[tuple[str, type, dict[str, Any]]]:
    """Tornado routes under ``base_url``."""
    return [(url_path_join(base_url, PREFIX, path) + "$", handler, {}) for path, handler in ROUTES]
