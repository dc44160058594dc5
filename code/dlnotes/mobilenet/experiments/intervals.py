"""Intervals for paired effects over seeds, and the verdict they give on a
paper's claim.

Every configuration is trained with the same seeds (same initialisation stream,
same batch order), so an effect ``a − b`` is measured once per seed, and those
``n`` differences are what varies. :func:`mean_interval` gives Student's t
interval of their mean, ``d̄ ± t_{n−1} · s / √n`` with ``t_{n−1}`` the 97.5 %
quantile (a 95 % interval, :meth:`dlnotes.verdicts.Estimate.from_samples`;
with five seeds t₄ = 2.78, so the interval is wider than ``± 2`` standard
errors). :func:`interval_verdict` hands it to
:func:`dlnotes.verdicts.size`, the book's rule for a claimed size: *not
resolved* exactly when the interval includes zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dlnotes import verdicts


@dataclass(frozen=True)
class Interval:
    """A mean over ``n`` seeds, its standard error and its 95 % t interval
    ``[low, high]``."""

    mean: float
    stderr: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """``high − mean``."""
        return self.high - self.mean

    @property
    def estimate(self) -> verdicts.Estimate:
        """The same interval as a :class:`dlnotes.verdicts.Estimate`."""
        return verdicts.Estimate(self.mean, self.low, self.high)

    def excludes(self, value: float = 0.0) -> bool:
        """Whether ``value`` lies outside ``[low, high]``."""
        return not self.low <= value <= self.high

    def scaled(self, factor: float) -> Interval:
        """The same interval in other units (e.g. ``factor=100`` for points
        from fractions)."""
        return Interval(
            self.mean * factor,
            self.stderr * abs(factor),
            *sorted((self.low * factor, self.high * factor)),
            self.n,
        )


def mean_interval(values: Sequence[float]) -> Interval:
    """Student's t interval (95 %) of the mean of ``values`` (e.g. paired
    differences over seeds).

    Raises:
        ValueError: fewer than 2 values, or a value that is not finite.
    """
    estimate = verdicts.Estimate.from_samples(values)
    n = len(values)
    stderr = (estimate.high - estimate.value) / verdicts.t_quantile(n - 1)
    return Interval(estimate.value, stderr, estimate.low, estimate.high, n)


def interval_verdict(
    interval: Interval,
    paper: float,
    tolerance: float = 0.0,
    checks: Sequence[verdicts.Check] = (),
) -> str:
    """:func:`dlnotes.verdicts.size` on the paper's ``paper`` (taken within
    ``tolerance``, the precision of its printed numbers) with our
    ``interval``: *not tested faithfully* if a check fails, *not resolved* if
    the interval includes zero, *contradicted* if it lies on the other side,
    *reproduced* if it meets ``paper ± tolerance``, *same direction, different
    size* otherwise."""
    return verdicts.size(
        interval.estimate, paper, precision=tolerance, checks=checks
    )


def describe(
    interval: Interval, positive: str, negative: str, unit: str = "points"
) -> str:
    """A sentence on an effect that says only what its interval supports.

    ``positive`` / ``negative`` say what a resolved effect above / below zero
    means (e.g. "the separable network is better"); an interval that includes
    zero says that the seeds do not tell.
    """
    span = (
        f"{interval.mean:+.1f} {unit} (95 % interval {interval.low:+.1f} to"
        f" {interval.high:+.1f} over {interval.n} seeds)"
    )
    if not interval.excludes(0.0):
        return (
            f"{span}; the interval includes zero, so {interval.n} seeds do not"
            " tell which way the effect goes"
        )
    return f"{span}: {positive if interval.mean > 0 else negative}"
