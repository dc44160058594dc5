"""Rotations: ZYZ Euler angles ↔ matrices, and exact rotation of band-limited
signals.

Conventions (ZYZ Euler angles, rotations acting actively on signals):
:mod:`dlnotes.sphere.conventions`. With the Fourier expansions of
:mod:`dlnotes.sphere.s2_fft` and :mod:`dlnotes.sphere.so3_fft` rotation is a
matrix product per degree l (the point of Wigner matrices):

    (L_R f)^_l = D^l(R) f̂_l         on S²  (vector of the 2l+1 orders m),
    (L_R f)^l  = conj(D^l(R)) f̂^l   on SO(3)  (block of (2l+1)² orders m, n),

the second since ``D^l(R⁻¹Q) = D^l(R)^† D^l(Q)``. Both are exact for
band-limited signals.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from dlnotes._checks import check_signal
from dlnotes.sphere.grid import so3_grid
from dlnotes.sphere.s2_fft import complex_dtype, s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.wigner import (
    Angle,
    euler_angles,
    so3_offset,
    wigner_D_from_d,
    wigner_d_iter,
)


def euler_to_matrix(alpha: Angle, beta: Angle, gamma: Angle) -> torch.Tensor:
    """The rotation matrix ``R_z(α) R_y(β) R_z(γ)``, ``[..., 3, 3]`` (angles
    broadcast), float64."""
    a, b, g = euler_angles(alpha, beta, gamma)

    def rz(t: torch.Tensor) -> torch.Tensor:
        c, s, o, z = (
            torch.cos(t),
            torch.sin(t),
            torch.ones_like(t),
            torch.zeros_like(t),
        )
        return torch.stack([c, -s, z, s, c, z, z, z, o], -1).unflatten(
            -1, (3, 3)
        )

    c, s, o, z = (
        torch.cos(b),
        torch.sin(b),
        torch.ones_like(b),
        torch.zeros_like(b),
    )
    ry = torch.stack([c, z, s, z, o, z, -s, z, c], -1).unflatten(-1, (3, 3))
    return rz(a) @ ry @ rz(g)


def matrix_to_euler(
    rotation: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """ZYZ Euler angles ``(α, β, γ)`` of rotation matrices ``[..., 3, 3]``,
    accurate near the poles.

    ``β = atan2(hypot(R02, R12), R22)``. Far from β = 0 the sum α+γ is read
    from the upper-left block,
    ``(1 + cos β) e^{i(α+γ)} = (R00 + R11) + i (R10 - R01)``, and the
    difference from the third column and row; near β = π the roles swap
    (``(1 - cos β) e^{i(α-γ)} = (R11 - R00) - i(R10 + R01)``).
    So every angle that matters for ``D^l`` is found to rounding error, even at
    the identity.
    """
    r = rotation.to(torch.float64)
    beta = torch.atan2(torch.hypot(r[..., 0, 2], r[..., 1, 2]), r[..., 2, 2])
    alpha1 = torch.atan2(r[..., 1, 2], r[..., 0, 2])
    gamma1 = torch.atan2(r[..., 2, 1], -r[..., 2, 0])
    total = torch.atan2(
        r[..., 1, 0] - r[..., 0, 1], r[..., 0, 0] + r[..., 1, 1]
    )
    diff = torch.atan2(
        -(r[..., 1, 0] + r[..., 0, 1]), r[..., 1, 1] - r[..., 0, 0]
    )
    north = r[..., 2, 2] >= 0
    total = torch.where(north, total, alpha1 + gamma1)
    diff = torch.where(north, alpha1 - gamma1, diff)
    alpha = (total + diff) / 2
    # (total, diff) fix α only modulo π: take the branch nearest the column
    # estimate alpha1.
    off = torch.remainder(alpha - alpha1 + math.pi / 2, math.pi * 2) > math.pi
    alpha = torch.where(off, alpha + math.pi, alpha)
    gamma = total - alpha
    return alpha, beta, gamma


def so3_grid_rotations(b: int) -> torch.Tensor:
    """Rotation matrices of the SOFT grid on SO(3), float64 ``[8b³, 3, 3]`` in
    (β, α, γ) order.

    Entry ``(j·2b + k)·2b + i`` is ``R(alpha[k], beta[j], gamma[i])`` of
    :func:`~dlnotes.sphere.grid.so3_grid`, the order of a flattened SO(3)
    signal.

    Raises:
        TypeError: ``b`` is not an int.
        ValueError: ``b`` is below 1.
    """
    beta, alpha, gamma = so3_grid(b, torch.float64)
    return euler_to_matrix(
        alpha[None, :, None], beta[:, None, None], gamma[None, None, :]
    ).reshape(-1, 3, 3)


def _rotation_blocks(
    x: torch.Tensor, ndim: int, alpha: Angle, beta: Angle, gamma: Angle
) -> Iterator[torch.Tensor]:
    """``D^l(α, β, γ)`` for each degree ``l < b`` of the signal ``x`` (its last
    ``ndim`` axes of size ``2b``, checked now), complex ``[..., 2l+1, 2l+1]``
    in ``x``'s complex dtype and on its device."""
    b = check_signal(x, "x", ndim)
    dtype, device = complex_dtype(x.dtype), x.device
    a, be, g = (angle.to(device) for angle in euler_angles(alpha, beta, gamma))

    def blocks() -> Iterator[torch.Tensor]:
        for l, d in enumerate(wigner_d_iter(b - 1, be)):
            m = torch.arange(-l, l + 1, dtype=torch.float64, device=device)
            yield wigner_D_from_d(d, m[:, None], m[None, :], a, g).to(dtype)

    return blocks()


