"""Sentences about timings that say only what the measurements support.

A timing comparison is a :class:`~dlnotes.bench.interval.RatioEstimate`: the
candidate's median time over the reference's, with a 95 % bootstrap interval.
The words follow the interval:

* the whole interval above 1 — the candidate was **slower**; below 1 —
  **faster**;
* 1 inside the interval — the two were **indistinguishable on this machine**;
* fewer than :data:`MIN_ROUNDS` rounds — **too few rounds** to tell (a
  bootstrap over a single round has no width at all);
* an interval wider than :data:`MAX_INTERVAL` (high over low) — **too
  uncertain**: a measurement that failed is not a result, and is not shown;
* the machine was **busy** (a :class:`~dlnotes.bench.load.Load` says so) — no
  conclusion at all: the sentence says the machine was busy;
  :func:`load_sentence` says how we know.

A factor is always at least 1 — "20× slower", never "0.05× as fast" — and is
printed as :func:`factor` does, with its interval ("2.3× (95 % interval
2.1–2.6×)").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import Load, LoadSummary, quiet

FASTER, SLOWER, INDISTINGUISHABLE, BUSY, TOO_FEW, TOO_WIDE = (
    "faster",
    "slower",
    "indistinguishable",
    "busy",
    "too few rounds",
    "too uncertain",
)
MIN_ROUNDS = 2
"""Fewer interleaved rounds than this support no conclusion."""
MAX_INTERVAL = 1.5
"""Widest 95 % interval that is shown, as its high end over its low end; a
comparison known less well is re-measured, or said to be too uncertain."""
NO_CONCLUSION = (BUSY, TOO_FEW, TOO_WIDE)


def factor(x: float) -> str:
    """A factor for prose: ``0.91`` (two significant digits below 1), ``1.04``
    (two decimals below 2, so that a small difference does not print as "1.0"),
    ``2.3`` (one decimal below 10), ``20``."""
    if not x > 0:
        raise ValueError(f"a factor must be > 0, got {x}")
    if x >= 10:
        return f"{x:,.0f}"
    if x >= 2:
        return f"{x:.1f}"
    return f"{x:.2f}" if x >= 1 else f"{x:.2g}"


def span(low: float, high: float, unit: str = "×") -> str:
    """An interval for prose, ``2.1–2.6×``."""
    return f"{factor(low)}–{factor(high)}{unit}"


@dataclass(frozen=True)
class Wording:
    """What an estimate supports: a direction, and the factor and interval in
    that direction."""

    direction: str
    factor: str
    interval: str

    @property
    def conclusive(self) -> bool:
        """Whether the words draw a conclusion (faster or slower)."""
        return self.direction in (FASTER, SLOWER)


def word(
    estimate: RatioEstimate, load: Load | LoadSummary | None = None
) -> Wording:
    """The direction the estimate supports, with the factor (≥ 1) and interval
    in that direction.

    ``faster`` and ``slower`` are said of the candidate (the numerator of the
    ratio). For ``indistinguishable`` the interval is the candidate's time over
    the reference's; for ``busy`` and ``too few rounds`` both strings are
    empty.
    """
    if load is not None and load.busy:
        return Wording(BUSY, "", "")
    if estimate.rounds < MIN_ROUNDS:
        return Wording(TOO_FEW, "", "")
    if estimate.high > MAX_INTERVAL * estimate.low:
        return Wording(TOO_WIDE, "", "")
    if estimate.low > 1:
        return Wording(
            SLOWER,
            f"{factor(estimate.ratio)}×",
            span(estimate.low, estimate.high),
        )
    if estimate.high < 1:
        inverse = estimate.inverse()
        return Wording(
            FASTER,
            f"{factor(inverse.ratio)}×",
            span(inverse.low, inverse.high),
        )
    return Wording(
        INDISTINGUISHABLE,
        f"{factor(estimate.ratio)}×",
        span(estimate.low, estimate.high),
    )


def load_note(load: Load | LoadSummary) -> str:
    """The calibration kernel's figures in a few words: "calibration spread
    1.96, 97 % of a core, busy" (``quiet`` when a record could be made
    there, ``busy`` when no conclusion is drawn, nothing in between)."""
    state = ", quiet" if quiet(load) else ", busy" if load.busy else ""
    return (
        f"calibration spread {load.spread:.2f},"
        f" {100 * load.cpu_share:.0f} % of a core{state}"
    )


def build_column(load: Load | LoadSummary) -> str:
    """The heading of a table's one column of timings made while the page was
    built: "on the machine that built this page (calibration spread 1.96, 97
    % of a core, busy)"."""
    return f"on the machine that built this page ({load_note(load)})"


