"""NVIDIA GPUs through NVML (``pynvml``, from the ``nvidia-ml-py`` package, imported when
sampling starts). For each GPU this process may use (``gpu_selection``): utilisation, memory
used and total, power draw and limit, temperature and SM activity where the device offers it.

A metric the device does not offer (NotSupported), may not read (NoPermission) or whose call
the driver lacks is left out for that GPU alone, with a notice, and never asked again; other
failures skip a sample, and three in a row leave the metric out. Without NVML (no package,
no driver) there is one notice and no GPU series."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from .gpm import SmActivity
from .gpu_selection import ENV, Gpu, visible_gpus
from .notices import Guard, Notices, explain
from .readings import MB, Reading

#: consecutive failures after which a metric that *could* work is left out
TRANSIENT_STRIKES = 3

# (names, of the whole GPU for a MIG device?, read(nvml, handle) -> values in names' order)
_Read = Callable[[Any, Any], tuple[float, ...]]
_READS: tuple[tuple[tuple[str, ...], bool, _Read], ...] = (
    (("util_percent",), False, lambda nv, h: (float(nv.nvmlDeviceGetUtilizationRates(h).gpu),)),
    (("mem_used_mb", "mem_total_mb"), False, lambda nv, h: _memory(nv.nvmlDeviceGetMemoryInfo(h))),
    (("power_w",), True, lambda nv, h: (nv.nvmlDeviceGetPowerUsage(h) / 1000.0,)),
    (("power_limit_w",), True, lambda nv, h: (nv.nvmlDeviceGetEnforcedPowerLimit(h) / 1000.0,)),
    (("temp_c",), True, lambda nv, h: _temperature(nv, h)),
)
SM_ACTIVE = "sm_active_percent"
#: what each GPU series holds, for docs and checks
GPU_METRICS = (*(n for names, _, _ in _READS for n in names), SM_ACTIVE)


class GpuProbe:
    """Samples the visible GPUs; ``nvml`` is the pynvml module (a stand-in in tests)."""

    def __init__(
        self, notices: Notices, nvml: Any = None, environ: Mapping[str, str] = os.environ
    ) -> None:
        self._notices = notices
        self._nvml: Any = None
        self._guards: dict[str, Guard] = {}
        self._sm: dict[str, SmActivity] = {}
        self.gpus: list[Gpu] = []
        self.selection = "not sampled"
        self.driver: str | None = None
        self._start(nvml, environ)

    def read(self, reading: Reading) -> None:
        nv = self._nvml
        for gpu in self.gpus:
            guard = self._guards[gpu.key]
            prefix = f"sys/{gpu.key}/"
            for names, whole, read in _READS:
                handle = gpu.parent if whole and gpu.mig else gpu.handle
                keys = tuple(prefix + n for n in names)
                values = guard.read(keys, partial(read, nv, handle))
                if values is not None:
                    reading.levels.update(zip(keys, values, strict=True))
            sm = guard.read((prefix + SM_ACTIVE,), partial(self._sm_active, gpu))
            if sm is not None:
                reading.levels[prefix + SM_ACTIVE] = sm

    def describe(self) -> dict[str, Any]:
        return {
            "nvml": self._nvml is not None,
            "driver": self.driver,
            "gpus": [g.describe() for g in self.gpus],
            "gpu_selection": self.selection,
        }

    def _start(self, nvml: Any, environ: Mapping[str, str]) -> None:
        if nvml is None:
            try:
                import pynvml
            except ImportError:
                self._no_gpu_metrics("the nvidia-ml-py package is not installed")
                return
            nvml = pynvml
        try:
            nvml.nvmlInit()
        except Exception as error:  # NVMLError (no driver), OSError from ctypes
            self._no_gpu_metrics(f"NVML is not available ({explain(error)})")
            return
        try:
            self.driver = _text(nvml.nvmlSystemGetDriverVersion())
            self.gpus, self.selection = visible_gpus(
                nvml, environ.get(ENV), environ.get("CUDA_DEVICE_ORDER")
            )
        except Exception as error:
            self._no_gpu_metrics(f"NVML could not list the GPUs ({explain(error)})")
            return
        self._nvml = nvml
        if not self.gpus and environ.get(ENV) is None:
            self._no_gpu_metrics("NVML lists no GPU")
        for gpu in self.gpus:
            self._guards[gpu.key] = Guard(
                self._notices, strikes=partial(_strikes, nvml), why=partial(_why, nvml, gpu)
            )

    def _no_gpu_metrics(self, why: str) -> None:
        self.selection = f"no GPU metrics: {why}"
        if os.path.exists("/dev/kfd"):  # ROCm's device: an AMD GPU is likely here
            why += "; AMD GPUs are not sampled (only NVIDIA GPUs, through NVML)"
        self._notices.add(f"no GPU metrics: {why}")

    def _sm_active(self, gpu: Gpu) -> float | None:
        reader = self._sm.get(gpu.key)
        if reader is None:
            reader = self._sm[gpu.key] = SmActivity(self._nvml, gpu)
        return reader.read()


def _temperature(nv: Any, handle: Any) -> tuple[float]:
    """The die's temperature: ``nvmlDeviceGetTemperatureV`` where the library and driver
    have it (the older call goes away in CUDA 14), else the older call."""
    if hasattr(nv, "nvmlDeviceGetTemperatureV"):
        try:
            return (float(nv.nvmlDeviceGetTemperatureV(handle, 0)),)  # 0: NVML_TEMPERATURE_GPU
        except nv.NVMLError_FunctionNotFound:  # a driver older than the call
            pass
    return (float(nv.nvmlDeviceGetTemperature(handle, 0)),)


def _memory(info: Any) -> tuple[float, float]:
    return info.used / MB, info.total / MB


def _permanent(nvml: Any) -> tuple[type[BaseException], ...]:
    return tuple(
        getattr(nvml, name)
        for name in (
            "NVMLError_NotSupported",
            "NVMLError_NoPermission",
            "NVMLError_FunctionNotFound",
        )
        if isinstance(getattr(nvml, name, None), type)
    )


def _strikes(nvml: Any, error: BaseException) -> int:
    return 1 if isinstance(error, _permanent(nvml)) else TRANSIENT_STRIKES


def _why(nvml: Any, gpu: Gpu, error: BaseException) -> str:
    device = f"{gpu.name} ({'MIG device' if gpu.mig else 'GPU'} {gpu.uuid})"
    nv_error = getattr(nvml, "NVMLError", None)
    if isinstance(nv_error, type) and isinstance(error, nv_error):
        reason = f"NVML: {error}"
        if isinstance(error, getattr(nvml, "NVMLError_NotSupported", ())):
            return f"{device} does not offer it ({reason})"
        return f"{device}: {reason}"
    return f"{device}: {explain(error)}"


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
