"""The correlation theorems on the half spectrum of real signals: what the
layers compute.

:mod:`dlnotes.sphere.correlation` states the theorems for the full SO(3)
packing,

    (ψ ⋆ f)ˡ_mn = Σ_k (−1)^m f̂_{k,l,−m} ψ̂_{k,l,n}              (S² → SO(3)),
    (ψ ⋆ f)ˡ_pq = Σ_k Σ_n f̂ˡ_{k,pn} ψ̃ˡ_{k,qn} / (2l+1)        (SO(3)),
    ψ̃ˡ_qn = (−1)^(q−n) ψ̂ˡ_{−q,−n}.

A layer correlates real signals with real filters, so the result is the
coefficient set of a real signal, and
:func:`~dlnotes.sphere.real_fft.so3_irfft_half` needs only its orders n ≥ 0 (q
≥ 0 in the second line): these functions compute just those, directly in the
half-spectrum layout ``[b, 2b−1, b, 2, P]`` (n, m, l, real/imaginary, map) of
:mod:`dlnotes.sphere.real_fft`, so no packed coefficient set is ever formed.
The SO(3) theorem still sums over every n of the input; the orders n < 0 come
from the symmetry of a real signal, f̂ˡ_{p,n} = (−1)^{p−n} conj(f̂ˡ_{−p,−n}).

Conventions (grid, Wigner matrices, packing):
:mod:`dlnotes.sphere.conventions`. The filters are given as the layers build
them (:mod:`dlnotes.sphere.layers`): on S², ψ̂_{k,l,n} for n ≥ 0; on SO(3),
ψ̃ˡ_{k,qn} / (2l+1) for q ≥ 0, which for a real filter Σ_i w_i δ_{Q_i} is Σ_i
w_i Dˡ_qn(Q_i).
"""

from __future__ import annotations

import torch

from dlnotes._cache import cached_tensors
from dlnotes._checks import s2_bandwidth


