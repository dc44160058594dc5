"""dlnotes.mobilenet.experiments.speed: the timing helpers return consistent numbers (not a timed test)."""

import pytest
from dlnotes.mobilenet.experiments import speed


def test_layer_result_theory_is_the_mult_add_ratio():
    r = speed.time_layer(8, 16, 32, repeats=1, warmup=0)
    assert r.theory == pytest.approx(1 / (1 / 32 + 1 / 9))
    assert r.mult_adds["depthwise"] == 8 * 8 * 16 * 9
    assert set(r.seconds) == {"separable block", "full block", "depthwise", "pointwise", "full conv"}
    assert r.speedup > 0 and r.gmacs("pointwise") > 0
    assert r.intensity["depthwise"] < r.intensity["pointwise"] < r.intensity["full conv"]


@pytest.mark.parametrize("layout", speed.LAYOUTS)
def test_backward_and_layouts_run(layout):
    r = speed.time_layer(8, 8, 8, batch=2, layout=layout, backward=True, repeats=1, warmup=0)
    assert all(s > 0 for s in r.seconds.values())


def test_network_result_theory_matches_counts():
    r = speed.time_network(resolution=32, width_mult=0.25, repeats=1, warmup=0)
    assert r.theory > 5
    assert r.efficiency == pytest.approx(r.speedup / r.theory)


def test_peaks():
    peaks = speed.measure_peaks(size=128, megabytes=1, repeats=1)
    assert peaks.gmacs > 0 and peaks.bandwidth_gbs > 0 and peaks.ridge > 0


def test_bad_input():
    with pytest.raises(ValueError, match="layout"):
        speed.time_layer(8, 8, 8, layout="nhwc")
    with pytest.raises(ValueError, match="batch"):
        speed.time_network(batch=0)
    with pytest.raises(ValueError, match="threads"):
        speed.measure_peaks(threads=0)
