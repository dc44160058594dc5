"""dlnotes.sphere.s2_fft: exact round trips, Parseval, agreement with healpy,
memory, edge cases, bad input."""

import importlib

import healpy as hp
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from dlnotes.sphere.grid import s2_grid, s2_quadrature_weights
from dlnotes.sphere.healpix import from_healpy_alm
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.table_cache import (
    TABLES,
    clear_table_cache,
    table_cache_info,
)
from dlnotes.sphere.testing import random_s2_coefficients
from dlnotes.sphere.wigner import spherical_harmonics

# the package exports the function under the same name
s2_fft_module = importlib.import_module("dlnotes.sphere.s2_fft")


def random_coefficients(
    b: int, *batch: int, seed: int = 0, real: bool = False
) -> torch.Tensor:
    """Coefficients of a random band-limited function (of a real one if
    ``real``)."""
    c = random_s2_coefficients(b, *batch, seed=seed)
    if real:
        c = s2_fft(s2_ifft(c).real)
    return c


def test_round_trip_float64_at_b32(assert_round_trip):
    assert_round_trip(s2_fft, s2_ifft, random_coefficients(32, 3))


@settings(max_examples=10, deadline=None)
@given(
    b=st.integers(1, 12), extra=st.integers(0, 5), seed=st.integers(0, 1000)
)
def test_round_trip_with_larger_output_grid(b, extra, seed):
    c = random_coefficients(b, 2, seed=seed)
    x = s2_ifft(c, b_out=b + extra)
    assert x.shape == (2, 2 * (b + extra), 2 * (b + extra))
    assert (s2_fft(x, b_out=b) - c).abs().max().item() <= 1e-12
    assert (
        (s2_fft(x)[..., b * b :]).abs().max().item() <= 1e-12
        if extra
        else True
    )


def test_synthesis_is_the_harmonic_series():
    c = random_coefficients(6)
    beta, alpha = s2_grid(6, torch.float64)
    direct = spherical_harmonics(6, beta[:, None], alpha[None, :]) @ c
    assert (s2_ifft(c) - direct).abs().max().item() < 1e-13


def test_parseval():
    c = random_coefficients(16, seed=3)
    x = s2_ifft(c)
    w = s2_quadrature_weights(16, torch.float64)[:, None]
    energy = (w * x.abs() ** 2).sum()
    assert energy.item() == pytest.approx(
        (c.abs() ** 2).sum().item(), rel=1e-12
    )


def test_float32_accuracy_and_dtypes():
    c = random_coefficients(16, seed=1)
    x = s2_ifft(c).real.float()
    out = s2_fft(x)
    assert out.dtype == torch.complex64
    assert (
        out.to(torch.complex128) - s2_fft(x.double())
    ).abs().max().item() < 1e-4


def test_matches_healpy_map2alm():
    """A band-limited real map on HEALPix (lmax ≤ 2 nside), analysed by healpy
    with iterations."""
    b, nside = 12, 16
    c = random_coefficients(b, seed=5, real=True)
    x = s2_ifft(c).real
    theta, phi = hp.pix2ang(nside, np.arange(hp.nside2npix(nside)))
    ys = spherical_harmonics(b, torch.from_numpy(theta), torch.from_numpy(phi))
    healpix_map = (ys @ c).real.numpy()
    alm = hp.map2alm(
        healpix_map,
        lmax=b - 1,
        iter=10,
        use_pixel_weights=False,
        use_weights=False,
    )
    theirs = from_healpy_alm(alm, b - 1)
    ours = s2_fft(x)
    assert (ours - theirs).abs().max().item() < 1e-6 * c.abs().max().item()


@pytest.mark.parametrize(
    ("dtype", "b_out"),
    [(torch.float64, None), (torch.float64, 2), (torch.complex128, 3)],
)
def test_gradient(dtype, b_out):
    """The backward pass is the adjoint, w_j s2_ifft(g), for real and complex
    signals and a lower output bandwidth; it is differentiable in turn."""
    x = torch.randn(2, 8, 8, dtype=dtype, requires_grad=True)
    for check in (torch.autograd.gradcheck, torch.autograd.gradgradcheck):
        assert check(
            lambda t: torch.view_as_real(s2_fft(t, b_out)),
            (x,),
            fast_mode=True,
        )


def test_bad_input():
    with pytest.raises(ValueError, match=r"x must have shape \[..., 2b, 2b\]"):
        s2_fft(torch.zeros(4, 6))
    with pytest.raises(ValueError, match="equal even sizes"):
        s2_fft(torch.zeros(5, 5))
    with pytest.raises(TypeError, match="floating or complex dtype"):
        s2_fft(torch.zeros(4, 4, dtype=torch.int64))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        s2_fft(np.zeros((4, 4)))
    with pytest.raises(
        ValueError, match="b_out must be <= the signal's bandwidth"
    ):
        s2_fft(torch.zeros(4, 4), b_out=3)
    with pytest.raises(ValueError, match="b² entries"):
        s2_ifft(torch.zeros(5, dtype=torch.complex64))
    with pytest.raises(
        ValueError, match="b_out must be >= the coefficients' bandwidth"
    ):
        s2_ifft(torch.zeros(9, dtype=torch.complex64), b_out=2)
    with pytest.raises(TypeError, match="b_out must be an int"):
        s2_ifft(torch.zeros(9, dtype=torch.complex64), b_out=2.5)


