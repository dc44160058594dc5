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
from torch.autograd.function import once_differentiable

from dlnotes.sphere.activation import check_input_activation, gate, row_chunks
from dlnotes.sphere.grid import so3_quadrature_weights


def so3_integrate(
    x: torch.Tensor, input_activation: str | None = None
) -> torch.Tensor:
    """Mean of an SO(3) signal over the rotation group: ``[..., 2b, 2b, 2b]`` →
    ``[...]``.

    Args:
        x: real or complex signal on the SOFT grid, axes (β, α, γ) last.
        input_activation: ``"relu"`` integrates relu(x) (real ``x`` only),
            the ReLU fused into the quadrature (:func:`relu_integral`).

    Returns:
        ∫_{SO(3)} x(R) dR with ∫ 1 dR = 1, same dtype as ``x``.

    Raises:
        TypeError: ``x`` is not floating point or complex, or complex with
            ``input_activation="relu"``.
        ValueError: the last three axes are not (2b, 2b, 2b) with b ≥ 1, or
            ``input_activation`` is neither None nor ``"relu"``.
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
    check_input_activation(input_activation)
    if input_activation == "relu":
        if x.is_complex():
            raise TypeError("the ReLU needs a real x, got a complex one")
        return relu_integral(x)
    b = x.shape[-1] // 2
    real_dtype = x.real.dtype if x.is_complex() else x.dtype
    w = so3_quadrature_weights(b, dtype=real_dtype, device=x.device)
    return torch.einsum("...jac,j->...", x, w.to(x.dtype))


def relu_integral(x: torch.Tensor) -> torch.Tensor:
    """∫_{SO(3)} relu(x(R)) dR of real ``x [..., 2b, 2b, 2b]``, the ReLU fused
    into the quadrature (:mod:`dlnotes.sphere.activation`).

    The quadrature is a product with the weights w_j of every sample,
    ``maps [M, (j, k, k')] @ w``; its adjoint spreads a gradient g over the
    samples, ``g w``. Both run in chunks of maps that fit in cache, the
    forward gating each chunk before the product, the backward after it:
    ∂/∂x = (g w) ⊙ [x > 0]. Differentiable once.
    """
    b = x.shape[-1] // 2
    w = so3_quadrature_weights(b, dtype=x.dtype, device=x.device)
    # w_j at every sample (j, k, k') of a map
    w = w.repeat_interleave(4 * b * b)
    return _ReluIntegral.apply(x, w)


class _ReluIntegral(torch.autograd.Function):
    """Forward and backward of :func:`relu_integral`."""

    @staticmethod
    def forward(ctx, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        maps = x.reshape(-1, w.numel())
        ctx.save_for_backward(maps, w)
        ctx.shape = x.shape
        out = maps.new_empty(maps.shape[0])
        for chunk in row_chunks(maps):
            torch.mv(gate(maps[chunk], maps[chunk]), w, out=out[chunk])
        return out.view(x.shape[:-3])

    @staticmethod
    @once_differentiable
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        maps, w = ctx.saved_tensors
        grad = grad.reshape(-1)
        out = torch.empty_like(maps)
        for chunk in row_chunks(maps):
            torch.outer(grad[chunk], w, out=out[chunk])
            gate(out[chunk], maps[chunk], out=out[chunk])
        return out.view(ctx.shape), None
