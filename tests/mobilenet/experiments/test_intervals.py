"""dlnotes.mobilenet.experiments.intervals: t intervals of paired effects and
their verdicts."""

import math

import numpy as np
import pytest

from dlnotes import verdicts
from dlnotes.mobilenet.experiments import intervals as iv


def test_mean_interval_by_hand():
    x = [1.0, 2.0, 3.0, 4.0, 5.0]
    interval = iv.mean_interval(x)
    stderr = np.std(x, ddof=1) / math.sqrt(5)
    assert interval.mean == 3.0 and interval.stderr == pytest.approx(stderr)
    t4 = 2.7764451  # the 97.5 % quantile of t with 4 degrees of freedom
    assert interval.low == pytest.approx(
        3.0 - t4 * stderr
    ) and interval.high == pytest.approx(3.0 + t4 * stderr)
    assert interval.excludes(0.0) and not interval.excludes(3.5)
    points = interval.scaled(-100)
    assert (
        points.mean == -300
        and points.low == pytest.approx(-100 * interval.high)
        and points.stderr == pytest.approx(100 * stderr)
    )


def test_verdict_follows_the_interval():
    resolved = iv.mean_interval([-1.0, -1.2, -0.9, -1.1, -1.0])
    assert (
        iv.interval_verdict(resolved, paper=-1.1, tolerance=0.1)
        == verdicts.REPRODUCED
    )
    assert iv.interval_verdict(resolved, paper=-5.0) == verdicts.SAME_DIRECTION
    assert iv.interval_verdict(resolved, paper=3.1) == verdicts.CONTRADICTED
    straddling = iv.mean_interval([-1.0, 1.2, -0.9, 0.5, 0.1])
    assert not straddling.excludes(0.0)
    assert iv.interval_verdict(straddling, paper=-1.1) == verdicts.NOT_RESOLVED


def test_bad_input():
    with pytest.raises(ValueError, match="at least 2"):
        iv.mean_interval([1.0])
    with pytest.raises(ValueError, match="finite"):
        iv.mean_interval([1.0, float("nan")])


def test_describe_chooses_its_words_from_the_interval():
    better = iv.mean_interval([1.0, 1.2, 0.9, 1.1, 1.0])
    worse = better.scaled(-1)
    unsure = iv.mean_interval([-1.0, 1.2, -0.9, 0.5, 0.1])
    assert iv.describe(better, "A wins", "B wins").endswith(": A wins")
    assert iv.describe(worse, "A wins", "B wins").endswith(": B wins")
    text = iv.describe(unsure, "A wins", "B wins")
    assert "includes zero" in text and "wins" not in text and "5 seeds" in text
