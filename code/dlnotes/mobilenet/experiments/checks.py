"""Can a trained comparison test the paper's claim? The checks, as data.

A paired comparison of two networks
(:class:`~dlnotes.mobilenet.experiments.tradeoffs.Pair`) says something about
the architectures only if each network was trained as far as its recipe can
take it, is wide enough to be the kind of network the paper describes, was
repeated over enough seeds, and learnt the task rather than its training
images. Each check below returns a
:class:`Check`: what was measured, the requirement, and whether it is met. They
decide nothing about the claim; a verdict rule (:mod:`dlnotes.verdicts`) can
refuse to judge a comparison that fails one.

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
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from dlnotes.mobilenet.experiments.tradeoffs import (
    MIN_CHANNELS,
    Pair,
    Summary,
)
from dlnotes.train import HOLD_FRACTION

__all__ = [
    "MAX_GAP",
    "MIN_CHANNELS",
    "MIN_SEEDS",
    "PLATEAU_RISE",
    "Check",
    "fixed_rate_epochs",
    "gap",
    "pair_checks",
    "passed",
    "plateau",
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


@dataclass(frozen=True)
class Check:
    """One check of one network (or of a pair): its key (``"plateau"``,
    ``"width"``, ``"memorisation"`` or ``"seeds"``), its name, the network's
    label, the measured value (in ``unit``), the requirement as text, and
    whether it is met."""

    key: str
    name: str
    model: str
    value: float
    unit: str
    requirement: str
    passed: bool

    def row(self) -> dict[str, object]:
        """The check as one row of a table."""
        value = (
            f"{self.value:+.1f}"
            if self.unit == "points"
            else f"{self.value:g}"
        )
        return {
            "check": self.name,
            "model": self.model,
            "measured": f"{value} {self.unit}".strip(),
            "required": self.requirement,
            "met": "yes" if self.passed else "no",
        }


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
    requirement = (
        f"≤ {PLATEAU_RISE:g} over epochs {first}–{last}, at a fixed rate"
        if held
        else (
            f"≤ {PLATEAU_RISE:g} at a fixed rate; none here (a"
            f" {settings['schedule']} rate decays from the first step)"
        )
    )
    return Check(
        "plateau",
        "plateau: rise of training accuracy",
        summary.config.label,
        round(value, 2) + 0.0,  # no "-0"
        "points",
        requirement,
        bool(held) and value <= PLATEAU_RISE,
    )


def width(summary: Summary) -> Check:
    """Does every layer of ``summary``'s network keep at least
    :data:`~dlnotes.mobilenet.experiments.tradeoffs.MIN_CHANNELS` channels?"""
    narrowest = summary.config.narrowest
    return Check(
        "width",
        "width: narrowest layer",
        summary.config.label,
        narrowest,
        "channels",
        f"≥ {MIN_CHANNELS}",
        narrowest >= MIN_CHANNELS,
    )


def seeds(pair: Pair | Sequence[Summary]) -> Check:
    """Does the comparison (a pair, or a sweep of configurations) rest on at
    least :data:`MIN_SEEDS` paired seeds?"""
    members = (pair.a, pair.b) if isinstance(pair, Pair) else tuple(pair)
    n = min(len(s.runs) for s in members)
    return Check(
        "seeds",
        "seeds (paired)",
        " − ".join(s.config.label for s in members)
        if isinstance(pair, Pair)
        else f"{len(members)} configurations",
        n,
        "",
        f"≥ {MIN_SEEDS}",
        n >= MIN_SEEDS,
    )


def gap(summary: Summary) -> Check:
    """Training minus test accuracy at the last epoch (means over the seeds),
    at most :data:`MAX_GAP` points?"""
    value = 100 * float(
        np.mean([run.train_curve[-1] - run.curve[-1] for run in summary.runs])
    )
    return Check(
        "memorisation",
        "memorisation: training − test accuracy",
        summary.config.label,
        round(value, 2),
        "points",
        f"≤ {MAX_GAP:g}",
        value <= MAX_GAP,
    )


def pair_checks(
    pair: Pair, settings: Mapping[str, object]
) -> tuple[Check, ...]:
    """Every check of a comparison: plateau, width and memorisation of each
    network, and the seeds of the pair."""
    per_model = tuple(
        check
        for summary in (pair.a, pair.b)
        for check in (
            plateau(summary, settings),
            width(summary),
            gap(summary),
        )
    )
    return (*per_model, seeds(pair))


def sweep_checks(
    sweep: Sequence[Summary], settings: Mapping[str, object]
) -> tuple[Check, ...]:
    """Every check of a sweep (e.g. the width or resolution sweep behind a
    slope): plateau, width and memorisation of each configuration, and the
    seeds."""
    per_model = tuple(
        check
        for summary in sweep
        for check in (
            plateau(summary, settings),
            width(summary),
            gap(summary),
        )
    )
    return (*per_model, seeds(sweep))


def passed(checks: tuple[Check, ...]) -> bool:
    """True when every check is met (a comparison that may test its claim)."""
    return all(check.passed for check in checks)
