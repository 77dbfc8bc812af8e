"""SM activity of a GPU (the share of time its streaming multiprocessors were busy, what DCGM
calls SM active) from NVML's GPU performance monitoring: two samples, the metric between
them. Hopper and newer offer it, for whole GPUs and MIG devices; elsewhere creating the
reader raises NVML's NotSupported."""

from __future__ import annotations

import time
from typing import Any

from .gpu_selection import Gpu

#: GPM needs its samples this far apart (seconds); a closer read waits for the next one
MIN_GAP = 0.1


class SmActivity:
    """Reads ``NVML_GPM_METRIC_SM_UTIL`` of one GPU or MIG device between successive calls."""

    def __init__(self, nvml: Any, gpu: Gpu) -> None:
        self._nvml = nvml
        self._gpu = gpu
        device = gpu.parent if gpu.mig else gpu.handle
        if not nvml.nvmlGpmQueryDeviceSupport(device).isSupportedDevice:
            raise nvml.NVMLError(nvml.NVML_ERROR_NOT_SUPPORTED)
        self._device = device
        self._samples = [nvml.nvmlGpmSampleAlloc(), nvml.nvmlGpmSampleAlloc()]
        self._take(self._samples[0])
        self._taken_at = time.monotonic()

    def read(self) -> float | None:
        """Percent of time the SMs were busy since the previous call (None on a call sooner
        than ``MIN_GAP`` after it)."""
        now = time.monotonic()
        if now - self._taken_at < MIN_GAP:
            return None
        nvml = self._nvml
        before, after = self._samples
        self._take(after)
        self._samples.reverse()
        self._taken_at = now
        get = nvml.c_nvmlGpmMetricsGet_t()
        get.version = nvml.NVML_GPM_METRICS_GET_VERSION
        get.numMetrics = 1
        get.sample1, get.sample2 = before, after
        get.metrics[0].metricId = nvml.NVML_GPM_METRIC_SM_UTIL
        nvml.nvmlGpmMetricsGet(get)
        status = get.metrics[0].nvmlReturn
        if status != nvml.NVML_SUCCESS:
            raise nvml.NVMLError(status)
        return float(get.metrics[0].value)

    def close(self) -> None:
        for sample in self._samples:
            self._nvml.nvmlGpmSampleFree(sample)
        self._samples = []

    def _take(self, sample: Any) -> None:
        if self._gpu.mig:
            self._nvml.nvmlGpmMigSampleGet(self._device, self._gpu.gpu_instance, sample)
        else:
            self._nvml.nvmlGpmSampleGet(self._device, sample)
