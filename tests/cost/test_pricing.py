"""The default table, and the description a run records as it starts: which price applies,
from where, and the reason when none does."""

from __future__ import annotations

import pytest

from jupyter_mlm.cost.default_prices import DEFAULT_PRICES, PRICES_AS_OF, default_instance
from jupyter_mlm.cost.metadata import CloudMachine
from jupyter_mlm.cost.pricing import UNCONFIGURED, describe_prices, gpu_hourly, machine_price
from jupyter_mlm.cost.settings import PriceSettings


def test_the_default_table_is_sane():
    assert len(DEFAULT_PRICES) >= 20 and PRICES_AS_OF == "2024"
    assert {i.provider for i in DEFAULT_PRICES.values()} == {"aws", "gcp", "azure"}
    for name, i in DEFAULT_PRICES.items():
        assert name == i.name and i.hourly > 0 and i.vcpus > 0, name
        assert (i.gpus > 0) == (i.gpu is not None) == (i.gpu_memory_gib is not None), name
    by_family: dict[str, list] = {}
    for i in DEFAULT_PRICES.values():
        by_family.setdefault(i.family, []).append(i)
    for family, rows in by_family.items():  # within a family, bigger costs more
        rows.sort(key=lambda i: (i.gpus, i.vcpus))
        assert [r.hourly for r in rows] == sorted(r.hourly for r in rows), family


def test_lookup():
    assert default_instance("p3.2xlarge").hourly == 3.06
    assert default_instance("P3.2XLARGE").name == "p3.2xlarge"
    assert default_instance("Standard_NC6s_v3").gpu == "V100"
    assert default_instance("x9.enormous") is None
    assert machine_price("p3.2xlarge", {"P3.2xlarge": 2.0}) == (2.0, "mlm.toml [cost.machines]")
    assert machine_price("n2-standard-8", {})[0] == 0.388472
    assert machine_price("x9.enormous", {}) == (None, "")


def test_hourly_wins_over_the_machine_price():
    settings = PriceSettings(hourly=1.0, hourly_source="MLM_COST_HOURLY", machine="p3.2xlarge",
                             machine_source="MLM_MACHINE_TYPE")  # fmt: skip
    out = describe_prices(settings, None, 8)
    assert out == {"share": "wall", "cpus": 8, "machine": "p3.2xlarge",
                   "machine_source": "MLM_MACHINE_TYPE", "hourly": 1.0,
                   "price_source": "MLM_COST_HOURLY"}  # fmt: skip


def test_the_machine_from_the_cloud_is_priced_by_the_default_table():
    out = describe_prices(PriceSettings(), CloudMachine("gcp", "a2-highgpu-1g"), 12)
    assert out is not None
    assert (out["machine"], out["machine_source"]) == ("a2-highgpu-1g", "gcp instance metadata")
    assert out["hourly"] == 3.673385 and "default table" in out["price_source"]
    assert "2024" in out["price_source"]


def test_configured_machines_price_before_the_default_table():
    settings = PriceSettings(machine="p3.2xlarge", machine_source="m", machines={"p3.2xlarge": 2.1})
    out = describe_prices(settings, CloudMachine("aws", "g5.xlarge"), 8)
    assert out is not None
    assert (out["machine"], out["hourly"]) == ("p3.2xlarge", 2.1)  # configuration over cloud
    assert out["machine_prices"] == {"p3.2xlarge": 2.1}


def test_an_unknown_machine_has_no_price_and_says_why():
    out = describe_prices(PriceSettings(), CloudMachine("aws", "x9.enormous"), 8)
    assert out is not None and "hourly" not in out
    assert out["reason"].startswith("machine type 'x9.enormous' (aws instance metadata) is not")


def test_nothing_known_records_nothing():
    assert describe_prices(PriceSettings(), None, 8) is None
    only_share = describe_prices(PriceSettings(share="cpu"), None, 8)
    assert only_share is not None and only_share["reason"] == UNCONFIGURED


def test_gpu_prices_wait_for_the_run_gpus():
    settings = PriceSettings(gpus={"A100": 2.9, "A100-SXM4-80GB": 3.5, "T4": 0.35})
    out = describe_prices(settings, None, 8)
    assert out is not None and out["gpu_prices"] == dict(settings.gpus) and "reason" not in out
    gpus = [{"name": "NVIDIA A100-SXM4-80GB"}, {"name": "NVIDIA A100-SXM4-40GB"}]
    assert gpu_hourly(out["gpu_prices"], gpus) == (3.5 + 2.9, "mlm.toml [cost.gpus] × 2 GPU(s)")
    price, why = gpu_hourly(out["gpu_prices"], [{"name": "NVIDIA H100 80GB HBM3"}])
    assert price is None and why.startswith("GPU 'NVIDIA H100 80GB HBM3' is not in [cost.gpus]")
    price, why = gpu_hourly(out["gpu_prices"], [])
    assert price is None and "no GPU was sampled" in why


@pytest.mark.parametrize("name", ["m5.large", "c5.4xlarge", "g4dn.xlarge", "Standard_D4s_v3"])
def test_common_types_are_in_the_table(name):
    assert default_instance(name) is not None
