"""dlnotes.bench.interval: ratio of medians and its seeded percentile-bootstrap
interval."""

import numpy as np
import pytest

from dlnotes.bench.interval import RatioEstimate, ratio_interval


def test_constant_times_give_a_point_interval():
    e = ratio_interval([2.0] * 7, [1.0] * 7)
    assert (e.ratio, e.low, e.high, e.rounds) == (2.0, 2.0, 2.0, 7)
    assert e.width == 0.0 and e.excludes(1.0)


def test_interval_contains_the_ratio_and_is_seeded():
    rng = np.random.default_rng(1)
    a, b = rng.uniform(1.5, 2.5, 15), rng.uniform(0.8, 1.2, 15)
    e = ratio_interval(a, b)
    assert e.low <= e.ratio <= e.high
    assert ratio_interval(a, b) == e
    assert ratio_interval(a, b, seed=3) != e


def test_pairing_cancels_a_shared_slow_down():
    # every other round is twice as slow for both sides (another process):
    # paired, the ratio is exact
    slow = np.array([1.0, 2.0] * 6)
    paired = ratio_interval(3 * slow, slow, paired=True)
    unpaired = ratio_interval(3 * slow, slow, paired=False)
    assert paired.low == paired.high == 3.0
    assert unpaired.width > 0.5


def test_noisy_times_straddle_one():
    e = ratio_interval([1.0, 0.6, 1.5, 0.9, 1.3], [1.0, 1.2, 0.7, 1.1, 0.9])
    assert not e.excludes(1.0)


def test_inverse_and_scaled():
    e = RatioEstimate(4.0, 2.0, 8.0, 5)
    assert e.inverse() == RatioEstimate(0.25, 0.125, 0.5, 5)
    assert e.scaled(2.0) == RatioEstimate(2.0, 1.0, 4.0, 5)
    with pytest.raises(ValueError, match="factor"):
        e.scaled(0)


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([], [1.0]), {}, "candidate"),
        (([1.0], [0.0]), {}, "reference"),
        (([1.0, 2.0], [1.0]), {}, "equal lengths"),
        (([1.0], [1.0]), {"level": 1.0}, "level"),
        (([1.0], [1.0]), {"resamples": 0}, "resamples"),
    ],
)
def test_bad_arguments(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        ratio_interval(*args, **kwargs)
