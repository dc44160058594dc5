"""Spherical and SO(3) correlations: by the Fourier theorems, and naively by
direct quadrature.

The correlation of Cohen et al. (2018, eqs. 4 and 5), summed over input
channels k:

    [ψ ⋆ f](R) = Σ_k ∫_{S²} ψ_k(R⁻¹x) f_k(x) dx        (S² × S² → SO(3)),
    [ψ ⋆ f](R) = Σ_k ∫_{SO(3)} ψ_k(R⁻¹Q) f_k(Q) dQ     (SO(3) × SO(3) → SO(3)),

with the measures, grids and packings of :mod:`dlnotes.sphere.conventions`.
Expanding ψ(R⁻¹·) with the rotation rules of :mod:`dlnotes.sphere.rotation` and
integrating term by term with the orthogonality of ``Y_l^m`` and ``D^l_mn``
gives the correlation theorems in the conventions of
:mod:`dlnotes.sphere.s2_fft` / :mod:`dlnotes.sphere.so3_fft`:

    (ψ ⋆ f)^l_mn = Σ_k (-1)^m f̂_{k,l,-m} ψ̂_{k,l,n}    (an outer product per l),
    (ψ ⋆ f)^l_pm = Σ_k Σ_n f̂^l_{k,pn} ψ̃^l_{k,mn} / (2l+1),
    ψ̃^l_mn = (-1)^(m-n) ψ̂^l_{-m,-n}.

For real signals ``(-1)^m f̂_{l,-m} = conj(f̂_lm)`` and ``ψ̃^l = conj(ψ̂^l)``,
so these are the paper's ``conj(f̂_l) ψ̂_lᵀ`` and ``f̂^l ψ̂^l† / (2l+1)``; the
signed forms above also hold for complex signals. The naive versions evaluate ψ
at every ``R⁻¹x`` (or ``R⁻¹Q``) and sum with the exact quadrature weights:
O(b⁵) on S², O(b⁶) on SO(3) evaluations, against O(b⁴) for the FFT route.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from dlnotes._cache import cached_tensors
from dlnotes._checks import check_signal, s2_bandwidth, so3_bandwidth
from dlnotes.sphere._indices import so3_indices
from dlnotes.sphere.grid import (
    s2_grid,
    s2_quadrature_weights,
    so3_quadrature_weights,
)
from dlnotes.sphere.rotation import matrix_to_euler, so3_grid_rotations
from dlnotes.sphere.s2_fft import real_dtype, s2_fft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.wigner import (
    so3_offset,
    spherical_harmonics,
    wigner_D_packed,
)

PsiFunction = Callable[[torch.Tensor], torch.Tensor]


@cached_tensors(maxsize=16)
def _s2_correlation_indices(
    b: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For each packed SO(3) entry (l, m, n): S² positions of (l, -m) and (l,
    n), and ``(-1)^m``."""
    l, m, n = so3_indices(b, device)
    sign = 1.0 - 2.0 * (m % 2)
    return l * l + l - m, l * l + l + n, sign


