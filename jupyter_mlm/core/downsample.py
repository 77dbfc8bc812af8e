"""Min/max downsampling: per x bucket keep the lowest and the highest point, so spikes survive
and a series of any length draws with at most two points per bucket."""

from __future__ import annotations

import numpy as np


def minmax(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``2 * buckets`` points of (x, y), ordered by x: the first minimum and the first
    maximum of y in each of ``buckets`` equal-width x ranges. Short inputs come back as is."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if len(x) <= 2 * buckets:
        return x, y
    if np.any(x[1:] < x[:-1]):
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    span = x[-1] - x[0]
    width = span / buckets if span > 0 else 1.0
    bucket = np.minimum(((x - x[0]) / width).astype(np.int64), buckets - 1)
    starts = np.flatnonzero(np.r_[True, bucket[1:] != bucket[:-1]])
    counts = np.diff(np.r_[starts, len(x)])
    owner = np.repeat(np.arange(len(starts)), counts)
    lo = _first_per_segment(y == np.repeat(np.minimum.reduceat(y, starts), counts), owner)
    hi = _first_per_segment(y == np.repeat(np.maximum.reduceat(y, starts), counts), owner)
    keep = np.union1d(lo, hi)  # sorted indices, so x order is kept
    return x[keep], y[keep]


def _first_per_segment(hit: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """Index of the first True of ``hit`` in each segment (every segment has one)."""
    idx = np.flatnonzero(hit)
    first = np.r_[True, owner[idx][1:] != owner[idx][:-1]]
    return idx[first]


class SeriesView:
    """A bounded, downsampled copy of one series: appending compacts it back to at most
    ``2 * buckets`` points whenever it grows past ``4 * buckets``."""

    def __init__(self, buckets: int) -> None:
        self.buckets = buckets
        self.x = np.empty(0)
        self.y = np.empty(0)

    def __len__(self) -> int:
        return len(self.x)

    def append(self, x: np.ndarray, y: np.ndarray) -> None:
        self.x = np.concatenate([self.x, x])
        self.y = np.concatenate([self.y, y])
        if len(self.x) > 4 * self.buckets:
            self.x, self.y = minmax(self.x, self.y, self.buckets)

    def take(self) -> tuple[np.ndarray, np.ndarray]:
        """The points held, leaving the view empty."""
        x, y = self.x, self.y
        self.x, self.y = np.empty(0), np.empty(0)
        return x, y
