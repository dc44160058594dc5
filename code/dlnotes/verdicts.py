"""How this book judges a paper's claim: one rule, five verdicts.

A claim is an *effect* measured against a *null*: a difference against 0, a
ratio against 1, a slope against 0. Ours is an :class:`Estimate`, a value with
its 95 % interval (the book's one notation for uncertainty; an exact count has
an interval of zero width). The experiment behind it passes or fails stated
:class:`Check` s (capacity, convergence, asymptotic range, seeds). Every rule
below starts the same way:

0. *not tested faithfully* if any check fails: the experiment cannot carry a
   verdict, whatever its number says.

Then, by the kind of claim:

* **A direction** ("Δ grows with the depth"), :func:`directional`: *not
  resolved* if our interval includes the null, *contradicted* if it lies
  wholly on the other side, *reproduced* otherwise.
* **A size** ("27 times"), :func:`size`: compared at the precision the paper
  prints it — "27×" stands for anything in [26.5, 27.5], a ratio of two
  printed numbers for anything their rounding allows
  (:func:`ratio_tolerance`). After the direction as above, *reproduced* if our
  interval meets the paper's range, *same direction, different size* if it
  misses it.
* **A slope or rate** ("the error grows like b⁶"), :func:`rate`: compared by
  its *ratio* to the paper's, with our interval of that ratio. After the
  direction, *reproduced* if the ratio's interval includes 1, *same direction,
  different size* otherwise. Never with a tolerance taken from the paper's own
  fit error: a less linear set of printed points would make it easier to agree.
* **No effect** ("rotation costs almost nothing", "the error stays flat"),
  :func:`no_effect`: an equivalence test against a margin fixed in advance from
  the paper's own words and numbers and stated beside the claim. *Reproduced*
  if the whole of our interval lies within ``null ± margin``, *contradicted* if
  the whole of it lies outside, *not resolved* otherwise.

Float32 and float64 measurements are separate series, never pooled into one
mean (:func:`Estimate.from_samples` is given one precision's values).
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
"""Our effect has the opposite sign (or, for a claim of no effect, lies wholly
outside the margin)."""
NOT_RESOLVED = "not resolved"
"""Our interval includes the null (or straddles the margin of a claim of no
effect)."""
NOT_TESTED = "not tested faithfully"
"""The experiment fails one of its stated checks, so it carries no verdict."""
VERDICTS = (REPRODUCED, SAME_DIRECTION, CONTRADICTED, NOT_RESOLVED, NOT_TESTED)
"""The five verdicts."""

LEVEL = 0.95
"""The coverage of every interval the book prints."""


def _finite(name: str, value: float) -> float:
    if not is_real(value):
        raise TypeError(
            f"{name} must be a real number, got {type(value).__name__}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value}")
    return float(value)


def t_quantile(df: int) -> float:
    """The 97.5 % quantile of Student's t with ``df`` degrees of freedom."""
    if isinstance(df, bool) or not isinstance(df, (int, np.integer)) or df < 1:
        raise ValueError(f"df must be an int >= 1, got {df!r}")
    return float(stats.t.ppf((1 + LEVEL) / 2, df))


@dataclass(frozen=True)
class Estimate:
    """A value with its 95 % interval ``[low, high]`` (``low == high ==
    value`` for an exact count)."""

    value: float
    low: float
    high: float

    def __post_init__(self) -> None:
        for name in ("value", "low", "high"):
            _finite(name, getattr(self, name))
        if not self.low <= self.value <= self.high:
            raise ValueError(
                f"need low <= value <= high, got {self.low}, {self.value},"
                f" {self.high}"
            )

    @classmethod
    def exact(cls, value: float) -> Estimate:
        """A count: no uncertainty."""
        value = _finite("value", value)
        return cls(value, value, value)

    @classmethod
    def from_stderr(
        cls, value: float, stderr: float, df: int | None = None
    ) -> Estimate:
        """``value ± q · stderr``: ``q`` the 97.5 % quantile of Student's t
        with ``df`` degrees of freedom, or of the normal (1.96) when ``df`` is
        ``None``."""
        value, stderr = _finite("value", value), _finite("stderr", stderr)
        if stderr < 0:
            raise ValueError(f"stderr must be >= 0, got {stderr}")
        q = (
            float(stats.norm.ppf((1 + LEVEL) / 2))
            if df is None
            else (t_quantile(df))
        )
        return cls(value, value - q * stderr, value + q * stderr)

    @classmethod
    def from_samples(cls, values: Sequence[float]) -> Estimate:
        """The mean of ``values`` (one effect measured on several seeds or
        series) with Student's t interval, ``x̄ ± t_{n−1} · s / √n``.

        Raises:
            ValueError: fewer than 2 values or a value that is not finite.
        """
        x = np.asarray(values, dtype=float)
        if x.ndim != 1 or len(x) < 2:
            raise ValueError(
                "values must be a sequence of at least 2 numbers, got shape"
                f" {x.shape}"
            )
        if not np.isfinite(x).all():
            raise ValueError("values must be finite")
        stderr = float(x.std(ddof=1) / math.sqrt(len(x)))
        return cls.from_stderr(float(x.mean()), stderr, df=len(x) - 1)

    @property
    def is_exact(self) -> bool:
        """Whether the interval has zero width."""
        return self.low == self.high

    def includes(self, value: float) -> bool:
        """Whether ``value`` lies in ``[low, high]``."""
        return self.low <= value <= self.high

    def scaled(self, factor: float) -> Estimate:
        """The same estimate in other units (``factor`` may be negative)."""
        factor = _finite("factor", factor)
        low, high = sorted((self.low * factor, self.high * factor))
        return Estimate(self.value * factor, low, high)

    def format(self, spec: str = "+.2f", suffix: str = "") -> str:
        """``"+0.004 [−0.022, +0.030]"`` (the value alone when exact)."""
        if self.is_exact:
            return f"{self.value:{spec}}{suffix}"
        return (
            f"{self.value:{spec}}{suffix} [{self.low:{spec}},"
            f" {self.high:{spec}}]"
        )

    def __str__(self) -> str:
        return self.format()


