"""The S² Fourier transform on the SOFT grid: FFT over α, then a Legendre contraction over β.

Conventions: grid and weights of :mod:`dlnotes.sphere.grid`, orthonormal Condon–Shortley
harmonics ``Y_l^m(β, α) = sqrt((2l+1)/(4π)) d^l_{m,0}(β) e^{imα}`` and the packing ``l*l + l + m``
of :mod:`dlnotes.sphere.wigner`. For a signal of bandwidth ``b``,

    f(β, α) = Σ_{l<b} Σ_{m=-l..l} f̂_lm Y_l^m(β, α),      f̂_lm = ∫_{S²} f(x) conj(Y_l^m(x)) dx,

so the coefficients equal healpy's ``a_lm`` for the same function (θ = β, φ = α). The forward
transform is the paper's §4.1 algorithm (Driscoll and Healy 1994): ``X_j(m) = Σ_k f(β_j, α_k)
e^{-imα_k}`` by an FFT, then ``f̂_lm = Σ_j w_j N_l d^l_{m0}(β_j) X_j(m)``, one matrix product per
order m. Both directions are exact on band-limited signals (the quadrature is exact).
"""

from __future__ import annotations

import functools
import math

import torch

from dlnotes.sphere.grid import check_bandwidth, s2_quadrature_weights
from dlnotes.sphere.wigner import _s2_indices, s2_legendre_table


def complex_dtype(dtype: torch.dtype) -> torch.dtype:
    """complex128 for float64/complex128 inputs, complex64 otherwise."""
    return torch.complex128 if dtype in (torch.float64, torch.complex128) else torch.complex64


def real_dtype(dtype: torch.dtype) -> torch.dtype:
    """float64 for float64/complex128 inputs, float32 otherwise."""
    return torch.float64 if dtype in (torch.float64, torch.complex128) else torch.float32


