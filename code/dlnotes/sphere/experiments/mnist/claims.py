"""The paper's Table 1 read as three claims, each checked against the shipped
runs with a verdict.

Every claim is a difference of two accuracies of Table 1 (columns "trained on /
tested on"):

* *rotation costs the upright-trained planar CNN most of its accuracy*: planar
  NR/NR − NR/R;
* *rotation costs the upright-trained spherical CNN almost nothing*: spherical
  NR/NR − NR/R;
* *on rotated digits the upright-trained spherical CNN beats the planar one*:
  spherical NR/R − planar NR/R.

Ours is the mean over seeds of that difference. Its standard error adds two
parts,

.. math::

    \\sigma^2 = \\frac{s^2}{k} + \\frac{p_1 (1 - p_1) + p_2 (1 - p_2)}{n},

the spread of the ``k`` seeds (sample variance ``s²``) and the binomial error
of two accuracies ``p₁, p₂`` measured on ``n`` test digits, taken as
independent — an upper bound, since both are measured on the same digits — and
not divided by ``k``, since every seed is tested on the same digits. With 1,000
test digits the second part dominates: about 0.01 per accuracy near 0.9. The
verdict (:func:`dlnotes.verdicts.verdict`) compares ours with the paper's
difference, within the rounding of the paper's two printed accuracies.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dlnotes.sphere.experiments.mnist.experiment import PAPER_ACCURACY
from dlnotes.verdicts import (
    CONTRADICTED,
    NOT_RESOLVED,
    REPRODUCED,
    SAME_DIRECTION,
    rounding_tolerance,
    verdict,
)


@dataclass(frozen=True)
class Claim:
    """One claim of Table 1 as a difference ``first − second`` of two (model,
    condition) accuracies."""

    statement: str
    first: tuple[str, str]
    second: tuple[str, str]


#: The three claims, in the order the chapters show them.
CLAIMS = (
    Claim(
        "rotation costs the upright-trained planar CNN most of its accuracy",
        ("planar", "NR/NR"),
        ("planar", "NR/R"),
    ),
    Claim(
        "rotation costs the upright-trained spherical CNN almost nothing",
        ("spherical", "NR/NR"),
        ("spherical", "NR/R"),
    ),
    Claim(
        "on rotated digits the upright-trained spherical CNN beats the"
        " planar one",
        ("spherical", "NR/R"),
        ("planar", "NR/R"),
    ),
)


def _accuracies(runs: pd.DataFrame, model: str, condition: str) -> pd.Series:
    """Accuracy per seed of ``model`` under ``condition`` (e.g. ``"NR/R"``),
    indexed by seed."""
    train_on, test_on = condition.split("/")
    rows = runs[(runs["model"] == model) & (runs["train_on"] == train_on)]
    return rows.set_index("seed")[f"test {test_on}"]


def table1_claims(runs: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of :data:`CLAIMS`: ``claim``, ``paper`` (the paper's
    difference), ``ours`` (mean over seeds), ``stderr`` (module docstring),
    ``seeds`` and ``verdict``.

    ``runs`` is
    :func:`~dlnotes.sphere.experiments.mnist.evaluation.evaluate_runs`'s frame
    (it needs the column ``n test``). A claim whose two accuracies share fewer
    than two seeds has no seed spread to estimate: its verdict is *not
    resolved*.

    Raises:
        ValueError: ``runs`` lacks a model or training set a claim needs.
    """
    rows = []
    for claim in CLAIMS:
        first, second = (
            _accuracies(runs, *claim.first),
            _accuracies(runs, *claim.second),
        )
        seeds = first.index.intersection(second.index)
        if len(seeds) == 0:
            raise ValueError(
                f"runs has no seed with both {claim.first} and {claim.second}"
            )
        differences = (first[seeds] - second[seeds]).to_numpy()
        p1, p2 = float(first[seeds].mean()), float(second[seeds].mean())
        n = int(runs["n test"].min())
        paper_first, paper_second = (
            PAPER_ACCURACY[claim.first[0]][claim.first[1]],
            PAPER_ACCURACY[claim.second[0]][claim.second[1]],
        )
        paper = paper_first - paper_second
        ours = float(differences.mean())
        if len(seeds) < 2:
            stderr, decided = float("nan"), NOT_RESOLVED
        else:
            stderr = math.sqrt(
                float(np.var(differences, ddof=1)) / len(seeds)
                + (p1 * (1 - p1) + p2 * (1 - p2)) / n
            )
            tolerance = rounding_tolerance(paper_first) + rounding_tolerance(
                paper_second
            )
            decided = verdict(
                ours,
                paper=round(paper, 10),
                stderr=stderr,
                tolerance=tolerance,
            )
        rows.append(
            {
                "claim": claim.statement,
                "paper": paper,
                "ours": ours,
                "stderr": stderr,
                "seeds": len(seeds),
                "verdict": decided,
            }
        )
    return pd.DataFrame(rows)


def explain(row: pd.Series) -> str:
    """One sentence on one row of :func:`table1_claims`, in words its interval
    supports."""
    interval = (
        f"{row.ours:+.3f} ± {2 * row.stderr:.3f}"
        if math.isfinite(row.stderr)
        else f"{row.ours:+.3f} (one seed)"
    )
    start = (
        f"{row.claim[0].upper()}{row.claim[1:]}: ours {interval}, the paper's"
        f" {row.paper:+.2f}; "
    )
    if not math.isfinite(row.stderr):
        return start + "with one seed there is no spread to judge it by."
    inside = abs(row.ours - row.paper) <= 2 * row.stderr
    reasons = {
        NOT_RESOLVED: (
            "our interval includes zero, so our test digits cannot tell the"
            " sign"
            + (", and it includes the paper's value too." if inside else ".")
        ),
        REPRODUCED: (
            "the sign is resolved and the paper's value lies within our"
            " interval (or its rounding)."
        ),
        SAME_DIRECTION: (
            "the same sign, but the paper's value lies outside our interval."
        ),
        CONTRADICTED: "the opposite sign, outside our interval.",
    }
    return start + reasons[row.verdict]
