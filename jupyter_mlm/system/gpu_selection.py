"""Which GPUs this process may use, as CUDA would number them: every GPU NVML lists, or those
``CUDA_VISIBLE_DEVICES`` names (indices, ``GPU-`` and ``MIG-`` UUIDs or unique prefixes of
them; like CUDA, the list ends at the first entry that names nothing). A GPU in MIG mode
stands for its MIG devices, each a GPU of its own. ``gpu0`` is the first of them, as
``cuda:0`` is."""

from __future__ import annotations

import dataclasses
from typing import Any

ENV = "CUDA_VISIBLE_DEVICES"


@dataclasses.dataclass(frozen=True)
class Gpu:
    """One GPU (or MIG device) being sampled."""

    key: str  # "gpu0": its position among the visible devices
    handle: Any  # NVML handle of the device (of the MIG device for one)
    name: str
    uuid: str
    index: int  # NVML index of the physical GPU
    parent: Any = None  # a MIG device: the handle of its physical GPU
    gpu_instance: int | None = None  # a MIG device: its GPU instance id

    @property
    def mig(self) -> bool:
        return self.parent is not None

    def describe(self) -> dict[str, Any]:
        out = {"key": self.key, "name": self.name, "uuid": self.uuid, "nvml_index": self.index}
        if self.mig:
            out["mig_gpu_instance"] = self.gpu_instance
        return out


@dataclasses.dataclass
class _Physical:
    index: int
    handle: Any
    name: str
    uuid: str
    mig_on: bool
    _migs: list[Gpu] | None = None

    def migs(self, nvml: Any) -> list[Gpu]:
        """Its MIG devices (keys not yet given)."""
        if self._migs is None:
            self._migs = []
            for i in range(nvml.nvmlDeviceGetMaxMigDeviceCount(self.handle)):
                try:
                    h = nvml.nvmlDeviceGetMigDeviceHandleByIndex(self.handle, i)
                except nvml.NVMLError:  # NotFound: an empty slot
                    continue
                self._migs.append(
                    Gpu(
                        "",
                        h,
                        _text(nvml.nvmlDeviceGetName(h)),
                        _text(nvml.nvmlDeviceGetUUID(h)),
                        self.index,
                        self.handle,
                        nvml.nvmlDeviceGetGpuInstanceId(h),
                    )
                )
        return self._migs


def visible_gpus(
    nvml: Any, cuda_visible: str | None, device_order: str | None = None
) -> tuple[list[Gpu], str]:
    """(the GPUs to sample, in CUDA's order, each keyed ``gpuN``; why those), over an
    initialised ``pynvml`` module and the values of ``CUDA_VISIBLE_DEVICES`` and
    ``CUDA_DEVICE_ORDER`` (None: unset)."""
    physical = [_physical(nvml, i) for i in range(nvml.nvmlDeviceGetCount())]
    if cuda_visible is None:
        picked: list[_Physical | Gpu] = list(physical)
        why = f"{ENV} is not set: every GPU NVML lists ({len(physical)})"
    else:
        picked, stop = _named(nvml, physical, cuda_visible)
        names = ", ".join(_label(p) for p in picked) or "none"
        why = f"{ENV}={cuda_visible!r}: {names}"
        if stop is not None:
            why += f" (the list ends at {stop!r}, which names no GPU here, as CUDA reads it)"
        indices = any(e.strip().isdigit() for e in cuda_visible.split(","))
        if indices and device_order != "PCI_BUS_ID" and _mixed(physical):
            why += (
                "; indices are read in PCI bus order as NVML counts, CUDA may count fastest "
                "first (set CUDA_DEVICE_ORDER=PCI_BUS_ID)"
            )
    gpus: list[Gpu] = []
    seen: set[str] = set()
    for item in picked:
        if isinstance(item, _Physical) and item.mig_on:
            migs = item.migs(nvml)
            why += f"; GPU {item.index} is in MIG mode: its {len(migs)} MIG devices"
            items: list[_Physical | Gpu] = list(migs)
        else:
            items = [item]
        for one in items:
            if one.uuid in seen:
                continue
            seen.add(one.uuid)
            key = f"gpu{len(gpus)}"
            if isinstance(one, Gpu):
                gpus.append(dataclasses.replace(one, key=key))
            else:
                gpus.append(Gpu(key, one.handle, one.name, one.uuid, one.index))
    return gpus, why


def _physical(nvml: Any, index: int) -> _Physical:
    handle = nvml.nvmlDeviceGetHandleByIndex(index)
    try:
        mig_on = nvml.nvmlDeviceGetMigMode(handle)[0] == nvml.NVML_DEVICE_MIG_ENABLE
    except nvml.NVMLError:  # NotSupported: no MIG on this GPU
        mig_on = False
    return _Physical(
        index,
        handle,
        _text(nvml.nvmlDeviceGetName(handle)),
        _text(nvml.nvmlDeviceGetUUID(handle)),
        mig_on,
    )


def _named(
    nvml: Any, physical: list[_Physical], value: str
) -> tuple[list[_Physical | Gpu], str | None]:
    """The devices ``value`` names, in order, and the entry the list ended at (None: none)."""
    out: list[_Physical | Gpu] = []
    for raw in value.split(","):
        entry = raw.strip()
        found = _lookup(nvml, physical, entry)
        if found is None:
            return out, entry
        out.append(found)
    return out, None


def _lookup(nvml: Any, physical: list[_Physical], entry: str) -> _Physical | Gpu | None:
    if entry.isdigit():
        index = int(entry)
        return physical[index] if index < len(physical) else None
    if entry.startswith("MIG-GPU-"):  # the old form: MIG-GPU-<uuid>/<gpu instance>/<ci>
        gpu_uuid, _, rest = entry[len("MIG-") :].partition("/")
        parent = _unique([p for p in physical if p.uuid == gpu_uuid])
        gi = rest.split("/")[0]
        if parent is None or not gi.isdigit():
            return None
        return _unique([m for m in parent.migs(nvml) if m.gpu_instance == int(gi)])
    if entry.startswith("MIG-"):
        migs = [m for p in physical if p.mig_on for m in p.migs(nvml)]
        return _unique([m for m in migs if m.uuid.startswith(entry)])
    if entry.startswith("GPU-"):
        return _unique([p for p in physical if p.uuid.startswith(entry)])
    return None


def _unique(found: list[Any]) -> Any:
    return found[0] if len(found) == 1 else None


def _label(item: _Physical | Gpu) -> str:
    if isinstance(item, Gpu):
        return f"MIG device {item.uuid} of GPU {item.index}"
    return f"GPU {item.index} ({item.name})"


def _mixed(physical: list[_Physical]) -> bool:
    """Different models: CUDA's default order (fastest first) may differ from NVML's."""
    return len({p.name for p in physical}) > 1


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value
