"""The SOFT grids on S² and SO(3) and their exact quadrature weights.

The grids, the order of a sampled signal's axes and the measures are those of
:mod:`dlnotes.sphere.conventions`; this module computes them. The weights below
integrate exactly every band-limited function of bandwidth ``2b`` sampled on
the grid (Driscoll and Healy 1994, Theorem 3; Kostelec and Rockmore 2008, eq.
2.13).
"""

from __future__ import annotations

import math

import torch

from dlnotes._checks import check_bandwidth


def _resolve(dtype: torch.dtype | None) -> torch.dtype:
    dtype = torch.get_default_dtype() if dtype is None else dtype
    if not dtype.is_floating_point:
        raise TypeError(f"dtype must be a real floating dtype, got {dtype}")
    return dtype


def s2_grid(
    b: int,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """The SOFT grid on S² at bandwidth ``b``: ``(beta [2b], alpha [2b])``.

    ``beta[j] = π(2j+1)/(4b)`` (polar angle), ``alpha[k] = 2πk/(2b)``
    (azimuth). A signal sampled on it has shape ``[..., 2b, 2b]`` with ``x[...,
    j, k] = f(beta[j], alpha[k])``.
    """
    b = check_bandwidth(b)
    dtype = _resolve(dtype)
    j = torch.arange(2 * b, dtype=torch.float64)
    beta = math.pi * (2 * j + 1) / (4 * b)
    alpha = 2 * math.pi * j / (2 * b)
    return beta.to(dtype=dtype, device=device), alpha.to(
        dtype=dtype, device=device
    )


def so3_grid(
    b: int,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The SOFT grid on SO(3) at bandwidth ``b``: ``(beta [2b], alpha [2b],
    gamma [2b])``.

    Euler angles as in :mod:`dlnotes.sphere.conventions`; ``gamma`` equals
    ``alpha``. A signal sampled on it has shape ``[..., 2b, 2b, 2b]`` with
    ``x[..., j, k, i] = f(R(alpha[k], beta[j], gamma[i]))``.
    """
    beta, alpha = s2_grid(b, dtype, device)
    return beta, alpha, alpha.clone()


def driscoll_healy_weights(b: int) -> torch.Tensor:
    """``w_j`` with ``Σ_j w_j p(cos β_j) = ∫_0^π p(cos β) sin β dβ`` for
    polynomials p of degree < 2b: float64 ``[2b]``, one per ring of the grid.

    Kostelec and Rockmore (2008), eq. 2.13:
    w_j = (2/b) sin(β_j) Σ_{k=0}^{b-1} sin((2k+1) β_j) / (2k+1).
    """
    b = check_bandwidth(b)
    beta, _ = s2_grid(b, torch.float64)
    k = torch.arange(b, dtype=torch.float64)
    series = (torch.sin((2 * k + 1) * beta[:, None]) / (2 * k + 1)).sum(-1)
    return (2.0 / b) * torch.sin(beta) * series


def s2_quadrature_weights(
    b: int,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Quadrature weights ``w [2b]`` on the S² grid, normalised to the area
    measure (∫1 = 4π).

    ``Σ_{j,k} w[j] f(β_j, α_k) = ∫_{S²} f(x) dx`` exactly for every f of
    bandwidth ``2b`` (degrees below 2b), so in particular for products of two
    functions of bandwidth ``b``. The weights are Driscoll and Healy's with the
    α spacing folded in: ``w[j] = (π/b) · w_j^{DH}``, and ``2b · Σ_j w[j] =
    4π``.
    """
    b = check_bandwidth(b)
    dtype = _resolve(dtype)
    return (driscoll_healy_weights(b) * math.pi / b).to(
        dtype=dtype, device=device
    )


def so3_quadrature_weights(
    b: int,
    dtype: torch.dtype | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Quadrature weights ``w [2b]`` on the SOFT grid, for the normalised Haar
    measure (∫1 = 1).

    ``Σ_{j,k,i} w[j] f(β_j, α_k, γ_i) = ∫_{SO(3)} f(R) dR`` with ``dR = sin β
    dα dβ dγ / (8π²)``, exactly for every f of bandwidth ``2b`` on SO(3).
    ``w[j] = w_j^{DH} / (2 (2b)²)`` and ``(2b)² · Σ_j w[j] = 1``.
    """
    b = check_bandwidth(b)
    dtype = _resolve(dtype)
    return (driscoll_healy_weights(b) / (2 * (2 * b) ** 2)).to(
        dtype=dtype, device=device
    )
