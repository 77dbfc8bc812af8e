"""System metrics of real runs: ``sys/…`` series logged through the run's writer while the
training thread logs, the switches, the interval, the context's ``system`` section with the
no-NVML notice on this machine, sampling stopping when the run ends, and runs sharing one
sampler thread."""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Iterator

import numpy as np
import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import ConfigError, WriterError
from jupyter_mlm.system import sampler as sampler_module
from jupyter_mlm.system.sampler import Sampler
from jupyter_mlm.tracking.series import PointBuffer
from jupyter_mlm.tracking.system_hook import SYSTEM_TEXT

pytestmark = pytest.mark.filterwarnings("ignore:jupyter-mlm. no GPU metrics:RuntimeWarning")

PROCESS_KEYS = {
    "sys/cpu_percent",
    "sys/rss_mb",
    "sys/host_cpu_percent",
    "sys/host_mem_percent",
    "sys/disk_read_mb",
    "sys/disk_write_mb",
    "sys/net_sent_mb",
    "sys/net_recv_mb",
}


@pytest.fixture(autouse=True)
def system_metrics_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    """On here (the root conftest turns them off elsewhere), every 0.1 s, no capture."""
    monkeypatch.setenv("MLM_SYSTEM_METRICS", "1")
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", "0.1")
    monkeypatch.setenv("MLM_CAPTURE", "0")


@pytest.fixture
def sampler(monkeypatch: pytest.MonkeyPatch) -> Iterator[Sampler]:
    """A fresh process sampler (its notices not yet said)."""
    fresh = Sampler()
    monkeypatch.setattr(sampler_module, "_shared", fresh)
    yield fresh
    fresh.close()


def _sys_keys(run_id: str) -> set[str]:
    return {k for k in mlm.get_run(run_id).metrics if k.startswith("sys/")}


def test_a_run_has_sys_series_beside_what_the_loop_logs(tracking, sampler):
    with mlm.start_run("sys") as run:
        for i in range(50):
            run.log(loss=1 / (i + 1))
            time.sleep(0.01)
    assert _sys_keys(run.run_id) >= PROCESS_KEYS
    assert run.history("loss")[0].tolist() == list(range(50))
    steps, rss, _ = mlm.get_run(run.run_id).history("sys/rss_mb")
    assert len(steps) >= 4 and steps.tolist() == list(range(len(steps)))  # sample index
    assert np.all(rss > 10)
    cpu = run.history("sys/cpu_percent")[1]
    assert np.all(cpu >= 0) and len(cpu) == len(steps) - 1  # a rate: from the 2nd sample
    assert run.history("sys/disk_read_mb")[1][0] == 0  # totals count from the first sample
    ranked = mlm.leaderboard_rows("sys", "sys/rss_mb", goal="min")
    assert [r.run_ids for r in ranked] == [(run.run_id,)]


def test_the_interval_sets_the_number_of_samples(tracking, sampler, monkeypatch):
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", "0.05")
    run = mlm.start_run("interval")
    time.sleep(0.6)
    run.finish()
    n = len(run.history("sys/rss_mb")[0])
    assert 9 <= n <= 15  # ~12 at 0.05 s, and the last one


def test_a_run_that_ends_at_once_is_not_sampled(tracking, sampler):
    with mlm.start_run("instant") as run:
        run.log(loss=1.0)
    assert _sys_keys(run.run_id) == set() and sampler.sampling == 0
    assert "system" not in mlm.get_run(run.run_id).context


def test_sampling_stops_when_the_run_ends(tracking, sampler):
    run = mlm.start_run("stops")
    time.sleep(0.25)
    assert sampler.sampling == 1
    run.finish()
    assert sampler.sampling == 0
    steps, _, times = run.history("sys/rss_mb")
    assert time.time() - times[-1] < 0.5  # the last sample was taken as it ended
    time.sleep(0.3)
    assert len(run.history("sys/rss_mb")[0]) == len(steps)


@pytest.mark.parametrize(
    ("env", "argument", "sampled"), [("0", None, False), ("1", False, False), ("0", True, True)]
)
def test_switched_off_by_the_argument_or_the_environment(
    tracking, sampler, monkeypatch, env, argument, sampled
):
    monkeypatch.setenv("MLM_SYSTEM_METRICS", env)
    with mlm.start_run("switch", system_metrics=argument) as run:
        run.log(loss=1.0)
        time.sleep(0.15)  # past the first sample
    assert bool(_sys_keys(run.run_id)) is sampled
    assert (SYSTEM_TEXT in [t.name for t in tracking.files.texts(run.run_id)]) is sampled
    assert ("system" in mlm.get_run(run.run_id).context) is sampled


