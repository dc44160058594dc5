"""Inverted dropout (Srivastava et al., 2014) with a backward pass written by
hand.

Forward, with drop probability ``p`` and independent ``b_ij ~ Bernoulli(p)`` (1
= dropped):

    f_ij = x_ij (1 − b_ij) / (1 − p),

so that ``E[f_ij] = x_ij`` and nothing needs rescaling at evaluation time.
Backward (equation ``bp-do-dx`` of the chapter):

    (∂L/∂x)_ij = (∂L/∂f)_ij (1 − b_ij) / (1 − p).

The keep-mask ``1 − b`` is saved as ``torch.bool``, one byte per element
(PyTorch's CPU kernel saves the scaled mask in the input's dtype: four or eight
bytes). ``p = 1`` drops everything and gives zeros, not ``0 · ∞``.
"""

from __future__ import annotations

import torch

from dlnotes._checks import is_real, require_floating


def keep_scale(p: float) -> float:
    """The factor ``1/(1 − p)`` applied to kept entries, and 0 when ``p = 1``
    (nothing is kept)."""
    return 0.0 if p == 1 else 1.0 / (1.0 - p)


class DropoutFunction(torch.autograd.Function):
    """``forward(x, p, generator)`` draws the keep-mask and returns ``(f, 1 −
    b)``.

    The mask (bool) is returned, not differentiable, so that ``setup_context``
    can save it: ``torch.func`` lets a Function save only its inputs and
    outputs. Under ``torch.func.vmap`` the rule is generated: the mask is drawn
    as ``vmap(..., randomness=...)`` says (one mask for every example with
    ``"same"``, one each with ``"different"``; ``"error"``, the default,
    refuses to draw), as for ``torch.nn.functional.dropout``.
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, p, generator):  # type: ignore[override]
        """Draw the keep-mask ``1 − b`` (bool); return ``x (1 − b)/(1 − p)``
        and the mask."""
        # float32 whatever x is
        u = torch.rand(x.shape, generator=generator, device=x.device)
        keep = u >= p  # 1 − b: kept with probability 1 − p
        return x.mul(keep).mul_(keep_scale(p)), keep

    @staticmethod
    def setup_context(ctx, inputs, output):  # type: ignore[override]
        """Save the mask (one byte per element) and the scale ``1/(1 − p)``."""
        _, p, _ = inputs
        _, keep = output
        ctx.scale = keep_scale(p)
        ctx.save_for_backward(keep)
        ctx.mark_non_differentiable(keep)

    @staticmethod
    def backward(ctx, f_bar, _keep_bar):  # type: ignore[override]
        """``∂L/∂x = ∂L/∂f (1 − b)/(1 − p)`` with the saved mask."""
        (keep,) = ctx.saved_tensors
        return f_bar.mul(keep).mul_(ctx.scale), None, None


def dropout(
    x: torch.Tensor,
    p: float = 0.5,
    training: bool = True,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """Drop-in for ``torch.nn.functional.dropout`` (not in place), backed by a
    hand-written backward.

    ``torch.func.grad``, ``vjp``, ``jacrev`` and ``vmap`` apply as to PyTorch's
    function; forward-mode ``jvp`` and ``jacfwd`` are not implemented
    (PyTorch's ``NotImplementedError``).

    Args:
        x: input of any shape, floating point.
        p: probability of dropping an element, in ``[0, 1]``.
        training: apply dropout if true; return ``x`` unchanged otherwise.
        generator: random generator for the mask (``None``: PyTorch's default
            one).

    Returns:
        ``x (1 − b)/(1 − p)`` with ``b ~ Bernoulli(p)`` element-wise, or ``x``
        itself when not training or when ``p = 0``.

    Raises:
        TypeError: if ``x`` is not a floating-point tensor or ``p`` is not a
            number.
        ValueError: if ``p`` is outside ``[0, 1]`` (it is a probability).
        RuntimeError: under ``torch.func.vmap`` without ``randomness="same"``
            or ``"different"`` (PyTorch's own error: vmap must be told whether
            the examples share one mask), as for
            ``torch.nn.functional.dropout``.
    """
    require_floating("x", x)
    if not is_real(p):
        raise TypeError(
            f"p must be a number in [0, 1], got {type(p).__name__}"
        )
    if not 0 <= p <= 1:
        raise ValueError(f"p must be a drop probability in [0, 1], got {p}")
    if not training or p == 0:
        return x
    return DropoutFunction.apply(x, float(p), generator)[0]