def check_signal(x: object, name: str, ndim: int) -> int:
    """Check ``x`` is a float/complex tensor whose last ``ndim`` axes are all ``2b``; return ``b``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(x).__name__}")
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(f"{name} must have a floating or complex dtype, got {x.dtype}")
    grid = "2b, " * (ndim - 1) + "2b"
    if x.dim() < ndim:
        raise ValueError(f"{name} must have shape [..., {grid}], got {tuple(x.shape)}")
    sizes = x.shape[-ndim:]
    if len(set(sizes)) != 1 or sizes[0] % 2 or sizes[0] == 0:
        raise ValueError(f"{name} must have shape [..., {grid}] with equal even sizes, got {tuple(x.shape)}")
    return sizes[0] // 2


def check_coefficients(c: object, name: str) -> torch.Tensor:
    """Check ``c`` is a float/complex tensor with at least one axis; return it as complex."""
    if not isinstance(c, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(c).__name__}")
    if not (c.is_floating_point() or c.is_complex()):
        raise TypeError(f"{name} must have a floating or complex dtype, got {c.dtype}")
    if c.dim() < 1:
        raise ValueError(f"{name} must have a coefficient axis last, got a scalar")
    return c.to(complex_dtype(c.dtype))


def s2_bandwidth(n: int) -> int:
    """The bandwidth ``b`` with ``b² = n`` coefficients, or a ``ValueError``."""
    b = math.isqrt(n)
    if b < 1 or b * b != n:
        raise ValueError(f"coeffs must have b² entries on the last axis for some b >= 1, got {n}")
    return b


def centre_orders(x: torch.Tensor, b: int, dim: int) -> torch.Tensor:
    """Orders ``-(b-1) .. b-1`` of an FFT axis (FFT layout: m ≥ 0 first, m < 0 at the end), in order."""
    size = x.shape[dim]
    return torch.cat([x.narrow(dim, size - (b - 1), b - 1), x.narrow(dim, 0, b)], dim)


def uncentre_orders(x: torch.Tensor, size: int, dim: int) -> torch.Tensor:
    """Inverse of :func:`centre_orders`: orders ``-(b-1) .. b-1`` placed on an FFT axis of ``size``, zeros elsewhere."""
    b = (x.shape[dim] + 1) // 2
    shape = list(x.shape)
    shape[dim] = size - (2 * b - 1)
    gap = x.new_zeros(shape)
    return torch.cat([x.narrow(dim, b - 1, b), gap, x.narrow(dim, 0, b - 1)], dim)


def _resolve_b_out(b_out: object, default: int) -> int:
    return default if b_out is None else check_bandwidth(b_out, "b_out")


@functools.lru_cache(maxsize=16)
def _tables(b_grid: int, b: int, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """``(analysis, synthesis)`` tables ``[2b-1, 2b_grid, b]`` (see ``s2_legendre_table``).

    ``analysis = w_j N_l d^l_{m0}(β_j)`` (quadrature weight folded in), ``synthesis = N_l d^l_{m0}(β_j)``.
    """
    synthesis = s2_legendre_table(b_grid, b)
    weights = s2_quadrature_weights(b_grid, torch.float64)
    analysis = synthesis * weights[:, None]
    return analysis.to(dtype=dtype, device=device), synthesis.to(dtype=dtype, device=device)


@functools.lru_cache(maxsize=16)
def _analysis_plan(b: int, b_out: int, real_input: bool, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, ...]:
    """Tables and index maps for :func:`s2_fft`, split by the parity of l + m.

    The grid is symmetric, ``β_{2b-1-j} = π - β_j``, with ``w_{2b-1-j} = w_j`` and
    ``d^l_{m0}(π - β) = (-1)^(l+m) d^l_{m0}(β)``, so ``f̂_lm = Σ_{j<b} w_j N_l d^l_{m0}(β_j)
    (X_j(m) ± X_{2b-1-j}(m))`` with + for even l + m: two half-size products, each against only
    the degrees of one parity. Returns ``(orders, even, odd, gather, sign)``: the FFT
    orders used (m ≥ 0 only for real input, whose m < 0 follow by conjugate symmetry), the
    tables ``[M, b, h]``, and, for the real and imaginary part of each packed (l, m) in turn, its
    position in the products laid out as ``[M, 2h, 2]`` and the sign to apply (``(-1)^m`` and
    complex conjugation for the entries with m < 0 of a real signal).
    """
    analysis, _ = _tables(b, b_out, torch.float64, torch.device("cpu"))  # [2b_out-1, 2b, b_out]
    orders = torch.arange(0 if real_input else -(b_out - 1), b_out)
    half = (b_out + 1) // 2
    even = torch.zeros(len(orders), b, half, dtype=torch.float64)
    odd = torch.zeros_like(even)
    for i, m in enumerate(orders.tolist()):
        for target, start in ((even, m % 2), (odd, (m + 1) % 2)):
            degrees = list(range(start, b_out, 2))
            target[i, :, : len(degrees)] = analysis[m + b_out - 1, :b, degrees]
    l, m = _s2_indices(b_out, torch.device("cpu"))
    used = m.abs() if real_input else m
    row = used - orders[0]
    column = torch.where((l + used) % 2 == 0, (l - used % 2) // 2, half + (l - (used + 1) % 2) // 2)
    position = (row * 2 * half + column) * 2
    gather = torch.stack([position, position + 1], -1).flatten()  # real, imaginary, real, ...
    flip = torch.where((m < 0) & real_input, 1.0 - 2.0 * (m % 2), torch.ones(len(m), dtype=torch.float64))
    conjugate = torch.where((m < 0) & real_input, -1.0, 1.0)
    sign = torch.stack([flip, flip * conjugate], -1).flatten()
    return (
        orders.to(device),
        even.to(dtype=dtype, device=device),
        odd.to(dtype=dtype, device=device),
        gather.to(device),
        sign.to(dtype=dtype, device=device),
    )


@functools.lru_cache(maxsize=16)
def _synthesis_plan(b_grid: int, b: int, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    """For :func:`s2_ifft`: the table ``N_l d^l_{m0}(β_j)`` as ``[2b-1, b, 2b_grid]`` (m, l, j), and the
    index that scatters interleaved (real, imaginary) packed coefficients into a dense ``[2b-1, b, 2]``
    array (pointing at an appended zero where ``l < |m|``)."""
    _, synthesis = _tables(b_grid, b, torch.float64, torch.device("cpu"))  # [M, j, l]
    l, m = _s2_indices(b, torch.device("cpu"))
    source = torch.full((2 * b - 1, b, 2), 2 * b * b, dtype=torch.long)
    packed = torch.arange(b * b)
    source[m + b - 1, l, 0] = 2 * packed
    source[m + b - 1, l, 1] = 2 * packed + 1
    return synthesis.transpose(1, 2).contiguous().to(dtype=dtype, device=device), source.flatten().to(device)


def s2_fft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Spherical harmonic coefficients of a signal on the SOFT grid.

    Args:
        x: real or complex ``[..., 2b, 2b]`` samples ``f(β_j, α_k)`` (see :mod:`dlnotes.sphere.grid`).
        b_out: keep degrees ``l < b_out`` (``b_out <= b``, default ``b``).

    Returns:
        complex ``[..., b_out²]``, entry ``l*l + l + m`` is ``f̂_lm = ∫ f conj(Y_l^m)`` (exact when f
        has bandwidth ``b``; healpy's ``a_lm`` of the same function).
    """
    b = check_signal(x, "x", 2)
    b_out = _resolve_b_out(b_out, b)
    if b_out > b:
        raise ValueError(f"b_out must be <= the signal's bandwidth b = {b}, got {b_out}")
    real_input = not x.is_complex()
    orders, even, odd, gather, sign = _analysis_plan(b, b_out, real_input, real_dtype(x.dtype), x.device)
    batch = x.shape[:-2]
    if real_input:
        spectrum = torch.fft.rfft(x, dim=-1)[..., :b_out]  # X_j(m), m = 0 .. b_out-1
    else:
        spectrum = torch.fft.fft(x, dim=-1).index_select(-1, orders % (2 * b))
    n_orders = spectrum.shape[-1]
    # [..., j, M] complex -> [M, batch * 2, j] real: one matrix product per order m
    rows = torch.view_as_real(spectrum).reshape(-1, 2 * b, n_orders, 2).permute(2, 0, 3, 1).reshape(n_orders, -1, 2 * b)
    north, south = rows[..., :b], rows[..., b:].flip(-1)
    products = torch.cat([torch.bmm(north + south, even), torch.bmm(north - south, odd)], -1)  # [M, B*2, 2h]
    products = products.unflatten(1, (-1, 2)).permute(1, 0, 3, 2).reshape(-1, n_orders * even.shape[-1] * 4)
    coeffs = torch.view_as_complex((products.index_select(-1, gather) * sign).unflatten(-1, (-1, 2)))
    return coeffs.reshape(*batch, b_out * b_out)


