"""Global pooling on SO(3): the integral of a signal over the rotation group
(paper §5.2).

``so3_integrate(x)`` returns ∫_{SO(3)} x(R) dR for every leading index, with
the Haar measure normalised to total mass 1 (dR = sin β dα dβ dγ / 8π²), i.e.
the mean of x over all rotations. On the SOFT grid of bandwidth b
(:mod:`dlnotes.sphere.conventions`) the integral is the quadrature

    ∫ x dR = Σ_{j,k,k'} w_j x(β_j, α_k, γ_k'),

with the SOFT weights w_j of
:func:`~dlnotes.sphere.grid.so3_quadrature_weights` (they carry the sin β of dR
and the 1/(2b)² of the α and γ sums, and (2b)² Σ_j w_j = 1). The quadrature is
exact for signals of bandwidth 2b, so for every band-limited feature map of
bandwidth b. Because the Haar measure is invariant, the result is invariant to
rotations of x: the features a spherical CNN classifies.
"""

from __future__ import annotations

import torch

from dlnotes.sphere.grid import so3_quadrature_weights


def so3_integrate(x: torch.Tensor) -> torch.Tensor:
    """Mean of an SO(3) signal over the rotation group: ``[..., 2b, 2b, 2b]`` →
    ``[...]``.

    Args:
        x: real or complex signal on the SOFT grid, axes (β, α, γ) last.

    Returns:
        ∫_{SO(3)} x(R) dR with ∫ 1 dR = 1, same dtype as ``x``.

    Raises:
        TypeError: ``x`` is not floating point or complex.
        ValueError: the last three axes are not (2b, 2b, 2b) with b ≥ 1.
    """
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(
            f"x must be a floating point or complex tensor, got {x.dtype}"
        )
    if (
        x.dim() < 3
        or not x.shape[-1] == x.shape[-2] == x.shape[-3]
        or x.shape[-1] % 2
        or x.shape[-1] == 0
    ):
        raise ValueError(
            "x must end with axes (2b, 2b, 2b) for a bandwidth b >= 1, got"
            f" shape {tuple(x.shape)}"
        )
    b = x.shape[-1] // 2
    real_dtype = x.real.dtype if x.is_complex() else x.dtype
    w = so3_quadrature_weights(b, dtype=real_dtype, device=x.device)
    return torch.einsum("...jac,j->...", x, w.to(x.dtype))
