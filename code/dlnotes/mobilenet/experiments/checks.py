"""Can a trained comparison test the paper's claim? The checks, as data.

A paired comparison of two networks
(:class:`~dlnotes.mobilenet.experiments.tradeoffs.Pair`) says something about
the architectures only if each network was trained as far as its recipe can
take it, is wide enough to be the kind of network the paper describes, was
repeated over enough seeds, and learnt the task rather than its training
images. Each check below returns a :class:`dlnotes.verdicts.Check`: the
network it was measured on, what was measured, the requirement, and whether it
is met. They decide nothing about the claim; the verdict rule
(:mod:`dlnotes.verdicts`) refuses to judge a comparison that fails one.
:func:`claim_checks` gathers them for the four claims of
:func:`~dlnotes.mobilenet.experiments.tradeoffs.claims`.

The requirements, fixed before the plateau records were made:

* **plateau** (:func:`plateau`) — over the last quarter of the epochs trained
  at a fixed learning rate, the training accuracy (mean over the seeds, a
  least-squares line through the epochs) rises by at most
  :data:`PLATEAU_RISE` = 0.5 points: half the smallest difference the paper
  reports (1.1 points, Table 4), so that what is still to be learnt cannot be
  mistaken for such a difference. A schedule that decays from the first step
  (``"cosine"``) has no fixed-rate epochs: its curve flattens because the rate
  reaches zero, which says nothing about convergence, and the check fails;
* **width** (:func:`width`) — no layer has fewer than
  :data:`~dlnotes.mobilenet.experiments.tradeoffs.MIN_CHANNELS` = 16
  channels (the networks behind the paper's Tables 4 and 5 keep at least 24,
  in the first layer of 0.75 MobileNet); below that a comparison measures
  starved layers rather than the architectures;
* **seeds** (:func:`seeds`) — at least :data:`MIN_SEEDS` seeds, paired;
* **memorisation** (:func:`gap`) — at the end, the training accuracy exceeds
  the test accuracy by at most :data:`MAX_GAP` = 5 points, more than the
  largest difference the paper reports (3.1 points, Table 5): beyond it the
  two networks may differ in how much of their training images they memorised
  rather than in how well they classify digits.

The slopes of Tables 6 and 7 rest on sweeps (:func:`sweep_checks`): the same
checks but width, since the point of the width sweep is to make the network
thin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from dlnotes.mobilenet.experiments.runs import (
    Recorded,
    pairs_source,
    recorded,
)
from dlnotes.mobilenet.experiments.tradeoffs import (
    MIN_CHANNELS,
    Claim,
    Design,
    Pair,
    Summary,
    claims,
    narrow_vs_shallow,
    resolution_sweep,
    separable_vs_full,
    width_sweep,
)
from dlnotes.train import HOLD_FRACTION
from dlnotes.verdicts import Check

__all__ = [
    "MAX_GAP",
    "MIN_CHANNELS",
    "MIN_SEEDS",
    "PLATEAU_RISE",
    "claim_checks",
    "fixed_rate_epochs",
    "gap",
    "pair_checks",
    "passed",
    "plateau",
    "recorded_claims",
    "rise",
    "seeds",
    "sweep_checks",
    "width",
    "window",
]

PLATEAU_RISE = 0.5
"""Largest rise of the training accuracy, in points, over the last quarter of
the fixed-rate epochs."""
MIN_SEEDS = 5
"""Fewest seeds a comparison may rest on."""
MAX_GAP = 5.0
"""Largest final gap, training minus test accuracy, in points."""


def fixed_rate_epochs(settings: Mapping[str, object]) -> int:
    """How many of the epochs of ``settings`` (a record's ``settings``, or
    :func:`dlnotes.record_json.run_settings` of a
    :class:`~dlnotes.mobilenet.experiments.tradeoffs.Settings`) ran at the
    peak rate throughout: all for ``"constant"``, none for ``"cosine"``,
    ⌊0.75 · epochs⌋ for ``"hold-cosine"``."""
    epochs = int(settings["epochs"])
    schedule = settings["schedule"]
    if schedule == "constant":
        return epochs
    if schedule == "hold-cosine":
        return math.floor(HOLD_FRACTION * epochs)
    return 0


def window(settings: Mapping[str, object]) -> tuple[int, int]:
    """The epochs ``(first, last)`` (1-based, inclusive) over which
    :func:`plateau` measures the rise: the last quarter of the fixed-rate
    epochs, or of all epochs when none ran at a fixed rate."""
    held = fixed_rate_epochs(settings)
    end = held if held else int(settings["epochs"])
    return end - max(2, math.ceil(end / 4)) + 1, end


def rise(curve: np.ndarray, first: int, last: int) -> float:
    """The rise of ``curve`` (one value per epoch, as a fraction) from epoch
    ``first`` to ``last`` along its least-squares line, in points."""
    epochs = np.arange(first, last + 1)
    slope = np.polyfit(epochs, curve[first - 1 : last], 1)[0]
    return float(100 * slope * (last - first))


def plateau(summary: Summary, settings: Mapping[str, object]) -> Check:
    """Has ``summary``'s training accuracy (mean over its seeds) stopped rising
    at a fixed learning rate? See the module docstring."""
    first, last = window(settings)
    curve = np.mean([run.train_curve for run in summary.runs], axis=0)
    value = rise(curve, first, last)
    held = fixed_rate_epochs(settings)
    return Check(
        "plateau",
        bool(held) and value <= PLATEAU_RISE,
        f"{value:+.2f} points",
        summary.config.label,
        f"≤ {PLATEAU_RISE:g} points over epochs {first}–{last} at a fixed rate"
        if held
        else (
            f"≤ {PLATEAU_RISE:g} points at a fixed rate; the"
            f" {settings['schedule']} rate decays from the first step"
        ),
    )


def width(summary: Summary) -> Check:
    """Does every layer of ``summary``'s network keep at least
    :data:`~dlnotes.mobilenet.experiments.tradeoffs.MIN_CHANNELS` channels?"""
    narrowest = summary.config.narrowest
    return Check(
        "width",
        narrowest >= MIN_CHANNELS,
        f"{narrowest} channels",
        summary.config.label,
        f"≥ {MIN_CHANNELS} channels in every layer",
    )


def seeds(pair: Pair | Sequence[Summary]) -> Check:
    """Does the comparison (a pair, or a sweep of configurations) rest on at
    least :data:`MIN_SEEDS` paired seeds?"""
    members = (pair.a, pair.b) if isinstance(pair, Pair) else tuple(pair)
    n = min(len(s.runs) for s in members)
    return Check(
        "seeds",
        n >= MIN_SEEDS,
        f"{n} seeds",
        " − ".join(s.config.label for s in members)
        if isinstance(pair, Pair)
        else f"{len(members)} configurations",
        f"≥ {MIN_SEEDS}",
    )


def gap(summary: Summary) -> Check:
    """Training minus test accuracy at the last epoch (means over the seeds),
    at most :data:`MAX_GAP` points?"""
    value = 100 * float(
        np.mean([run.train_curve[-1] - run.curve[-1] for run in summary.runs])
    )
    return Check(
        "memorisation",
        value <= MAX_GAP,
        f"{value:+.1f} points",
        summary.config.label,
        f"training − test ≤ {MAX_GAP:g} points",
    )


def _each(
    summaries: Sequence[Summary],
    settings: Mapping[str, object],
    with_width: bool,
) -> tuple[Check, ...]:
    """Plateau, width (when ``with_width``) and memorisation of each of
    ``summaries``."""
    return tuple(
        check
        for summary in summaries
        for check in (
            plateau(summary, settings),
            *((width(summary),) if with_width else ()),
            gap(summary),
        )
    )


def pair_checks(
    pair: Pair, settings: Mapping[str, object]
) -> tuple[Check, ...]:
    """Every check of a comparison: plateau, width and memorisation of each
    network, and the seeds of the pair."""
    return (*_each((pair.a, pair.b), settings, True), seeds(pair))


def sweep_checks(
    sweep: Sequence[Summary], settings: Mapping[str, object]
) -> tuple[Check, ...]:
    """Every check of a sweep (the width or resolution sweep behind a slope):
    plateau and memorisation of each configuration, and the seeds. Not the
    width: the width sweep is meant to thin the network."""
    return (*_each(sweep, settings, False), seeds(sweep))


def claim_checks(
    sweeps: Recorded, pairs: Recorded, design: Design
) -> dict[str, tuple[Check, ...]]:
    """The checks of each claim of
    :func:`~dlnotes.mobilenet.experiments.tradeoffs.claims`, by its key: the
    two comparisons (``"sf"``, ``"ns"``) of ``design``'s networks in
    ``pairs``, the two slopes (``"alpha"``, ``"rho"``) along the sweeps in
    ``sweeps`` (records whose ``settings`` say how their runs were
    trained)."""
    return {
        "sf": pair_checks(separable_vs_full(pairs, design), pairs.settings),
        "ns": pair_checks(narrow_vs_shallow(pairs, design), pairs.settings),
        "alpha": sweep_checks(width_sweep(sweeps), sweeps.settings),
        "rho": sweep_checks(resolution_sweep(sweeps), sweeps.settings),
    }


def recorded_claims() -> dict[str, Claim]:
    """The four claims of
    :func:`~dlnotes.mobilenet.experiments.tradeoffs.claims` as the book
    judges them: the two comparisons on the plateau records
    (:func:`~dlnotes.mobilenet.experiments.runs.pairs_source`), the two slopes
    on the first records' sweeps
    (:func:`~dlnotes.mobilenet.experiments.runs.recorded`), each with its
    :func:`claim_checks`."""
    sweeps = recorded()
    pairs, design = pairs_source()
    return claims(sweeps, claim_checks(sweeps, pairs, design), design, pairs)


def passed(checks: Sequence[Check]) -> bool:
    """True when every check is met (a comparison that may test its claim)."""
    return all(check.passed for check in checks)