def s2_ifft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Samples on the SOFT grid of bandwidth ``b_out`` of ``f = Σ_{l<b} Σ_m f̂_lm Y_l^m``.

    Args:
        coeffs: complex (or real) ``[..., b²]`` in the packing ``l*l + l + m``.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default ``b``); a larger grid samples
            the same band-limited function more finely.

    Returns:
        complex ``[..., 2b_out, 2b_out]`` ordered (β, α); take ``.real`` for a real function.
    """
    coeffs = check_coefficients(coeffs, "coeffs")
    b = s2_bandwidth(coeffs.shape[-1])
    b_out = _resolve_b_out(b_out, b)
    if b_out < b:
        raise ValueError(f"b_out must be >= the coefficients' bandwidth b = {b}, got {b_out}")
    synthesis, scatter = _synthesis_plan(b_out, b, real_dtype(coeffs.dtype), coeffs.device)
    batch = coeffs.shape[:-1]
    # packed (l, m) -> dense [M, l] (zeros where l < |m|), real and imaginary interleaved
    flat = torch.view_as_real(coeffs).reshape(-1, 2 * b * b)
    flat = torch.cat([flat, flat.new_zeros(flat.shape[0], 1)], -1).index_select(-1, scatter)
    dense = flat.unflatten(-1, (2 * b - 1, b, 2)).permute(1, 0, 3, 2).reshape(2 * b - 1, -1, b)  # [M, B*2, l]
    per_order = torch.bmm(dense, synthesis)  # [M, B*2, j]
    per_order = per_order.unflatten(1, (-1, 2)).permute(1, 3, 0, 2)  # [B, j, M, 2]
    rows = torch.view_as_complex(per_order.contiguous())
    full = uncentre_orders(rows, 2 * b_out, -1)
    return torch.fft.ifft(full, dim=-1).reshape(*batch, 2 * b_out, 2 * b_out) * (2 * b_out)
