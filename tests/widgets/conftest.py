"""Widget tests run on SQLite only: they exercise the widget, not the store backends."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest

from jupyter_mlm.widgets import LiveChart


@pytest.fixture
def backend() -> str:
    return "sqlite"


class Sent(list):
    """Messages a chart sent: (content, [float64 arrays]); ``times``: when (monotonic)."""

    times: list[float]

    def points(self, series_id: str, kind: str = "append") -> int:
        """How many points of a series the messages of ``kind`` carried."""
        n = 0
        for content, buffers in self:
            if content["type"] == kind and series_id in content["ids"]:
                n += len(buffers[2 * content["ids"].index(series_id)])
        return n


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sent]:
    """Capture what every LiveChart sends to the browser instead of sending it; at the end,
    close the charts made and wait for their feeding threads."""
    out = Sent()
    out.times = []
    charts: list[LiveChart] = []
    init = LiveChart.__init__

    def send(self: LiveChart, content: dict[str, Any], buffers: list[Any] | None = None) -> None:
        out.times.append(time.monotonic())
        out.append((content, [np.frombuffer(b, dtype="<f8").copy() for b in buffers or []]))

    def track(self: LiveChart, **kwargs: Any) -> None:
        init(self, **kwargs)
        charts.append(self)

    monkeypatch.setattr(LiveChart, "send", send)
    monkeypatch.setattr(LiveChart, "__init__", track)
    yield out
    for chart in charts:
        chart.close()
    for thread in threading.enumerate():
        if thread.name.startswith("mlm-live-"):
            thread.join(timeout=5)
