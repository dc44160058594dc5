"""dlnotes.verdicts: each rule decides the case it is meant for, and bad input
is refused."""

import math

import pytest

from dlnotes import verdicts as v


def test_exact_count_within_rounding_is_reproduced():
    # 4866 / 569 printed, 4867.3 / 568.7 counted: the same ratio within the
    # printed rounding.
    ours = 4867.293184 / 568.740352
    assert (
        v.verdict(
            ours,
            paper=4866 / 569,
            null=1.0,
            tolerance=v.ratio_tolerance(4866, 569),
        )
        == v.REPRODUCED
    )


def test_same_sign_far_from_the_paper_is_same_direction():
    assert v.verdict(-0.3, paper=-1.1, stderr=0.05) == v.SAME_DIRECTION


def test_opposite_sign_beyond_the_noise_is_contradicted():
    assert v.verdict(0.8, paper=-1.1, stderr=0.1) == v.CONTRADICTED


def test_effect_within_two_standard_errors_is_not_resolved():
    assert v.verdict(0.3, paper=3.0, stderr=0.2) == v.NOT_RESOLVED
    assert v.verdict(-0.3, paper=3.0, stderr=0.2) == v.NOT_RESOLVED


def test_a_size_within_tolerance_plus_noise_is_reproduced():
    assert v.verdict(2.7, paper=3.0, stderr=0.1, tolerance=0.1) == v.REPRODUCED
    assert (
        v.verdict(2.6, paper=3.0, stderr=0.1, tolerance=0.1)
        == v.SAME_DIRECTION
    )


def test_direction_only_claims():
    assert v.verdict(0.5, direction=+1) == v.REPRODUCED
    assert v.verdict(-0.5, direction=+1) == v.CONTRADICTED
    assert v.verdict(0.5, direction=-1, stderr=0.3) == v.NOT_RESOLVED


def test_no_effect_claims_need_the_whole_interval_inside_or_outside():
    assert (
        v.verdict(0.05, paper=0.0, stderr=0.02, tolerance=0.2) == v.REPRODUCED
    )
    assert (
        v.verdict(0.15, paper=0.0, stderr=0.05, tolerance=0.2)
        == v.NOT_RESOLVED
    )
    assert (
        v.verdict(0.5, paper=0.0, stderr=0.05, tolerance=0.2) == v.CONTRADICTED
    )
    assert v.verdict(1.02, paper=1.0, null=1.0, tolerance=0.05) == v.REPRODUCED


def test_every_verdict_is_one_of_the_four():
    cases = [
        v.verdict(o, paper=p, stderr=s)
        for o in (-1, 0, 1)
        for p in (-1, 0, 1)
        for s in (0, 0.1, 1)
    ]
    assert set(cases) <= set(v.VERDICTS)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"ours": 1.0}, ValueError),  # neither paper nor direction
        ({"ours": 1.0, "paper": 1.0, "direction": 1}, ValueError),
        ({"ours": 1.0, "direction": 0}, ValueError),
        ({"ours": 1.0, "paper": 1.0, "stderr": -1.0}, ValueError),
        ({"ours": 1.0, "paper": 1.0, "tolerance": -0.1}, ValueError),
        ({"ours": math.nan, "paper": 1.0}, ValueError),
        ({"ours": "1", "paper": 1.0}, TypeError),
        ({"ours": True, "paper": 1.0}, TypeError),
    ],
)
def test_bad_input_is_refused(kwargs, error):
    ours = kwargs.pop("ours")
    with pytest.raises(error):
        v.verdict(ours, **kwargs)


def test_rounding_tolerance_follows_the_printed_digits():
    assert v.rounding_tolerance(569) == 0.5
    assert v.rounding_tolerance(4.2) == pytest.approx(0.05)
    assert v.rounding_tolerance(1.32) == pytest.approx(0.005)
    assert v.rounding_tolerance(0.00001) == pytest.approx(0.000005)


def test_ratio_tolerance_bounds_the_ratio_of_rounded_numbers():
    tol = v.ratio_tolerance(29.3, 4.2)
    for a in (29.25, 29.35):
        for b in (4.15, 4.25):
            assert abs(a / b - 29.3 / 4.2) <= tol + 1e-12
    with pytest.raises(ValueError):
        v.ratio_tolerance(1.0, 0.0)


def test_line_fit_recovers_a_line_and_its_uncertainty():
    fit = v.line_fit([0, 1, 2, 3], [1, 3, 5, 7])
    assert fit.slope == pytest.approx(2.0) and fit.intercept == pytest.approx(
        1.0
    )
    assert fit.slope_stderr == pytest.approx(
        0.0, abs=1e-12
    ) and fit.r_squared == pytest.approx(1.0)
    noisy = v.line_fit([0, 1, 2, 3], [0, 1.2, 1.8, 3.1])
    assert 0 < noisy.slope_stderr < 0.2 and 0.9 < noisy.r_squared < 1


@pytest.mark.parametrize(
    ("x", "y"),
    [
        ([1, 2], [1, 2]),
        ([1, 2, 3], [1, 2]),
        ([1, 1, 1], [1, 2, 3]),
        ([1, 2, math.inf], [1, 2, 3]),
    ],
)
def test_line_fit_refuses_bad_input(x, y):
    with pytest.raises(ValueError):
        v.line_fit(x, y)


def test_mean_stderr_is_the_mean_and_its_standard_error():
    mean, stderr = v.mean_stderr([1.0, 2.0, 3.0, 4.0])
    assert mean == 2.5 and stderr == pytest.approx(math.sqrt(5 / 3) / 2)
    with pytest.raises(ValueError, match="at least 2"):
        v.mean_stderr([1.0])
    with pytest.raises(ValueError, match="finite"):
        v.mean_stderr([1.0, math.nan])


def test_ratio_verdict_and_gap():
    # within the rounding of 29.3 / 3.4
    printed, ours, outcome = v.ratio_verdict(29.3, 3.4, 29.0, 3.4)
    assert (
        printed == pytest.approx(29.3 / 3.4)
        and ours == pytest.approx(29.0 / 3.4)
        and outcome == v.REPRODUCED
    )
    assert v.ratio_verdict(29.3, 3.4, 3.4, 29.0)[2] == v.CONTRADICTED
    assert (
        v.gap(1.24) == "1.2 points above"
        and v.gap(-0.7, "mAP points") == "0.7 mAP points below"
    )
