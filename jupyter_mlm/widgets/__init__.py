"""Notebook widgets: ``live(run)`` draws a run's metrics in the cell as it trains.

Needs ``anywidget`` and the bundled JS (built by ``pip install -e .`` with Node installed)."""

from __future__ import annotations

from .feed import live
from .live_chart import LiveChart

__all__ = ["LiveChart", "live"]