@cached_tensors(maxsize=16)
def _s2_reflection(
    b: int, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """For (m, l) on ``[2b−1, b]``: the packed S² position of (l, −m) (``b²``,
    a zero slot, if l < abs(m)), and (−1)^m."""
    m = torch.arange(-(b - 1), b)[:, None]
    l = torch.arange(b)[None, :]
    position = torch.where(l >= m.abs(), l * l + l - m, b * b)
    sign = (1 - 2 * (m % 2)).expand(-1, b)
    return position.flatten().to(device), sign.flatten().to(
        dtype=dtype, device=device
    )


def s2_half_correlation(
    f_hat: torch.Tensor, psi: torch.Tensor
) -> torch.Tensor:
    """Half spectrum of Σ_k ψ_k ⋆ f_k, S² → SO(3): ``[b, 2b−1, b, 2,
    B·F_out]``.

    Entry (n, m, l, ·, (β, o)) is Σ_k g_{β,k}(l, m) ψ̂_{k,o}(l, n) with g(l, m)
    = (−1)^m f̂_{l,−m}.

    Args:
        f_hat: complex ``[B, F_in, b²]``, S² coefficients
            (:func:`~dlnotes.sphere.s2_fft.s2_fft`).
        psi: complex ``[F_in, F_out, b, b]``, ψ̂_{k,o}(l, n) at ``[k, o, n,
            l]`` (zero where n > l).
    """
    batch, f_in, size = f_hat.shape
    b = s2_bandwidth(size)
    position, sign = _s2_reflection(b, f_hat.real.dtype, f_hat.device)
    padded = torch.cat([f_hat, f_hat.new_zeros(batch, f_in, 1)], -1)
    g = torch.view_as_real(padded.index_select(-1, position) * sign).view(
        batch, f_in, 2 * b - 1, b, 2
    )
    # [m, l, β, (x, k)]
    g = g.permute(2, 3, 0, 4, 1).reshape(2 * b - 1, b, batch, 2 * f_in)
    # [n, l, k, o]
    real, imag = torch.view_as_real(psi).permute(2, 3, 4, 0, 1).unbind(2)
    # the complex product as a real contraction over (x, k), x = real/imaginary
    # part of g: for c = 0, 1
    # [n, l, c, (x, k), o]
    psi_x = torch.stack(
        [torch.cat([real, -imag], 2), torch.cat([imag, real], 2)], 2
    )
    # one small product per (n, m, l, c)
    z = torch.matmul(g[None, :, :, None], psi_x[:, None])
    return z.view(b, 2 * b - 1, b, 2, batch * psi.shape[1])


@cached_tensors(maxsize=16)
def _mirror_signs(
    b: int, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, ...]:
    """Per degree l: (−1)^{p−n} for n = −l..−1, p = −l..l, times (1, −1) on
    (real, imaginary): ``[l, 2l+1, 2, 1]``."""
    out = []
    for l in range(b):
        n = torch.arange(-l, 0)[:, None]
        p = torch.arange(-l, l + 1)[None, :]
        parity = (1 - 2 * ((p - n) % 2))[..., None] * torch.tensor([1, -1])
        out.append(parity[..., None].to(dtype=dtype, device=device))
    return tuple(out)


def so3_half_correlation(
    f_half: torch.Tensor, psi: torch.Tensor
) -> torch.Tensor:
    """Half spectrum of Σ_k ψ_k ⋆ f_k on SO(3): ``[b, 2b−1, b, 2, B·F_out]``
    from ``f_half [b, 2b−1, b, 2, B·F_in]``.

    Block l of the result is ``Zˡ[q, p] = Σ_k Σ_{n=−l..l} f̂ˡ_{k,pn} ψ̃ˡ_{k,qn}
    / (2l+1)`` for q ≥ 0, one complex matrix product per degree: ``[(B, p), (k,
    n)] @ [(k, n), (o, q)]``. The backward pass is written out (the adjoint of
    each product, ∂F = ∂Z Ψᴴ and ∂Ψ = Fᴴ ∂Z, and of the reshuffles that build
    F from the half spectrum), so the gradient is accumulated in one tensor
    instead of through autograd's per-degree slices and copies.

    Args:
        f_half: half spectrum of real signals
            (:func:`~dlnotes.sphere.real_fft.so3_rfft_half`), maps ordered
            (batch, channel).
        psi: complex ``[F_in, F_out, Σ_l (l+1)(2l+1)]``: per degree l,
            ψ̃ˡ_{k,o,qn} / (2l+1) for q = 0..l, n = −l..l, row-major.
    """
    return _SO3HalfCorrelation.apply(f_half, psi)


def _degree_matrix(
    f_half: torch.Tensor, l: int, f_in: int, signs: tuple[torch.Tensor, ...]
) -> torch.Tensor:
    """F of degree l, complex ``[(B, p), (k, n)]`` for n = −l..l, from the
    orders n ≥ 0 of ``f_half``."""
    b, _, _, _, maps = f_half.shape
    direct = f_half[: l + 1, b - 1 - l : b + l, l]  # n ≥ 0: [n, p, c, (B, k)]
    # n = −l..−1, from (−n, −p)
    mirrored = direct[1:].flip(0, 1) * signs[l]
    f_l = (
        torch.cat([mirrored, direct])
        .view(2 * l + 1, 2 * l + 1, 2, maps // f_in, f_in)
        .permute(2, 3, 1, 4, 0)
    )
    return torch.complex(*f_l).reshape(
        maps // f_in * (2 * l + 1), f_in * (2 * l + 1)
    )


def _filter_matrix(
    psi_l: torch.Tensor, l: int, f_in: int, f_out: int
) -> torch.Tensor:
    """Ψ of degree l, complex ``[(k, n), (o, q)]``, from its block ``[F_in,
    F_out, (l+1)(2l+1)]`` of the filter (rows q = 0..l, columns n = −l..l)."""
    return (
        psi_l.view(f_in, f_out, l + 1, 2 * l + 1)
        .permute(0, 3, 1, 2)
        .reshape(f_in * (2 * l + 1), f_out * (l + 1))
    )


class _SO3HalfCorrelation(torch.autograd.Function):
    """Forward and backward of :func:`so3_half_correlation`."""

    @staticmethod
    def forward(ctx, f_half: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
        b, m_count, _, _, maps = f_half.shape
        f_in, f_out, _ = psi.shape
        batch = maps // f_in
        signs = _mirror_signs(b, f_half.dtype, f_half.device)
        psi_blocks = psi.split([(l + 1) * (2 * l + 1) for l in range(b)], -1)
        out = f_half.new_zeros(b, m_count, b, 2, batch * f_out)
        for l, psi_l in enumerate(psi_blocks):
            f_l = _degree_matrix(f_half, l, f_in, signs)
            psi_l = _filter_matrix(psi_l, l, f_in, f_out)
            z_l = torch.view_as_real(f_l @ psi_l)
            # [q, p, c, B, o]
            out[: l + 1, b - 1 - l : b + l, l] = (
                z_l.view(batch, 2 * l + 1, f_out, l + 1, 2)
                .permute(3, 1, 4, 0, 2)
                .reshape(l + 1, 2 * l + 1, 2, -1)
            )
        # the inputs, not the degree matrices built from them: the backward
        # pass rebuilds those, so that a second derivative sees how they
        # depend on the inputs
        ctx.save_for_backward(f_half, psi)
        ctx.sizes = (b, f_in, f_out, batch)
        return out

    @staticmethod
    def backward(
        ctx, grad: torch.Tensor
    ) -> tuple[torch.Tensor | None, torch.Tensor | None]:
        b, f_in, f_out, batch = ctx.sizes
        f_half, psi = ctx.saved_tensors
        if batch == 0:  # an empty batch: no term, zero gradients
            return torch.zeros_like(f_half), torch.zeros_like(psi)
        signs = _mirror_signs(b, grad.dtype, grad.device)
        psi_blocks = psi.split([(l + 1) * (2 * l + 1) for l in range(b)], -1)
        grad_f = (
            grad.new_zeros(b, 2 * b - 1, b, 2, batch * f_in)
            if ctx.needs_input_grad[0]
            else None
        )
        grad_psi = []
        for l, psi_l in enumerate(psi_blocks):
            f_l = _degree_matrix(f_half, l, f_in, signs)
            psi_l = _filter_matrix(psi_l, l, f_in, f_out)
            # ∂Z as the complex [(B, p), (o, q)] of the forward product
            g_l = grad[: l + 1, b - 1 - l : b + l, l].reshape(
                l + 1, 2 * l + 1, 2, batch, f_out
            )
            g_l = torch.view_as_complex(
                g_l.permute(3, 1, 4, 0, 2).contiguous()
            ).reshape(batch * (2 * l + 1), f_out * (l + 1))
            if ctx.needs_input_grad[1]:
                # [(k, n), (o, q)] → [k, o, (q, n)]
                grad_psi.append(
                    (f_l.mH @ g_l)
                    .view(f_in, 2 * l + 1, f_out, l + 1)
                    .permute(0, 2, 3, 1)
                    .reshape(f_in, f_out, -1)
                )
            if grad_f is not None:
                # ∂F [(B, p), (k, n)] → [n, p, c, (B, k)], n = −l..l
                d_l = (
                    torch.view_as_real(g_l @ psi_l.mH)
                    .view(batch, 2 * l + 1, f_in, 2 * l + 1, 2)
                    .permute(3, 1, 4, 0, 2)
                    .reshape(2 * l + 1, 2 * l + 1, 2, batch * f_in)
                )
                block = grad_f[: l + 1, b - 1 - l : b + l, l]
                block += d_l[l:]
                # the adjoint of the mirror: flip back, same signs
                block[1:] += (d_l[:l] * signs[l]).flip(0, 1)
        return grad_f, torch.cat(grad_psi, -1) if grad_psi else None
