"""dlnotes.sphere.correlation: Fourier correlations equal the naive quadrature
and are equivariant."""

from functools import partial

import pytest
import torch

from dlnotes.sphere import correlation as corr
from dlnotes.sphere.rotation import so3_grid_rotations
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.testing import (
    assert_equivariant,
    random_s2_coefficients,
    random_so3_coefficients,
)
from dlnotes.sphere.wigner import so3_size

ANGLES = (0.3, 1.2, 2.5)

#: Each domain's random coefficients, their synthesis, the correlation and its
#: naive quadrature.
DOMAINS = {
    "s2": (
        random_s2_coefficients,
        s2_ifft,
        corr.s2_correlation,
        corr.naive_s2_correlation,
    ),
    "so3": (
        random_so3_coefficients,
        so3_ifft,
        corr.so3_correlation,
        corr.naive_so3_correlation,
    ),
}


def signal(domain, b, *shape, seed=0, real=True):
    """A random band-limited signal on ``domain`` ("s2" or "so3"), drawn as
    :mod:`dlnotes.sphere.testing` draws them; complex unless ``real``."""
    coefficients, synthesis, _, _ = DOMAINS[domain]
    x = synthesis(coefficients(b, *shape, seed=seed))
    return x.real if real else x


s2_signal = partial(signal, "s2")
so3_signal = partial(signal, "so3")


@pytest.mark.parametrize("real", [True, False])
@pytest.mark.parametrize(
    "domain, b, seed, out_shape",
    [("s2", 3, 1, (2, 4, 6, 6, 6)), ("so3", 2, 3, (2, 2, 4, 4, 4))],
)
def test_correlation_equals_naive(
    domain, b, seed, out_shape, real, assert_close
):
    f = signal(domain, b, 2, 3, seed=seed, real=real)
    psi = signal(domain, b, 3, out_shape[1], seed=seed + 1, real=real)
    *_, correlation, naive = DOMAINS[domain]
    fast = correlation(f, psi)
    assert fast.shape == out_shape and fast.is_complex() != real
    assert_close(fast, naive(f, psi))


def test_naive_with_a_function_filter(assert_close):
    """ψ(G) = G_00² + G_12 is a polynomial of degree 2 in the matrix entries:
    band-limited (l ≤ 2)."""

    def psi(g):
        return (g[..., 0, 0] ** 2 + g[..., 1, 2])[..., None, None]

    b = 3
    f = so3_signal(b, 1, seed=5)
    samples = (
        psi(so3_grid_rotations(b))
        .reshape(2 * b, 2 * b, 2 * b, 1, 1)
        .permute(3, 4, 0, 1, 2)
    )
    assert_close(
        corr.so3_correlation(f, samples), corr.naive_so3_correlation(f, psi)
    )


def test_s2_correlation_is_equivariant(tolerance):
    f, psi = s2_signal(6, 2, seed=6), s2_signal(6, 2, 3, seed=7)
    assert_equivariant(
        lambda x: corr.s2_correlation(x, psi),
        f,
        ANGLES,
        tolerance=tolerance(torch.float64),
    )


def test_so3_correlation_is_equivariant(tolerance):
    f, psi = so3_signal(5, 2, seed=8), so3_signal(5, 2, 3, seed=9)
    assert_equivariant(
        lambda x: corr.so3_correlation(x, psi),
        f,
        ANGLES,
        domain="so3",
        tolerance=tolerance(torch.float64),
    )


def test_spectral_cores_compose_with_the_ffts():
    f, psi = s2_signal(4, 5, 2, seed=10), s2_signal(4, 2, 3, seed=11)
    out = so3_ifft(corr.s2_spectral_correlation(s2_fft(f), s2_fft(psi)))
    assert out.shape == (5, 3, 8, 8, 8)
    g, phi = so3_signal(3, 2, seed=12), so3_signal(3, 2, 4, seed=13)
    assert corr.so3_spectral_correlation(so3_fft(g), so3_fft(phi)).shape == (
        4,
        so3_size(3),
    )


def test_real_signal_forms_the_pages_print():
    """For real signals the theorems read, per degree l, conj(f̂_l) ψ̂_lᵀ (S²)
    and f̂^l ψ̂^l† / (2l+1) (SO(3)): the conjugate on f̂ for S², on ψ̂ for
    SO(3), and the 1/(2l+1) only on SO(3)."""
    b = 4
    f_hat = s2_fft(s2_signal(b, 1, seed=20))[0]
    psi_hat = s2_fft(s2_signal(b, 1, 1, seed=21))[0, 0]
    out = corr.s2_spectral_correlation(f_hat[None], psi_hat[None, None])[0]
    g_hat = so3_fft(so3_signal(b, 1, seed=22))[0]
    phi_hat = so3_fft(so3_signal(b, 1, 1, seed=23))[0, 0]
    so3_out = corr.so3_spectral_correlation(g_hat[None], phi_hat[None, None])
    start = 0
    for l in range(b):
        f_l, psi_l = f_hat[l * l : (l + 1) ** 2], psi_hat[l * l : (l + 1) ** 2]
        width = (2 * l + 1) ** 2
        block = out[start : start + width].reshape(2 * l + 1, 2 * l + 1)
        torch.testing.assert_close(block, torch.outer(f_l.conj(), psi_l))
        g_l, phi_l = (
            t[start : start + width].reshape(2 * l + 1, 2 * l + 1)
            for t in (g_hat, phi_hat)
        )
        so3_block = so3_out[0, start : start + width].reshape(2 * l + 1, -1)
        torch.testing.assert_close(
            so3_block, g_l @ phi_l.conj().T / (2 * l + 1)
        )
        start += width


def test_gradients_reach_both_arguments():
    f = s2_signal(2, 1, 1, seed=14).requires_grad_()
    psi = s2_signal(2, 1, 1, seed=15).requires_grad_()
    assert torch.autograd.gradcheck(
        corr.s2_correlation, (f, psi), fast_mode=True
    )


def test_bad_input():
    f, psi = s2_signal(2, 3), s2_signal(2, 2, 4)
    with pytest.raises(ValueError, match="psi's F_in"):
        corr.s2_correlation(f, psi)
    with pytest.raises(ValueError, match="same grid"):
        corr.s2_correlation(f, s2_signal(3, 3, 4))
    with pytest.raises(
        ValueError, match=r"psi must have shape \[F_in, F_out, grid\]"
    ):
        corr.s2_correlation(f, s2_signal(2, 3))
    with pytest.raises(ValueError, match="must have a channel axis"):
        corr.so3_correlation(so3_signal(2), so3_signal(2, 1, 1))
    with pytest.raises(TypeError, match="f_hat must be a complex"):
        corr.s2_spectral_correlation(
            torch.zeros(3, 4), torch.zeros(3, 2, 4, dtype=torch.complex64)
        )
    with pytest.raises(ValueError, match="must agree in F_in and n"):
        corr.so3_spectral_correlation(
            torch.zeros(3, 10, dtype=torch.complex64),
            torch.zeros(2, 2, 10, dtype=torch.complex64),
        )
