"""A stand-in for the ``pynvml`` module with the calls jupyter_mlm.system makes, over GPUs
described in plain dicts: enough to test which GPUs are chosen (CUDA_VISIBLE_DEVICES, MIG)
and that a metric a device lacks is left out alone. Real NVML behaviour is checked by
benchmarks/gpu_check.py on a GPU machine."""

from __future__ import annotations

import types
from dataclasses import dataclass, field
from typing import Any, ClassVar

NOT_SUPPORTED, NO_PERMISSION, NOT_FOUND, LIBRARY_NOT_FOUND, FUNCTION_NOT_FOUND = 3, 4, 6, 12, 13
UNKNOWN = 999


class NVMLError(Exception):
    _by_value: ClassVar[dict[int, type[NVMLError]]] = {}
    code = UNKNOWN

    def __new__(cls, value: int | None = None) -> NVMLError:
        if cls is NVMLError and value in NVMLError._by_value:
            cls = NVMLError._by_value[value]
        obj = Exception.__new__(cls)
        obj.value = cls.code if value is None else value
        return obj

    def __init__(self, value: int | None = None) -> None:
        super().__init__()

    def __str__(self) -> str:
        return {
            NOT_SUPPORTED: "Not Supported",
            NO_PERMISSION: "Insufficient Permissions",
            NOT_FOUND: "Not Found",
            LIBRARY_NOT_FOUND: "NVML Shared Library Not Found",
        }.get(self.value, "Unknown Error")


def _error_class(name: str, code: int) -> type[NVMLError]:
    cls = type(name, (NVMLError,), {"code": code})
    NVMLError._by_value[code] = cls
    return cls


NotSupported = _error_class("NVMLError_NotSupported", NOT_SUPPORTED)
NoPermission = _error_class("NVMLError_NoPermission", NO_PERMISSION)
NotFound = _error_class("NVMLError_NotFound", NOT_FOUND)
LibraryNotFound = _error_class("NVMLError_LibraryNotFound", LIBRARY_NOT_FOUND)
FunctionNotFound = _error_class("NVMLError_FunctionNotFound", FUNCTION_NOT_FOUND)
Unknown = _error_class("NVMLError_Unknown", UNKNOWN)


@dataclass
class Device:
    """A GPU (or a MIG device: ``gpu_instance`` set)."""

    name: str
    uuid: str
    util: float = 50.0
    mem_used: int = 1 << 30
    mem_total: int = 16 << 30
    power_mw: int = 70_000
    limit_mw: int = 150_000
    temp: int = 60
    lacks: set[str] = field(default_factory=set)  # NVML calls that raise NotSupported
    fails: dict[str, int] = field(default_factory=dict)  # call -> times it raises Unknown
    migs: list[Device | None] | None = None  # MIG mode on: its slots (None: empty)
    gpu_instance: int | None = None
    gpm: bool = False  # offers GPM (SM activity)


