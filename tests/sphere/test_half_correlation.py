"""dlnotes.sphere.half_correlation: the orders n ≥ 0 of the packed correlation
theorems, for real signals."""

import pytest
import torch

from dlnotes.sphere.correlation import (
    s2_spectral_correlation,
    so3_spectral_correlation,
)
from dlnotes.sphere.half_correlation import (
    s2_half_correlation,
    so3_half_correlation,
)
from dlnotes.sphere.real_fft import half_to_packed, so3_rfft_half
from dlnotes.sphere.s2_fft import s2_fft
from dlnotes.sphere.so3_fft import so3_fft
from dlnotes.sphere.wigner import so3_offset

F64 = torch.float64


def test_s2_half_correlation_is_the_packed_theorem(assert_close):
    g = torch.Generator().manual_seed(0)
    b, batch, f_in, f_out = 4, 3, 2, 5
    f_hat = s2_fft(
        torch.randn(batch, f_in, 2 * b, 2 * b, dtype=F64, generator=g)
    )
    psi_hat = s2_fft(
        torch.randn(f_in, f_out, 2 * b, 2 * b, dtype=F64, generator=g)
    )
    n, l = torch.arange(b)[:, None], torch.arange(b)[None, :]
    # ψ̂_{l n} at [n, l]
    psi_half = torch.where(
        n <= l, psi_hat[..., (l * l + l + n).clamp(max=b * b - 1)], 0
    )
    half = s2_half_correlation(f_hat, psi_half)
    assert half.shape == (b, 2 * b - 1, b, 2, batch * f_out)
    expected = s2_spectral_correlation(f_hat, psi_hat).reshape(
        batch * f_out, -1
    )
    assert_close(half_to_packed(half), expected)


def test_so3_half_correlation_is_the_packed_theorem(assert_close):
    g = torch.Generator().manual_seed(1)
    b_grid, b, batch, f_in, f_out = 4, 3, 2, 3, 2
    f = torch.randn(batch, f_in, *(3 * (2 * b_grid,)), dtype=F64, generator=g)
    psi_hat = so3_fft(
        torch.randn(f_in, f_out, *(3 * (2 * b,)), dtype=F64, generator=g)
    )
    # ψ̃^l_qn / (2l+1) = (-1)^(q-n) ψ̂^l_{-q,-n} / (2l+1) for q = 0..l, n =
    # -l..l
    blocks = []
    for l in range(b):
        block = psi_hat[..., so3_offset(l) : so3_offset(l + 1)].unflatten(
            -1, (2 * l + 1, 2 * l + 1)
        )
        r = torch.arange(-l, l + 1)
        sign = 1 - 2 * ((r[:, None] - r[None, :]) % 2)
        blocks.append(
            (sign * block.flip(-2, -1) / (2 * l + 1))[..., l:, :].flatten(-2)
        )
    half = so3_half_correlation(
        so3_rfft_half(f.flatten(0, 1), b), torch.cat(blocks, -1)
    )
    assert half.shape == (b, 2 * b - 1, b, 2, batch * f_out)
    expected = so3_spectral_correlation(so3_fft(f, b), psi_hat).reshape(
        batch * f_out, -1
    )
    assert_close(half_to_packed(half), expected)


def test_gradients():
    g = torch.Generator().manual_seed(2)
    f_hat = torch.randn(
        1, 2, 9, dtype=torch.complex128, generator=g, requires_grad=True
    )
    psi = torch.randn(
        2, 1, 3, 3, dtype=torch.complex128, generator=g, requires_grad=True
    )
    assert torch.autograd.gradcheck(
        s2_half_correlation, (f_hat, psi), fast_mode=True
    )
    f_half = torch.randn(
        2, 3, 2, 2, 4, dtype=F64, generator=g, requires_grad=True
    )
    psi = torch.randn(
        2, 3, 1 + 6, dtype=torch.complex128, generator=g, requires_grad=True
    )
    assert torch.autograd.gradcheck(
        so3_half_correlation, (f_half, psi), fast_mode=True
    )


@pytest.mark.parametrize(
    ("check", "fast"),
    [
        # the backward pass is written by hand: every entry checked, b = 3
        (torch.autograd.gradcheck, False),
        # and it is differentiable in turn, as the autograd one it replaced
        (torch.autograd.gradgradcheck, True),
    ],
)
def test_so3_half_correlation_backward(check, fast):
    g = torch.Generator().manual_seed(3)
    f_half = torch.randn(3, 5, 3, 2, 4, dtype=F64, generator=g)
    psi = torch.randn(2, 2, 1 + 6 + 15, dtype=torch.complex128, generator=g)
    assert check(
        so3_half_correlation,
        (f_half.requires_grad_(), psi.requires_grad_()),
        fast_mode=fast,
    )


def test_so3_half_correlation_empty_batch():
    f_half = torch.zeros(3, 5, 3, 2, 0, requires_grad=True)
    psi = torch.randn(2, 4, 22, dtype=torch.complex64, requires_grad=True)
    out = so3_half_correlation(f_half, psi)
    assert out.shape == (3, 5, 3, 2, 0)
    out.sum().backward()
    assert f_half.grad.shape == f_half.shape and psi.grad.abs().sum() == 0
