"""The default price table: on-demand list prices of common cloud instance types, used when
``mlm.toml`` gives no price for the machine a run ran on.

They are list prices (Linux, on demand, no discounts or reservations) for AWS ``us-east-1``,
GCP ``us-central1`` and Azure ``eastus``, as published in 2024 (the date of the knowledge
they were written from, not read from the providers' pages since): prices change and differ
by region, so put your own in ``[cost.machines]`` of ``mlm.toml`` when they matter.
"""

from __future__ import annotations

from dataclasses import dataclass

#: when and where the prices below were read
PRICES_AS_OF = "2024"
PRICES_SOURCE = f"default table (on-demand list price as published in {PRICES_AS_OF})"


@dataclass(frozen=True)
class Instance:
    """One instance type: its hourly price (USD) and what it has."""

    name: str
    provider: str  # aws, gcp, azure
    family: str  # instances of one family differ only in size
    vcpus: int
    hourly: float
    gpus: int = 0
    gpu: str | None = None  # the GPU model
    gpu_memory_gib: float | None = None  # per GPU


def _table(*rows: Instance) -> dict[str, Instance]:
    return {row.name: row for row in rows}


DEFAULT_PRICES: dict[str, Instance] = _table(
    # AWS, us-east-1
    Instance("m5.large", "aws", "m5", 2, 0.096),
    Instance("m5.xlarge", "aws", "m5", 4, 0.192),
    Instance("m5.2xlarge", "aws", "m5", 8, 0.384),
    Instance("m5.4xlarge", "aws", "m5", 16, 0.768),
    Instance("c5.large", "aws", "c5", 2, 0.085),
    Instance("c5.xlarge", "aws", "c5", 4, 0.17),
    Instance("c5.2xlarge", "aws", "c5", 8, 0.34),
    Instance("c5.4xlarge", "aws", "c5", 16, 0.68),
    Instance("g4dn.xlarge", "aws", "g4dn", 4, 0.526, 1, "T4", 16),
    Instance("g4dn.2xlarge", "aws", "g4dn", 8, 0.752, 1, "T4", 16),
    Instance("g5.xlarge", "aws", "g5", 4, 1.006, 1, "A10G", 24),
    Instance("g5.2xlarge", "aws", "g5", 8, 1.212, 1, "A10G", 24),
    Instance("g5.4xlarge", "aws", "g5", 16, 1.624, 1, "A10G", 24),
    Instance("p3.2xlarge", "aws", "p3", 8, 3.06, 1, "V100", 16),
    Instance("p3.8xlarge", "aws", "p3", 32, 12.24, 4, "V100", 16),
    Instance("p3.16xlarge", "aws", "p3", 64, 24.48, 8, "V100", 16),
    Instance("p4d.24xlarge", "aws", "p4d", 96, 32.7726, 8, "A100", 40),
    # GCP, us-central1
    Instance("e2-standard-4", "gcp", "e2-standard", 4, 0.134012),
    Instance("n1-standard-8", "gcp", "n1-standard", 8, 0.379998),
    Instance("n2-standard-4", "gcp", "n2-standard", 4, 0.194236),
    Instance("n2-standard-8", "gcp", "n2-standard", 8, 0.388472),
    Instance("g2-standard-4", "gcp", "g2-standard", 4, 0.70683, 1, "L4", 24),
    Instance("a2-highgpu-1g", "gcp", "a2-highgpu", 12, 3.673385, 1, "A100", 40),
    Instance("a2-highgpu-8g", "gcp", "a2-highgpu", 96, 29.387081, 8, "A100", 40),
    # Azure, eastus
    Instance("Standard_D4s_v3", "azure", "Standard_Ds_v3", 4, 0.192),
    Instance("Standard_D8s_v3", "azure", "Standard_Ds_v3", 8, 0.384),
    Instance("Standard_NC4as_T4_v3", "azure", "Standard_NCas_T4_v3", 4, 0.526, 1, "T4", 16),
    Instance("Standard_NC6s_v3", "azure", "Standard_NCs_v3", 6, 3.06, 1, "V100", 16),
    Instance("Standard_NC24s_v3", "azure", "Standard_NCs_v3", 24, 12.24, 4, "V100", 16),
    Instance("Standard_ND96asr_v4", "azure", "Standard_NDasr_v4", 96, 27.197, 8, "A100", 40),
)


def default_instance(name: str) -> Instance | None:
    """The default table's entry for instance type ``name`` (case as the cloud spells it;
    AWS and GCP types are lower case, so those match in any case)."""
    found = DEFAULT_PRICES.get(name)
    if found is None:
        found = _BY_LOWER.get(name.lower())
    return found


_BY_LOWER = {name.lower(): row for name, row in DEFAULT_PRICES.items()}
