"""What one run logs from successive readings: levels as read, rates over the time since its
previous reading, totals since its first; two runs never share a baseline."""

from __future__ import annotations

import pytest

from jupyter_mlm.system.readings import Reading, RunSeries


def _reading(t, cpu, disk, mem=50.0):
    return Reading(
        t,
        levels={"sys/rss_mb": mem},
        rates={"sys/cpu_percent": (cpu, t)},
        totals={"sys/disk_read_mb": disk},
    )


def test_levels_rates_and_totals():
    series = RunSeries()
    assert series.values(_reading(10.0, 5.0, 100.0)) == {
        "sys/rss_mb": 50.0,
        "sys/disk_read_mb": 0.0,  # no rate yet: it needs two readings
    }
    assert series.values(_reading(12.0, 6.5, 130.0, 60.0)) == {
        "sys/rss_mb": 60.0,
        "sys/cpu_percent": pytest.approx(75.0),  # 1.5 CPU s over 2 s
        "sys/disk_read_mb": 30.0,
    }


def test_each_run_has_its_own_baseline():
    early, late = RunSeries(), RunSeries()
    early.values(_reading(0.0, 0.0, 100.0))
    early.values(_reading(1.0, 1.0, 110.0))
    late.values(_reading(1.0, 1.0, 110.0))
    assert early.values(_reading(2.0, 1.5, 120.0))["sys/disk_read_mb"] == 20.0
    assert late.values(_reading(2.0, 1.5, 120.0))["sys/disk_read_mb"] == 10.0


def test_a_counter_that_goes_back_keeps_the_growth_so_far():
    series = RunSeries()
    series.values(_reading(0.0, 0.0, 100.0))
    series.values(_reading(1.0, 1.0, 150.0))
    assert series.values(_reading(2.0, 2.0, 20.0))["sys/disk_read_mb"] == 50.0  # a NIC left
    assert series.values(_reading(3.0, 3.0, 30.0))["sys/disk_read_mb"] == 60.0
    assert series.values(_reading(4.0, 2.0, 30.0))["sys/cpu_percent"] == 0.0  # never negative
