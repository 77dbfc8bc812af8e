"""Each advice rule on synthetic samples: when it speaks, the numbers it shows, and what it
saves at the run's prices (or why it cannot say)."""

from __future__ import annotations

import numpy as np
import pytest

from jupyter_mlm.cost.advise import advise
from jupyter_mlm.cost.gpu_time import idle_gpu_advice, input_bound_advice
from jupyter_mlm.cost.rightsizing import cores_advice, smaller_gpu_advice
from jupyter_mlm.cost.run_cost import run_cost

from .conftest import priced, record

HOST = "sys/host_cpu_percent"
PROC = "sys/cpu_percent"


def _cores(series, prices, hours=2.0):
    rec = record(series, prices=prices, hours=hours)
    return cores_advice(rec, run_cost(rec))


# cores ------------------------------------------------------------------------------------
def test_fewer_cores_with_the_price_of_the_smaller_instance():
    advice, needed = _cores({HOST: [10.0] * 50 + [23.0] * 50}, priced("m5.2xlarge", 0.384, cpus=8))
    assert needed == 3 and advice is not None
    assert advice.kind == "cores"
    assert advice.evidence == {"series": HOST, "samples": 100, "cores": 8,
                               "cpu_q99_percent": 23.0, "suggested_cores": 3,
                               "alternative": "m5.xlarge", "alternative_hourly": 0.192}  # fmt: skip
    assert advice.message == (
        "CPU peaked at 23 % (q99) of 8 cores (1.8 cores busy): 3 cores would do "
        "(ceil(8 × 23 / 80), OptScale's rule); m5.xlarge ($0.19/h) instead of m5.2xlarge "
        "($0.38/h) saves $0.19/h, $0.38 on this run"
    )
    assert advice.saving_per_hour == pytest.approx(0.192)
    assert advice.saving_total == pytest.approx(0.384)
    assert advice.saving_reason is None


def test_the_configured_price_of_the_smaller_instance_is_used():
    prices = priced("m5.2xlarge", 0.384, cpus=8, machine_prices={"m5.xlarge": 0.15})
    advice, _ = _cores({HOST: [30.0] * 20}, prices)  # 3 cores: m5.xlarge
    assert advice is not None and advice.saving_per_hour == pytest.approx(0.384 - 0.15)


def test_a_busy_machine_gets_no_cores_advice():
    advice, needed = _cores({HOST: [10.0] * 50 + [85.0] * 50}, priced("m5.2xlarge", 0.384, cpus=8))
    assert advice is None and needed == 9


def test_too_few_samples_say_nothing():
    assert _cores({HOST: [5.0] * 9}, priced("m5.2xlarge", 0.384, cpus=8)) == (None, None)


def test_no_smaller_instance_in_the_family_leaves_the_saving_out():
    advice, _ = _cores({HOST: [20.0] * 20}, priced("p3.2xlarge", 3.06, cpus=8))
    assert advice is not None and "2 cores would do" in advice.message
    assert (advice.saving_per_hour, advice.saving_total) == (None, None)
    assert advice.saving_reason == (
        "the price table has no p3 instance smaller than p3.2xlarge with at least 2 vCPUs"
    )


def test_a_price_without_a_machine_type_cannot_price_a_smaller_one():
    prices = {"hourly": 1.0, "price_source": "MLM_COST_HOURLY", "share": "wall", "cpus": 16}
    advice, _ = _cores({HOST: [10.0] * 20}, prices)
    assert advice is not None and "2 cores would do" in advice.message
    assert advice.saving_reason == "no machine type was recorded, so no smaller one can be priced"


def test_a_shared_machine_is_judged_by_the_process_and_not_priced():
    prices = priced("m5.4xlarge", 0.768, cpus=16, share="cpu")
    series = {HOST: [95.0] * 20, PROC: [150.0] * 18 + [230.0] * 2}  # others keep the host busy
    advice, needed = _cores(series, prices)
    assert advice is not None and needed == 3  # ceil(230 / 80)
    assert advice.evidence["series"] == PROC
    assert advice.message.startswith("This process's CPU peaked at 14 % (q99) of 16 cores")
    assert "shared" in (advice.saving_reason or "")


