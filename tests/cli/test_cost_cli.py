"""``mlm cost`` and ``mlm advice`` on a store with priced and unpriced runs."""

from __future__ import annotations

import json

import pytest

import jupyter_mlm as mlm
from jupyter_mlm.cli import main


@pytest.fixture
def backend() -> str:
    return "sqlite"


@pytest.fixture
def runs(tracking, store_location, tmp_path, monkeypatch):
    """Two runs of 'fit' (one on a g5.2xlarge with GPU samples, one without a price) and one
    of 'other'; returns the store folder and the runs, oldest first."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MLM_CAPTURE", "0")
    monkeypatch.setenv("MLM_MACHINE_TYPE", "g5.2xlarge")
    with mlm.start_run("fit", name="gpu-run", system_metrics=False) as gpu:
        for i in range(20):
            gpu.log({"sys/gpu0/util_percent": 0.0 if i < 10 else 50.0,
                     "sys/gpu0/mem_used_mb": 2000.0, "sys/gpu0/mem_total_mb": 24576.0},
                    step=i)  # fmt: skip
    monkeypatch.delenv("MLM_MACHINE_TYPE")
    with mlm.start_run("fit", name="unpriced-run", system_metrics=False) as unpriced:
        unpriced.log(loss=1.0)
    monkeypatch.setenv("MLM_COST_HOURLY", "2")
    with mlm.start_run("other", name="other-run", system_metrics=False) as other:
        other.log(loss=1.0)
    return str(store_location.root), [gpu, unpriced, other]


def test_cost_table_and_total(runs, capsys):
    folder, (gpu, unpriced, _) = runs
    assert main(["--store", folder, "cost", "fit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["RUN", "ID", "NAME", "STATUS", "HOURS", "USD/H", "SHARE",
                                "COST", "USD", "PRICE"]  # fmt: skip
    assert lines[1].startswith(unpriced.run_id) and "unknown: no price for this machine" in lines[1]
    assert lines[2].startswith(gpu.run_id)
    assert "1.212" in lines[2] and "g5.2xlarge, default table" in lines[2]
    assert lines[3] == "total $0.00 over 1 run(s) with a price; 1 without one"
    assert len(lines) == 4


def test_cost_json_and_a_given_price(runs, capsys):
    folder, (gpu, unpriced, other) = runs
    assert main(["--store", folder, "cost", "--json", "--hourly", "3600"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["run_id"] for r in data["runs"]] == [other.run_id, unpriced.run_id, gpu.run_id]
    assert data["unpriced"] == 0 and data["currency"] == "USD"
    assert data["total"] == pytest.approx(sum(r["hours"] * 3600 for r in data["runs"]))
    assert {r["price_source"] for r in data["runs"]} == {"given"}


def test_advice_lists_each_run_advice_with_savings(runs, capsys):
    folder, (gpu, _, _) = runs
    assert main(["--store", folder, "advice", "fit"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["RUN", "ID", "NAME", "KIND", "SAVES", "USD", "ADVICE"]
    kinds = [line.split()[2] for line in lines[1:-1]]
    assert kinds == ["smaller_gpu", "idle_gpu"]
    assert all(line.startswith(gpu.run_id) for line in lines[1:-1])
    assert "GPU memory peaked at 2.0 GiB of 24 GiB (8 %) on gpu0" in out
    assert "g4dn.2xlarge ($0.75/h) instead of g5.2xlarge ($1.21/h)" in out  # 8 vCPUs kept
    assert "GPU idle (under 5 % busy) in 50 % of the samples" in out
    assert lines[-1] == "2 piece(s) of advice for 1 of 2 run(s)"


def test_advice_json_and_limit(runs, capsys):
    folder, (gpu, unpriced, _) = runs
    assert main(["--store", folder, "advice", "fit", "--json", "--limit", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [(r["run_id"], r["advice"]) for r in data] == [(unpriced.run_id, [])]
    assert main(["--store", folder, "advice", "--json"]) == 0
    data = {r["run_id"]: r["advice"] for r in json.loads(capsys.readouterr().out)}
    idle = next(a for a in data[gpu.run_id] if a["kind"] == "idle_gpu")
    assert idle["evidence"]["idle_share"] == 0.5
    assert idle["saving_total"] == pytest.approx(mlm.get_run(gpu.run_id).cost.amount / 2)


def test_an_unknown_experiment_is_a_one_line_error(runs, capsys):
    folder, _ = runs
    assert main(["--store", folder, "cost", "nope"]) == 1
    assert capsys.readouterr().err.startswith("mlm: error: ")