def test_tables_use_the_symmetries():
    """One table for both directions, orders m >= 0, northern rows, degrees l
    >= m: about b³/2 numbers."""
    b = 64
    clear_table_cache()
    c = s2_fft(s2_ifft(random_coefficients(b, 2)).real)
    s2_ifft(c)
    info = table_cache_info()
    # the analysis and synthesis tables [2b-1, 2b, b] in float64
    full = 2 * (2 * b - 1) * (2 * b) * b * 8
    assert info.nbytes < 1.15 * b * b * (b + 1) / 2 * 8 + 2**20 < full / 7


def test_streamed_tables_give_the_same_result(monkeypatch):
    """A table larger than the budget is built block by block during the call
    and not kept."""
    b = 40
    x = s2_ifft(random_coefficients(b, 3, seed=7)).real
    z = s2_ifft(random_coefficients(b, 2, seed=8))

    def transforms():
        return (
            s2_fft(x),
            s2_fft(z),
            s2_ifft(s2_fft(x)),
            s2_fft(x, b_out=17),
            s2_ifft(random_coefficients(17, seed=2), b_out=b),
        )

    cached = transforms()
    clear_table_cache()
    monkeypatch.setattr(TABLES, "budget", 0)
    streamed = transforms()
    assert table_cache_info().entries == 0
    for a, b_ in zip(cached, streamed, strict=True):
        assert torch.equal(a, b_)


def test_size_check_fails_fast_stating_the_memory_needed(monkeypatch):
    # b = 32768 without allocating the map
    huge = torch.zeros(()).expand(2**16, 2**16)
    with pytest.raises(
        MemoryError,
        match=(
            r"s2_fft of 1 signal\(s\) at b = 32768, b_out = 32768 in"
            r" torch.float32 needs about [0-9.]+ GiB"
        ),
    ):
        s2_fft(huge)
    with pytest.raises(
        MemoryError,
        match=(
            r"s2_ifft of 1 signal\(s\) at b = 4, b_out = 32768 .* needs about"
        ),
    ):
        s2_ifft(torch.zeros(16, dtype=torch.complex64), b_out=2**15)
    monkeypatch.setattr(s2_fft_module, "CHECKED_ABOVE", 0)
    monkeypatch.setattr(
        s2_fft_module, "_available_bytes", lambda device: 2**10
    )
    with pytest.raises(
        MemoryError,
        match=(
            r"s2_fft of 3 signal\(s\) at b = 8, b_out = 8 in torch.float64"
            r" needs about 0\.00 GiB of memory, more than the 0\.00 GiB"
            r" available"
        ),
    ):
        s2_fft(torch.zeros(3, 16, 16, dtype=torch.float64))


def test_empty_batch_like_torch():
    """torch's FFTs fail on an empty batch inside MKL; its layers return an
    empty result and empty gradients."""
    x = torch.zeros(0, 2, 8, 8, requires_grad=True)
    out = s2_fft(x, b_out=3)
    assert out.shape == (0, 2, 9) and out.dtype == torch.complex64
    out.abs().sum().backward()
    conv_input = torch.zeros(0, 2, 8, 8, requires_grad=True)
    torch.nn.functional.conv2d(
        conv_input, torch.ones(1, 2, 3, 3)
    ).sum().backward()
    assert x.grad.shape == conv_input.grad.shape == x.shape
    assert s2_fft(torch.zeros(0, 8, 8, dtype=torch.complex128)).shape == (
        0,
        16,
    )
    back = s2_ifft(torch.zeros(4, 0, 9, dtype=torch.complex128), b_out=5)
    assert back.shape == (4, 0, 10, 10) and back.dtype == torch.complex128


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental")
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32(dtype):
    """torch's CPU FFTs reject float16/bfloat16; the transforms compute in
    float32 and return complex64."""
    with pytest.raises(RuntimeError, match="Unsupported dtype"):
        torch.fft.rfft(torch.zeros(8, dtype=dtype))
    x = s2_ifft(random_coefficients(6, 2, real=True)).real.to(dtype)
    out = s2_fft(x)
    assert out.dtype == torch.complex64 and torch.equal(out, s2_fft(x.float()))
    c = random_coefficients(4).real.to(dtype)
    assert torch.equal(s2_ifft(c), s2_ifft(c.float()))
    assert torch.equal(
        s2_fft(x.float().to(torch.complex32)),
        s2_fft(x.float().to(torch.complex32).to(torch.complex64)),
    )
