"""Where a spherical CNN's filters live: small sets of points on S² or SO(3).

Cohen et al. (2018, §4.1) store a filter not as a full band-limited signal but
as values at a handful of points near the north pole (S²) or near the identity
(SO(3)); the filter's Fourier coefficients are then a direct (DFT) sum over
those points (see :mod:`dlnotes.sphere.layers`). These four functions build the
point sets with the names, signatures, defaults and ordering of the reference
implementation ``s2cnn`` (``s2cnn/s2_grid.py``, ``s2cnn/so3_grid.py``), so a
model written for ``s2cnn`` builds the same filters here.

A point on S² is ``(beta, alpha)`` (colatitude β ∈ [0, π], longitude α), a
point of SO(3) is ``(beta, alpha, gamma)``, Euler angles as in
:mod:`dlnotes.sphere.conventions`. Points are returned as a tuple of tuples of
Python floats (hashable, so layers can cache their DFT matrix per grid),
ordered with β slowest, then α, then γ (``numpy.meshgrid(...,
indexing="ij")``).
"""

from __future__ import annotations

import math

import numpy as np

from dlnotes._checks import check_int

S2Grid = tuple[tuple[float, float], ...]
SO3Grid = tuple[tuple[float, float, float], ...]


def _check_angle(name: str, value: float, upper: float) -> None:
    if not 0 <= value <= upper:
        raise ValueError(f"{name} must lie in [0, {upper:.6g}], got {value}")


def _rings(max_beta: float, n_beta: int) -> np.ndarray:
    """β = max_beta · k / n_beta for k = 1..n_beta (the pole itself is left
    out)."""
    return np.arange(1, n_beta + 1, dtype=np.float64) * max_beta / n_beta


def _around_equator(max_beta: float, n_beta: int) -> np.ndarray:
    """n_beta values of β evenly from π/2 − max_beta to π/2 + max_beta (ends
    included)."""
    return np.linspace(math.pi / 2 - max_beta, math.pi / 2 + max_beta, n_beta)


def _longitudes(n_alpha: int) -> np.ndarray:
    """α = 2πk / n_alpha for k = 0..n_alpha−1."""
    return np.linspace(0.0, 2 * math.pi, n_alpha, endpoint=False)


def _as_tuples(*axes: np.ndarray) -> tuple[tuple[float, ...], ...]:
    mesh = np.meshgrid(*axes, indexing="ij")
    return tuple(
        tuple(float(v) for v in point)
        for point in np.stack([m.ravel() for m in mesh], axis=1)
    )


def s2_near_identity_grid(
    max_beta: float = math.pi / 8, n_alpha: int = 8, n_beta: int = 3
) -> S2Grid:
    """Rings around the north pole: ``n_beta`` rings of ``n_alpha`` points
    each.

    β_j = max_beta · j / n_beta (j = 1..n_beta), α_k = 2πk / n_alpha (k =
    0..n_alpha−1); the kernel has ``n_alpha * n_beta`` points (24 with the
    defaults, the paper's S² filter).

    Raises:
        ValueError: a count below 1, or ``max_beta`` outside [0, π].
    """
    check_int(n_alpha, "n_alpha", 1)
    check_int(n_beta, "n_beta", 1)
    _check_angle("max_beta", max_beta, math.pi)
    return _as_tuples(_rings(max_beta, n_beta), _longitudes(n_alpha))


def s2_equatorial_grid(
    max_beta: float = 0.0, n_alpha: int = 32, n_beta: int = 1
) -> S2Grid:
    """Rings around the equator: β evenly in [π/2 − max_beta, π/2 + max_beta],
    ``n_alpha`` longitudes.

    Raises:
        ValueError: a count below 1, or ``max_beta`` outside [0, π/2].
    """
    check_int(n_alpha, "n_alpha", 1)
    check_int(n_beta, "n_beta", 1)
    _check_angle("max_beta", max_beta, math.pi / 2)
    return _as_tuples(_around_equator(max_beta, n_beta), _longitudes(n_alpha))


def so3_near_identity_grid(
    max_beta: float = math.pi / 8,
    max_gamma: float = 2 * math.pi,
    n_alpha: int = 8,
    n_beta: int = 3,
    n_gamma: int | None = None,
) -> SO3Grid:
    """Rings of rotations around the identity, all rotations of a ring equally
    far from it.

    β_j = max_beta · j / n_beta (j = 1..n_beta), α_k = 2πk / n_alpha, and γ =
    γ' − α with γ' evenly in [−max_gamma, max_gamma] (``n_gamma`` values, ends
    included; ``n_gamma`` defaults to ``n_alpha``). Writing γ = γ' − α makes
    the rotation R_z(α) [R_y(β) R_z(γ')] R_z(α)⁻¹, a conjugate of one fixed
    rotation, so the ``n_alpha`` points of a ring (fixed β, γ') share their
    rotation angle, i.e. their distance from the identity; γ' = 0 gives angle
    exactly β. The kernel has ``n_alpha * n_beta * n_gamma`` points: 72 for the
    paper-era MNIST filter ``so3_near_identity_grid(max_gamma=π/8,
    n_gamma=3)``.

    Raises:
        ValueError: a count below 1, ``max_beta`` outside [0, π] or
            ``max_gamma`` outside [0, 2π].
    """
    if n_gamma is None:
        n_gamma = n_alpha
    check_int(n_alpha, "n_alpha", 1)
    check_int(n_beta, "n_beta", 1)
    check_int(n_gamma, "n_gamma", 1)
    _check_angle("max_beta", max_beta, math.pi)
    _check_angle("max_gamma", max_gamma, 2 * math.pi)
    beta, alpha = _rings(max_beta, n_beta), _longitudes(n_alpha)
    pre_gamma = np.linspace(-max_gamma, max_gamma, n_gamma)
    b, a, g = np.meshgrid(beta, alpha, pre_gamma, indexing="ij")
    return tuple(
        (float(x), float(y), float(z))
        for x, y, z in zip(b.ravel(), a.ravel(), (g - a).ravel(), strict=True)
    )


def so3_equatorial_grid(
    max_beta: float = 0.0,
    max_gamma: float = math.pi / 8,
    n_alpha: int = 32,
    n_beta: int = 1,
    n_gamma: int = 2,
) -> SO3Grid:
    """Rotations whose β is near π/2: β evenly in [π/2 ± max_beta], α =
    2πk/n_alpha, γ evenly in [±max_gamma].

    Raises:
        ValueError: a count below 1, ``max_beta`` outside [0, π/2] or
            ``max_gamma`` outside [0, 2π].
    """
    check_int(n_alpha, "n_alpha", 1)
    check_int(n_beta, "n_beta", 1)
    check_int(n_gamma, "n_gamma", 1)
    _check_angle("max_beta", max_beta, math.pi / 2)
    _check_angle("max_gamma", max_gamma, 2 * math.pi)
    return _as_tuples(
        _around_equator(max_beta, n_beta),
        _longitudes(n_alpha),
        np.linspace(-max_gamma, max_gamma, n_gamma),
    )
