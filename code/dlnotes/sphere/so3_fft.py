"""The SO(3) Fourier transform on the SOFT grid: 2-D FFT over (α, γ), Wigner-d contraction over β.

Conventions: grid and weights of :mod:`dlnotes.sphere.grid` (normalised Haar measure, ∫1 = 1),
``D^l_mn(α, β, γ) = e^{-imα} d^l_mn(β) e^{-inγ}`` and the packing
``l(4l²-1)/3 + (l+m)(2l+1) + (l+n)`` of :mod:`dlnotes.sphere.wigner`. For a signal of bandwidth b,

    f(R) = Σ_{l<b} Σ_{m,n} f̂^l_mn D^l_mn(R),      f̂^l_mn = (2l+1) ∫_{SO(3)} f(R) conj(D^l_mn(R)) dR,

(Peter–Weyl; ``∫ D^l_mn conj(D^l'_m'n') dR = δ δ δ / (2l+1)``). The forward transform is the
paper's §4.1 algorithm (Kostelec and Rockmore 2008): ``X_j(m, n) = Σ_{k,i} f(β_j, α_k, γ_i)
e^{imα_k} e^{inγ_i}`` by a 2-D FFT, then ``f̂^l_mn = (2l+1) Σ_j w_j d^l_mn(β_j) X_j(m, n)``, one
weighted sum over β per (l, m, n), O(b⁴) in all. Both directions are exact on band-limited signals.
"""

from __future__ import annotations

import torch

from dlnotes.sphere.grid import check_bandwidth, so3_quadrature_weights
from dlnotes.sphere.s2_fft import check_coefficients, check_signal, real_dtype
from dlnotes.sphere.wigner import so3_offset, so3_size, so3_wigner_table


def so3_bandwidth(n: int) -> int:
    """The bandwidth ``b`` with ``b(4b²-1)/3 = n`` coefficients, or a ``ValueError``."""
    b = max(1, round((3 * n / 4) ** (1 / 3)))
    for candidate in (b - 1, b, b + 1):
        if candidate >= 1 and so3_size(candidate) == n:
            return candidate
    raise ValueError(f"coeffs must have b(4b²-1)/3 entries on the last axis for some b >= 1, got {n}")


def _centred(b_grid: int, b: int, device: torch.device) -> torch.Tensor:
    """FFT positions of the orders ``-(b-1) .. b-1`` on a grid of ``2b_grid`` points."""
    return torch.arange(-(b - 1), b, device=device) % (2 * b_grid)


def so3_fft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """SO(3) Fourier coefficients of a signal on the SOFT grid.

    Args:
        x: real or complex ``[..., 2b, 2b, 2b]`` samples ordered (β, α, γ).
        b_out: keep degrees ``l < b_out`` (``b_out <= b``, default ``b``).

    Returns:
        complex ``[..., b_out(4b_out²-1)/3]``: ``f̂^l_mn = (2l+1) ∫ f conj(D^l_mn) dR`` in the SO(3)
        packing (normalised Haar measure).
    """
    b = check_signal(x, "x", 3)
    b_out = b if b_out is None else check_bandwidth(b_out, "b_out")
    if b_out > b:
        raise ValueError(f"b_out must be <= the signal's bandwidth b = {b}, got {b_out}")
    rdtype = real_dtype(x.dtype)
    table = so3_wigner_table(b, rdtype, x.device)
    weights = so3_quadrature_weights(b, rdtype, x.device)
    spectrum = torch.fft.ifft2(x * weights[:, None, None], dim=(-2, -1)) * (2 * b) ** 2
    orders = _centred(b, b_out, x.device)
    spectrum = spectrum.index_select(-2, orders).index_select(-1, orders)
    spectrum = torch.view_as_real(spectrum)  # [..., j, M, N, 2], centred orders
    blocks = []
    for l in range(b_out):
        window = spectrum[..., b_out - 1 - l : b_out + l, b_out - 1 - l : b_out + l, :]
        block = torch.einsum("...jmnc,jmn->...mnc", window, table[l]) * (2 * l + 1)
        blocks.append(block.flatten(-3, -2))
    return torch.view_as_complex(torch.cat(blocks, dim=-2).contiguous())


def so3_ifft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Samples on the SOFT grid of bandwidth ``b_out`` of ``f = Σ_{l<b} Σ_mn f̂^l_mn D^l_mn``.

    Args:
        coeffs: complex (or real) ``[..., b(4b²-1)/3]`` in the SO(3) packing.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default ``b``).

    Returns:
        complex ``[..., 2b_out, 2b_out, 2b_out]`` ordered (β, α, γ); take ``.real`` for a real function.
    """
    coeffs = check_coefficients(coeffs, "coeffs")
    b = so3_bandwidth(coeffs.shape[-1])
    b_out = b if b_out is None else check_bandwidth(b_out, "b_out")
    if b_out < b:
        raise ValueError(f"b_out must be >= the coefficients' bandwidth b = {b}, got {b_out}")
    table = so3_wigner_table(b_out, real_dtype(coeffs.dtype), coeffs.device)
    batch = coeffs.shape[:-1]
    real = torch.view_as_real(coeffs)  # [..., P, 2]
    half = coeffs.new_zeros(*batch, 2 * b_out, 2 * b - 1, 2 * b - 1, 2, dtype=real.dtype)
    for l in range(b):
        block = real[..., so3_offset(l) : so3_offset(l + 1), :].unflatten(-2, (2 * l + 1, 2 * l + 1))
        window = half[..., b - 1 - l : b + l, b - 1 - l : b + l, :]
        window += torch.einsum("...mnc,jmn->...jmnc", block, table[l])
    orders = _centred(b_out, b, coeffs.device)
    grid_shape = (*batch, 2 * b_out, 2 * b_out)
    rows = coeffs.new_zeros(*grid_shape, 2 * b - 1).index_copy(-2, orders, torch.view_as_complex(half))
    full = coeffs.new_zeros(*grid_shape, 2 * b_out).index_copy(-1, orders, rows)
    return torch.fft.fft2(full, dim=(-2, -1))
