"""dlnotes.sphere.grid: the SOFT grids and their exact quadrature."""

import math

import pytest
import torch

from dlnotes.sphere.grid import (
    s2_grid,
    s2_quadrature_weights,
    so3_grid,
    so3_quadrature_weights,
)


def test_grid_points_follow_the_soft_formulas():
    beta, alpha = s2_grid(4, torch.float64)
    assert beta.shape == alpha.shape == (8,)
    assert torch.allclose(
        beta, math.pi * (2 * torch.arange(8, dtype=torch.float64) + 1) / 16
    )
    assert torch.allclose(
        alpha, 2 * math.pi * torch.arange(8, dtype=torch.float64) / 8
    )
    b3, a3, g3 = so3_grid(4, torch.float64)
    assert (
        torch.equal(b3, beta)
        and torch.equal(a3, alpha)
        and torch.equal(g3, alpha)
    )


def test_dtype_and_device_keywords():
    beta, _ = s2_grid(3)
    assert beta.dtype == torch.get_default_dtype()
    assert (
        s2_quadrature_weights(3, dtype=torch.float64, device="cpu").dtype
        == torch.float64
    )
    assert so3_quadrature_weights(3, torch.float32).dtype == torch.float32


@pytest.mark.parametrize("b", [1, 2, 5, 16])
def test_normalisations(b):
    assert (
        2 * b * s2_quadrature_weights(b, torch.float64).sum()
    ).item() == pytest.approx(4 * math.pi, rel=1e-13)
    assert (
        (2 * b) ** 2 * so3_quadrature_weights(b, torch.float64).sum()
    ).item() == pytest.approx(1.0, rel=1e-13)


@pytest.mark.parametrize("b", [3, 8])
def test_quadrature_is_exact_below_degree_2b(b):
    beta, _ = s2_grid(b, torch.float64)
    # ∫_0^π · sin β dβ
    w = s2_quadrature_weights(b, torch.float64) * 2 * b / (2 * math.pi)
    for k in range(2 * b):
        exact = 2.0 / (k + 1) if k % 2 == 0 else 0.0  # ∫_{-1}^{1} t^k dt
        assert (w * torch.cos(beta) ** k).sum().item() == pytest.approx(
            exact, abs=1e-13
        )


def test_bad_bandwidth():
    with pytest.raises(TypeError, match="b must be an int"):
        s2_grid(2.0)
    with pytest.raises(ValueError, match="b must be a bandwidth >= 1"):
        so3_quadrature_weights(0)
    with pytest.raises(TypeError, match="dtype must be a real floating dtype"):
        s2_grid(2, dtype=torch.int64)
