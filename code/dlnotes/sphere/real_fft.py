"""The SO(3) FFT pair specialised to *real* signals, as the layers use it.

A spherical CNN's feature maps are real, so their SO(3) coefficients are Hermitian-symmetric,

    f̂ˡ_{−m,−n} = (−1)^{m−n} conj(f̂ˡ_mn),

and half of them (n ≥ 0) determine the rest. This module computes exactly what
:func:`~dlnotes.sphere.so3_fft.so3_fft` and ``so3_ifft(...).real`` compute (same grid, packing and
normalisation: f(R) = Σ f̂ˡ_mn Dˡ_mn(R), f̂ˡ_mn = (2l+1) ∫ f conj(Dˡ_mn) dR, ∫1 dR = 1), with
two changes that matter on a CPU:

* real FFTs over (α, γ) (``rfft2`` / ``irfft2``), which touch only the orders n ≥ 0;
* the β step as one batched matrix product per order pair (m, n) over all degrees l at once,

      f̂ˡ_mn = (2l+1) Σ_j w_j dˡ_mn(β_j) X_j(m, n),     S_j(m, n) = Σ_l f̂ˡ_mn dˡ_mn(β_j),

  with dˡ_mn set to 0 for degrees l below max(abs(m), abs(n)), instead of a loop over l of small
  contractions.
  Counting the zeros it multiplies, it does about 1.5 times the multiply-adds of a packed loop
  over all orders (2b³ against 4b³/3 per β), but in a few large ``bmm`` calls.

The tests check both functions against the general transforms to rounding error, and
``python -m dlnotes.bench sphere --part layers`` measures the gain.
"""

from __future__ import annotations

import functools

import torch

from dlnotes.sphere.grid import check_bandwidth, so3_quadrature_weights
from dlnotes.sphere.s2_fft import at_least_single, check_signal, complex_dtype, empty_result
from dlnotes.sphere.so3_fft import so3_bandwidth
from dlnotes.sphere.wigner import so3_offset, so3_size, so3_wigner_table