def load_sentence(load: Load | LoadSummary) -> str:
    """What a benchmark prints about the machine (the pages print
    :func:`build_column` instead): the calibration kernel, timed before,
    between and after the measurements, and :func:`load_note`."""
    return (
        "A fixed calibration kernel timed before, between and after the"
        f" measurements: {load_note(load)}."
    )


def cell(
    estimate: RatioEstimate, load: Load | LoadSummary | None = None
) -> str:
    """A table cell for a comparison: "slower, 3.1× (2.9–3.3×)", "faster, 20×
    (18–22×)", "indistinguishable (0.91–1.2×)", "busy: no conclusion" or "too
    few rounds"."""
    w = word(estimate, load)
    if w.direction == BUSY:
        return "busy: no conclusion"
    if w.direction in (TOO_FEW, TOO_WIDE):
        return w.direction
    if w.direction == INDISTINGUISHABLE:
        return f"{INDISTINGUISHABLE} ({w.interval})"
    return f"{w.direction}, {w.factor} ({w.interval})"


def _no_conclusion(w: Wording, estimate: RatioEstimate, question: str) -> str:
    """The sentence for a wording that draws no conclusion: ``question``
    "cannot be told" from this run (the machine was busy, or its interval is
    too wide) or from so few rounds."""
    if w.direction == BUSY:
        return (
            f"{question} cannot be told from this run, as the machine was"
            " busy."
        )
    if w.direction == TOO_WIDE:
        return (
            f"{question} cannot be told from this run: its 95 % interval is"
            f" wider than ×{MAX_INTERVAL}."
        )
    return (
        f"{question} cannot be told from {estimate.rounds} round(s), too few"
        " for an interval."
    )


def comparison(
    estimate: RatioEstimate,
    candidate: str,
    reference: str,
    load: Load | LoadSummary | None = None,
) -> str:
    """One sentence comparing ``candidate`` with ``reference`` (``estimate``:
    candidate time over reference time), e.g. "Conv MobileNet was slower than
    MobileNet: it took 3.1× as long (95 % interval 2.9–3.3×)." Names are used
    as given (capitalise the first yourself if needed)."""
    w = word(estimate, load)
    if w.direction in NO_CONCLUSION:
        return _no_conclusion(
            w,
            estimate,
            f"Whether {candidate} is faster or slower than {reference}",
        )
    if w.direction == SLOWER:
        return (
            f"{_cap(candidate)} was slower than {reference}: it took"
            f" {w.factor} as long (95 % interval {w.interval})."
        )
    if w.direction == FASTER:
        return (
            f"{_cap(candidate)} was faster than {reference}: {reference} took"
            f" {w.factor} as long (95 % interval {w.interval})."
        )
    return (
        f"{_cap(candidate)} and {reference} were indistinguishable on this"
        f" machine: {candidate} took {w.interval} {_possessive(reference)}"
        " time (95 % interval), which includes 1."
    )


