"""A run's system metrics (``jupyter_mlm.system``): ``Run`` starts them as it starts and stops
them, after a last sample, as it ends. Samples go through the run's own buffer and writer as
``sys/…`` series, step = sample index; what is sampled (the GPUs and why those) and the
notices go to the run's text ``mlm/system.json``, the ``system`` section of its context."""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..system import PREFIX
from ..system.sampler import Target, shared_sampler
from ..system.settings import sampling_interval, system_metrics_enabled

if TYPE_CHECKING:
    from .run import Run

SYSTEM_TEXT = "mlm/system.json"


class _RunSink:
    """A run as the sampler sees it."""

    def __init__(self, run: Run) -> None:
        self._run = run

    def log_sample(self, values: dict[str, float], step: int) -> None:
        self._run._log_system(values, step)

    def describe(self, system: dict[str, Any]) -> None:
        run = self._run
        text = json.dumps(system, sort_keys=True, default=str)
        run._store.files.add_text(run.run_id, SYSTEM_TEXT, text, None)


def system_interval(enabled: bool | None) -> float | None:
    """Seconds between samples, None when switched off (``system_metrics=`` of the run, else
    ``MLM_SYSTEM_METRICS``); ``ConfigError`` for a bad ``MLM_SYSTEM_METRICS_INTERVAL``."""
    return sampling_interval() if system_metrics_enabled(enabled) else None


def start_system_metrics(run: Run, interval: float, last_steps: Mapping[str, int]) -> Target:
    """Sample for ``run``; the steps of a resumed run go on after its last ``sys/`` ones."""
    first = 1 + max((s for k, s in last_steps.items() if k.startswith(PREFIX)), default=-1)
    return shared_sampler().add(_RunSink(run), interval, first)


def stop_system_metrics(target: Target) -> None:
    """Take the last sample and stop; a failure is warned about, never raised."""
    try:
        shared_sampler().remove(target, final=True)
    except Exception as error:
        warnings.warn(
            f"jupyter-mlm: could not take the last system metrics sample ({error!r})",
            RuntimeWarning,
            stacklevel=2,
        )
