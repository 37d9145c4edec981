"""Vectorised sampling helpers: one numpy call per column, never a Python loop per row."""

from __future__ import annotations

import numpy as np


def choose_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One categorical draw per row of ``probs`` (shape ``(n, k)``, rows summing to 1)."""
    cum = np.cumsum(probs, axis=1)
    u = rng.random(len(probs)) * cum[:, -1]
    return np.minimum((u[:, None] >= cum).sum(axis=1), probs.shape[1] - 1)


def choose(probs: np.ndarray | tuple, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` draws from one categorical distribution (indices into ``probs``)."""
    p = np.asarray(probs, dtype=float)
    cum = np.cumsum(p / p.sum())
    return np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(p) - 1)


class SegmentSampler:
    """Weighted draws within segments of one long weight array, all segments at once.

    Segment ``s`` holds items ``offsets[s]:offsets[s+1]``. Each segment's cumulative weights
    are scaled to (0, 1] and shifted by ``s``, so one ``searchsorted`` of ``s + u`` picks an
    item of segment ``s`` with probability proportional to its weight.
    """

    def __init__(self, weights: np.ndarray, offsets: np.ndarray) -> None:
        counts = np.diff(offsets)
        if (counts <= 0).any():
            raise ValueError("every segment needs at least one item")
        segment = np.repeat(np.arange(len(counts)), counts)
        cum = group_cumsum(weights.astype(float), counts)
        totals = np.repeat(cum[offsets[1:] - 1], counts)
        self.keys = segment + cum / totals
        self.offsets = offsets

    def draw(self, segments: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Global item index of one draw for each entry of ``segments``."""
        index = np.searchsorted(self.keys, segments + rng.random(len(segments)), side="right")
        # Guard the floating point edge u -> 1: stay inside the segment.
        return np.minimum(index, self.offsets[segments + 1] - 1)


def group_cumsum(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Cumulative sum that restarts at every group (groups are consecutive runs of ``counts``)."""
    cum = np.concatenate(([0], np.cumsum(values)))
    starts = np.cumsum(counts) - counts
    return cum[1:] - np.repeat(cum[starts], counts)


def parent_index(counts: np.ndarray) -> np.ndarray:
    """For children laid out parent by parent, the index of each child's parent."""
    return np.repeat(np.arange(len(counts)), counts)


def position_in_group(counts: np.ndarray) -> np.ndarray:
    """0, 1, 2, ... within each consecutive group of ``counts`` children."""
    starts = np.cumsum(counts) - counts
    return np.arange(int(counts.sum())) - np.repeat(starts, counts)


def zipf_weights(n: int, exponent: float) -> np.ndarray:
    """Popularity weights ``1 / rank**exponent`` for ranks 1..n."""
    return 1.0 / np.arange(1, n + 1) ** exponent
