"""Two BatchNorm baselines for the benchmark: the node-by-node backward, and
plain autograd.

:class:`StagedBatchNormFunction` differentiates BatchNorm one node of its
computational graph at a time (mean, centre, square, variance, square root,
reciprocal, normalise, scale, shift), walking the graph backwards and applying
the chain rule at each node — the derivation a reader does first. It is correct
but saves two ``x``-sized intermediates and makes a dozen passes over the data.
:func:`batch_norm_primitives` writes the same forward in primitive operations
and lets autograd do the walk. Both are training mode, without running
statistics; first order only.
"""

from __future__ import annotations

import torch

from dlnotes.backprop.batchnorm import per_channel, reduce_dims


class StagedBatchNormFunction(torch.autograd.Function):
    """``forward(x, weight, bias, eps)``; the backward visits the nodes of the
    graph in reverse."""

    @staticmethod
    def forward(ctx, x, weight, bias, eps):  # type: ignore[override]
        """The forward node by node; save ``x̂``, ``x − μ`` and three
        per-channel tensors."""
        dims = reduce_dims(x)
        mu = x.mean(dims, keepdim=True)  # node 1: μ
        x_mu = x - mu  # node 2: x − μ
        var = (x_mu * x_mu).mean(dims, keepdim=True)  # nodes 3-4: σ²
        std = torch.sqrt(var + eps)  # node 5: √(σ² + ε)
        inv = 1 / std  # node 6
        x_hat = x_mu * inv  # node 7: x̂
        ctx.save_for_backward(x_hat, x_mu, inv, std, weight)
        # nodes 8-9: γ x̂ + β
        return x_hat * per_channel(weight, x) + per_channel(bias, x)

    @staticmethod
    def backward(ctx, y_bar):  # type: ignore[override]
        """The chain rule applied node by node, from ``y`` back to ``x``."""
        x_hat, x_mu, inv, std, weight = ctx.saved_tensors
        dims = reduce_dims(y_bar)
        n = y_bar.numel() // y_bar.shape[1]
        bias_bar = y_bar.sum(dims)  # node 9
        weight_bar = (y_bar * x_hat).sum(dims)  # node 8
        x_hat_bar = y_bar * per_channel(weight, y_bar)
        # node 7, towards 1/std
        inv_bar = (x_hat_bar * x_mu).sum(dims, keepdim=True)
        x_mu_bar = x_hat_bar * inv  # node 7, towards x − μ
        std_bar = -inv_bar / (std * std)  # node 6
        var_bar = 0.5 * std_bar / std  # node 5
        # nodes 4-3, second path into x − μ
        x_mu_bar = x_mu_bar + 2 * x_mu * var_bar / n
        mu_bar = -x_mu_bar.sum(dims, keepdim=True)  # node 2, towards μ
        x_bar = x_mu_bar + mu_bar / n  # nodes 2 and 1
        return x_bar, weight_bar, bias_bar, None


def batch_norm_primitives(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Training-mode BatchNorm in primitive operations, differentiated by
    autograd."""
    dims = reduce_dims(x)
    mean = x.mean(dims, keepdim=True)
    var = ((x - mean) ** 2).mean(dims, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * per_channel(
        weight, x
    ) + per_channel(bias, x)
