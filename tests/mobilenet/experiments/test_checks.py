"""dlnotes.mobilenet.experiments.checks: plateau, width, seeds and
memorisation, on made-up runs."""

import numpy as np
import pytest

from dlnotes import verdicts
from dlnotes.mobilenet.experiments import checks, runs
from dlnotes.mobilenet.experiments import tradeoffs as ex

HOLD = {"epochs": 16, "schedule": "hold-cosine"}  # 12 epochs at a fixed rate


def _summary(config, train_curves, test_curves):
    runs = tuple(
        ex.Run(config, seed, tuple(test), 1.0, tuple(train))
        for seed, (train, test) in enumerate(
            zip(train_curves, test_curves, strict=True)
        )
    )
    return ex.Summary(config, runs, config.mult_adds, config.params)


def _flat_after(epochs, knee, top):
    """A curve that rises linearly to ``top`` at ``knee`` and stays there."""
    return np.minimum(np.arange(1, epochs + 1) / knee, 1.0) * top


def test_fixed_rate_epochs_and_window():
    assert checks.fixed_rate_epochs(HOLD) == 12
    assert checks.window(HOLD) == (10, 12)  # the last quarter of 12
    assert checks.fixed_rate_epochs({"epochs": 8, "schedule": "cosine"}) == 0
    assert checks.window({"epochs": 8, "schedule": "cosine"}) == (7, 8)
    assert checks.fixed_rate_epochs({"epochs": 9, "schedule": "constant"}) == 9


def test_rise_is_the_change_along_the_fitted_line_in_points():
    curve = 0.5 + 0.01 * np.arange(10)  # one point per epoch
    assert checks.rise(curve, 3, 7) == pytest.approx(4.0)


def test_plateau_passes_a_flat_curve_and_fails_a_rising_or_decaying_one():
    config = ex.plateau_design().separable
    flat = _summary(config, [_flat_after(16, 6, 0.8)] * 5, [[0.7] * 16] * 5)
    assert checks.plateau(flat, HOLD).passed
    rising = _summary(config, [_flat_after(16, 14, 0.8)] * 5, [[0.7] * 16] * 5)
    check = checks.plateau(rising, HOLD)
    assert not check.passed and check.subject == config.label
    assert check.detail.startswith("+") and "epochs 10–12" in (
        check.requirement
    )
    # under a cosine from the first step the curve may look flat, but the
    # rate never held still: the check fails and says why
    check = checks.plateau(flat, {"epochs": 16, "schedule": "cosine"})
    assert not check.passed and "decays from the first step" in (
        check.requirement
    )


def test_width_fails_the_first_records_thinned_network():
    thinned, plateau = ex.thinned_design(), ex.plateau_design()
    narrow = _summary(thinned.narrow, [[0.5]], [[0.5]])
    check = checks.width(narrow)
    assert not check.passed and check.detail.startswith("5 channels")
    for config in plateau.configs:
        assert checks.width(_summary(config, [[0.5]], [[0.5]])).passed


def test_seeds_and_gap_and_a_pair_passes_only_if_every_check_does():
    design = ex.plateau_design()
    good_train = [_flat_after(16, 4, 0.8)] * 5
    a = _summary(design.separable, good_train, [[0.78] * 16] * 5)
    b = _summary(design.full, good_train, [[0.77] * 16] * 5)
    every = checks.pair_checks(ex.Pair(a, b), HOLD)
    assert len(every) == 7 and checks.passed(every)
    assert [c.name for c in every] == [
        "plateau",
        "width",
        "memorisation",
    ] * 2 + ["seeds"]
    b = _summary(design.full, good_train, [[0.70] * 16] * 5)
    assert not checks.passed(checks.pair_checks(ex.Pair(a, b), HOLD))
    gap = checks.gap(b)
    assert not gap.passed and gap.detail.startswith("+10.0 points")
    few = ex.Pair(
        _summary(design.separable, good_train[:2], [[0.78] * 16] * 2),
        _summary(design.full, good_train[:2], [[0.78] * 16] * 2),
    )
    assert not checks.seeds(few).passed
    assert not checks.passed(checks.pair_checks(few, HOLD))
    assert verdicts.reasons([gap]) == (
        f"memorisation: {b.config.label} +10.0 points (required: training −"
        " test ≤ 5 points)"
    )


def test_a_sweep_is_checked_like_a_pair():
    sweep = [
        _summary(ex.Config("separable", a), [[0.5] * 8] * 3, [[0.4] * 8] * 3)
        for a in (1.0, 0.25)
    ]
    found = checks.sweep_checks(sweep, {"epochs": 8, "schedule": "cosine"})
    # plateau and memorisation of each, no width: the sweep thins on purpose
    assert [c.name for c in found] == ["plateau", "memorisation"] * 2 + [
        "seeds"
    ]
    assert found[-1].detail == "3 seeds" and not found[-1].passed
    assert not checks.passed(found)


def test_the_claims_are_checked_on_the_records_behind_them():
    recorded = runs.recorded()
    pairs, design = runs.pairs_source()
    found = checks.claim_checks(recorded, pairs, design)
    assert set(found) == {"sf", "ns", "alpha", "rho"}
    sf = {(c.name, c.subject): c for c in found["sf"]}
    # the plateau records: wide enough, not memorised, five seeds, but the
    # training accuracy still rises at the fixed rate
    separable = design.separable.label
    assert not sf["plateau", separable].passed
    assert sf["width", separable].passed
    assert sf["memorisation", separable].passed
    assert found["sf"][-1].passed and found["ns"][-1].passed
    # the first records' sweeps: a cosine from the first step, never a plateau
    assert not any(c.passed for c in found["alpha"] if c.name == "plateau")


def test_the_recorded_claims_carry_their_checks():
    found = checks.recorded_claims()
    assert set(found) == {"sf", "ns", "alpha", "rho"}
    pairs, _ = runs.pairs_source()
    assert found["sf"].ours.n == len(pairs.seeds)
    # every recorded experiment fails a check fixed before it ran
    assert {c.verdict for c in found.values()} == {verdicts.NOT_TESTED}
    assert all(c.checks for c in found.values())
