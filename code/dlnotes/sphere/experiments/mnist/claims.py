"""The paper's Table 1 read as three claims, each checked against the shipped
runs with the book's verdict rule (:mod:`dlnotes.verdicts`).

Every claim is a difference of two accuracies of Table 1 (columns "trained on /
tested on"):

* *rotation costs the upright-trained planar CNN most of its accuracy*: planar
  NR/NR − NR/R, a size (:func:`dlnotes.verdicts.size`) at the precision of the
  paper's two printed accuracies;
* *rotation costs the upright-trained spherical CNN almost nothing*: spherical
  NR/NR − NR/R, a claim of no effect (:func:`dlnotes.verdicts.no_effect`). Its
  margin, :data:`NEGLIGIBLE`, is fixed from the paper's own numbers: the cost
  it calls "almost nothing" is 0.96 − 0.94 = 0.02, which its two-digit
  rounding allows to be as large as 0.965 − 0.935 = 0.03;
* *on rotated digits the upright-trained spherical CNN beats the planar one*:
  spherical NR/R − planar NR/R, a size as the first.

Ours is the mean over seeds of that difference with a 95 % interval, ``± 1.96
σ`` (normal), where

.. math::

    \\sigma^2 = \\frac{s^2}{k} + \\frac{p_1 (1 - p_1) + p_2 (1 - p_2)}{n},

the spread of the ``k`` seeds (sample variance ``s²``) and the binomial error
of two accuracies ``p₁, p₂`` measured on ``n`` test digits, taken as
independent — an upper bound, since both are measured on the same digits — and
not divided by ``k``, since every seed is tested on the same digits. With 1,000
test digits the second part dominates: about 0.01 per accuracy near 0.9. The
check (:data:`MIN_SEEDS`): at least three seeds per claim, so that the seed
spread rests on more than the one difference two seeds give.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dlnotes import verdicts
from dlnotes.sphere.experiments.mnist.experiment import PAPER_ACCURACY
from dlnotes.verdicts import Check, Estimate, rounding_tolerance

NEGLIGIBLE = 0.03
"""The margin of "almost nothing", the largest cost the paper's printed 0.96
and 0.94 allow (module docstring)."""
MIN_SEEDS = 3
"""The fewest seeds a claim needs (one gives no spread to estimate, two a
spread resting on one difference)."""


@dataclass(frozen=True)
class Claim:
    """One claim of Table 1 as a difference ``first − second`` of two (model,
    condition) accuracies; ``negligible`` for a claim of no effect."""

    statement: str
    first: tuple[str, str]
    second: tuple[str, str]
    negligible: bool = False


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
        negligible=True,
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
    difference), ``ours`` (mean over seeds), ``stderr`` (σ of the module
    docstring), ``estimate`` (ours with its 95 % interval), ``rule`` (how it
    is judged, with the margin or precision), ``shown`` (the estimate as
    printed), ``seeds``, ``verdict`` and ``why`` (the failed check, if
    any).

    ``runs`` is
    :func:`~dlnotes.sphere.experiments.mnist.evaluation.evaluate_runs`'s frame
    (it needs the column ``n test``). A claim whose two accuracies share fewer
    than :data:`MIN_SEEDS` seeds fails its check: *not tested faithfully*.

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
        paper = round(paper_first - paper_second, 10)
        ours = float(differences.mean())
        check = Check(
            "seeds",
            len(seeds) >= MIN_SEEDS,
            f"{len(seeds)} seed{'s' if len(seeds) > 1 else ''}",
            requirement=f"at least {MIN_SEEDS}",
        )
        stderr = (
            math.sqrt(
                float(np.var(differences, ddof=1)) / len(seeds)
                + (p1 * (1 - p1) + p2 * (1 - p2)) / n
            )
            if len(seeds) >= 2
            else float("nan")
        )
        estimate = (
            Estimate.from_stderr(ours, stderr)
            if math.isfinite(stderr)
            else Estimate.exact(ours)
        )
        precision = rounding_tolerance(paper_first) + rounding_tolerance(
            paper_second
        )
        if claim.negligible:
            rule = f"no effect: within ±{NEGLIGIBLE:.2f}"
            decided = verdicts.no_effect(estimate, NEGLIGIBLE, checks=[check])
        else:
            rule = f"size: {paper:+.2f} ± {precision:.2f} (printed digits)"
            decided = verdicts.size(
                estimate, paper, precision=precision, checks=[check]
            )
        rows.append(
            {
                "claim": claim.statement,
                "paper": paper,
                "ours": ours,
                "stderr": stderr,
                "estimate": estimate,
                # a claim of no effect shows one digit more, so that an end
                # just past the margin does not print as on it
                "shown": estimate.format(
                    "+.4f" if claim.negligible else "+.3f"
                ),
                "rule": rule,
                "seeds": len(seeds),
                "verdict": decided,
                "why": verdicts.reasons([check]),
            }
        )
    return pd.DataFrame(rows)


def explain(row: pd.Series) -> str:
    """One sentence on one row of :func:`table1_claims`, in words its interval
    supports."""
    start = (
        f"{row.claim[0].upper()}{row.claim[1:]}: ours"
        f" {row.shown} (95 % interval), the paper's"
        f" {row.paper:+.2f}; "
    )
    if row.verdict == verdicts.NOT_TESTED:
        return start + f"not tested faithfully ({row.why})."
    if row.rule.startswith("no effect"):
        reasons = {
            verdicts.REPRODUCED: (
                f"the whole interval lies within ±{NEGLIGIBLE:.2f}, the"
                " largest cost the paper's printed accuracies allow, so the"
                " cost is negligible in the paper's own sense."
            ),
            verdicts.NOT_RESOLVED: (
                f"the interval reaches beyond ±{NEGLIGIBLE:.2f}, the largest"
                " cost the paper's printed accuracies allow, so our test"
                " digits cannot tell whether the cost is negligible."
            ),
            verdicts.CONTRADICTED: (
                f"the whole interval lies beyond ±{NEGLIGIBLE:.2f}: the cost"
                " is not negligible."
            ),
        }
    else:
        reasons = {
            verdicts.NOT_RESOLVED: (
                "our interval includes zero, so our test digits cannot tell"
                " the sign."
            ),
            verdicts.REPRODUCED: (
                "the sign is resolved and our interval meets the paper's"
                " value at its printed precision."
            ),
            verdicts.SAME_DIRECTION: (
                "the same sign, but our interval misses the paper's value at"
                " its printed precision."
            ),
            verdicts.CONTRADICTED: "the opposite sign, outside our interval.",
        }
    return start + reasons[row.verdict]