@functools.lru_cache(maxsize=32)
def _plan(b_grid: int, b: int, dtype: torch.dtype, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Tables over (m = −(b−1)..b−1, n = 0..b−1, l = 0..b−1) for a grid of bandwidth ``b_grid``.

    Returns ``d [2b−1, b, b, 2b_grid]`` with dˡ_mn(β_j) (0 where l < max(abs(m), n)), ``index
    [2b−1, b, b]`` with the packed position of (l, m, n) (``so3_size(b)``, a zero slot, where
    invalid), and ``mirror [so3_size(b)]``: for each packed (l, m, n), the position of (m, abs(n), l)
    in the flattened half-spectrum, negated (−1 − position) when n < 0 and the entry comes from
    the conjugate of (l, −m, −n).
    """
    table = so3_wigner_table(b_grid, torch.float64, torch.device("cpu"))
    d = torch.zeros(2 * b - 1, b, b, 2 * b_grid, dtype=torch.float64)
    index = torch.full((2 * b - 1, b, b), so3_size(b), dtype=torch.long)
    mirror = torch.empty(so3_size(b), dtype=torch.long)
    for l in range(b):
        orders = slice(b - 1 - l, b + l)
        d[orders, : l + 1, l] = table[l][:, :, l:].permute(1, 2, 0)
        block = so3_offset(l) + torch.arange((2 * l + 1) ** 2).reshape(2 * l + 1, 2 * l + 1)
        index[orders, : l + 1, l] = block[:, l:]
        m = torch.arange(-l, l + 1)[:, None].expand(-1, 2 * l + 1)
        n = torch.arange(-l, l + 1)[None, :].expand(2 * l + 1, -1)
        half_position = ((torch.where(n >= 0, m, -m) + b - 1) * b + n.abs()) * b + l
        mirror[block.flatten()] = torch.where(n >= 0, half_position, -1 - half_position).flatten()
    return d.to(dtype=dtype, device=device), index.to(device), mirror.to(device)


def _orders(b_grid: int, b: int, device: torch.device) -> torch.Tensor:
    """FFT positions of the orders m = −(b−1)..b−1 on 2b_grid points."""
    return torch.arange(-(b - 1), b, device=device) % (2 * b_grid)


def so3_rfft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """SO(3) coefficients of a real signal: equals ``so3_fft(x, b_out)`` for real ``x``.

    Args:
        x: real ``[..., 2b, 2b, 2b]`` on the SOFT grid, ordered (β, α, γ).
        b_out: keep degrees l < b_out (``b_out <= b``, default b).

    Returns:
        complex ``[..., b_out(4b_out²−1)/3]`` in the SO(3) packing; complex64 unless ``x`` is
        float64 (float16 and bfloat16 are computed in float32); an empty batch gives an empty result.

    Raises:
        TypeError: ``x`` is complex or not floating point.
        ValueError: bad grid shape, or ``b_out`` above the signal's bandwidth.
    """
    b_grid = check_signal(x, "x", 3)
    if x.is_complex():
        raise TypeError("x must be real; use so3_fft for complex signals")
    b = b_grid if b_out is None else check_bandwidth(b_out, "b_out")
    if b > b_grid:
        raise ValueError(f"b_out must be <= the signal's bandwidth b = {b_grid}, got {b}")
    x = at_least_single(x)
    if x.numel() == 0:
        return empty_result(x, (*x.shape[:-3], so3_size(b)), complex_dtype(x.dtype))
    d, _, mirror = _plan(b_grid, b, x.dtype, x.device)
    m_count, n_count, l_count, j_count = d.shape
    batch = x.shape[:-3]
    weights = so3_quadrature_weights(b_grid, x.dtype, x.device)
    # X_j(m, n) = Σ_{k,i} x e^{+imα_k} e^{+inγ_i} = conj(rfft2(x)) for real x, orders n >= 0.
    spectrum = torch.fft.rfft2(x.reshape(-1, j_count, 2 * b_grid, 2 * b_grid) * weights[:, None, None]).conj()
    spectrum = spectrum.index_select(-2, _orders(b_grid, b, x.device))[..., :n_count]  # [P, J, M, N]
    p = spectrum.shape[0]
    stacked = torch.view_as_real(spectrum).permute(2, 3, 0, 4, 1).reshape(m_count * n_count, 2 * p, j_count)
    degree = torch.arange(b, dtype=x.dtype, device=x.device)
    half = torch.bmm(stacked, d.reshape(m_count * n_count, l_count, j_count).transpose(1, 2)) * (2 * degree + 1)
    half = torch.view_as_complex(half.reshape(m_count, n_count, p, 2, l_count).permute(2, 0, 1, 4, 3).contiguous())
    half = half.reshape(p, -1)  # [P, (m, n >= 0, l)]
    direct = half.index_select(-1, mirror.clamp(min=0))
    # f̂ˡ_{m,n} = (-1)^{m-n} conj(f̂ˡ_{-m,-n}) for n < 0; (-1)^{m-n} = (-1)^{m+|n|}.
    mirrored = half.index_select(-1, (-1 - mirror).clamp(min=0)).conj() * _mirror_sign(b, x.dtype, x.device)
    return torch.where(mirror >= 0, direct, mirrored).reshape(*batch, -1)


@functools.lru_cache(maxsize=32)
def _mirror_sign(b: int, dtype: torch.dtype, device: torch.device) -> torch.Tensor:
    """(−1)^{m−n} for each packed (l, m, n)."""
    signs = []
    for l in range(b):
        r = torch.arange(-l, l + 1)
        signs.append((1 - 2 * ((r[:, None] - r[None, :]) % 2)).flatten())
    return torch.cat(signs).to(dtype=dtype, device=device)


def so3_irfft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Real signal from Hermitian-symmetric SO(3) coefficients: equals ``so3_ifft(coeffs, b_out).real``.

    Only the orders n ≥ 0 are read; for coefficients of a real signal (the symmetry above holds,
    as for every correlation of real signals and real filters) the result is the exact inverse.

    Args:
        coeffs: complex ``[..., b(4b²−1)/3]`` in the SO(3) packing.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default b).

    Returns:
        real ``[..., 2b_out, 2b_out, 2b_out]`` ordered (β, α, γ); float64 for complex128
        coefficients, float32 otherwise; an empty batch gives an empty result.

    Raises:
        TypeError: ``coeffs`` is not complex.
        ValueError: the last axis is not b(4b²−1)/3 long, or ``b_out < b``.
    """
    if not isinstance(coeffs, torch.Tensor) or not coeffs.is_complex():
        raise TypeError("coeffs must be a complex torch.Tensor of SO(3) coefficients")
    b = so3_bandwidth(coeffs.shape[-1])
    b_grid = b if b_out is None else check_bandwidth(b_out, "b_out")
    if b_grid < b:
        raise ValueError(f"b_out must be >= the coefficients' bandwidth b = {b}, got {b_grid}")
    coeffs = at_least_single(coeffs)
    if coeffs.numel() == 0:
        return empty_result(coeffs, (*coeffs.shape[:-1], 2 * b_grid, 2 * b_grid, 2 * b_grid), coeffs.real.dtype)
    d, index, _ = _plan(b_grid, b, coeffs.real.dtype, coeffs.device)
    m_count, n_count, l_count, j_count = d.shape
    batch = coeffs.shape[:-1]
    flat = coeffs.reshape(-1, coeffs.shape[-1])
    p = flat.shape[0]
    padded = torch.view_as_real(torch.cat([flat, flat.new_zeros(p, 1)], -1))  # zero slot at the end
    dense = padded[:, index]  # [P, M, N, L, 2]
    stacked = dense.permute(1, 2, 0, 4, 3).reshape(m_count * n_count, 2 * p, l_count)
    sums = torch.bmm(stacked, d.reshape(m_count * n_count, l_count, j_count))  # S_j(m, n)
    sums = torch.view_as_complex(sums.reshape(m_count, n_count, p, 2, j_count).permute(2, 4, 0, 1, 3).contiguous())
    # f = Σ_{m,n} S(m,n) e^{-imα} e^{-inγ} = (2b)² irfft2(conj S) for a real f.
    side = 2 * b_grid
    half = sums.new_zeros(p, j_count, side, side // 2 + 1)
    half[:, :, _orders(b_grid, b, coeffs.device), :n_count] = sums.conj()
    return (torch.fft.irfft2(half, s=(side, side)) * side * side).reshape(*batch, side, side, side)
