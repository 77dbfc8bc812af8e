"""System metrics of a run: process, host and GPU figures sampled on one background thread
and logged as the run's ``sys/…`` series.

``settings`` reads the switches (``MLM_SYSTEM_METRICS``, ``MLM_SYSTEM_METRICS_INTERVAL``),
``process``/``host`` read psutil, ``gpu_selection``/``gpus``/``gpm`` read NVML, ``run_series``
turns raw readings into one run's values, ``sampler`` is the thread. This package only reads
the machine: it knows runs through the ``SampleSink`` protocol, and imports psutil and pynvml
only when it samples.
"""

from __future__ import annotations

#: every series of this package starts with it
PREFIX = "sys/"
