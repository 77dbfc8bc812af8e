"""Min/max downsampling keeps every bucket's extremes and bounds the number of points."""

from __future__ import annotations

import numpy as np

from jupyter_mlm.core.downsample import SeriesView, minmax


def test_a_million_points_become_at_most_two_per_bucket() -> None:
    rng = np.random.default_rng(0)
    x = np.arange(1_000_000, dtype=np.float64)
    y = np.cumsum(rng.normal(size=len(x)))
    dx, dy = minmax(x, y, 500)
    assert len(dx) <= 1000
    assert dy.min() == y.min() and dy.max() == y.max()
    assert np.all(np.diff(dx) > 0)


def test_each_bucket_keeps_its_min_and_max() -> None:
    rng = np.random.default_rng(1)
    x = np.sort(rng.uniform(0, 100, 10_000))
    y = rng.normal(size=len(x))
    dx, dy = minmax(x, y, 50)
    edges = np.minimum(((x - x[0]) / ((x[-1] - x[0]) / 50)).astype(int), 49)
    kept = np.minimum(((dx - x[0]) / ((x[-1] - x[0]) / 50)).astype(int), 49)
    for b in range(50):
        assert set(dy[kept == b]) == {y[edges == b].min(), y[edges == b].max()}


def test_short_series_pass_through_and_unsorted_x_is_ordered() -> None:
    x, y = np.array([2.0, 1.0]), np.array([5.0, 6.0])
    assert minmax(x, y, 10)[0].tolist() == [2.0, 1.0]
    x = np.r_[np.arange(100.0, 200.0), np.arange(100.0)]
    dx, dy = minmax(x, x * 2, 10)
    assert np.all(np.diff(dx) >= 0) and dy.max() == 398 and dy.min() == 0


def test_series_view_stays_bounded() -> None:
    view = SeriesView(100)
    for i in range(1000):
        chunk = np.arange(i * 1000, (i + 1) * 1000, dtype=np.float64)
        view.append(chunk, np.sin(chunk))
        assert len(view) <= 400
    assert view.x[0] < 10_000 and view.x[-1] > 990_000
    assert view.y.max() == np.sin(np.arange(1e6)).max()
