"""Cost and advice of real runs: the prices recorded as a run starts (from mlm.toml, the
environment or cloud metadata), read back from the store for finished runs, with samples
logged as the system sampler logs them."""

from __future__ import annotations

import os
import time

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.core.errors import ConfigError
from jupyter_mlm.cost import metadata
from jupyter_mlm.cost.default_prices import PRICES_SOURCE
from jupyter_mlm.cost.pricing import UNCONFIGURED
from jupyter_mlm.system import sampler as sampler_module
from jupyter_mlm.system.sampler import Sampler
from jupyter_mlm.tracking.cost_hook import COST_TEXT

from .fake_metadata import metadata_server

HOST, PROC = "sys/host_cpu_percent", "sys/cpu_percent"


@pytest.fixture
def project(tmp_path, monkeypatch):
    """The current directory is a project folder (its mlm.toml applies); no capture."""
    folder = tmp_path / "project"
    folder.mkdir()
    monkeypatch.chdir(folder)
    monkeypatch.setenv("MLM_CAPTURE", "0")
    return folder


def _train(experiment: str, samples: int = 20, **values: float) -> mlm.Run:
    """A run that logs ``samples`` system samples (step = sample index, as the sampler)."""
    sample = {HOST: 20.0, PROC: 98.0, "sys/gpu0/util_percent": 12.0,
              "sys/gpu0/mem_used_mb": 3000.0, "sys/gpu0/mem_total_mb": 24576.0}  # fmt: skip
    sample.update({f"sys/{k.replace('__', '/')}": v for k, v in values.items()})
    with mlm.start_run(experiment, system_metrics=False) as run:
        for i in range(samples):
            run.log(sample, step=i)
            run.log(loss=1 / (i + 1))
    return run


def _hours(view) -> float:
    return (view.end_time - view.start_time) / 3600


def test_a_finished_run_is_priced_from_what_was_recorded(tracking, project):
    (project / "mlm.toml").write_text('[cost]\nmachine = "g5.2xlarge"\n')
    run = _train("train")
    view = mlm.get_run(run.run_id)
    assert view.context["cost"] == {
        "machine": "g5.2xlarge", "machine_source": "mlm.toml [cost] machine", "hourly": 1.212,
        "price_source": PRICES_SOURCE, "share": "wall", "cpus": os.cpu_count()}  # fmt: skip
    cost = view.cost
    assert cost.amount == pytest.approx(1.212 * _hours(view))
    assert (cost.machine, cost.running, cost.reason) == ("g5.2xlarge", False, None)
    (project / "mlm.toml").write_text("[cost]\nhourly = 100\n")  # later prices change nothing
    assert mlm.get_run(run.run_id).cost.amount == cost.amount


def test_advice_of_a_stored_run(tracking, project):
    (project / "mlm.toml").write_text('[cost]\nmachine = "g5.2xlarge"\n')
    run = _train("train", gpu0__util_percent=1.0)
    found = {a.kind: a for a in mlm.get_run(run.run_id).advice()}
    assert set(found) >= {"smaller_gpu", "input_bound", "idle_gpu"}
    assert found["idle_gpu"].evidence["idle_share"] == 1.0
    assert found["idle_gpu"].saving_total == pytest.approx(mlm.get_run(run.run_id).cost.amount)
    assert found["smaller_gpu"].evidence["alternative"] == "g4dn.xlarge"
    assert found["smaller_gpu"].saving_per_hour == pytest.approx(1.212 - 0.526)
    if os.cpu_count() and os.cpu_count() > 1:  # 20 % of this machine's cores would do
        assert "cores" in found
    assert [a.kind for a in run.advice()] == [a.kind for a in found.values()]


def test_a_live_run_is_priced_so_far(tracking, project, monkeypatch):
    monkeypatch.setenv("MLM_COST_HOURLY", "3600")  # a dollar a second
    run = mlm.start_run("live", system_metrics=False)
    try:
        time.sleep(0.05)
        cost = run.cost
        assert cost.running and cost.source == "MLM_COST_HOURLY"
        assert 0.05 <= cost.amount < 5
    finally:
        run.finish()
    assert not mlm.get_run(run.run_id).cost.running


