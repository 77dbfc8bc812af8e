"""Notebook widgets: ``live(run)`` draws a run's metrics in the cell as it trains;
``leaderboard(...)`` ranks runs in a table; ``compare(runs)`` overlays their curves;
``parallel_coordinates(experiment, metric)`` draws a sweep's params against a metric.

Needs ``anywidget`` and the bundled JS (built by ``pip install -e .`` with Node installed)."""

from __future__ import annotations

from .compare import Compare, compare
from .feed import live
from .leaderboard import Leaderboard, leaderboard
from .live_chart import LiveChart
from .parallel import ParallelCoordinates, parallel_coordinates

__all__ = [
    "Compare",
    "Leaderboard",
    "LiveChart",
    "ParallelCoordinates",
    "compare",
    "leaderboard",
    "live",
    "parallel_coordinates",
]