def s2_rotate(
    x: torch.Tensor, alpha: Angle, beta: Angle, gamma: Angle
) -> torch.Tensor:
    """Rotate a band-limited S² signal exactly: ``(L_R x)(p) = x(R⁻¹p)``, R =
    R_z(α)R_y(β)R_z(γ).

    Args:
        x: ``[..., 2b, 2b]`` on the SOFT grid, real or complex.
        alpha, beta, gamma: floats or tensors broadcastable to ``x.shape[:-2]``
            (one rotation per signal, or one for all).

    Returns:
        the rotated signal, same shape and dtype as ``x``; computed as ``D^l(R)
        f̂_l`` per degree.
    """
    blocks = _rotation_blocks(x, 2, alpha, beta, gamma)
    coeffs = s2_fft(x)
    parts = [
        (block @ coeffs[..., l * l : (l + 1) * (l + 1), None])[..., 0]
        for l, block in enumerate(blocks)
    ]
    rotated = s2_ifft(torch.cat(parts, -1))
    return rotated if x.is_complex() else rotated.real


def _degree_block(coeffs: torch.Tensor, l: int) -> torch.Tensor:
    """The coefficients ``f̂^l`` of degree ``l`` of an SO(3) signal, ``[...,
    2l+1, 2l+1]``."""
    return coeffs[..., so3_offset(l) : so3_offset(l + 1)].unflatten(
        -1, (2 * l + 1, 2 * l + 1)
    )


def so3_rotate(
    x: torch.Tensor, alpha: Angle, beta: Angle, gamma: Angle
) -> torch.Tensor:
    """Rotate a band-limited SO(3) signal exactly: ``(L_R x)(Q) = x(R⁻¹Q)``, R
    = R_z(α)R_y(β)R_z(γ).

    Args:
        x: ``[..., 2b, 2b, 2b]`` on the SOFT grid, real or complex.
        alpha, beta, gamma: floats or tensors broadcastable to
            ``x.shape[:-3]``.

    Returns:
        the rotated signal, same shape and dtype as ``x``; computed as
        ``conj(D^l(R)) f̂^l`` per degree.
    """
    blocks = _rotation_blocks(x, 3, alpha, beta, gamma)
    coeffs = so3_fft(x)
    parts = [
        (block.conj() @ _degree_block(coeffs, l)).flatten(-2)
        for l, block in enumerate(blocks)
    ]
    rotated = so3_ifft(torch.cat(parts, -1))
    return rotated if x.is_complex() else rotated.real
