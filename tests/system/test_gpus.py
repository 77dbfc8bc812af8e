"""GPU metrics over NVML: a metric a device lacks is left out for that device alone (and
never asked again), MIG devices, transient failures, and no NVML at all (the real library
on this machine, which has no NVIDIA driver)."""

from __future__ import annotations

import sys

import pytest

from jupyter_mlm.system.gpus import TRANSIENT_STRIKES, GpuProbe
from jupyter_mlm.system.notices import Notices
from jupyter_mlm.system.readings import Reading

from .fake_nvml import FakeNvml, gpu, mig


def _probe(nvml, cuda_visible=None):
    notices = Notices(warn=False)
    env = {} if cuda_visible is None else {"CUDA_VISIBLE_DEVICES": cuda_visible}
    return GpuProbe(notices, nvml, env), notices


def _read(probe):
    reading = Reading(0.0)
    probe.read(reading)
    return reading.levels


def test_every_metric_of_a_gpu_in_its_units():
    probe, notices = _probe(FakeNvml([gpu(0, util=87, mem_used=3 << 30, gpm=True)]))
    _read(probe)  # SM activity needs two GPM samples
    probe._sm["gpu0"]._taken_at -= 1  # as if a sample interval had passed
    levels = _read(probe)
    assert levels == {
        "sys/gpu0/util_percent": 87.0,
        "sys/gpu0/mem_used_mb": 3072.0,
        "sys/gpu0/mem_total_mb": 16384.0,
        "sys/gpu0/power_w": 70.0,
        "sys/gpu0/power_limit_w": 150.0,
        "sys/gpu0/temp_c": 60.0,
        "sys/gpu0/sm_active_percent": 42.0,
    }
    assert notices.lines() == []
    assert probe.describe()["gpus"] == [
        {"key": "gpu0", "name": "NVIDIA A10", "uuid": "GPU-000aaaa-0000", "nvml_index": 0}
    ]


def test_an_unsupported_metric_is_left_out_alone_and_not_asked_again():
    nvml = FakeNvml([gpu(0, lacks={"power"}), gpu(1)])  # power on an A10, say
    probe, notices = _probe(nvml)
    for _ in range(3):
        levels = _read(probe)
    assert "sys/gpu0/power_w" not in levels
    assert {"sys/gpu0/util_percent", "sys/gpu0/temp_c", "sys/gpu0/power_limit_w"} <= set(levels)
    assert "sys/gpu1/power_w" in levels  # the other GPU keeps it
    assert nvml.calls.count("power") == 1 + 3  # gpu0 once, gpu1 every time
    (line,) = [n for n in notices.lines() if "power_w" in n]
    assert line.startswith("sys/gpu0/power_w not sampled: NVIDIA A10")
    assert "does not offer it (NVML: Not Supported)" in line


def test_no_gpm_means_no_sm_activity_with_a_notice():
    probe, notices = _probe(FakeNvml([gpu(0, gpm=False)]))
    assert "sys/gpu0/sm_active_percent" not in _read(probe)
    assert any(n.startswith("sys/gpu0/sm_active_percent not sampled") for n in notices.lines())


def test_a_transient_failure_skips_samples_until_it_repeats():
    nvml = FakeNvml([gpu(0, fails={"temperature": 1, "utilization": TRANSIENT_STRIKES})])
    probe, notices = _probe(nvml)
    first = _read(probe)
    assert "sys/gpu0/temp_c" not in first and "sys/gpu0/util_percent" not in first
    second = _read(probe)
    assert "sys/gpu0/temp_c" in second  # one failure: back at the next sample
    for _ in range(TRANSIENT_STRIKES):
        last = _read(probe)
    assert "sys/gpu0/util_percent" not in last  # three in a row: left out
    assert any("util_percent not sampled" in n and "3 times in a row" in n for n in notices.lines())
    assert not any("temp_c" in n for n in notices.lines())


def test_mig_devices_each_their_own_with_the_whole_gpus_power_and_temperature():
    a100 = gpu(
        0,
        name="NVIDIA A100",
        power_mw=250_000,
        temp=55,
        gpm=True,
        migs=[mig(0, 1, lacks={"utilization"}), mig(0, 2, lacks={"utilization"})],
    )
    probe, notices = _probe(FakeNvml([a100]))
    _read(probe)
    for reader in probe._sm.values():
        reader._taken_at -= 1
    levels = _read(probe)
    assert levels["sys/gpu0/sm_active_percent"] == 10.0  # GPM of GPU instance 1
    assert levels["sys/gpu1/sm_active_percent"] == 20.0
    assert levels["sys/gpu1/power_w"] == 250.0 and levels["sys/gpu1/temp_c"] == 55.0
    assert "sys/gpu0/mem_used_mb" in levels and "sys/gpu0/util_percent" not in levels
    assert len([n for n in notices.lines() if "util_percent not sampled" in n]) == 2


def test_only_the_visible_gpus_are_sampled():
    probe, _ = _probe(FakeNvml([gpu(0), gpu(1, util=11.0), gpu(2)]), cuda_visible="1")
    levels = _read(probe)
    assert {k.split("/")[1] for k in levels} == {"gpu0"}
    assert levels["sys/gpu0/util_percent"] == 11.0
    assert "CUDA_VISIBLE_DEVICES='1'" in probe.describe()["gpu_selection"]


def test_the_newer_temperature_call_where_the_driver_has_it():
    nvml = FakeNvml([gpu(0, temp=61)])
    probe, notices = _probe(nvml)
    assert _read(probe)["sys/gpu0/temp_c"] == 61.0  # a library without the newer call
    nvml.nvmlDeviceGetTemperatureV = lambda handle, sensor: 70
    assert _read(probe)["sys/gpu0/temp_c"] == 70.0

    def older_driver(handle, sensor):
        raise nvml.NVMLError_FunctionNotFound()

    nvml.nvmlDeviceGetTemperatureV = older_driver
    assert _read(probe)["sys/gpu0/temp_c"] == 61.0
    assert not [n for n in notices.lines() if "temp_c" in n]


def test_no_nvml_library_is_one_notice_not_an_error():
    probe, notices = _probe(FakeNvml([gpu(0)], library=False))
    assert _read(probe) == {}
    assert notices.lines() == [
        "no GPU metrics: NVML is not available (NVMLError_LibraryNotFound: "
        "NVML Shared Library Not Found)"
    ]
    assert probe.describe()["nvml"] is False


def test_without_the_nvidia_ml_py_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "pynvml", None)  # import pynvml raises ImportError
    probe, notices = _probe(None)
    assert _read(probe) == {}
    assert notices.lines() == ["no GPU metrics: the nvidia-ml-py package is not installed"]


def _nvml_works() -> bool:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:
        return False
    return True


@pytest.mark.skipif(_nvml_works(), reason="this machine has NVML: gpu_check.py covers it")
def test_the_real_library_without_a_driver_gives_the_notice():
    probe, notices = _probe(None)
    assert _read(probe) == {}
    (line,) = notices.lines()
    assert line.startswith("no GPU metrics: NVML is not available (NVMLError_")