@dataclass(frozen=True)
class Check:
    """A stated check an experiment must pass to carry a verdict: its
    ``name`` ("plateau"), whether it ``passed``, ``detail``, what was measured
    in words, and, where given, the ``subject`` it was measured on (one network
    of a pair) and the ``requirement`` it was held to."""

    name: str
    passed: bool
    detail: str
    subject: str = ""
    requirement: str = ""


def failures(checks: Sequence[Check]) -> list[Check]:
    """The checks of ``checks`` that failed."""
    for check in checks:
        if not isinstance(check, Check):
            raise TypeError(f"checks must hold Check, got {check!r}")
    return [c for c in checks if not c.passed]


def reasons(checks: Sequence[Check]) -> str:
    """The failed checks in one phrase, those of one name and requirement
    together: ``"plateau: separable +1.4 points, full +0.7 points (required:
    ≤ 0.5 points); seeds: 3 seeds"`` (empty when all passed)."""
    groups: dict[tuple[str, str], list[Check]] = {}
    for check in failures(checks):
        groups.setdefault((check.name, check.requirement), []).append(check)
    return "; ".join(
        f"{name}: "
        + ", ".join(
            f"{c.subject} {c.detail}" if c.subject else c.detail for c in found
        )
        + (f" (required: {requirement})" if requirement else "")
        for (name, requirement), found in groups.items()
    )


def brief(checks: Sequence[Check], of: str = "") -> str:
    """Which checks failed, and how often, in a few words: ``"plateau failed
    by 2 of 2 networks, memorisation by 4 of 4"`` for ``of="networks"``, what
    the checks were made on (empty when all passed)."""
    counts = {
        name: (
            sum(not c.passed for c in checks if c.name == name),
            sum(c.name == name for c in checks),
        )
        for name in dict.fromkeys(c.name for c in failures(checks))
    }
    return ", ".join(
        f"{name}{' failed' if k == 0 else ''} by {bad} of {n}"
        + (f" {of}" if of and k == 0 else "")
        for k, (name, (bad, n)) in enumerate(counts.items())
    )


def _side(ours: Estimate, null: float, sign: int) -> str | None:
    """The direction part of every rule: ``None`` when our interval lies
    wholly on the paper's side of ``null``."""
    if ours.includes(null):
        return NOT_RESOLVED
    if np.sign(ours.value - null) != sign:
        return CONTRADICTED
    return None


def _sign(direction: int) -> int:
    if isinstance(direction, bool) or direction not in (1, -1):
        raise ValueError(f"direction must be +1 or -1, got {direction!r}")
    return int(direction)


def directional(
    ours: Estimate,
    direction: int,
    *,
    null: float = 0.0,
    checks: Sequence[Check] = (),
) -> str:
    """The verdict on a claim that states only a direction (``+1``: ours
    should lie above ``null``)."""
    sign, null = _sign(direction), _finite("null", null)
    if failures(checks):
        return NOT_TESTED
    return _side(ours, null, sign) or REPRODUCED


