"""dlnotes.sphere.experiments.equivariance: Experiment 1 (Δ) on small sizes."""

import numpy as np
import pytest
import torch

from dlnotes.sphere.experiments.equivariance import (
    equivariance_errors,
    equivariance_experiment,
    random_so3_signals,
)
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft


def test_random_signals_are_real_band_limited_and_of_unit_scale(assert_close):
    x = random_so3_signals(3, 2, 4, torch.Generator().manual_seed(0))
    assert x.shape == (3, 2, 8, 8, 8) and x.dtype == torch.float64
    assert_close(so3_ifft(so3_fft(x)).real, x)
    torch.testing.assert_close(
        x.std(dim=(-4, -3, -2, -1)), torch.ones(3, dtype=torch.float64)
    )


@pytest.mark.parametrize(
    "dtype, low, high",
    [(torch.float64, 0, 1e-12), (torch.float32, 1e-9, 1e-5)],
)
def test_linear_stacks_are_equivariant_to_rounding(dtype, low, high):
    errors = equivariance_errors(
        b=4, depth=2, relu=False, dtype=dtype, n_rotations=3, channels=3
    )
    assert errors.shape == (2, 3)
    assert low <= errors.max() < high


def test_relu_breaks_exact_equivariance_from_the_second_layer_on():
    errors = equivariance_errors(
        b=4, depth=2, relu=True, dtype=torch.float64, n_rotations=2, channels=3
    )
    assert errors[0].max() < 1e-12  # no ReLU before the first layer
    assert errors[1].min() > 1e-4  # aliasing of the ReLU output


def test_chunking_does_not_change_the_result(tolerance):
    whole = equivariance_errors(
        b=3, depth=2, relu=True, n_rotations=3, channels=2
    )
    chunked = equivariance_errors(
        b=3, depth=2, relu=True, n_rotations=3, channels=2, chunk=1
    )
    # The errors are relative errors: exact layers give a few float64 rounding
    # errors (~1e-15), which chunking may change by as much again, so those
    # are compared absolutely, at rounding level of a relative error (scale
    # 1); ReLU-broken ones (~1e-3) must agree to 10 digits.
    np.testing.assert_allclose(
        chunked, whole, rtol=1e-10, atol=tolerance(np.float64)
    )


def test_experiment_collects_every_setting():
    result = equivariance_experiment(
        bandwidths=(2, 3), depth=2, n_rotations={2: 2, 3: 1}, channels=2
    )
    frame = result.frame()
    assert len(frame) == 2 * 2 * 2 * 2  # b, relu, dtype, depth
    assert set(frame["n"]) == {1, 2}
    assert result.delta(3, 2, True, "float64") == pytest.approx(
        frame.query("b == 3 and depth == 2 and relu and dtype == 'float64'")[
            "delta"
        ].item()
    )


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: equivariance_errors(b=0, depth=1, relu=False),
            "b must be >= 1",
        ),
        (
            lambda: equivariance_errors(b=2, depth=0, relu=False),
            "depth must be >= 1",
        ),
        (
            lambda: equivariance_errors(
                b=2, depth=1, relu=False, dtype=torch.float16
            ),
            "dtype must be",
        ),
        (
            lambda: equivariance_experiment(
                bandwidths=(2, 3), n_rotations={2: 1}
            ),
            "missing",
        ),
        (
            lambda: equivariance_experiment(
                bandwidths=(2,), dtypes=("bfloat16",)
            ),
            "dtypes must be drawn",
        ),
    ],
)
def test_bad_arguments(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_growth_fits_recognise_logarithmic_and_linear_growth():
    import numpy as np
    import pandas as pd

    from dlnotes.sphere.experiments.equivariance import growth_fits

    rows = [
        {
            "b": b,
            "depth": d,
            "relu": False,
            "dtype": "float64",
            "delta": 1e-15 * d * np.log2(b),
            "max": 0.0,
            "n": 1,
        }
        for b in (4, 8, 16, 32)
        for d in (1, 2, 3)
    ]
    rows.append(
        {
            "b": 4,
            "depth": 1,
            "relu": True,
            "dtype": "float64",
            "delta": 0.2,
            "max": 0.2,
            "n": 1,
        }
    )
    fits = growth_fits(pd.DataFrame(rows))
    # three depths against log2 b, four bandwidths against depth
    assert len(fits) == 3 + 4
    assert np.allclose(fits["R2"], 1.0)
    assert np.allclose(fits.query("against == 'depth'")["growth"], 3.0)
    assert np.allclose(fits.query("against == 'log2 b'")["growth"], 5 / 2)