# smaller GPU ------------------------------------------------------------------------------
def _gpu(peak_mb: float, total_mb: float, n: int = 20) -> dict[str, np.ndarray]:
    used = np.linspace(peak_mb / 2, peak_mb, n)
    return {"sys/gpu0/mem_used_mb": used, "sys/gpu0/mem_total_mb": np.full(n, total_mb)}


def test_a_smaller_gpu_with_its_saving():
    system = {"gpus": [{"key": "gpu0", "name": "NVIDIA A10G"}]}
    rec = record(_gpu(5000, 24576), prices=priced("g5.xlarge", 1.006, cpus=4), system=system)
    advice = smaller_gpu_advice(rec, run_cost(rec), None)
    assert advice is not None and advice.kind == "smaller_gpu"
    assert advice.message == (
        "GPU memory peaked at 4.9 GiB of 24 GiB (20 %) on gpu0 (NVIDIA A10G): a GPU with 7 GiB "
        "would do; g4dn.xlarge ($0.53/h) instead of g5.xlarge ($1.01/h) saves $0.48/h, "
        "$0.96 on this run"
    )
    assert advice.evidence["memory_peak_mib"] == 5000 and advice.evidence["peak_share"] == 0.2035
    assert advice.saving_per_hour == pytest.approx(1.006 - 0.526)
    assert advice.saving_total == pytest.approx((1.006 - 0.526) * 2)


def test_a_smaller_gpu_keeps_the_cores_the_run_needs():
    series = {**_gpu(10_000, 40_960), HOST: [30.0] * 20}
    series = {k.replace("gpu0", f"gpu{i}"): v for i in range(8) for k, v in series.items()}
    rec = record(series, prices=priced("p4d.24xlarge", 32.7726, cpus=96))
    cost = run_cost(rec)
    _, needed = cores_advice(rec, cost)
    assert needed == 36  # ceil(96 × 30 / 80)
    advice = smaller_gpu_advice(rec, cost, needed)
    assert advice is not None and advice.evidence["alternative"] == "p3.16xlarge"
    assert advice.saving_per_hour == pytest.approx(32.7726 - 24.48)
    too_busy = smaller_gpu_advice(rec, cost, 96)  # p3.16xlarge has 64 vCPUs
    assert too_busy is not None and too_busy.saving_total is None
    assert "at least 96 vCPUs" in (too_busy.saving_reason or "")


def test_a_gpu_half_full_needs_no_smaller_one():
    rec = record(_gpu(13_000, 24576), prices=priced("g5.xlarge", 1.006))
    assert smaller_gpu_advice(rec, run_cost(rec), None) is None


def test_the_fullest_gpu_decides():
    series = {**_gpu(2000, 16384)}
    series.update({"sys/gpu1/mem_used_mb": np.full(20, 9000.0),
                   "sys/gpu1/mem_total_mb": np.full(20, 16384.0)})  # fmt: skip
    rec = record(series, prices=priced("p3.8xlarge", 12.24))
    assert smaller_gpu_advice(rec, run_cost(rec), None) is None  # gpu1 is 55 % full


# input-bound and idle GPU -----------------------------------------------------------------
def _util(values) -> dict[str, list[float]]:
    return {"sys/gpu0/util_percent": list(values)}


def test_input_bound_when_the_gpu_waits_on_a_busy_process():
    series = {**_util([10.0, 15.0, 20.0] * 10), PROC: [98.0] * 30, HOST: [30.0] * 30}
    rec = record(series, prices=priced("p3.2xlarge", 3.06, cpus=8))
    advice = input_bound_advice(rec, run_cost(rec))
    assert advice is not None and advice.kind == "input_bound"
    assert advice.evidence == {"samples": 30, "gpu_util_median_percent": 15.0,
                               "process_cpu_median_percent": 98.0,
                               "host_cpu_median_percent": 30.0, "gpu_waiting_share": 0.85}  # fmt: skip
    assert advice.message.startswith(
        "GPU busy 15 % of the time (median) while this process kept 1.0 cores busy "
        "(median 98 % of a core, the machine's CPU 30 % busy): the input pipeline likely "
        "bounds training"
    )
    assert advice.message.endswith("up to $5.20 of the run's $6.12 paid for GPU time spent waiting")
    assert advice.saving_per_hour == pytest.approx(3.06 * 0.85)
    assert advice.saving_total == pytest.approx(6.12 * 0.85)


