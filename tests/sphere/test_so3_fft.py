"""dlnotes.sphere.so3_fft: exact round trips, the Wigner-D series, Parseval,
bad input."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes.sphere.grid import so3_grid, so3_quadrature_weights
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.testing import random_so3_coefficients
from dlnotes.sphere.wigner import so3_offset, so3_size, wigner_D_packed


def random_coefficients(b: int, *batch: int, seed: int = 0) -> torch.Tensor:
    return random_so3_coefficients(b, *batch, seed=seed)


def test_round_trip_float64_at_b32(assert_round_trip):
    # the analysis sums (2b)³ ≈ 2.6e5 grid samples, ~100 times the size of the
    # coefficients: more roundings than the default allows
    assert_round_trip(so3_fft, so3_ifft, random_coefficients(32), k=1000)


@settings(max_examples=8, deadline=None)
@given(b=st.integers(1, 7), extra=st.integers(0, 3), seed=st.integers(0, 1000))
def test_round_trip_with_larger_output_grid(b, extra, seed):
    c = random_coefficients(b, 2, seed=seed)
    x = so3_ifft(c, b_out=b + extra)
    assert x.shape == (2, *(3 * (2 * (b + extra),)))
    assert (so3_fft(x, b_out=b) - c).abs().max().item() <= 1e-12


def test_synthesis_is_the_wigner_series():
    b = 5
    c = random_coefficients(b)
    beta, alpha, gamma = so3_grid(b, torch.float64)
    d = wigner_D_packed(
        b, alpha[None, :, None], beta[:, None, None], gamma[None, None, :]
    )
    assert (so3_ifft(c) - d @ c).abs().max().item() < 1e-13


def test_parseval():
    """∫ |f|² dR = Σ_l |f̂^l|² / (2l+1) with the normalised Haar measure."""
    b = 8
    c = random_coefficients(b, seed=2)
    x = so3_ifft(c)
    energy = (
        so3_quadrature_weights(b, torch.float64)[:, None, None] * x.abs() ** 2
    ).sum()
    spectral = sum(
        (c[so3_offset(l) : so3_offset(l + 1)].abs() ** 2).sum() / (2 * l + 1)
        for l in range(b)
    )
    assert energy.item() == pytest.approx(spectral.item(), rel=1e-12)


def test_float32():
    c = random_coefficients(8, seed=4)
    x = so3_ifft(c).real
    out = so3_fft(x.float())
    assert out.dtype == torch.complex64
    assert (out.to(torch.complex128) - so3_fft(x)).abs().max().item() < 1e-4


def test_gradient():
    x = torch.randn(4, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: torch.view_as_real(so3_fft(t)), (x,), fast_mode=True
    )
    c = torch.randn(so3_size(2), dtype=torch.complex128, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: torch.view_as_real(so3_ifft(t)), (c,), fast_mode=True
    )


def test_bad_input():
    with pytest.raises(
        ValueError, match=r"x must have shape \[..., 2b, 2b, 2b\]"
    ):
        so3_fft(torch.zeros(4, 4, 6))
    with pytest.raises(ValueError, match="equal even sizes"):
        so3_fft(torch.zeros(3, 3, 3))
    with pytest.raises(TypeError, match="floating or complex dtype"):
        so3_fft(torch.zeros(4, 4, 4, dtype=torch.int32))
    with pytest.raises(
        ValueError, match="b_out must be <= the signal's bandwidth"
    ):
        so3_fft(torch.zeros(4, 4, 4), b_out=3)
    with pytest.raises(ValueError, match=r"b\(4b²-1\)/3 entries"):
        so3_ifft(torch.zeros(11, dtype=torch.complex64))
    with pytest.raises(
        ValueError, match="b_out must be >= the coefficients' bandwidth"
    ):
        so3_ifft(torch.zeros(so3_size(3), dtype=torch.complex64), b_out=2)


def test_empty_batch_gives_an_empty_result():
    """torch's FFTs fail on an empty batch inside MKL; its layers return empty
    results, and so do the transforms."""
    with pytest.raises(RuntimeError, match="MKL FFT error"):
        torch.fft.fft2(torch.zeros(0, 8, 8, dtype=torch.complex64))
    x = torch.zeros(0, 2, 8, 8, 8, requires_grad=True)
    out = so3_fft(x, b_out=2)
    assert out.shape == (0, 2, so3_size(2)) and out.dtype == torch.complex64
    out.abs().sum().backward()
    assert x.grad.shape == x.shape
    back = so3_ifft(
        torch.zeros(0, so3_size(3), dtype=torch.complex128), b_out=4
    )
    assert back.shape == (0, 8, 8, 8) and back.dtype == torch.complex128


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32(dtype):
    """As s2_fft: torch's CPU FFTs reject half precision; the transform
    computes in float32, returns complex64."""
    x = so3_ifft(random_coefficients(3, 2)).real.to(dtype)
    out = so3_fft(x)
    assert out.dtype == torch.complex64 and torch.equal(
        out, so3_fft(x.float())
    )
    c = random_coefficients(2).real.to(dtype)
    assert torch.equal(so3_ifft(c), so3_ifft(c.float()))
