"""dlnotes.sphere.wigner: small-d against SymPy, unitarity, orthogonality,
composition, packings."""

import math

import pytest
import sympy
import torch
from scipy.special import sph_harm_y
from sympy.physics.wigner import wigner_d_small

from dlnotes.sphere.grid import s2_grid, s2_quadrature_weights
from dlnotes.sphere.rotation import euler_to_matrix, matrix_to_euler
from dlnotes.sphere.wigner import (
    euler_angles,
    so3_size,
    so3_wigner_table,
    spherical_harmonics,
    wigner_D,
    wigner_d,
    wigner_d_all,
    wigner_d_iter,
    wigner_D_packed,
)


@pytest.mark.parametrize(
    "beta", [sympy.pi / 7, sympy.Rational(2, 3), 2 * sympy.pi / 3]
)
def test_small_d_equals_sympy(beta):
    for l in range(6):
        m = wigner_d_small(l, beta)
        ref = torch.tensor(
            [
                [float(m[i, j].evalf(30)) for j in range(2 * l + 1)]
                for i in range(2 * l + 1)
            ]
        )
        assert torch.allclose(
            wigner_d(l, float(beta)), ref.double(), atol=1e-14
        )


def test_convention_d1_10():
    assert wigner_d(1, 0.7)[2, 1].item() == pytest.approx(
        -math.sin(0.7) / math.sqrt(2), abs=1e-15
    )


PAIRS = [(0, 0), (0, 1), (3, -2), (10, 10), (-20, 7)]


@pytest.fixture(scope="module")
def sweep_64():
    """One pass of the recursion over the b = 64 grid (all l < 64): worst
    unitarity error on 16 of the angles, the columns ``d^l_mn(β_j)`` for
    ``PAIRS``, and weights with Σ_j w_j g(β_j) = ∫ g sin β dβ."""
    beta, _ = s2_grid(64, torch.float64)
    weights = s2_quadrature_weights(64, torch.float64) * 2 * 64 / (2 * math.pi)
    worst = 0.0
    columns = {pair: [] for pair in PAIRS}
    for l, d in enumerate(wigner_d_iter(63, beta)):
        some = d[::8]
        worst = max(
            worst,
            (
                some @ some.transpose(-1, -2)
                - torch.eye(2 * l + 1, dtype=torch.float64)
            )
            .abs()
            .max()
            .item(),
        )
        for m, n in PAIRS:
            if max(abs(m), abs(n)) <= l:
                columns[(m, n)].append(d[:, l + m, l + n])
    return worst, columns, weights


def test_unitarity_all_degrees_below_64(sweep_64):
    assert sweep_64[0] <= 1e-12


@pytest.mark.parametrize("m, n", PAIRS)
def test_orthogonality_in_l_all_degrees_below_64(sweep_64, m, n):
    """∫_0^π d^l_mn d^l'_mn sin β dβ = 2/(2l+1) δ_ll', by the exact
    quadrature."""
    _, columns, weights = sweep_64
    lo = max(abs(m), abs(n))
    rows = torch.stack(columns[(m, n)])
    gram = (rows * weights) @ rows.T
    expected = torch.diag(
        2.0 / (2 * torch.arange(lo, 64, dtype=torch.float64) + 1)
    )
    assert (gram - expected).abs().max().item() <= 1e-12


def test_D_composes_like_rotations():
    g = torch.Generator().manual_seed(0)
    a1, b1, c1, a2, b2, c2 = (
        torch.rand(5, generator=g, dtype=torch.float64) * 3 for _ in range(6)
    )
    a12, b12, c12 = matrix_to_euler(
        euler_to_matrix(a1, b1, c1) @ euler_to_matrix(a2, b2, c2)
    )
    for l in (1, 4, 9):
        lhs = wigner_D(l, a12, b12, c12)
        rhs = wigner_D(l, a1, b1, c1) @ wigner_D(l, a2, b2, c2)
        assert (lhs - rhs).abs().max().item() < 1e-12


def test_spherical_harmonics_equal_scipy():
    beta = torch.tensor([0.1, 1.3, 2.9], dtype=torch.float64)
    alpha = torch.tensor([0.4, 5.0, 2.2], dtype=torch.float64)
    ours = spherical_harmonics(7, beta, alpha)
    ref = torch.tensor(
        [
            [
                complex(sph_harm_y(l, m, t, p))
                for l in range(7)
                for m in range(-l, l + 1)
            ]
            for t, p in zip(beta.tolist(), alpha.tolist(), strict=True)
        ],
        dtype=torch.complex128,
    )
    assert ours.shape == (3, 49)
    assert (ours - ref).abs().max().item() < 1e-13


def test_packed_D_matches_blocks():
    alpha, beta, gamma = (
        torch.tensor(0.3, dtype=torch.float64),
        torch.tensor(1.1),
        torch.tensor(2.0),
    )
    packed = wigner_D_packed(4, alpha, beta.double(), gamma.double())
    assert packed.shape == (so3_size(4),) and packed.dtype == torch.complex128
    blocks = torch.cat(
        [
            wigner_D(l, alpha, beta.double(), gamma.double()).flatten()
            for l in range(4)
        ]
    )
    assert (packed - blocks).abs().max().item() < 1e-14
    assert wigner_D_packed(3, beta, beta, beta).dtype == torch.complex64


def test_fft_table_uses_the_beta_reflection_correctly():
    beta, _ = s2_grid(6, torch.float64)
    direct = wigner_d_all(5, beta)
    table = so3_wigner_table(6, torch.float64, torch.device("cpu"))
    assert (
        max(
            (a - b).abs().max().item()
            for a, b in zip(direct, table, strict=True)
        )
        < 1e-13
    )


def test_gradient_flows_through_beta():
    beta = torch.tensor(0.8, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: wigner_d(3, t), (beta,), fast_mode=True
    )


def test_bad_input():
    with pytest.raises(TypeError, match="l must be an int"):
        wigner_d(1.5, 0.1)
    with pytest.raises(ValueError, match="l must be a degree >= 0"):
        wigner_d(-1, 0.1)
    with pytest.raises(TypeError, match="beta must be a real floating"):
        wigner_d(2, torch.tensor([1, 2]))
    with pytest.raises(TypeError, match="alpha must be a real floating"):
        wigner_D(2, "x", 0.1, 0.2)


def test_euler_angles_are_float64_tensors_broadcast_together():
    a, b, g = euler_angles(0.5, torch.zeros(3, dtype=torch.float32), 1)
    assert all(t.dtype == torch.float64 and t.shape == (3,) for t in (a, b, g))
    assert a.tolist() == [0.5] * 3 and g.tolist() == [1.0] * 3
    with pytest.raises(TypeError, match="alpha"):
        euler_angles("0", 0.0, 0.0)