def size(
    ours: Estimate,
    printed: float,
    *,
    precision: float | None = None,
    null: float = 0.0,
    checks: Sequence[Check] = (),
) -> str:
    """The verdict on a claim of a size, the paper's ``printed`` number taken
    at ``precision`` (half a unit of its last printed digit by default, see
    :func:`rounding_tolerance`): reproduced if our interval meets ``[printed −
    precision, printed + precision]``.

    Raises:
        ValueError: ``printed`` equals ``null`` (use :func:`no_effect`), or a
            negative ``precision``.
    """
    printed, null = _finite("printed", printed), _finite("null", null)
    precision = (
        rounding_tolerance(printed)
        if precision is None
        else _finite("precision", precision)
    )
    if precision < 0:
        raise ValueError(f"precision must be >= 0, got {precision}")
    if printed == null:
        raise ValueError(
            "a printed value equal to the null is a claim of no effect: use"
            " no_effect with a margin"
        )
    if failures(checks):
        return NOT_TESTED
    decided = _side(ours, null, int(np.sign(printed - null)))
    if decided:
        return decided
    if ours.high < printed - precision or ours.low > printed + precision:
        return SAME_DIRECTION
    return REPRODUCED


def rate(
    ours: Estimate, paper: float, *, checks: Sequence[Check] = ()
) -> tuple[Estimate, str]:
    """A slope or rate against the paper's: ``(ratio, verdict)``, our estimate
    divided by ``paper`` (its interval too), reproduced if that interval
    includes 1, *same direction, different size* if not (after the direction
    and the checks).

    Raises:
        ValueError: ``paper`` is 0 (a claim of no slope: use
            :func:`no_effect`).
    """
    paper = _finite("paper", paper)
    if paper == 0:
        raise ValueError("paper must not be 0: use no_effect for a flat claim")
    ratio = ours.scaled(1.0 / paper)
    if failures(checks):
        return ratio, NOT_TESTED
    decided = _side(ratio, 0.0, 1)
    if decided:
        return ratio, decided
    return ratio, REPRODUCED if ratio.includes(1.0) else SAME_DIRECTION


def no_effect(
    ours: Estimate,
    margin: float,
    *,
    null: float = 0.0,
    checks: Sequence[Check] = (),
) -> str:
    """The verdict on a claim of no (or negligible) effect: an equivalence
    test of our interval against ``null ± margin`` (``margin`` fixed in
    advance from the paper's words and numbers).

    Raises:
        ValueError: ``margin`` not > 0.
    """
    margin, null = _finite("margin", margin), _finite("null", null)
    if margin <= 0:
        raise ValueError(f"margin must be > 0, got {margin}")
    if failures(checks):
        return NOT_TESTED
    if null - margin <= ours.low and ours.high <= null + margin:
        return REPRODUCED
    if ours.low > null + margin or ours.high < null - margin:
        return CONTRADICTED
    return NOT_RESOLVED


