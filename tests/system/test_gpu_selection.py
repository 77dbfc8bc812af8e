"""Which GPUs are sampled: CUDA_VISIBLE_DEVICES (indices, UUIDs and their prefixes, MIG
devices) read as CUDA reads it, MIG mode, and the keys gpu0, gpu1... in CUDA's order."""

from __future__ import annotations

from jupyter_mlm.system.gpu_selection import visible_gpus

from .fake_nvml import FakeNvml, gpu, mig


def _keys(gpus):
    return [(g.key, g.uuid) for g in gpus]


def test_unset_means_every_gpu_nvml_lists():
    nvml = FakeNvml([gpu(0), gpu(1)])
    gpus, why = visible_gpus(nvml, None)
    assert _keys(gpus) == [("gpu0", "GPU-000aaaa-0000"), ("gpu1", "GPU-111aaaa-0000")]
    assert "not set" in why and "(2)" in why


def test_indices_pick_and_renumber_the_jobs_gpus_only():
    nvml = FakeNvml([gpu(n) for n in range(8)])
    gpus, why = visible_gpus(nvml, "5,2")
    assert _keys(gpus) == [("gpu0", "GPU-555aaaa-0000"), ("gpu1", "GPU-222aaaa-0000")]
    assert [g.index for g in gpus] == [5, 2]
    assert "GPU 5" in why and "GPU 2" in why


def test_uuids_and_unique_prefixes():
    nvml = FakeNvml([gpu(n) for n in range(4)])
    gpus, _ = visible_gpus(nvml, "GPU-333aaaa-0000, GPU-1")
    assert [g.index for g in gpus] == [3, 1]


def test_the_list_ends_at_the_first_entry_that_names_nothing_as_in_cuda():
    nvml = FakeNvml([gpu(n) for n in range(4)])
    gpus, why = visible_gpus(nvml, "1,7,2")  # 7 does not exist: CUDA stops there
    assert [g.index for g in gpus] == [1]
    assert "'7'" in why
    assert visible_gpus(nvml, "GPU-,0")[0] == []  # "GPU-" is ambiguous: names nothing


def test_empty_or_minus_one_hides_every_gpu():
    nvml = FakeNvml([gpu(0)])
    assert visible_gpus(nvml, "")[0] == []
    gpus, why = visible_gpus(nvml, "-1")
    assert gpus == [] and "none" in why


def test_a_gpu_named_twice_is_sampled_once():
    nvml = FakeNvml([gpu(0), gpu(1)])
    gpus, _ = visible_gpus(nvml, "1,GPU-111aaaa-0000,0")
    assert [g.index for g in gpus] == [1, 0]


def test_a_gpu_in_mig_mode_stands_for_its_mig_devices():
    nvml = FakeNvml([gpu(0, migs=[mig(0, 1), None, mig(0, 2)]), gpu(1)])
    gpus, why = visible_gpus(nvml, None)
    assert _keys(gpus) == [
        ("gpu0", "MIG-01bbbb-0000"),
        ("gpu1", "MIG-02bbbb-0000"),
        ("gpu2", "GPU-111aaaa-0000"),
    ]
    assert [g.mig for g in gpus] == [True, True, False]
    assert gpus[0].parent is nvml.devices[0] and gpus[1].gpu_instance == 2
    assert "MIG mode" in why and "2 MIG devices" in why


def test_mig_uuids_new_and_old_form():
    nvml = FakeNvml([gpu(0, migs=[mig(0, 1), mig(0, 2)]), gpu(1, migs=[mig(1, 3)])])
    assert _keys(visible_gpus(nvml, "MIG-13")[0]) == [("gpu0", "MIG-13bbbb-0000")]
    old = visible_gpus(nvml, "MIG-GPU-000aaaa-0000/2/0")[0]
    assert _keys(old) == [("gpu0", "MIG-02bbbb-0000")]
    assert visible_gpus(nvml, "MIG-GPU-000aaaa-0000/9/0")[0] == []


def test_indices_over_mixed_models_mention_the_device_order():
    nvml = FakeNvml([gpu(0, name="NVIDIA A100"), gpu(1, name="NVIDIA T4")])
    assert "CUDA_DEVICE_ORDER" in visible_gpus(nvml, "1")[1]
    assert "CUDA_DEVICE_ORDER" not in visible_gpus(nvml, "1", "PCI_BUS_ID")[1]
    assert "CUDA_DEVICE_ORDER" not in visible_gpus(FakeNvml([gpu(0), gpu(1)]), "1")[1]
