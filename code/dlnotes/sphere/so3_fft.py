"""The SO(3) Fourier transform on the SOFT grid: 2-D FFT over (α, γ), Wigner-d
contraction over β.

Conventions (grid, ``D^l_mn``, packing, normalised Haar measure):
:mod:`dlnotes.sphere.conventions`; the weights of :mod:`dlnotes.sphere.grid`.
For a signal of bandwidth b,

    f(R) = Σ_{l<b} Σ_{m,n} f̂^l_mn D^l_mn(R),
    f̂^l_mn = (2l+1) ∫_{SO(3)} f(R) conj(D^l_mn(R)) dR,

(Peter–Weyl; ``∫ D^l_mn conj(D^l'_m'n') dR = δ δ δ / (2l+1)``). The forward
transform is the paper's §4.1 algorithm (Kostelec and Rockmore 2008): ``X_j(m,
n) = Σ_{k,i} f(β_j, α_k, γ_i) e^{imα_k} e^{inγ_i}`` by a 2-D FFT, then
``f̂^l_mn = (2l+1) Σ_j w_j d^l_mn(β_j) X_j(m, n)``, one weighted sum over β per
(l, m, n), O(b⁴) in all. Both directions are exact on band-limited signals.
"""

from __future__ import annotations

import torch

from dlnotes._checks import (
    analysis_bandwidth,
    check_coefficients,
    check_signal,
    so3_bandwidth,
    synthesis_bandwidth,
)
from dlnotes.sphere._indices import centre_orders, uncentre_orders
from dlnotes.sphere.grid import so3_quadrature_weights
from dlnotes.sphere.s2_fft import (
    at_least_single,
    complex_dtype,
    empty_result,
    real_dtype,
)
from dlnotes.sphere.wigner import so3_offset, so3_size, so3_wigner_table


def _analysis_spectrum(x: torch.Tensor, b: int, b_out: int) -> torch.Tensor:
    """``X_j(m, n) = Σ_{k,i} x(β_j, α_k, γ_i) e^{imα_k + inγ_i}`` for ``|m|,
    |n| < b_out``, centred, complex.

    For real ``x`` a real FFT suffices: with ``F = fft2(x)``, ``X(m, n) =
    conj(F(m, n))`` and ``F(m, -n) = conj(F(-m, n))``, so the orders n ≥ 0 of
    ``rfft2`` give everything.
    """
    if x.is_complex():
        spectrum = torch.fft.ifft2(x, dim=(-2, -1)) * (2 * b) ** 2
        return centre_orders(centre_orders(spectrum, b_out, -2), b_out, -1)
    # F(m, n), n = 0 .. b_out-1
    half = torch.fft.rfft2(x, dim=(-2, -1))[..., :b_out]
    half = centre_orders(half, b_out, -2)  # m = -(b_out-1) .. b_out-1
    # F(-m, -n) for n = -(b_out-1) .. -1, i.e. X(m, n)
    negative = half[..., 1:].flip(-2, -1)
    return torch.cat([negative, half.conj()], -1)


def so3_fft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """SO(3) Fourier coefficients of a signal on the SOFT grid.

    Args:
        x: real or complex ``[..., 2b, 2b, 2b]`` samples ordered (β, α, γ).
        b_out: keep degrees ``l < b_out`` (``b_out <= b``, default ``b``).

    Returns:
        complex ``[..., b_out(4b_out²-1)/3]``: ``f̂^l_mn = (2l+1) ∫ f
        conj(D^l_mn) dR`` in the SO(3) packing (normalised Haar measure).
        complex128 for float64 or complex128 input, complex64 otherwise
        (float16 and bfloat16 are computed in float32, as in
        :func:`~dlnotes.sphere.s2_fft.s2_fft`); an empty batch gives an empty
        result.

    Raises:
        TypeError: ``x`` is not a tensor, or not of a floating or complex
            dtype; ``b_out`` not an int.
        ValueError: the last three axes are not equal and even (``2b``), or
            ``b_out`` is below 1 or above ``b``.
    """
    b = check_signal(x, "x", 3)
    b_out = analysis_bandwidth(b_out, b)
    x = at_least_single(x)
    if x.numel() == 0:
        return empty_result(
            x, (*x.shape[:-3], so3_size(b_out)), complex_dtype(x.dtype)
        )
    rdtype = real_dtype(x.dtype)
    table = so3_wigner_table(b, rdtype, x.device)
    weights = so3_quadrature_weights(b, rdtype, x.device)
    # [..., j, M, N, 2]
    spectrum = torch.view_as_real(
        _analysis_spectrum(x * weights[:, None, None], b, b_out)
    )
    blocks = []
    for l in range(b_out):
        window = spectrum[
            ..., b_out - 1 - l : b_out + l, b_out - 1 - l : b_out + l, :
        ]
        block = (window * table[l][..., None]).sum(-4) * (2 * l + 1)
        blocks.append(block.flatten(-3, -2))
    return torch.view_as_complex(torch.cat(blocks, dim=-2).contiguous())


def so3_ifft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Samples on the SOFT grid of bandwidth ``b_out`` of ``f = Σ_{l<b} Σ_mn
    f̂^l_mn D^l_mn``.

    Args:
        coeffs: complex (or real) ``[..., b(4b²-1)/3]`` in the SO(3) packing.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default ``b``).

    Returns:
        complex ``[..., 2b_out, 2b_out, 2b_out]`` ordered (β, α, γ); take
        ``.real`` for a real function. complex128 for float64 or complex128
        input, complex64 otherwise; an empty batch gives an empty result.

    Raises:
        TypeError: ``coeffs`` is not a tensor, or not of a floating or complex
            dtype; ``b_out`` not an int.
        ValueError: ``coeffs`` is a scalar or its last axis is not
            ``b(4b²-1)/3`` long, or ``b_out < b``.
    """
    check_coefficients(coeffs, "coeffs")
    coeffs = coeffs.to(complex_dtype(coeffs.dtype))
    b = so3_bandwidth(coeffs.shape[-1])
    b_out = synthesis_bandwidth(b_out, b)
    if coeffs.numel() == 0:
        return empty_result(
            coeffs,
            (*coeffs.shape[:-1], 2 * b_out, 2 * b_out, 2 * b_out),
            coeffs.dtype,
        )
    table = so3_wigner_table(b_out, real_dtype(coeffs.dtype), coeffs.device)
    batch = coeffs.shape[:-1]
    real = torch.view_as_real(coeffs)  # [..., P, 2]
    half = coeffs.new_zeros(
        *batch, 2 * b_out, 2 * b - 1, 2 * b - 1, 2, dtype=real.dtype
    )
    for l in range(b):
        block = real[..., so3_offset(l) : so3_offset(l + 1), :].unflatten(
            -2, (2 * l + 1, 2 * l + 1)
        )
        window = half[..., b - 1 - l : b + l, b - 1 - l : b + l, :]
        window += block.unsqueeze(-4) * table[l][..., None]
    spectrum = uncentre_orders(
        uncentre_orders(torch.view_as_complex(half), 2 * b_out, -2),
        2 * b_out,
        -1,
    )
    return torch.fft.fft2(spectrum, dim=(-2, -1))