def test_an_unknown_machine_type_is_no_amount_with_the_reason(tracking, project, monkeypatch):
    monkeypatch.setenv("MLM_MACHINE_TYPE", "x9.enormous")
    view = mlm.get_run(_train("odd").run_id)
    assert view.cost.amount is None and view.cost.machine == "x9.enormous"
    assert view.cost.reason == (
        "machine type 'x9.enormous' (MLM_MACHINE_TYPE) is not in the price table: add it to "
        "[cost.machines] in mlm.toml, or set [cost] hourly"
    )
    assert "x9.enormous" in view.advice()[0].saving_reason  # advice still, without savings


def test_nothing_configured_records_nothing(tracking, project):
    run = _train("plain")
    assert run._cost_recorded is None
    assert COST_TEXT not in [t.name for t in tracking.files.texts(run.run_id)]
    cost = mlm.get_run(run.run_id).cost
    assert cost.amount is None and cost.reason == UNCONFIGURED


def test_a_bad_price_table_creates_no_run(tracking, project):
    (project / "mlm.toml").write_text('[cost.machines]\n"p3.2xlarge" = -3.06\n')
    with pytest.raises(ConfigError, match=r"\[cost.machines\] 'p3.2xlarge' = -3.06"):
        mlm.start_run("bad")
    assert tracking.queries.search() == []


def test_share_cpu_from_the_recorded_samples(tracking, project):
    (project / "mlm.toml").write_text('[cost]\nhourly = 2.0\nshare = "cpu"\n')
    run = _train("shared", cpu_percent=50.0)
    view = mlm.get_run(run.run_id)
    cost = view.cost
    assert cost.fraction == pytest.approx(min(1.0, 0.5 / os.cpu_count()))
    assert cost.amount == pytest.approx(2.0 * _hours(view) * cost.fraction)


def test_the_machine_type_from_cloud_metadata(tracking, project, monkeypatch):
    metadata.forget_answer()
    try:
        with metadata_server("aws", "p3.2xlarge") as server:
            monkeypatch.setenv("MLM_CLOUD_METADATA", "1")
            monkeypatch.setenv("MLM_CLOUD_METADATA_URL", server.url)
            view = mlm.get_run(_train("cloud").run_id)
        prices = view.context["cost"]
        assert (prices["machine"], prices["machine_source"]) == (
            "p3.2xlarge", "aws instance metadata")  # fmt: skip
        assert view.cost.amount == pytest.approx(3.06 * _hours(view))
    finally:
        metadata.forget_answer()


def test_costs_of_an_experiment_and_its_total(tracking, project):
    (project / "mlm.toml").write_text("[cost]\nhourly = 10\n")
    first = _train("sweep")
    (project / "mlm.toml").write_text('[cost]\nmachine = "m5.large"\n')
    second = _train("sweep")
    (project / "mlm.toml").unlink()
    third = _train("sweep")
    report = mlm.costs("sweep")
    assert [r.run_id for r in report] == [third.run_id, second.run_id, first.run_id]
    amounts = [r.cost.amount for r in report]
    assert amounts[0] is None and amounts[1] > 0 and amounts[2] > 0
    assert report.total == pytest.approx(amounts[1] + amounts[2])
    assert (report.priced, report.unpriced) == (2, 1)
    again = mlm.costs("sweep", hourly=3600)
    assert again.unpriced == 0 and all(r.cost.source == "given" for r in again)
    frame = report.to_pandas()
    assert list(frame.columns[:5]) == ["run_id", "name", "experiment", "status", "cost"]


@pytest.fixture
def sampler(monkeypatch):
    """A sampler of this test's own, closed after it (the process's stays unstarted)."""
    fresh = Sampler()
    monkeypatch.setattr(sampler_module, "_shared", fresh)
    yield fresh
    fresh.close()


@pytest.mark.filterwarnings("ignore:jupyter-mlm. no GPU metrics:RuntimeWarning")
def test_share_cpu_with_the_real_sampler(tracking, project, sampler, monkeypatch):
    monkeypatch.setenv("MLM_SYSTEM_METRICS_INTERVAL", "0.05")
    monkeypatch.setenv("MLM_COST_HOURLY", "1")
    monkeypatch.setenv("MLM_COST_SHARE", "cpu")
    with mlm.start_run("sampled", system_metrics=True) as run:
        end = time.monotonic() + 0.5
        while time.monotonic() < end:  # one core busy
            sum(range(1000))
    cost = mlm.get_run(run.run_id).cost
    assert cost.amount is not None and 0 < cost.fraction <= 1
    assert cost.fraction == pytest.approx(1 / os.cpu_count(), abs=0.35)