class FakeNvml(types.ModuleType):
    """``FakeNvml([Device(...), ...])`` behaves like an initialised pynvml module."""

    NVML_SUCCESS = 0
    NVML_ERROR_NOT_SUPPORTED = NOT_SUPPORTED
    NVML_DEVICE_MIG_ENABLE = 1
    NVML_TEMPERATURE_GPU = 0
    NVML_GPM_METRICS_GET_VERSION = 1
    NVML_GPM_METRIC_SM_UTIL = 2
    NVMLError = NVMLError
    NVMLError_NotSupported = NotSupported
    NVMLError_NoPermission = NoPermission
    NVMLError_NotFound = NotFound
    NVMLError_LibraryNotFound = LibraryNotFound
    NVMLError_FunctionNotFound = FunctionNotFound
    NVMLError_Unknown = Unknown

    def __init__(self, devices: list[Device], *, library: bool = True) -> None:
        super().__init__("pynvml")
        self.devices = devices
        self.library = library
        self.calls: list[str] = []

    def _call(self, name: str, device: Device) -> None:
        self.calls.append(name)
        if name in device.lacks:
            raise NotSupported()
        if device.fails.get(name, 0) > 0:
            device.fails[name] -= 1
            raise Unknown()

    # library and devices
    def nvmlInit(self) -> None:
        if not self.library:
            raise LibraryNotFound()

    def nvmlSystemGetDriverVersion(self) -> str:
        return "550.00"

    def nvmlDeviceGetCount(self) -> int:
        return len(self.devices)

    def nvmlDeviceGetHandleByIndex(self, index: int) -> Device:
        return self.devices[index]

    def nvmlDeviceGetName(self, device: Device) -> str:
        return device.name

    def nvmlDeviceGetUUID(self, device: Device) -> str:
        return device.uuid

    def nvmlDeviceGetMigMode(self, device: Device) -> list[int]:
        if device.migs is None:
            raise NotSupported()
        return [1, 1]

    def nvmlDeviceGetMaxMigDeviceCount(self, device: Device) -> int:
        return len(device.migs or [])

    def nvmlDeviceGetMigDeviceHandleByIndex(self, device: Device, index: int) -> Device:
        found = (device.migs or [])[index]
        if found is None:
            raise NotFound()
        return found

    def nvmlDeviceGetGpuInstanceId(self, device: Device) -> int:
        assert device.gpu_instance is not None
        return device.gpu_instance

    # metrics
    def nvmlDeviceGetUtilizationRates(self, device: Device) -> Any:
        self._call("utilization", device)
        return types.SimpleNamespace(gpu=device.util, memory=0)

    def nvmlDeviceGetMemoryInfo(self, device: Device) -> Any:
        self._call("memory", device)
        return types.SimpleNamespace(used=device.mem_used, total=device.mem_total)

    def nvmlDeviceGetPowerUsage(self, device: Device) -> int:
        self._call("power", device)
        return device.power_mw

    def nvmlDeviceGetEnforcedPowerLimit(self, device: Device) -> int:
        self._call("power_limit", device)
        return device.limit_mw

    def nvmlDeviceGetTemperature(self, device: Device, sensor: int) -> int:
        self._call("temperature", device)
        return device.temp

    # GPM: SM activity is 42 % for whole GPUs, 10 * gpu instance for MIG devices
    def nvmlGpmQueryDeviceSupport(self, device: Device) -> Any:
        return types.SimpleNamespace(isSupportedDevice=int(device.gpm))

    def nvmlGpmSampleAlloc(self) -> Any:
        return types.SimpleNamespace(taken=None)

    def nvmlGpmSampleFree(self, sample: Any) -> None:
        pass

    def nvmlGpmSampleGet(self, device: Device, sample: Any) -> Any:
        sample.taken = 42.0
        return sample

    def nvmlGpmMigSampleGet(self, device: Device, gpu_instance: int, sample: Any) -> Any:
        sample.taken = 10.0 * gpu_instance
        return sample

    def c_nvmlGpmMetricsGet_t(self) -> Any:
        metric = types.SimpleNamespace(metricId=0, nvmlReturn=0, value=0.0)
        return types.SimpleNamespace(
            version=0, numMetrics=0, sample1=None, sample2=None, metrics=[metric]
        )

    def nvmlGpmMetricsGet(self, get: Any) -> Any:
        assert get.metrics[0].metricId == self.NVML_GPM_METRIC_SM_UTIL
        get.metrics[0].value = get.sample2.taken
        return get


def gpu(n: int, **kw: Any) -> Device:
    """GPU ``n`` of an 8-GPU host: UUID ``GPU-<n>...`` (unique prefixes ``GPU-<n>``)."""
    return Device(kw.pop("name", "NVIDIA A10"), f"GPU-{n}{n}{n}aaaa-0000", **kw)


def mig(parent: int, instance: int, **kw: Any) -> Device:
    return Device(
        "NVIDIA A100 MIG 1g.10gb", f"MIG-{parent}{instance}bbbb-0000", gpu_instance=instance, **kw
    )
