"""Tests of the shapes claims: checks and verdicts on made-up accuracies."""

import pandas as pd
import pytest

from dlnotes.sphere.experiments.shapes import claims


def made_up_rows(spherical, planar, spherical_rotated):
    """Rows as ``evaluate_runs`` gives them, one accuracy per seed."""
    rows = [
        {
            "model": "power spectrum",
            "train_on": t,
            "seed": None,
            "accuracy": 0.7,
        }
        for t in ("canonical", "rotated")
    ]
    for model, train_on, values in (
        ("spherical", "canonical", spherical),
        ("planar", "canonical", planar),
        ("spherical", "rotated", spherical_rotated),
    ):
        rows += [
            {"model": model, "train_on": train_on, "seed": s, "accuracy": a}
            for s, a in enumerate(values)
        ]
    return pd.DataFrame(rows)


SETTLED = {"run": 0.01}


def test_a_clear_gain_and_no_orientation_cost_are_reproduced():
    rows = made_up_rows(
        [0.99, 0.98, 0.99], [0.40, 0.38, 0.41], [0.99, 0.985, 0.99]
    )
    judged = claims.claims(rows, SETTLED)
    assert judged["architecture"].verdict == "reproduced"
    assert judged["orientation"].verdict == "reproduced"
    assert judged["architecture"].ours.value == pytest.approx(0.59, abs=1e-9)


def test_an_orientation_cost_beyond_the_papers_margin_is_not_negligible():
    rows = made_up_rows([0.99] * 3, [0.4] * 3, [0.90, 0.91, 0.89])
    verdict = claims.claims(rows, SETTLED)["orientation"].verdict
    assert verdict != "reproduced"
    assert claims.NEGLIGIBLE == 0.03  # the margin taken from the paper


@pytest.mark.parametrize(
    ("values", "spans", "failed"),
    [
        ([0.99, 0.98], SETTLED, "seeds"),
        ([0.99, 0.98, 0.97], {"run": 0.2}, "settled"),
        ([0.99, 0.98, 0.97], {}, "settled"),
    ],
)
def test_a_failed_check_means_not_tested_faithfully(values, spans, failed):
    rows = made_up_rows(values, [0.4] * len(values), values)
    judged = claims.claims(rows, spans)
    assert [c.name for c in judged["architecture"].checks if not c.passed] == [
        failed
    ]
    assert {c.verdict for c in judged.values()} == {"not tested faithfully"}


def test_settled_span_reads_the_last_epochs():
    epochs = [
        {"test_accuracy": a} for a in (0.1, 0.5, 0.9, 0.92, 0.91, 0.93, 0.9)
    ]
    assert claims.settled_span(epochs) == pytest.approx(0.03)
    with pytest.raises(ValueError, match="at least 5 epochs"):
        claims.settled_span(epochs[:4])


def test_spans_cover_every_shipped_run():
    spans = claims.spans()
    assert len(spans) >= 12
    assert all(0 <= s <= 1 for s in spans.values())
