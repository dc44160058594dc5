"""dlnotes.mobilenet.experiments.tradeoffs: configurations, the ρ transform, the fit, and one tiny training run."""

import numpy as np
import pytest
import torch
from dlnotes.mobilenet.experiments import tradeoffs as ex


def test_config_counts_and_rho():
    base, small = ex.Config(), ex.Config("separable", 1.0, 16)
    assert small.rho == pytest.approx(4 / 7)
    assert small.mult_adds < base.mult_adds
    assert small.params == base.params  # ρ changes compute, not parameters
    assert ex.Config("full").mult_adds > 5 * base.mult_adds


def test_matched_width_is_closest():
    target = ex.Config("shallow").mult_adds
    alpha = ex.matched_width(target)
    error = abs(ex.Config("separable", alpha).mult_adds - target)
    assert all(error <= abs(ex.Config("separable", a).mult_adds - target) for a in (0.5, 0.75, 1.0))


def test_resize_is_the_rho_knob():
    images = torch.rand(2, 1, 28, 28)
    out = ex.Resize(20)(images)
    assert out.shape == (2, 1, 20, 20)
    assert torch.allclose(ex.Resize(20)(torch.ones(1, 1, 28, 28)), torch.ones(1, 1, 20, 20))


def test_log_linear_fit_recovers_a_line():
    x = np.array([1e5, 1e6, 1e7])
    fit = ex.log_linear_fit(x, 0.5 + 0.1 * np.log10(x))
    assert fit.slope == pytest.approx(0.1) and fit.intercept == pytest.approx(0.5) and fit.r_squared == pytest.approx(1.0)


def test_one_epoch_trains_and_is_cached():
    config = ex.Config("separable", 0.25, 16)
    run = ex.train(config, 0, 1, 1e-2, 256)
    assert 0.0 <= run.test_accuracy <= 1.0 and len(run.curve) == 1
    assert ex.train(config, 0, 1, 1e-2, 256) is run


def test_bad_input():
    with pytest.raises(ValueError, match="variant"):
        ex.Config("wide")
    with pytest.raises(ValueError, match="width_mult"):
        ex.Config("separable", 0.0)
    with pytest.raises(ValueError, match="side"):
        ex.Config("separable", 1.0, 12)
    with pytest.raises(ValueError, match="epochs"):
        ex.Settings(epochs=0)
    with pytest.raises(ValueError, match="seeds"):
        ex.Settings(seeds=())
    with pytest.raises(ValueError, match="same length"):
        ex.log_linear_fit([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="> 0"):
        ex.log_linear_fit([0, 1, 2], [0.1, 0.2, 0.3])
