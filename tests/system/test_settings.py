"""The switches: the run's argument over MLM_SYSTEM_METRICS; the interval and its errors."""

from __future__ import annotations

import pytest

from jupyter_mlm.core.errors import ConfigError
from jupyter_mlm.system.settings import sampling_interval, system_metrics_enabled


@pytest.mark.parametrize(
    ("env", "on"),
    [(None, True), ("1", True), ("yes", True), ("0", False), ("off", False), (" False ", False)],
)
def test_on_by_default_and_off_by_the_environment(monkeypatch, env, on):
    monkeypatch.delenv("MLM_SYSTEM_METRICS", raising=False)
    if env is not None:
        monkeypatch.setenv("MLM_SYSTEM_METRICS", env)
    assert system_metrics_enabled() is on
    assert system_metrics_enabled(True) is True  # the argument wins
    assert system_metrics_enabled(False) is False


def test_the_argument_must_be_a_bool():
    with pytest.raises(TypeError, match="system_metrics must be True, False or None"):
        system_metrics_enabled("no")  # type: ignore[arg-type]


def test_interval(monkeypatch):
    monkeypatch.delenv("MLM_SYSTEM_METRICS_INTERVAL", raising=False)
    assert sampling_interval() == 1.0
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", " 0.25 ")
    assert sampling_interval() == 0.25


@pytest.mark.parametrize("bad", ["fast", "0", "-1", "0.001", "nan", "inf"])
def test_a_bad_interval_names_the_variable(monkeypatch, bad):
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", bad)
    with pytest.raises(ConfigError, match=f"MLM_SYSTEM_METRICS_INTERVAL='{bad}': expected"):
        sampling_interval()
