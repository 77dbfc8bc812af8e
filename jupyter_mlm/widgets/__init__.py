"""Notebook widgets: ``live(run)`` draws a run's metrics in the cell as it trains;
``leaderboard(...)`` ranks runs in a table; ``compare(runs)`` overlays their curves.

Needs ``anywidget`` and the bundled JS (built by ``pip install -e .`` with Node installed)."""

from __future__ import annotations

from .compare import Compare, compare
from .feed import live
from .leaderboard import Leaderboard, leaderboard
from .live_chart import LiveChart

__all__ = ["Compare", "Leaderboard", "LiveChart", "compare", "leaderboard", "live"]
