"""The shapes miniature's two claims, judged by the book's one rule.

Table 1's question, asked of 3-D objects instead of digits (the paper's
Table 1 and §5.1): every effect is the mean over seeds of a per-seed
difference of accuracies on the rotated test objects, with Student's t
interval (:meth:`dlnotes.verdicts.Estimate.from_samples`), and

* **architecture** — trained on canonical orientations, the spherical CNN
  beats the planar CNN on rotated objects: a direction
  (:func:`dlnotes.verdicts.directional`);
* **orientation** — for the spherical CNN it hardly matters whether it was
  trained on rotated or canonical objects: an equivalence test
  (:func:`dlnotes.verdicts.no_effect`) against the margin the book already
  took from the paper's own printed numbers for the same claim on digits,
  :data:`dlnotes.sphere.experiments.mnist.claims.NEGLIGIBLE`, so nothing
  about it was chosen after seeing the shapes.

Both carry a verdict only if the runs pass two checks (:func:`run_checks`):
at least :data:`~dlnotes.sphere.experiments.mnist.claims.MIN_SEEDS` seeds
per (model, training orientation), as Table 1 needs, and every run settled —
its rotated-test accuracy spans at most :data:`SETTLED_SPAN` over its last
:data:`SETTLED_EPOCHS` epochs.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dlnotes import verdicts
from dlnotes.sphere.experiments import paper
from dlnotes.sphere.experiments.mnist.claims import MIN_SEEDS, NEGLIGIBLE
from dlnotes.sphere.experiments.shapes.experiment import SHIPPED, shipped_runs

__all__ = [
    "SETTLED_EPOCHS",
    "SETTLED_SPAN",
    "Claim",
    "claims",
    "run_checks",
    "settled_span",
    "spans",
]

SETTLED_EPOCHS = 5
"""How many final epochs a run's accuracy must have settled over."""
SETTLED_SPAN = 0.05
"""Largest span (max − min) of a run's rotated-test accuracy over its last
:data:`SETTLED_EPOCHS` epochs: six test objects of 120, far below the
effect the architecture claim is about."""


def settled_span(epochs: Sequence[Mapping[str, float]]) -> float:
    """Span of ``test_accuracy`` over the last :data:`SETTLED_EPOCHS` rows of
    a run record's ``epochs``.

    Raises:
        ValueError: fewer epochs than :data:`SETTLED_EPOCHS`.
    """
    if len(epochs) < SETTLED_EPOCHS:
        raise ValueError(
            f"a run needs at least {SETTLED_EPOCHS} epochs to judge whether"
            f" it settled, got {len(epochs)}"
        )
    scores = [float(e["test_accuracy"]) for e in epochs[-SETTLED_EPOCHS:]]
    return max(scores) - min(scores)


def spans(folder: Path = SHIPPED) -> dict[str, float]:
    """:func:`settled_span` of every saved run in ``folder``, by run name."""
    return {
        stem.name: settled_span(
            json.loads(stem.with_suffix(".json").read_text())["epochs"]
        )
        for stem in shipped_runs(folder)
    }


def _accuracy(rows: pd.DataFrame) -> pd.DataFrame:
    """Rotated-test accuracy of the learned models, one row per seed and one
    column per (model, training orientation)."""
    learned = rows[rows["model"] != "power spectrum"]
    return learned.pivot_table(
        index="seed", columns=["model", "train_on"], values="accuracy"
    )


def run_checks(
    rows: pd.DataFrame, spans: Mapping[str, float]
) -> list[verdicts.Check]:
    """The seeds and settling checks of the runs behind ``rows`` (from
    :func:`~dlnotes.sphere.experiments.shapes.experiment.evaluate_runs`);
    ``spans`` maps each run's name to its :func:`settled_span`."""
    accuracy = _accuracy(rows)
    seeds = int(accuracy.notna().sum().min()) if accuracy.size else 0
    widest = max(spans.values(), default=float("nan"))
    return [
        verdicts.Check(
            "seeds",
            seeds >= MIN_SEEDS,
            f"{seeds} seeds per run",
            requirement=f"≥ {MIN_SEEDS}",
        ),
        verdicts.Check(
            "settled",
            bool(spans) and widest <= SETTLED_SPAN,
            f"accuracy spans up to {widest:.3f} over the last"
            f" {SETTLED_EPOCHS} epochs",
            requirement=f"≤ {SETTLED_SPAN:g}",
        ),
    ]


@dataclass(frozen=True)
class Claim:
    """One claim: the ``paper``'s number on digits, ``ours`` (the per-seed
    effect on shapes), the ``checks`` and the ``verdict``."""

    paper: float
    ours: verdicts.Estimate
    verdict: str
    checks: list[verdicts.Check]


def _effect(
    accuracy: pd.DataFrame, first: tuple[str, str], second: tuple[str, str]
) -> verdicts.Estimate:
    """Mean over seeds of ``first − second`` with its t interval."""
    differences = (accuracy[first] - accuracy[second]).dropna()
    if len(differences) < 2:  # no spread: the seeds check fails anyway
        return verdicts.Estimate.exact(
            float(differences.iloc[0]) if len(differences) else 0.0
        )
    return verdicts.Estimate.from_samples(differences.tolist())


def claims(rows: pd.DataFrame, spans: Mapping[str, float]) -> dict[str, Claim]:
    """The architecture and orientation claims judged on ``rows`` (see
    :func:`run_checks`)."""
    checks = run_checks(rows, spans)
    accuracy = _accuracy(rows)
    spherical = paper.TABLE_1["spherical"]
    planar = paper.TABLE_1["planar"]
    architecture = _effect(
        accuracy, ("spherical", "canonical"), ("planar", "canonical")
    )
    orientation = _effect(
        accuracy, ("spherical", "rotated"), ("spherical", "canonical")
    )
    return {
        "architecture": Claim(
            spherical["NR/R"] - planar["NR/R"],
            architecture,
            verdicts.directional(architecture, +1, checks=checks),
            checks,
        ),
        "orientation": Claim(
            spherical["R/R"] - spherical["NR/R"],
            orientation,
            verdicts.no_effect(orientation, NEGLIGIBLE, checks=checks),
            checks,
        ),
    }
