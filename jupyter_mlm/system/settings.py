"""The switches: ``system_metrics=`` of a run, else ``MLM_SYSTEM_METRICS`` (on unless ``0``,
``false``, ``no`` or ``off``); the interval from ``MLM_SYSTEM_METRICS_INTERVAL`` (seconds)."""

from __future__ import annotations

import math
import os

from ..core.errors import ConfigError

ENV_SWITCH = "MLM_SYSTEM_METRICS"
ENV_INTERVAL = "MLM_SYSTEM_METRICS_INTERVAL"
DEFAULT_INTERVAL = 1.0
#: shorter intervals would make the sampler's own cost show in what it measures
MIN_INTERVAL = 0.05
_OFF = ("0", "false", "no", "off")


def system_metrics_enabled(argument: bool | None = None) -> bool:
    """``argument`` when given, else what ``MLM_SYSTEM_METRICS`` says (default: on)."""
    if argument is not None:
        if not isinstance(argument, bool):
            raise TypeError(f"system_metrics must be True, False or None, got {argument!r}")
        return argument
    return os.environ.get(ENV_SWITCH, "1").strip().lower() not in _OFF


def sampling_interval() -> float:
    """Seconds between samples: ``MLM_SYSTEM_METRICS_INTERVAL``, default 1; ``ConfigError``
    naming the variable when it is not a number of at least ``MIN_INTERVAL``."""
    raw = os.environ.get(ENV_INTERVAL, "").strip()
    if not raw:
        return DEFAULT_INTERVAL
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not value >= MIN_INTERVAL or math.isinf(value):
        raise ConfigError(
            f"{ENV_INTERVAL}={raw!r}: expected a number of seconds, at least {MIN_INTERVAL}"
        )
    return value
