"""dlnotes.sphere.real_fft: the real-signal SO(3) transforms equal the general ones."""

import pytest
import torch

from dlnotes.sphere.real_fft import so3_irfft, so3_rfft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.wigner import so3_size


@pytest.mark.parametrize("b_grid, b", [(1, 1), (4, 4), (5, 3), (6, 1)])
def test_rfft_equals_so3_fft_on_real_signals(b_grid, b):
    x = torch.randn(2, 3, 2 * b_grid, 2 * b_grid, 2 * b_grid, dtype=torch.float64)  # not band-limited
    torch.testing.assert_close(so3_rfft(x, b), so3_fft(x, b), rtol=0, atol=1e-12)


@pytest.mark.parametrize("b, b_grid", [(1, 1), (4, 4), (3, 5)])
def test_irfft_equals_the_real_part_of_so3_ifft(b, b_grid):
    coeffs = so3_fft(torch.randn(2, 2 * b, 2 * b, 2 * b, dtype=torch.float64))  # coefficients of real signals
    torch.testing.assert_close(so3_irfft(coeffs, b_grid), so3_ifft(coeffs, b_grid).real, rtol=0, atol=1e-12)


def test_round_trip_float32_and_gradients():
    coeffs = so3_fft(torch.randn(3, 8, 8, 8, dtype=torch.float64))
    x = so3_irfft(coeffs).float()
    torch.testing.assert_close(so3_irfft(so3_rfft(x)), x, rtol=0, atol=1e-5)
    x64 = torch.randn(1, 4, 4, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(lambda t: torch.view_as_real(so3_rfft(t, 2)), (x64,))
    c = so3_fft(torch.randn(1, 4, 4, 4, dtype=torch.float64)).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: so3_irfft(t), (c,))


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
    assert out.dtype == torch.complex64 and torch.equal(out, so3_rfft(x.float()))


def test_empty_batch_gives_an_empty_result():
    assert so3_rfft(torch.zeros(0, 3, 6, 6, 6), b_out=2).shape == (0, 3, so3_size(2))
    coeffs = torch.zeros(2, 0, so3_size(3), dtype=torch.complex64, requires_grad=True)
    out = so3_irfft(coeffs, b_out=4)
    assert out.shape == (2, 0, 8, 8, 8) and out.dtype == torch.float32
    out.sum().backward()
    assert coeffs.grad.shape == coeffs.shape