def ratio_verdict(
    paper_numerator: float,
    paper_denominator: float,
    ours_numerator: float,
    ours_denominator: float,
) -> tuple[float, float, str]:
    """A claim "the first costs so many times the second", from two printed
    numbers and two exact counts: ``(printed, ours, verdict)``, the paper's
    ratio, ours, and :func:`size` at the precision the printed numbers allow
    (:func:`ratio_tolerance`)."""
    printed = _finite("paper_numerator", paper_numerator) / _finite(
        "paper_denominator", paper_denominator
    )
    ours = _finite("ours_numerator", ours_numerator) / _finite(
        "ours_denominator", ours_denominator
    )
    precision = ratio_tolerance(paper_numerator, paper_denominator)
    return (
        printed,
        ours,
        size(Estimate.exact(ours), printed, precision=precision, null=1.0),
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
    n: int

    @property
    def slope_estimate(self) -> Estimate:
        """The slope with its 95 % t interval (``n − 2`` degrees of
        freedom)."""
        return Estimate.from_stderr(
            self.slope, self.slope_stderr, df=self.n - 2
        )


def _points(
    x: Sequence[float], y: Sequence[float], fewest: int
) -> tuple[np.ndarray, np.ndarray]:
    """``x`` and ``y`` as two float arrays of one length, at least ``fewest``
    long and finite, or a ``ValueError`` that says which they are not."""
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.shape != ys.shape or xs.ndim != 1 or len(xs) < fewest:
        raise ValueError(
            "x and y must be two sequences of the same length >="
            f" {fewest}, got shapes {xs.shape} and {ys.shape}"
        )
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise ValueError("x and y must be finite")
    return xs, ys


def line_fit(x: Sequence[float], y: Sequence[float]) -> LineFit:
    """Fit a straight line by least squares (``scipy.stats.linregress``).

    The slope's standard error is ``sqrt(SSE / (n − 2) / Σ(x − x̄)²)``, the
    usual estimate for independent errors of equal variance; R² is NaN when
    every y is equal.

    Raises:
        ValueError: fewer than 3 points, different lengths, values not finite,
            or all x equal.
    """
    xs, ys = _points(x, y, 3)
    if np.ptp(xs) == 0:
        raise ValueError("x must not be all equal")
    fit = stats.linregress(xs, ys)
    r_squared = fit.rvalue**2 if np.ptp(ys) > 0 else math.nan
    return LineFit(
        float(fit.slope),
        float(fit.intercept),
        float(fit.stderr),
        float(r_squared),
        len(xs),
    )


def local_slopes(x: Sequence[float], y: Sequence[float]) -> np.ndarray:
    """The log–log slope between each pair of neighbouring points, ``Δ log y /
    Δ log x``: the exponent a power law ``y ∝ x^k`` would have there.

    Raises:
        ValueError: fewer than 2 points, different lengths, or values not
            finite and > 0.
    """
    xs, ys = _points(x, y, 2)
    if (xs <= 0).any() or (ys <= 0).any():
        raise ValueError("x and y must be > 0 for a log-log slope")
    return np.diff(np.log(ys)) / np.diff(np.log(xs))


SETTLED = 0.1
"""How far the last two local slopes may differ in the asymptotic-range check
(10 % of the last)."""
PRECISE = 0.1
"""How wide each point's 95 % interval may be in the asymptotic-range check
(±10 % of its median)."""
MIN_REPEATS = 5
"""The fewest repeats that give a point an interval in the asymptotic-range
check."""


def median_interval(times: Sequence[float], seed: int = 0) -> Estimate:
    """The median of repeat ``times`` with its 95 % percentile-bootstrap
    interval (``scipy.stats.bootstrap``, seeded).

    Raises:
        ValueError: fewer than 2 times, or times not finite.
    """
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or len(t) < 2:
        raise ValueError(f"need at least 2 times, got shape {t.shape}")
    if not np.isfinite(t).all():
        raise ValueError("times must be finite")
    median = float(np.median(t))
    if np.ptp(t) == 0:
        return Estimate.exact(median)
    result = stats.bootstrap(
        (t,),
        np.median,
        confidence_level=LEVEL,
        method="percentile",
        n_resamples=2000,
        rng=np.random.default_rng(seed),
    )
    low, high = result.confidence_interval
    return Estimate(median, min(float(low), median), max(float(high), median))


def asymptotic_checks(
    sizes: Sequence[float], rounds: Sequence[Sequence[float]]
) -> list[Check]:
    """The two checks an exponent fitted to timings must pass: every point
    precise (at least :data:`MIN_REPEATS` repeats, 95 % interval of the median
    within ±:data:`PRECISE`) and the local slopes settled (the last two within
    :data:`SETTLED` of each other, relative to the last).

    ``rounds[i]`` are the repeat times at ``sizes[i]``.
    """
    if len(sizes) != len(rounds) or len(sizes) < 3:
        raise ValueError(
            "sizes and rounds must have the same length >= 3, got"
            f" {len(sizes)} and {len(rounds)}"
        )
    medians = [float(np.median(r)) for r in rounds]
    few = [
        s for s, r in zip(sizes, rounds, strict=True) if len(r) < MIN_REPEATS
    ]
    wide = []
    for s, r in zip(sizes, rounds, strict=True):
        if len(r) >= MIN_REPEATS:
            m = median_interval(r)
            spread = max(m.high / m.value - 1, 1 - m.low / m.value)
            if spread > PRECISE:
                wide.append(f"{s:g} (±{100 * spread:.0f} %)")
    if few:
        precise = Check(
            "precision",
            False,
            f"{min(len(r) for r in rounds)} repeats per size, fewer than the"
            f" {MIN_REPEATS} an interval needs",
        )
    elif wide:
        precise = Check(
            "precision",
            False,
            f"intervals wider than ±{100 * PRECISE:.0f} % at "
            + ", ".join(wide),
        )
    else:
        precise = Check(
            "precision",
            True,
            f"every point within ±{100 * PRECISE:.0f} %",
        )
    slopes = local_slopes(sizes, medians)
    last, previous = float(slopes[-1]), float(slopes[-2])
    drift = abs(last - previous) / abs(last) if last else math.inf
    settled = Check(
        "asymptotic range",
        drift <= SETTLED,
        "local slopes "
        + ", ".join(f"{k:.1f}" for k in slopes)
        + (
            f": the last two differ by {100 * drift:.0f} %"
            f" (at most {100 * SETTLED:.0f} % allowed)"
        ),
    )
    return [precise, settled]
