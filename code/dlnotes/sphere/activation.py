"""The ReLU between spherical layers, fused into the operation that reads its
output.

In the MNIST model a ReLU sits between the S² layer and the SO(3) layer, and
between the SO(3) layer and the integral over SO(3). At the paper's sizes the
first one acts on 640 maps of 20³ samples (20 MB in float32): applied on its
own it writes a second grid of that size, which the next layer's first
transform then reads back, and its backward pass reads two such grids and
writes a third. Each pass is one comparison per sample; the time goes into
moving the grids through memory.

The ReLU is a gate: relu(x) = x ⊙ [x > 0], and its derivative is the same gate
on the incoming gradient, g ↦ g ⊙ [x > 0]. So an operation L that is linear
(each SO(3) transform, the integral) satisfies

    L(relu(x)) = L(x ⊙ [x > 0]),     ∂/∂x: g ↦ L*(g) ⊙ [x > 0],

with L* the adjoint of L. The fused forms apply the gate to the grid in row
chunks that fit in the L2 cache, right before the product that reads them
(forward) or right after the product that writes them (backward): the gated
grid never exists as a whole, and the backward pass recomputes the gate from
the pre-activation x that it keeps, as torch's ReLU keeps its output. The
values are those of the unfused composition (the gate is exact, and the
products sum the same terms).

Used through ``input_activation="relu"`` of
:class:`~dlnotes.sphere.layers.SO3Convolution` (fused into
:func:`~dlnotes.sphere.real_fft.so3_rfft_half`) and of
:func:`~dlnotes.sphere.integrate.so3_integrate`;
:mod:`dlnotes.sphere.experiments.mnist.models` uses both.
"""

from __future__ import annotations

from collections.abc import Iterator

import torch

#: The activations an operation can apply to its input, fused
#: (:func:`check_input_activation`).
INPUT_ACTIVATIONS = (None, "relu")

#: The size of a chunk of grid in bytes, a quarter of a 2 MB L2 cache, so that
#: a chunk, its gate and the product's other operand stay in cache together.
CHUNK_BYTES = 512 * 1024


def check_input_activation(input_activation: object) -> None:
    """Raise ``ValueError`` unless ``input_activation`` is one of
    :data:`INPUT_ACTIVATIONS`."""
    if input_activation not in INPUT_ACTIVATIONS:
        raise ValueError(
            "input_activation must be None or 'relu', got"
            f" {input_activation!r}"
        )


def row_chunks(matrix: torch.Tensor) -> Iterator[slice]:
    """Slices covering the rows of ``matrix`` (its first axis) in chunks of
    about :data:`CHUNK_BYTES`, at least one row each."""
    rows = matrix.shape[0]
    row_bytes = matrix[:1].numel() * matrix.element_size()
    step = max(1, CHUNK_BYTES // max(1, row_bytes))
    for start in range(0, rows, step):
        yield slice(start, min(rows, start + step))


def gate(
    t: torch.Tensor, x: torch.Tensor, out: torch.Tensor | None = None
) -> torch.Tensor:
    """``t ⊙ [x > 0]``, the ReLU's gate of pre-activation ``x`` applied to
    ``t``: ``gate(x, x)`` is relu(x), ``gate(g, x)`` the ReLU's backward pass
    of g.

    One pass, no mask tensor (aten's ``threshold_backward``, the kernel of
    torch's ReLU backward); ``out`` may be ``t`` itself.
    """
    if out is None:
        return torch.ops.aten.threshold_backward(t, x, 0)
    return torch.ops.aten.threshold_backward.grad_input(
        t, x, 0, grad_input=out
    )
