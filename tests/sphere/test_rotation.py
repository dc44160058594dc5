"""dlnotes.sphere.rotation: Euler angles, exact spectral rotation against the
geometric definition and healpy."""

import math

import healpy as hp
import pytest
import torch

from dlnotes.sphere.grid import s2_grid, so3_grid
from dlnotes.sphere.healpix import from_healpy_alm, to_healpy_alm
from dlnotes.sphere.rotation import (
    euler_to_matrix,
    matrix_to_euler,
    s2_rotate,
    so3_grid_rotations,
    so3_rotate,
)
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_ifft
from dlnotes.sphere.wigner import (
    so3_size,
    spherical_harmonics,
    wigner_D_packed,
)

ANGLES = (0.4, 1.1, 2.0)


def test_euler_round_trip_including_poles():
    g = torch.Generator().manual_seed(0)
    a = torch.rand(500, generator=g, dtype=torch.float64) * 2 * math.pi
    b = torch.rand(500, generator=g, dtype=torch.float64) * math.pi
    c = torch.rand(500, generator=g, dtype=torch.float64) * 2 * math.pi
    b[:3] = torch.tensor([0.0, math.pi, 1e-9], dtype=torch.float64)
    r = euler_to_matrix(a, b, c)
    assert (
        euler_to_matrix(*matrix_to_euler(r)) - r
    ).abs().max().item() < 1e-14
    assert (
        r @ r.transpose(-1, -2) - torch.eye(3, dtype=torch.float64)
    ).abs().max().item() < 1e-14


def test_grid_rotations_follow_the_signal_order():
    b = 2
    beta, alpha, gamma = so3_grid(b, torch.float64)
    # (β, α, γ)
    rotations = so3_grid_rotations(b).reshape(2 * b, 2 * b, 2 * b, 3, 3)
    assert torch.equal(
        rotations[1, 2, 3], euler_to_matrix(alpha[2], beta[1], gamma[3])
    )
    with pytest.raises(ValueError, match="b must be a bandwidth >= 1, got 0"):
        so3_grid_rotations(0)


def test_s2_rotate_equals_the_geometric_definition():
    """(L_R f)(x) = f(R⁻¹x), f evaluated off the grid by its harmonic
    series."""
    b = 6
    c = torch.view_as_complex(
        torch.randn(
            b * b,
            2,
            dtype=torch.float64,
            generator=torch.Generator().manual_seed(1),
        )
    )
    x = s2_ifft(c)
    beta, alpha = s2_grid(b, torch.float64)
    points = torch.stack(
        [
            torch.sin(beta)[:, None] * torch.cos(alpha),
            torch.sin(beta)[:, None] * torch.sin(alpha),
            torch.cos(beta)[:, None].expand(-1, 2 * b),
        ],
        -1,
    )
    moved = points @ euler_to_matrix(*ANGLES)  # rows Rᵀx = R⁻¹x
    beta_m = torch.atan2(
        torch.hypot(moved[..., 0], moved[..., 1]), moved[..., 2]
    )
    alpha_m = torch.atan2(moved[..., 1], moved[..., 0])
    expected = spherical_harmonics(b, beta_m, alpha_m) @ c
    assert (s2_rotate(x, *ANGLES) - expected).abs().max().item() < 1e-13


def test_so3_rotate_equals_the_geometric_definition():
    b = 5
    c = torch.view_as_complex(
        torch.randn(
            so3_size(b),
            2,
            dtype=torch.float64,
            generator=torch.Generator().manual_seed(2),
        )
    )
    x = so3_ifft(c)
    beta, alpha, gamma = so3_grid(b, torch.float64)
    q = euler_to_matrix(
        alpha[None, :, None], beta[:, None, None], gamma[None, None, :]
    )
    moved = euler_to_matrix(*ANGLES).T @ q
    expected = wigner_D_packed(b, *matrix_to_euler(moved)) @ c
    assert (so3_rotate(x, *ANGLES) - expected).abs().max().item() < 1e-12


def test_s2_rotate_matches_healpy_rotate_alm():
    """healpy's rotate_alm(alm, psi, theta, phi) applies R_z(psi)... in its own
    order: ours is (γ, β, α)."""
    b = 10
    x = s2_ifft(
        torch.view_as_complex(torch.randn(b * b, 2, dtype=torch.float64))
    ).real
    alm = to_healpy_alm(s2_fft(x))
    alpha, beta, gamma = ANGLES
    hp.rotate_alm(alm, gamma, beta, alpha, lmax=b - 1)
    assert (
        s2_fft(s2_rotate(x, *ANGLES)) - from_healpy_alm(alm, b - 1)
    ).abs().max().item() < 1e-12


def test_rotations_compose_and_keep_dtype():
    b = 4
    x = s2_ifft(torch.randn(b * b, dtype=torch.complex128)).real.float()
    # a batch of two rotations
    y = s2_rotate(x, torch.tensor([0.1, 0.2]), 0.3, 0.0)
    assert y.shape == (2, 2 * b, 2 * b) and y.dtype == torch.float32
    r = euler_to_matrix(*ANGLES) @ euler_to_matrix(0.3, 0.5, 0.7)
    both = s2_rotate(s2_rotate(x.double(), 0.3, 0.5, 0.7), *ANGLES)
    assert (
        s2_rotate(x.double(), *matrix_to_euler(r)) - both
    ).abs().max().item() < 1e-12


def test_bad_input():
    with pytest.raises(
        ValueError, match=r"x must have shape \[..., 2b, 2b, 2b\]"
    ):
        so3_rotate(torch.zeros(4, 4), 0.0, 0.0, 0.0)
    with pytest.raises(TypeError, match="alpha must be a real floating"):
        s2_rotate(torch.zeros(4, 4), "a", 0.0, 0.0)
