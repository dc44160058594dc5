"""dlnotes.sphere.real_fft: the real-signal SO(3) transforms equal the general
ones."""

import pytest
import torch

from dlnotes.sphere.real_fft import (
    half_to_packed,
    packed_to_half,
    so3_irfft,
    so3_irfft_half,
    so3_rfft,
    so3_rfft_half,
)
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.wigner import so3_size


@pytest.mark.parametrize("b_grid, b", [(1, 1), (4, 4), (5, 3), (6, 1)])
def test_rfft_equals_so3_fft_on_real_signals(b_grid, b, assert_close):
    # not band-limited
    x = torch.randn(
        2, 3, 2 * b_grid, 2 * b_grid, 2 * b_grid, dtype=torch.float64
    )
    assert_close(so3_rfft(x, b), so3_fft(x, b))


@pytest.mark.parametrize("b, b_grid", [(1, 1), (4, 4), (3, 5)])
def test_irfft_equals_the_real_part_of_so3_ifft(b, b_grid, assert_close):
    # coefficients of real signals
    coeffs = so3_fft(torch.randn(2, 2 * b, 2 * b, 2 * b, dtype=torch.float64))
    assert_close(so3_irfft(coeffs, b_grid), so3_ifft(coeffs, b_grid).real)


def test_round_trip_float32_and_gradients(assert_close):
    coeffs = so3_fft(torch.randn(3, 8, 8, 8, dtype=torch.float64))
    x = so3_irfft(coeffs).float()
    assert_close(so3_irfft(so3_rfft(x)), x)
    x64 = torch.randn(1, 4, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda t: torch.view_as_real(so3_rfft(t, 2)), (x64,)
    )
    c = so3_fft(torch.randn(1, 4, 4, 4, dtype=torch.float64)).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: so3_irfft(t), (c,))


def test_half_spectrum_layout_and_packing(assert_close):
    b = 3
    x = torch.randn(2, 8, 8, 8, dtype=torch.float64)
    half = so3_rfft_half(x, b)
    assert half.shape == (b, 2 * b - 1, b, 2, 2)
    coeffs = so3_fft(x, b)
    n, m, l = 1, -2, 2  # z[n, m + b - 1, l, c, p] = (Re, Im) f̂^l_mn of map p
    offset = l * (4 * l * l - 1) // 3 + (l + m) * (2 * l + 1) + (l + n)
    assert_close(
        half[n, m + b - 1, l, :, 1], torch.view_as_real(coeffs[1, offset])
    )
    assert half[2, b - 1, 1].abs().max() == 0  # l < n: outside the spectrum
    assert_close(half_to_packed(half), coeffs)
    assert_close(packed_to_half(coeffs), half)


def test_constant_is_the_degree_zero_coefficient(assert_close):
    z = so3_rfft_half(torch.randn(3, 6, 6, 6, dtype=torch.float64), 2)
    constant = torch.randn(3, dtype=torch.float64)
    shifted = so3_irfft_half(z, 4, constant)
    assert_close(shifted, so3_irfft_half(z, 4) + constant[:, None, None, None])
    z64, c64 = z.clone().requires_grad_(), constant.clone().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda z, c: so3_irfft_half(z, 3, c), (z64, c64), fast_mode=True
    )


@pytest.mark.parametrize("spectrum_grad", [True, False])
def test_constant_gradient_is_the_sum_of_the_grid_gradient(
    spectrum_grad, assert_close
):
    # with the spectrum's gradient the backward pass reads it off the
    # adjoint's output (its degree-0 entry), without it sums the grid
    z = torch.randn(3, 5, 3, 2, 4, dtype=torch.float64)
    z.requires_grad_(spectrum_grad)
    constant = torch.zeros(4, dtype=torch.float64, requires_grad=True)
    grad = torch.randn(4, 10, 10, 10, dtype=torch.float64)
    so3_irfft_half(z, 5, constant).backward(grad)
    assert_close(constant.grad, grad.sum((1, 2, 3)))


def test_second_derivatives():
    # the backward pass of each transform is the other's forward code, so it is
    # differentiable too
    x = torch.randn(2, 4, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: so3_rfft_half(t, 2), (x,))
    # b = 2, P = 2
    z = torch.randn(2, 3, 2, 2, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradgradcheck(lambda t: so3_irfft_half(t, 3), (z,))


def test_empty_batch():
    assert so3_rfft(torch.zeros(0, 4, 4, 4), 2).shape == (0, so3_size(2))
    assert so3_irfft(
        torch.zeros(0, 3, so3_size(3), dtype=torch.complex64)
    ).shape == (0, 3, 6, 6, 6)


def test_bad_input():
    with pytest.raises(TypeError, match="x must be real"):
        so3_rfft(torch.zeros(4, 4, 4, dtype=torch.complex64))
    with pytest.raises(ValueError, match="b_out must be <="):
        so3_rfft(torch.zeros(4, 4, 4), 3)
    with pytest.raises(TypeError, match="coeffs must be a complex"):
        so3_irfft(torch.zeros(so3_size(2)))
    with pytest.raises(ValueError, match="b_out must be >="):
        so3_irfft(torch.zeros(so3_size(3), dtype=torch.complex64), 2)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_computed_in_float32(dtype):
    x = torch.randn(2, 6, 6, 6).to(dtype)
    out = so3_rfft(x)
    assert out.dtype == torch.complex64 and torch.equal(
        out, so3_rfft(x.float())
    )


def test_empty_batch_gives_an_empty_result():
    assert so3_rfft(torch.zeros(0, 3, 6, 6, 6), b_out=2).shape == (
        0,
        3,
        so3_size(2),
    )
    coeffs = torch.zeros(
        2, 0, so3_size(3), dtype=torch.complex64, requires_grad=True
    )
    out = so3_irfft(coeffs, b_out=4)
    assert out.shape == (2, 0, 8, 8, 8) and out.dtype == torch.float32
    out.sum().backward()
    assert coeffs.grad.shape == coeffs.shape


def test_results_are_fresh_tensors_across_reused_scratch_buffers():
    # the transforms reuse scratch buffers between calls: a result must
    # neither change with later calls nor be a view (an in-place op on it, as
    # an in-place ReLU, must be allowed by autograd)
    x = torch.randn(3, 8, 8, 8, dtype=torch.float64, requires_grad=True)
    half = so3_rfft_half(x, 3)
    grid = so3_irfft_half(half, 4)
    kept = half.detach().clone(), grid.detach().clone()
    so3_irfft_half(so3_rfft_half(torch.randn(5, 8, 8, 8).double(), 3), 4)
    assert torch.equal(half, kept[0]) and torch.equal(grid, kept[1])
    assert half._base is None and grid._base is None
    torch.relu_(grid).sum().backward()
    expected = torch.autograd.grad(
        torch.relu(so3_irfft_half(so3_rfft_half(x, 3), 4)).sum(), x
    )[0]
    torch.testing.assert_close(x.grad, expected, rtol=0, atol=0)
