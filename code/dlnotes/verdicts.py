"""A paper's claim against our number: reproduced, same direction but a
different size, contradicted, or not resolved.

A claim is an *effect* measured against a *null*: a difference against 0, a
ratio against 1, a slope against 0. The paper gives its value of the effect, or
only its sign when it states a direction without a number; we give ours with
its standard error (0 for an exact count) and a tolerance for "the same size"
(the rounding of the printed numbers, or a criterion the page states). With ``u
= 2 · stderr``, :func:`verdict` decides in this order:

1. *not resolved* if ``|ours − null| ≤ u`` (and ``u > 0``): our data do not
   tell the sign;
2. *contradicted* if our sign is not the paper's;
3. *reproduced* if the paper gives only a direction, or ``|ours − paper| ≤
   tolerance + u``;
4. *same direction, different size* otherwise.

A claim of *no* effect (the paper's value is the null, e.g. "the error stays
flat") is *reproduced* if ``|ours − null| + u ≤ tolerance`` (all of our
interval inside the tolerance), *contradicted* if ``|ours − null| − u >
tolerance`` (all of it outside), *not resolved* otherwise.

:func:`line_fit` gives a fitted slope with its standard error, the effect
behind claims such as "accuracy is log-linear in Mult-Adds" or "the error grows
with the bandwidth".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from scipy import stats

from dlnotes._checks import is_real

REPRODUCED = "reproduced"
"""The sign and, where the paper gives one, the size agree."""
SAME_DIRECTION = "same direction, different size"
"""The sign agrees, the size does not."""
CONTRADICTED = "contradicted"
"""Our effect has the opposite sign (or, for a claim of no effect, is clearly
not none)."""
NOT_RESOLVED = "not resolved"
"""Our effect is within its uncertainty of none (or of the tolerance, for a
claim of no effect)."""
VERDICTS = (REPRODUCED, SAME_DIRECTION, CONTRADICTED, NOT_RESOLVED)
"""The four verdicts :func:`verdict` returns."""


def _finite(name: str, value: float) -> float:
    if not is_real(value):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def verdict(
    ours: float,
    *,
    paper: float | None = None,
    direction: int | None = None,
    null: float = 0.0,
    stderr: float = 0.0,
    tolerance: float = 0.0,
) -> str:
    """The verdict on one claim (rules in the module docstring).

    Args:
        ours: our value of the effect.
        paper: the paper's value of the effect; ``None`` when it states only a
            direction.
        direction: the sign the paper states (+1 or −1), required when
            ``paper`` is ``None`` and not allowed otherwise (the sign of
            ``paper − null`` is used).
        null: the value of "no effect" (0 for a difference or a slope, 1 for a
            ratio).
        stderr: standard error of ``ours`` (0 for an exact count).
        tolerance: how far from ``paper`` ours may be and still count as the
            same size.

    Returns:
        One of :data:`VERDICTS`.

    Raises:
        TypeError: a number is not a real number.
        ValueError: a number is not finite, ``stderr`` or ``tolerance`` is
            negative, or ``direction`` is missing, superfluous or not ±1.
    """
    ours, null = _finite("ours", ours), _finite("null", null)
    stderr, tolerance = (
        _finite("stderr", stderr),
        _finite("tolerance", tolerance),
    )
    if stderr < 0 or tolerance < 0:
        raise ValueError(
            f"stderr and tolerance must be >= 0, got {stderr} and {tolerance}"
        )
    if paper is None:
        if direction not in (1, -1):
            raise ValueError(
                "direction must be +1 or -1 when paper is None, got"
                f" {direction!r}"
            )
        sign = direction
    else:
        if direction is not None:
            raise ValueError("give either paper or direction, not both")
        paper = _finite("paper", paper)
        sign = int(np.sign(paper - null))
    u = 2.0 * stderr
    distance = abs(ours - null)
    if sign == 0:
        if distance + u <= tolerance:
            return REPRODUCED
        return CONTRADICTED if distance - u > tolerance else NOT_RESOLVED
    if u > 0 and distance <= u:
        return NOT_RESOLVED
    if np.sign(ours - null) != sign:
        return CONTRADICTED
    if paper is None or abs(ours - paper) <= tolerance + u:
        return REPRODUCED
    return SAME_DIRECTION


def ratio_verdict(
    paper_numerator: float,
    paper_denominator: float,
    ours_numerator: float,
    ours_denominator: float,
) -> tuple[float, float, str]:
    """A claim "the first costs so many times the second": ``(printed, ours,
    verdict)``, the paper's ratio of its printed numbers, ours from our counts,
    and the :func:`verdict` against a ratio of 1 within the rounding of the
    printed numbers (:func:`ratio_tolerance`)."""
    printed = _finite("paper_numerator", paper_numerator) / _finite(
        "paper_denominator", paper_denominator
    )
    ours = _finite("ours_numerator", ours_numerator) / _finite(
        "ours_denominator", ours_denominator
    )
    tolerance = ratio_tolerance(paper_numerator, paper_denominator)
    return (
        printed,
        ours,
        verdict(ours, paper=printed, null=1.0, tolerance=tolerance),
    )


def mean_stderr(values: Sequence[float]) -> tuple[float, float]:
    """The mean of ``values`` (e.g. one effect measured on several series) and
    its standard error ``s / √n`` (sample standard deviation, ddof = 1): the
    ``ours`` and ``stderr`` of :func:`verdict`.

    Raises:
        ValueError: fewer than two values (no spread to estimate) or a value
            that is not finite.
    """
    array = np.asarray(values, dtype=float)
    if array.ndim != 1 or len(array) < 2:
        raise ValueError(
            "values must be a sequence of at least 2 numbers, got"
            f" {len(array.reshape(-1))}"
        )
    if not np.isfinite(array).all():
        raise ValueError("values must be finite")
    return float(array.mean()), float(
        array.std(ddof=1) / math.sqrt(len(array))
    )


def gap(difference: float, unit: str = "points") -> str:
    """A printed difference in words: "1.2 points above", "0.7 points
    below"."""
    difference = _finite("difference", difference)
    return (
        f"{abs(difference):.1f} {unit}"
        f" {'above' if difference > 0 else 'below'}"
    )


