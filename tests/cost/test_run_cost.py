"""A run's cost from recorded data: hourly price × wall hours, × the CPU share with
share = "cpu"; no amount, with the reason, whenever the price or the share is unknown."""

from __future__ import annotations

import pytest

from jupyter_mlm.cost.pricing import UNCONFIGURED
from jupyter_mlm.cost.report import CostReport, RunCostRow
from jupyter_mlm.cost.run_cost import run_cost

from .conftest import priced, record


def test_wall_duration_times_the_hourly_price():
    cost = run_cost(record(prices=priced("p3.2xlarge", 3.06), hours=2.5))
    assert cost.amount == pytest.approx(7.65)
    assert (cost.hourly, cost.hours, cost.share, cost.fraction) == (3.06, 2.5, "wall", 1.0)
    assert (cost.machine, cost.source, cost.reason, cost.running) == (
        "p3.2xlarge", "default table", None, False)  # fmt: skip
    assert str(cost) == "$7.65 (2.5 h × $3.06/h; default table)"


def test_a_running_run_is_priced_up_to_now():
    cost = run_cost(record(prices=priced("m5.large", 0.096), hours=10, running=True))
    assert cost.running and cost.amount == pytest.approx(0.96)
    assert "so far" in str(cost)


def test_share_cpu_pays_for_the_cpu_used():
    # 8 cores; the process used 200 % (two cores) then 600 %: a mean of 4 cores = half
    samples = [200.0] * 5 + [600.0] * 5
    prices = priced("m5.2xlarge", 0.384, share="cpu", cpus=8)
    cost = run_cost(record({"sys/cpu_percent": samples}, prices=prices, hours=3))
    assert cost.fraction == pytest.approx(0.5)
    assert cost.amount == pytest.approx(0.384 * 3 * 0.5)
    assert "50.0% CPU share" in str(cost)


def test_share_cpu_is_capped_at_the_whole_machine():
    prices = priced("m5.large", 0.096, share="cpu", cpus=2)
    cost = run_cost(record({"sys/cpu_percent": [400.0] * 3}, prices=prices, hours=1))
    assert cost.fraction == 1.0 and cost.amount == pytest.approx(0.096)


def test_share_cpu_without_samples_has_no_amount():
    cost = run_cost(record(prices=priced("m5.large", 0.096, share="cpu", cpus=2)))
    assert cost.amount is None and cost.hourly == 0.096
    assert "needs the run's sys/cpu_percent samples" in (cost.reason or "")
    assert str(cost).startswith("unknown (share = 'cpu' needs")


def test_share_cpu_falls_back_on_the_sampled_cpu_count():
    prices = priced("m5.large", 0.096, share="cpu")
    rec = record({"sys/cpu_percent": [100.0] * 4}, prices=prices, system={"cpus": 4}, hours=1)
    assert run_cost(rec).fraction == pytest.approx(0.25)
    no_count = record({"sys/cpu_percent": [100.0] * 4}, prices=prices, hours=1)
    assert "CPU count" in (run_cost(no_count).reason or "")


def test_an_unknown_machine_type_has_no_amount_and_the_reason():
    reason = "machine type 'x9.enormous' (aws instance metadata) is not in the price table"
    prices = {"machine": "x9.enormous", "share": "wall", "reason": reason}
    cost = run_cost(record(prices=prices))
    assert (cost.amount, cost.hourly, cost.machine, cost.reason) == (
        None, None, "x9.enormous", reason)  # fmt: skip


def test_nothing_recorded_has_no_amount():
    cost = run_cost(record())
    assert cost.amount is None and cost.reason == UNCONFIGURED


def test_gpu_prices_use_the_gpus_the_run_sampled():
    prices = {"share": "wall", "gpu_prices": {"A100": 2.9}}
    two = {"gpus": [{"key": "gpu0", "name": "NVIDIA A100-SXM4-40GB"},
                    {"key": "gpu1", "name": "NVIDIA A100-SXM4-40GB"}]}  # fmt: skip
    cost = run_cost(record(prices=prices, system=two, hours=0.5))
    assert cost.amount == pytest.approx(2.9)
    other = {"gpus": [{"key": "gpu0", "name": "Tesla T4"}]}
    cost = run_cost(record(prices=prices, system=other))
    assert cost.amount is None and "GPU 'Tesla T4' is not in [cost.gpus]" in (cost.reason or "")


def test_a_given_hourly_price_reprices_a_run():
    cost = run_cost(record(hours=2), hourly=1.25)
    assert (cost.amount, cost.source) == (2.5, "given")
    with pytest.raises(ValueError, match="hourly must be a price"):
        run_cost(record(), hourly=-1)


def test_a_report_totals_the_priced_runs():
    costs = [
        run_cost(record(prices=priced("m5.large", 0.1), hours=1)),
        run_cost(record(prices=priced("m5.large", 0.1), hours=2)),
        run_cost(record()),
    ]
    report = CostReport(tuple(RunCostRow(f"r{i}", f"n{i}", "e", "finished", c)
                              for i, c in enumerate(costs)))  # fmt: skip
    assert report.total == pytest.approx(0.3)
    assert (report.priced, report.unpriced, len(report)) == (2, 1, 3)
    assert str(report) == "$0.30 over 2 run(s); 1 run(s) without a price"
    data = report.to_dict()
    assert data["currency"] == "USD" and data["runs"][2]["reason"] == UNCONFIGURED
    frame = report.to_pandas()
    assert list(frame["cost"][:2]) == pytest.approx([0.1, 0.2])