@cached_tensors(maxsize=16)
def _so3_reversal(
    b: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """For each packed SO(3) entry (l, m, n): the position of (l, -m, -n), and
    ``(-1)^(m-n)``."""
    l, m, n = so3_indices(b, device)
    offset = l * (4 * l * l - 1) // 3
    return offset + (l - m) * (2 * l + 1) + (l - n), 1.0 - 2.0 * ((m - n) % 2)


def _check_spectra(f_hat: object, psi_hat: object, kind: str) -> None:
    for name, t in (("f_hat", f_hat), ("psi_hat", psi_hat)):
        if not isinstance(t, torch.Tensor) or not t.is_complex():
            raise TypeError(
                f"{name} must be a complex torch.Tensor of {kind} coefficients"
            )
    if f_hat.dim() < 2 or psi_hat.dim() != 3:
        raise ValueError(
            "f_hat must be [..., F_in, n] and psi_hat [F_in, F_out, n], got"
            f" {tuple(f_hat.shape)} and {tuple(psi_hat.shape)}"
        )
    if (
        f_hat.shape[-1] != psi_hat.shape[-1]
        or f_hat.shape[-2] != psi_hat.shape[0]
    ):
        raise ValueError(
            "f_hat [..., F_in, n] and psi_hat [F_in, F_out, n] must agree in"
            f" F_in and n, got {tuple(f_hat.shape)} and {tuple(psi_hat.shape)}"
        )


def s2_spectral_correlation(
    f_hat: torch.Tensor, psi_hat: torch.Tensor
) -> torch.Tensor:
    """SO(3) coefficients of ``ψ ⋆ f`` from S² coefficients, summed over input
    channels.

    Args:
        f_hat: complex ``[..., F_in, b²]`` (from
            :func:`dlnotes.sphere.s2_fft`).
        psi_hat: complex ``[F_in, F_out, b²]``.

    Returns:
        complex ``[..., F_out, b(4b²-1)/3]``: ``Σ_k (-1)^m f̂_{k,l,-m}
        ψ̂_{k,l,n}`` at (l, m, n), so that ``so3_ifft`` of it samples ``[ψ ⋆
        f](R) = Σ_k ∫ ψ_k(R⁻¹x) f_k(x) dx``.
    """
    _check_spectra(f_hat, psi_hat, "S²")
    b = s2_bandwidth(f_hat.shape[-1])
    reflected, direct, sign = _s2_correlation_indices(b, f_hat.device)
    f_term = f_hat.index_select(-1, reflected) * sign.to(
        real_dtype(f_hat.dtype)
    )
    psi_term = psi_hat.index_select(-1, direct)
    return torch.einsum("...kp,kop->...op", f_term, psi_term)


def so3_spectral_correlation(
    f_hat: torch.Tensor, psi_hat: torch.Tensor
) -> torch.Tensor:
    """SO(3) coefficients of ``ψ ⋆ f`` from SO(3) coefficients, summed over
    input channels.

    Args:
        f_hat: complex ``[..., F_in, b(4b²-1)/3]`` (from
            :func:`dlnotes.sphere.so3_fft`).
        psi_hat: complex ``[F_in, F_out, b(4b²-1)/3]``.

    Returns:
        complex ``[..., F_out, b(4b²-1)/3]``: block ``l`` is ``Σ_k f̂^l_k
        (ψ̃^l_k)ᵀ / (2l+1)``, so that ``so3_ifft`` of it samples ``[ψ ⋆ f](R) =
        Σ_k ∫ ψ_k(R⁻¹Q) f_k(Q) dQ`` (normalised Haar).
    """
    _check_spectra(f_hat, psi_hat, "SO(3)")
    b = so3_bandwidth(f_hat.shape[-1])
    reversal, sign = _so3_reversal(b, f_hat.device)
    psi_tilde = psi_hat.index_select(-1, reversal) * sign.to(
        real_dtype(psi_hat.dtype)
    )
    blocks = []
    for l in range(b):
        window = slice(so3_offset(l), so3_offset(l + 1))
        f_l = f_hat[..., window].unflatten(-1, (2 * l + 1, 2 * l + 1))
        psi_l = psi_tilde[..., window].unflatten(-1, (2 * l + 1, 2 * l + 1))
        blocks.append(
            (
                torch.einsum("...kpn,komn->...opm", f_l, psi_l) / (2 * l + 1)
            ).flatten(-2)
        )
    return torch.cat(blocks, -1)


def _check_pair(f: object, psi: object, ndim: int) -> int:
    b = check_signal(f, "f", ndim)
    if f.dim() < ndim + 1:
        raise ValueError(
            "f must have a channel axis: [..., F_in, grid], got"
            f" {tuple(f.shape)}"
        )
    if isinstance(psi, torch.Tensor):
        b_psi = check_signal(psi, "psi", ndim)
        if psi.dim() != ndim + 2:
            raise ValueError(
                "psi must have shape [F_in, F_out, grid], got"
                f" {tuple(psi.shape)}"
            )
        if b_psi != b:
            raise ValueError(
                f"psi must be on the same grid as f (bandwidth {b}), got"
                f" bandwidth {b_psi}"
            )
        if psi.shape[0] != f.shape[-ndim - 1]:
            raise ValueError(
                f"psi's F_in ({psi.shape[0]}) must match f's channels"
                f" ({f.shape[-ndim - 1]})"
            )
    return b


def s2_correlation(f: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    """``[ψ ⋆ f](R) = Σ_k ∫_{S²} ψ_k(R⁻¹x) f_k(x) dx`` on the SOFT grid, by the
    Fourier theorem.

    Args:
        f: ``[..., F_in, 2b, 2b]`` signals on S².
        psi: ``[F_in, F_out, 2b, 2b]`` filters on the same grid.

    Returns:
        ``[..., F_out, 2b, 2b, 2b]`` on SO(3) (β, α, γ); real if ``f`` and
        ``psi`` are. Exact for band-limited signals; O(b⁴) (the SO(3) inverse
        FFT dominates).
    """
    _check_pair(f, psi, 2)
    out = so3_ifft(s2_spectral_correlation(s2_fft(f), s2_fft(psi)))
    return out if f.is_complex() or psi.is_complex() else out.real


def so3_correlation(f: torch.Tensor, psi: torch.Tensor) -> torch.Tensor:
    """``[ψ ⋆ f](R) = Σ_k ∫_{SO(3)} ψ_k(R⁻¹Q) f_k(Q) dQ`` on the SOFT grid, by
    the Fourier theorem.

    Args:
        f: ``[..., F_in, 2b, 2b, 2b]`` signals on SO(3).
        psi: ``[F_in, F_out, 2b, 2b, 2b]`` filters on the same grid.

    Returns:
        ``[..., F_out, 2b, 2b, 2b]``; real if ``f`` and ``psi`` are. Normalised
        Haar measure.
    """
    _check_pair(f, psi, 3)
    out = so3_ifft(so3_spectral_correlation(so3_fft(f), so3_fft(psi)))
    return out if f.is_complex() or psi.is_complex() else out.real


def _double(t: torch.Tensor) -> torch.Tensor:
    """``t`` in float64, or complex128 if it is complex."""
    return t.to(torch.complex128 if t.is_complex() else torch.float64)


def _s2_basis(b: int, x: torch.Tensor) -> torch.Tensor:
    """``Y_l^m`` at unit vectors ``x [..., 3]``, packed."""
    beta = torch.atan2(torch.hypot(x[..., 0], x[..., 1]), x[..., 2])
    return spherical_harmonics(b, beta, torch.atan2(x[..., 1], x[..., 0]))


def _so3_basis(b: int, g: torch.Tensor) -> torch.Tensor:
    """``D^l_mn`` at rotation matrices ``g [..., 3, 3]``, packed."""
    return wigner_D_packed(b, *matrix_to_euler(g))


def _band_limited(
    psi: torch.Tensor,
    transform: Callable[[torch.Tensor], torch.Tensor],
    basis: Callable[[int, torch.Tensor], torch.Tensor],
) -> PsiFunction:
    """``ψ`` at any points from its samples, by its series: the coefficients
    ``transform(psi)`` (in float64) against the ``basis`` functions at the
    points (:func:`_s2_basis`: unit vectors; :func:`_so3_basis`: rotation
    matrices)."""
    b = psi.shape[-1] // 2
    coeffs = transform(_double(psi))

    def evaluate(points: torch.Tensor) -> torch.Tensor:
        values = torch.einsum("...p,kop->...ko", basis(b, points), coeffs)
        return values if psi.is_complex() else values.real

    return evaluate


def _naive(
    f_weighted: torch.Tensor,
    points: torch.Tensor,
    psi: PsiFunction,
    b: int,
    chunk: int,
) -> torch.Tensor:
    """``h[..., o, r] = Σ_{p,k} f_weighted[..., k, p] ψ(R_r⁻¹ p)[k, o]`` over
    the SO(3) grid R_r."""
    rotations = so3_grid_rotations(b).to(points.device)
    outs = []
    for start in range(0, rotations.shape[0], chunk):
        r_inv = rotations[start : start + chunk].transpose(-1, -2)
        if points.dim() == 2:  # unit vectors [P, 3]
            moved = torch.einsum("rij,pj->rpi", r_inv, points)
        else:  # rotation matrices [P, 3, 3]
            moved = torch.einsum("rij,pjk->rpik", r_inv, points)
        values = psi(moved)
        dtype = torch.promote_types(values.dtype, f_weighted.dtype)
        outs.append(
            torch.einsum(
                "...kp,rpko->...or", f_weighted.to(dtype), values.to(dtype)
            )
        )
    return torch.cat(outs, -1).unflatten(-1, (2 * b, 2 * b, 2 * b))


def naive_s2_correlation(
    f: torch.Tensor, psi: torch.Tensor | PsiFunction, chunk: int = 64
) -> torch.Tensor:
    """``[ψ ⋆ f](R) = Σ_k Σ_x w_x ψ_k(R⁻¹x) f_k(x)`` by direct quadrature over
    the S² grid.

    Args:
        f: ``[..., F_in, 2b, 2b]`` signals on S².
        psi: ``[F_in, F_out, 2b, 2b]`` band-limited samples (evaluated off the
            grid by their spherical-harmonic series), or a function mapping
            unit vectors ``[..., 3]`` (float64) to ``[..., F_in, F_out]``.
        chunk: rotations processed at once (memory).

    Returns:
        float64/complex128 ``[..., F_out, 2b, 2b, 2b]``; equals
        :func:`s2_correlation` when f and ψ are band-limited (the quadrature is
        exact). Cost: 8b³ · 4b² evaluations of ψ.
    """
    b = _check_pair(f, psi, 2)
    function = (
        _band_limited(psi, s2_fft, _s2_basis)
        if isinstance(psi, torch.Tensor)
        else psi
    )
    beta, alpha = s2_grid(b, torch.float64)
    st = torch.sin(beta)[:, None]
    points = torch.stack(
        [
            st * torch.cos(alpha),
            st * torch.sin(alpha),
            torch.cos(beta)[:, None].expand(-1, 2 * b),
        ],
        -1,
    ).reshape(-1, 3)
    weights = (
        s2_quadrature_weights(b, torch.float64)[:, None]
        .expand(-1, 2 * b)
        .reshape(-1)
    )
    f64 = _double(f).flatten(-2) * weights
    return _naive(f64, points.to(f.device), function, b, chunk)


def naive_so3_correlation(
    f: torch.Tensor, psi: torch.Tensor | PsiFunction, chunk: int = 16
) -> torch.Tensor:
    """``[ψ ⋆ f](R) = Σ_k Σ_Q w_Q ψ_k(R⁻¹Q) f_k(Q)`` by direct quadrature over
    the SOFT grid.

    Args:
        f: ``[..., F_in, 2b, 2b, 2b]`` signals on SO(3).
        psi: ``[F_in, F_out, 2b, 2b, 2b]`` band-limited samples (evaluated off
            the grid by their Wigner-D series, O(b³) per point), or a function
            mapping rotation matrices ``[..., 3, 3]`` (float64) to ``[...,
            F_in, F_out]``.
        chunk: rotations processed at once (memory).

    Returns:
        float64/complex128 ``[..., F_out, 2b, 2b, 2b]``; equals
        :func:`so3_correlation` for band-limited f and ψ. Cost: (8b³)²
        evaluations of ψ, O(b⁶) for a cheap ψ.
    """
    b = _check_pair(f, psi, 3)
    function = (
        _band_limited(psi, so3_fft, _so3_basis)
        if isinstance(psi, torch.Tensor)
        else psi
    )
    weights = (
        so3_quadrature_weights(b, torch.float64)[:, None, None]
        .expand(-1, 2 * b, 2 * b)
        .reshape(-1)
    )
    f64 = _double(f).flatten(-3) * weights
    return _naive(f64, so3_grid_rotations(b).to(f.device), function, b, chunk)
