"""The ratio of two medians and its percentile-bootstrap interval.

A timing comparison in this book is the ratio ``median(candidate) /
median(reference)`` of two sets of repeat times. Its uncertainty comes from
resampling: draw ``n`` of the ``n`` rounds with replacement, recompute the
ratio of medians, repeat ``resamples`` times, and report the ``(1 − level)/2``
and ``(1 + level)/2`` quantiles of those ratios (the percentile bootstrap,
Efron & Tibshirani 1993, ch. 13), as ``scipy.stats.bootstrap`` does.

*Paired* rounds — both sides timed in the same interleaved round — are
resampled together (SciPy's ``paired=True``), so a round slowed by another
process slows both sides and moves the ratio little. Times from separate runs
are resampled independently (``paired=False``). The generator is seeded: the
same times always give the same interval. What SciPy does not do is the
interleaving of the rounds themselves (:mod:`dlnotes.bench.timing`).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class RatioEstimate:
    """A ratio of medians with its bootstrap interval: ``low ≤ ratio ≤ high``
    (usually)."""

    ratio: float
    low: float
    high: float
    rounds: int
    level: float = 0.95

    @property
    def width(self) -> float:
        """Relative width of the interval, ``high / low − 1`` (0.1: the ends
        differ by 10 %)."""
        return self.high / self.low - 1.0

    def excludes(self, value: float = 1.0) -> bool:
        """Whether ``value`` lies outside the interval (for 1: the direction is
        resolved)."""
        return value < self.low or value > self.high

    def scaled(self, factor: float) -> RatioEstimate:
        """The same estimate divided by ``factor`` (e.g. a speed-up as a share
        of a theory)."""
        if not factor > 0:
            raise ValueError(f"factor must be > 0, got {factor}")
        return RatioEstimate(
            self.ratio / factor,
            self.low / factor,
            self.high / factor,
            self.rounds,
            self.level,
        )

    def inverse(self) -> RatioEstimate:
        """The reciprocal ratio (reference over candidate) with the reciprocal
        interval."""
        return RatioEstimate(
            1.0 / self.ratio,
            1.0 / self.high,
            1.0 / self.low,
            self.rounds,
            self.level,
        )


def _times(name: str, values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) == 0:
        raise ValueError(
            f"{name} must be a non-empty sequence of times, got shape"
            f" {array.shape}"
        )
    if not (np.isfinite(array).all() and (array > 0).all()):
        raise ValueError(f"{name} must hold finite times > 0")
    return array


def ratio_interval(
    candidate: Sequence[float],
    reference: Sequence[float],
    *,
    paired: bool = True,
    level: float = 0.95,
    resamples: int = 2000,
    seed: int = 0,
) -> RatioEstimate:
    """``median(candidate) / median(reference)`` with its percentile-bootstrap
    interval.

    Args:
        candidate, reference: repeat times in seconds; with ``paired=True``
            element ``i`` of both comes from the same interleaved round, and
            the lengths must agree.
        paired: resample rounds together (same run) or each side on its own
            (separate runs).
        level: coverage of the interval, in (0, 1).
        resamples: number of bootstrap resamples.
        seed: seed of the resampling generator.

    Raises:
        ValueError: empty or non-positive times, paired lengths that differ,
            ``level`` outside (0, 1) or ``resamples`` below 1.
    """
    c, r = _times("candidate", candidate), _times("reference", reference)
    if paired and len(c) != len(r):
        raise ValueError(
            f"paired times must have equal lengths, got {len(c)} and {len(r)}"
        )
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level}")
    if resamples < 1:
        raise ValueError(f"resamples must be >= 1, got {resamples}")
    ratio = float(np.median(c) / np.median(r))
    if min(len(c), len(r)) < 2 or (np.ptp(c) == 0 and np.ptp(r) == 0):
        # nothing to resample: the interval is the ratio itself
        return RatioEstimate(ratio, ratio, ratio, min(len(c), len(r)), level)

    def ratio_of_medians(
        candidate: np.ndarray, reference: np.ndarray, axis: int = -1
    ) -> np.ndarray:
        return np.median(candidate, axis=axis) / np.median(
            reference, axis=axis
        )

    with warnings.catch_warnings():
        # a paired ratio that no resample moves (every round slowed alike)
        # is a degenerate bootstrap distribution, and the right answer
        warnings.simplefilter("ignore", stats.DegenerateDataWarning)
        result = stats.bootstrap(
            (c, r),
            ratio_of_medians,
            paired=paired,
            vectorized=True,
            n_resamples=resamples,
            confidence_level=level,
            method="percentile",
            rng=np.random.default_rng(seed),
        )
    low, high = result.confidence_interval
    return RatioEstimate(
        ratio,
        min(float(low), ratio),
        max(float(high), ratio),
        min(len(c), len(r)),
        level,
    )