def against_theory(
    estimate: RatioEstimate,
    theory: float,
    what: str,
    load: Load | LoadSummary | None = None,
) -> str:
    """A measured speed-up (``estimate``: the time of the side with more
    operations over the time of the side with fewer) against the speed-up a
    count of operations predicts, ``theory``; e.g. "The measured speed-up was
    3.1× (95 % interval 2.9–3.3×), 34–39 % of the Mult-Add ratio of 8.6×."
    ``what`` names the theory. A "speed-up" below 1 is said as a slow-down,
    never as "0.6×"."""
    if not theory > 0:
        raise ValueError(f"theory must be > 0, got {theory}")
    of = f"{what} of {factor(theory)}×"
    w = word(estimate, load)
    if w.direction in NO_CONCLUSION:
        return _no_conclusion(
            w, estimate, f"How the measured speed-up compares with {of}"
        )
    if w.direction == FASTER:  # the side with fewer operations took longer
        return (
            "There was no speed-up at all: the side with fewer operations"
            f" took {w.factor} as long (95 % interval {w.interval}), against"
            f" {of}."
        )
    if w.direction == INDISTINGUISHABLE:
        return (
            f"The measured speed-up, {w.factor} (95 % interval {w.interval}),"
            " cannot be told apart from none at all on this machine, against"
            f" {of}."
        )
    share = estimate.scaled(theory)
    head = f"The measured speed-up was {w.factor} (95 % interval {w.interval})"
    if not share.excludes(1.0):
        return f"{head}, consistent with {of}."
    percent = f"{100 * share.low:.0f}–{100 * share.high:.0f} %"
    if share.high < 1:
        return f"{head}, {percent} of {of}."
    return f"{head}, more than {of} ({percent} of it)."


def theory_tally(
    measured: Sequence[tuple[RatioEstimate, float, Load | LoadSummary | None]],
    what: str,
) -> str:
    """How a set of speed-ups (each ``(estimate, theory, load)``, as in
    :func:`against_theory`) came out against their theories: "short of the
    Mult-Add ratio in 9 of 10 settings, no clear speed-up in 1". Settings
    measured on a busy machine, or with too few rounds, are counted as such and
    draw no conclusion."""
    if not measured:
        raise ValueError("measured must not be empty")
    outcomes = []
    for estimate, theory, load in measured:
        w = word(estimate, load)
        if w.direction in NO_CONCLUSION:
            outcomes.append(_NAMES[w.direction])
        elif w.direction != SLOWER:
            outcomes.append("no clear speed-up")
        else:
            share = estimate.scaled(theory)
            outcomes.append(
                f"short of {what}"
                if share.high < 1
                else (
                    f"consistent with {what}"
                    if share.low <= 1
                    else f"above {what}"
                )
            )
    counts = {o: outcomes.count(o) for o in dict.fromkeys(outcomes)}
    parts = [
        f"{o} in {k}"
        for o, k in sorted(counts.items(), key=lambda item: -item[1])
    ]
    parts[0] += (
        f" of {len(outcomes)} setting{'s' if len(outcomes) > 1 else ''}"
    )
    return ", ".join(parts)


def share_of(estimate: RatioEstimate, theory: float) -> str:
    """The interval of a measured speed-up as a percentage of the theoretical
    one: "64–67"."""
    if not theory > 0:
        raise ValueError(f"theory must be > 0, got {theory}")
    return (
        f"{100 * estimate.low / theory:.0f}–{100 * estimate.high / theory:.0f}"
    )


def tally(
    estimates: Sequence[RatioEstimate],
    load: Load | LoadSummary | None = None,
    loads: Sequence[Load | LoadSummary | None] | None = None,
) -> str:
    """How a set of comparisons came out: "faster in 2 of 4 settings, slower in
    1, indistinguishable in 1" (faster and slower said of the candidates).
    ``load`` judges them all (busy: no conclusion at all); ``loads`` judges
    each by its own, and counts the busy ones as drawing no conclusion."""
    if not estimates:
        raise ValueError("estimates must not be empty")
    if loads is not None and len(loads) != len(estimates):
        raise ValueError(
            f"loads must match estimates, got {len(loads)} and"
            f" {len(estimates)}"
        )
    if load is not None and load.busy:
        return "no conclusion, as the machine was busy"
    directions = [
        word(e, l).direction
        for e, l in zip(
            estimates, loads or [None] * len(estimates), strict=True
        )
    ]
    counts = [
        (_NAMES.get(d, d), directions.count(d))
        for d in (FASTER, SLOWER, INDISTINGUISHABLE, *NO_CONCLUSION)
    ]
    parts = [f"{d} in {k}" for d, k in counts if k]
    n = len(estimates)
    parts[0] += f" of {n} setting{'s' if n > 1 else ''}"
    return ", ".join(parts)


_NAMES = {
    BUSY: "no conclusion (busy machine)",
    TOO_FEW: TOO_FEW,
    TOO_WIDE: TOO_WIDE,
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"
