"""The S² and SO(3) Fourier transforms in their textbook form: an FFT over the
angles, then one ``einsum`` over β against a cached table.

These are the transforms of Cohen et al. (2018, §4.1) as the chapter derives
them, written to be read: the production
:func:`~dlnotes.sphere.s2_fft.s2_fft` and
:func:`~dlnotes.sphere.so3_fft.so3_fft` compute the same coefficients (tested)
with the symmetries that halve their tables, memory checks, and real-signal
FFTs.
Conventions (SOFT grid, harmonics, packings, measures):
:mod:`dlnotes.sphere.conventions`.

S² (Driscoll and Healy 1994), for packed ``p = (l, m)``::

    X_j(m) = Σ_k f(β_j, α_k) e^{-imα_k}                  (an FFT over α)
    f̂_lm  = Σ_j [w_j N_l d^l_{m0}(β_j)] X_j(m)           (the einsum)

SO(3) (Kostelec and Rockmore 2008), for packed ``p = (l, m, n)``::

    X_j(m, n) = Σ_{k,i} f(β_j, α_k, γ_i) e^{imα_k + inγ_i}    (FFT over α, γ)
    f̂^l_mn   = Σ_j [(2l+1) w_j d^l_mn(β_j)] X_j(m, n)         (the einsum)

The brackets are the tables, ``[2b, b²]`` and ``[2b, b(4b²-1)/3]``, built once
per bandwidth and kept in memory. Both run in float64.
"""

from __future__ import annotations

import functools

import torch

from dlnotes._checks import check_signal
from dlnotes.sphere._indices import s2_indices, so3_indices
from dlnotes.sphere.grid import (
    s2_grid,
    s2_quadrature_weights,
    so3_quadrature_weights,
)
from dlnotes.sphere.wigner import so3_wigner_table, spherical_harmonics

__all__ = [
    "s2_fft_reference",
    "s2_reference_table",
    "so3_fft_reference",
    "so3_reference_table",
]


@functools.lru_cache(maxsize=4)
def s2_reference_table(b: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``w_j N_l d^l_{m0}(β_j)`` as ``[2b, b²]`` (float64), and the order
    ``m`` of each packed entry."""
    beta, _ = s2_grid(b, torch.float64)
    y = spherical_harmonics(b, beta, 0.0).real  # Y_l^m(β_j, 0) = N_l d^l_m0
    weights = s2_quadrature_weights(b, torch.float64)
    _, m = s2_indices(b, torch.device("cpu"))
    return weights[:, None] * y, m


@functools.lru_cache(maxsize=4)
def so3_reference_table(
    b: int,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(2l+1) w_j d^l_mn(β_j)`` as ``[2b, b(4b²-1)/3]`` (float64), and the
    orders ``m``, ``n`` of each packed entry."""
    d = so3_wigner_table(b, torch.float64, torch.device("cpu"))
    l, m, n = so3_indices(b, torch.device("cpu"))
    d = torch.cat([block.flatten(-2) for block in d], dim=-1)  # [2b, P]
    weights = so3_quadrature_weights(b, torch.float64)
    return (2 * l + 1) * weights[:, None] * d, m, n


def s2_fft_reference(x: torch.Tensor) -> torch.Tensor:
    """S² coefficients ``f̂_lm`` of samples ``x [..., 2b, 2b]`` (β, α): an FFT
    over α, one einsum over β. complex128 ``[..., b²]``, as
    :func:`~dlnotes.sphere.s2_fft.s2_fft`."""
    b = check_signal(x, "x", 2)
    table, m = s2_reference_table(b)
    X = torch.fft.fft(x.to(torch.complex128), dim=-1)  # X_j(m), m mod 2b
    return torch.einsum("jp,...jp->...p", table.to(X), X[..., m % (2 * b)])


def so3_fft_reference(x: torch.Tensor) -> torch.Tensor:
    """SO(3) coefficients ``f̂^l_mn`` of samples ``x [..., 2b, 2b, 2b]`` (β,
    α, γ): a 2-D FFT over (α, γ), one einsum over β. complex128 ``[...,
    b(4b²-1)/3]``, as :func:`~dlnotes.sphere.so3_fft.so3_fft`."""
    b = check_signal(x, "x", 3)
    table, m, n = so3_reference_table(b)
    X = torch.fft.ifft2(x.to(torch.complex128), dim=(-2, -1)) * (2 * b) ** 2
    X = X[..., m % (2 * b), n % (2 * b)]  # X_j(m, n) at each packed entry
    return torch.einsum("jp,...jp->...p", table.to(X), X)
