"""Tests of system metrics sample: the switch the root conftest turns off is on here."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def system_metrics_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MLM_SYSTEM_METRICS", "1")