def test_a_saturated_machine_counts_too():
    series = {**_util([15.0] * 20), PROC: [40.0] * 20, HOST: [95.0] * 20}
    rec = record(series, prices=priced("p3.2xlarge", 3.06))
    assert input_bound_advice(rec, run_cost(rec)) is not None


@pytest.mark.parametrize(
    ("util", "proc", "host"), [(15.0, 40.0, 50.0), (50.0, 100.0, 100.0), (29.0, 89.0, None)]
)
def test_not_input_bound(util, proc, host):
    series = {**_util([util] * 20), PROC: [proc] * 20}
    if host is not None:
        series[HOST] = [host] * 20
    rec = record(series, prices=priced("p3.2xlarge", 3.06))
    assert input_bound_advice(rec, run_cost(rec)) is None


def test_idle_gpu_time_with_its_cost():
    busy = [0.0] * 25 + [4.9] * 5 + [5.0] * 10 + [90.0] * 60  # under 5 %: idle
    rec = record(_util(busy), prices=priced("p3.2xlarge", 3.06), hours=2)
    advice = idle_gpu_advice(rec, run_cost(rec))
    assert advice is not None and advice.kind == "idle_gpu"
    assert advice.evidence == {"samples": 100, "gpus": 1, "idle_share": 0.3,
                               "idle_below_percent": 5.0, "idle_hours": 0.6}  # fmt: skip
    assert advice.message.startswith(
        "GPU idle (under 5 % busy) in 30 % of the samples (about 36 min of 2.0 h): $1.84 of "
        "the run's $6.12 paid for idle GPU time"
    )
    assert advice.saving_per_hour == pytest.approx(3.06 * 0.3)
    assert advice.saving_total == pytest.approx(6.12 * 0.3)


def test_idle_time_is_gpu_time_over_every_gpu():
    series = {**_util([0.0] * 40 + [80.0] * 60), "sys/gpu1/util_percent": [80.0] * 100}
    rec = record(series, prices=priced("p3.8xlarge", 12.24))
    advice = idle_gpu_advice(rec, run_cost(rec))
    assert advice is not None and advice.evidence["idle_share"] == 0.2


def test_little_idle_time_says_nothing_and_no_price_says_why():
    rec = record(_util([0.0] * 5 + [90.0] * 95), prices=priced("p3.2xlarge", 3.06))
    assert idle_gpu_advice(rec, run_cost(rec)) is None
    unpriced = record(_util([0.0] * 50 + [90.0] * 50))
    advice = idle_gpu_advice(unpriced, run_cost(unpriced))
    assert advice is not None and advice.saving_total is None
    assert (advice.saving_reason or "").startswith("the run has no price: no price for this")


# all together -----------------------------------------------------------------------------
def test_advise_lists_every_rule_that_speaks_in_order():
    series = {HOST: [10.0] * 40, PROC: [99.0] * 40, **_gpu(3000, 16384, 40),
              **_util([0.0] * 20 + [20.0] * 20)}  # fmt: skip
    rec = record(series, prices=priced("g4dn.2xlarge", 0.752, cpus=8))
    found = advise(rec)
    assert [a.kind for a in found] == ["cores", "smaller_gpu", "input_bound", "idle_gpu"]
    assert found[0].evidence["alternative"] == "g4dn.xlarge"
    assert found[1].saving_reason is not None  # no smaller GPU than a T4 in the table
    assert advise(record(prices=priced("m5.large", 0.096))) == []