def test_a_bad_interval_is_refused_before_the_run_exists(tracking, sampler, monkeypatch):
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", "soon")
    with pytest.raises(ConfigError, match="MLM_SYSTEM_METRICS_INTERVAL='soon'"):
        mlm.start_run("refused")
    assert mlm.runs() == [] and mlm.active_run() is None
    with mlm.start_run("refused", system_metrics=False):  # off: the interval is not read
        pass


def _nvml_works() -> bool:
    try:
        import pynvml

        pynvml.nvmlInit()
    except Exception:
        return False
    return True


@pytest.mark.skipif(_nvml_works(), reason="this machine has NVML: gpu_check.py covers it")
def test_without_nvml_a_notice_in_the_context_and_one_warning(tracking, sampler):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with mlm.start_run("cpu-only") as first:
            time.sleep(0.15)
        with mlm.start_run("cpu-only") as second:
            time.sleep(0.15)
    said = [str(w.message) for w in caught if "GPU" in str(w.message)]
    assert said == [
        "jupyter-mlm: no GPU metrics: NVML is not available (NVMLError_LibraryNotFound: "
        "NVML Shared Library Not Found)"
    ]  # once per process, not per run
    for run in (first, second):
        system = run.context["system"]
        assert system["notices"] == [said[0].removeprefix("jupyter-mlm: ")]
        assert system["gpus"] == [] and system["nvml"] is False and system["interval"] == 0.1
        assert not any(k.startswith("sys/gpu") for k in _sys_keys(run.run_id))


def test_runs_at_once_share_one_sampler_thread(tracking, sampler):
    a = mlm.start_run("shared")
    time.sleep(0.05)
    b = mlm.start_run("shared")
    time.sleep(0.3)
    assert sampler.sampling == 2
    assert len([t for t in threading.enumerate() if t.name == "jupyter-mlm-system"]) == 1
    b.finish()
    a.finish()
    assert len(a.history("sys/rss_mb")[0]) >= len(b.history("sys/rss_mb")[0]) >= 3


def test_a_resumed_run_goes_on_after_its_last_sample(tracking, sampler):
    with mlm.start_run("resume") as run:
        time.sleep(0.15)
    before = run.history("sys/rss_mb")[0].tolist()
    with mlm.resume_run(run.run_id) as again:
        time.sleep(0.15)
    steps = again.history("sys/rss_mb")[0].tolist()
    assert steps[: len(before)] == before
    assert steps[len(before)] == before[-1] + 1 and steps == sorted(steps)


def test_the_samplers_series_take_no_share_of_the_buffers_soft_limit(tracking, sampler):
    from jupyter_mlm.tracking.run import SOFT_LIMIT

    with mlm.start_run("soft") as run:
        run.log(loss=1.0, acc=0.5)
        deadline = time.monotonic() + 10  # the first sample comes ~0.1 s in; more when loaded
        while len(run._buffer.keys) <= 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(run._buffer.keys) > 2  # the sys/ series are there too
        assert run._soft == SOFT_LIMIT // 2  # the writer is woken as often as without


def test_a_writer_error_met_by_the_sampler_stays_for_the_users_next_call(tracking, sampler):
    run = mlm.start_run("error", system_metrics=False)
    error = WriterError("the store went away")
    run._set_writer_error(error)
    run._log_system({"sys/rss_mb": 1.0}, 0)  # on the sampler thread: nothing raised
    with pytest.raises(WriterError, match="the store went away"):
        run.log(loss=1.0)
    run.finish()


def test_keys_added_by_two_threads_at_once_stay_aligned():
    buffer = PointBuffer()
    start = threading.Barrier(2)

    def add(prefix: str) -> None:
        start.wait()
        for i in range(3000):
            buffer.add_key(f"{prefix}{i}")

    threads = [threading.Thread(target=add, args=(p,)) for p in ("loss/", "sys/")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(buffer.keys) == len(buffer.values) == len(set(buffer.keys)) == 6000
    for key, (_, _, values, kid) in buffer.slots.items():
        assert buffer.keys[kid] == key and buffer.values[kid] is values