def rounding_tolerance(printed: float) -> float:
    """Half a unit of the last digit ``printed`` shows: 4.2 → 0.05, 569 → 0.5,
    1.32 → 0.005."""
    printed = _finite("printed", printed)
    decimals = (
        0
        if printed.is_integer()
        else -Decimal(repr(printed)).as_tuple().exponent
    )
    return 0.5 * 10.0**-decimals


def ratio_tolerance(numerator: float, denominator: float) -> float:
    """How far the ratio of two printed numbers can be from the ratio of the
    unrounded ones: the largest change of ``numerator / denominator`` when each
    moves by its :func:`rounding_tolerance`."""
    numerator, denominator = (
        _finite("numerator", numerator),
        _finite("denominator", denominator),
    )
    if denominator <= 0 or numerator <= 0:
        raise ValueError(
            f"numerator and denominator must be > 0, got {numerator} and"
            f" {denominator}"
        )
    tn, td = rounding_tolerance(numerator), rounding_tolerance(denominator)
    if td >= denominator:
        raise ValueError(
            f"denominator {denominator} is within its own rounding of 0"
        )
    ratio = numerator / denominator
    return max(
        (numerator + tn) / (denominator - td) - ratio,
        ratio - (numerator - tn) / (denominator + td),
    )


@dataclass(frozen=True)
class LineFit:
    """Least-squares line ``y = intercept + slope · x``, with the standard
    error of the slope."""

    slope: float
    intercept: float
    slope_stderr: float
    r_squared: float


def line_fit(x: Sequence[float], y: Sequence[float]) -> LineFit:
    """Fit a straight line by least squares (``scipy.stats.linregress``).

    The slope's standard error is ``sqrt(SSE / (n − 2) / Σ(x − x̄)²)``, the
    usual estimate for independent errors of equal variance; R² is NaN when
    every y is equal.

    Raises:
        ValueError: fewer than 3 points, different lengths, values not finite,
            or all x equal.
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1 or len(xs) < 3:
        raise ValueError(
            "x and y must be two sequences of the same length >= 3, got"
            f" shapes {xs.shape} and {ys.shape}"
        )
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise ValueError("x and y must be finite")
    if np.ptp(xs) == 0:
        raise ValueError("x must not be all equal")
    fit = stats.linregress(xs, ys)
    r_squared = fit.rvalue**2 if np.ptp(ys) > 0 else math.nan
    return LineFit(
        float(fit.slope),
        float(fit.intercept),
        float(fit.stderr),
        float(r_squared),
    )
