"""BatchNorm (Ioffe & Szegedy, 2015) with a backward pass written by hand.

Notation (the chapter's). For one channel, the batch holds ``n`` values ``x_i``
(``n = N`` for ``(N, C)`` input, ``N·L`` or ``N·H·W`` otherwise). Then

    μ = (1/n) Σ x_i,   σ² = (1/n) Σ (x_i − μ)²,
    x̂_i = (x_i − μ) / √(σ² + ε),   y_i = γ x̂_i + β.

Given ``ȳ = ∂L/∂y`` and ``g = γ ȳ``, the backward pass (equation ``bp-bn-dx``
of the chapter) is

    ∂L/∂x = 1/(n √(σ² + ε)) · (n g − Σ g − x̂ Σ(g x̂)),
    ∂L/∂γ = Σ ȳ x̂,   ∂L/∂β = Σ ȳ.

In evaluation mode ``μ`` and ``σ²`` are the running statistics, constants, so
``∂L/∂x = γ ȳ / √(σ²_run + ε)``.

Both Functions save the input ``x`` and three per-channel vectors, ``γ``, ``μ``
and ``σ²`` (or ``1/√(σ² + ε)``): never more than PyTorch's native kernel (which
saves ``x`` and five per-channel vectors). The backward is built from
differentiable tensor operations on those saved tensors; when it runs under
``create_graph=True`` (double backward) it recomputes ``μ`` and ``σ²`` from
``x`` so that the second derivative sees their dependence on ``x``. The
Functions keep ``forward`` and ``setup_context`` apart, so ``torch.func.grad``,
``vjp``, ``jacrev`` and ``vmap`` work on them as on PyTorch's own layer.
"""

from __future__ import annotations

import math

import torch

from dlnotes._checks import (
    as_real,
    require_channel_vector,
    require_floating,
)


def reduce_dims(x: torch.Tensor) -> tuple[int, ...]:
    """The axes BatchNorm averages over: all but the channel axis 1."""
    return (0, *range(2, x.dim()))


def per_channel(v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """View a ``(C,)`` vector so that it broadcasts along axis 1 of ``x``."""
    return v.view(1, x.shape[1], *([1] * (x.dim() - 2)))


def values_per_channel(x: torch.Tensor) -> int:
    """``n``: how many values each channel's statistics average, ``N`` times
    the spatial size.

    Counted from the shape, not as ``numel / C``, so that it is defined for ``C
    = 0`` too.
    """
    return math.prod((x.shape[0], *x.shape[2:]))


def channel_dot(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """``Σ a·b`` per channel (over every axis but 1).

    For ``(N, C, ...)`` input, dot products along the contiguous last axes, so
    no ``a``-sized product is written; for ``(N, C)`` input, where the sum runs
    down the columns, the plain product and column sum measured faster than
    ``vecdot``'s strided reduction.
    """
    if a.dim() == 2:
        return (a * b).sum(0)
    return torch.linalg.vecdot(a.flatten(2), b.flatten(2), dim=-1).sum(0)


def batch_statistics(x: torch.Tensor, eps: float) -> tuple[torch.Tensor, ...]:
    """Per-channel ``μ``, biased ``σ²``, ``1/√(σ² + ε)`` and the centred ``x −
    μ``.

    Two passes (mean, then squared deviations) are exact where ``E[x²] − μ²``
    would cancel; ``torch.var_mean`` would do it in one call, but its Welford
    loop is several times slower on a CPU. The forward pass reuses the centred
    copy's memory for its output. An empty batch (``n = 0``) has no statistics;
    ``μ = σ² = 0`` stand in for them, so that the output (empty) and the
    gradients of ``γ`` and ``β`` (sums of no terms: zeros) come out as
    PyTorch's.
    """
    n = values_per_channel(x)
    if n == 0:
        zeros = x.new_zeros(x.shape[1])
        return zeros, zeros, torch.rsqrt(zeros + eps), x.clone()
    mean = x.mean(reduce_dims(x))
    centred = x - per_channel(mean, x)
    var = channel_dot(centred, centred) / n
    return mean, var, torch.rsqrt(var + eps), centred


def batch_norm_input_grad(
    y_bar: torch.Tensor,
    x: torch.Tensor,
    mean: torch.Tensor,
    invstd: torch.Tensor,
    weight: torch.Tensor | None,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(∂L/∂x, Σ ȳ x̂, Σ ȳ)`` of training-mode BatchNorm, by the closed form.

    ``∂L/∂x = (γ/√(σ²+ε)) (ȳ − Σȳ/n − x̂ Σ(ȳ x̂)/n)`` is affine in ``ȳ`` and
    ``x`` per channel, so it is evaluated as ``a ȳ + b x + c`` with per-channel
    ``a, b, c``: two passes over the data after the two reductions, and one
    ``x``-sized allocation, for the result. When the result is to be
    differentiated again (double backward, ``torch.func``), the last step is
    out of place: ``torch.func.vmap`` has no batching rule for ``addcmul_``.
    """
    # n = 0: every term below is a sum of none, 0
    n = max(values_per_channel(x), 1)
    sum_y_bar = y_bar.sum(reduce_dims(x))  # Σ ȳ = ∂L/∂β
    # Σ ȳ x̂ = ∂L/∂γ
    sum_y_bar_x_hat = invstd * (channel_dot(y_bar, x) - mean * sum_y_bar)
    a = invstd if weight is None else weight * invstd  # γ/√(σ² + ε)
    # the x̂ Σ(ȳ x̂)/n term, per unit of x
    b = -a * invstd * sum_y_bar_x_hat / n
    c = -a * sum_y_bar / n - b * mean  # the constant part, with the Σ ȳ/n term
    x_bar = torch.addcmul(per_channel(c, x), x, per_channel(b, x))  # b x + c
    # to be differentiated again (create_graph=True, torch.func)
    if torch.is_grad_enabled():
        # + a ȳ, out of place
        x_bar = torch.addcmul(x_bar, y_bar, per_channel(a, x))
    else:
        x_bar = x_bar.addcmul_(y_bar, per_channel(a, x))  # + a ȳ, in place
    return x_bar, sum_y_bar_x_hat, sum_y_bar


def update_running_statistics(
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    mean: torch.Tensor,
    var: torch.Tensor,
    n: int,
    momentum: float,
) -> None:
    """``running ← (1 − m) running + m batch`` in place, with the unbiased
    variance ``σ² n/(n − 1)``.

    Nothing happens without running statistics or for an empty batch (``n =
    0``: no statistics), as in PyTorch.
    """
    if running_mean is None or running_var is None or n == 0:
        return
    running_mean.mul_(1 - momentum).add_(mean, alpha=momentum)
    running_var.mul_(1 - momentum).add_(var * (n / (n - 1)), alpha=momentum)


class BatchNormFunction(torch.autograd.Function):
    """Training-mode BatchNorm: normalise with the batch's own ``μ`` and
    ``σ²``.

    ``forward(x, weight, bias, running_mean, running_var, momentum, eps)``
    updates the running statistics in place (when given) and returns ``(y, μ,
    σ²)``; ``μ`` and the biased ``σ²`` are returned, not differentiable, so
    that ``setup_context`` can save them: ``torch.func`` lets a Function save
    only its inputs and outputs. The update happens inside ``forward``, as in
    PyTorch's kernel, so that it also happens under ``torch.func.grad``. Under
    ``torch.func.vmap`` (:meth:`vmap`), ``B`` batch norms of ``C`` channels are
    one batch norm of ``B·C`` channels.
    """

    @staticmethod
    def forward(x, weight, bias, running_mean, running_var, momentum, eps):  # type: ignore[override]
        """Normalise ``x`` per channel, ``y = (x − μ) γ/√(σ² + ε) + β``; update
        the running statistics."""
        mean, var, invstd, centred = batch_statistics(x, eps)
        update_running_statistics(
            running_mean,
            running_var,
            mean,
            var,
            values_per_channel(x),
            momentum,
        )
        scale = invstd if weight is None else weight * invstd  # γ/√(σ² + ε)
        # y = (x − μ) scale + β, in place
        y = centred.mul_(per_channel(scale, x))
        if bias is not None:
            y.add_(per_channel(bias, x))
        return y, mean, var

    @staticmethod
    def setup_context(ctx, inputs, output):  # type: ignore[override]
        """Save ``x``, ``γ``, ``μ`` and ``σ²`` (``1/√(σ² + ε)`` is recomputed:
        ``C`` values)."""
        x, weight, *_, eps = inputs
        _, mean, var = output
        ctx.eps = eps
        ctx.save_for_backward(x, weight, mean, var)
        ctx.mark_non_differentiable(mean, var)

    @staticmethod
    def backward(ctx, y_bar, _mean_bar, _var_bar):  # type: ignore[override]
        """``(∂L/∂x, ∂L/∂γ, ∂L/∂β)`` by the closed form
        (:func:`batch_norm_input_grad`)."""
        x, weight, mean, var = ctx.saved_tensors
        if torch.is_grad_enabled():  # double backward: μ, σ² must depend on x
            mean, _, invstd, _ = batch_statistics(x, ctx.eps)
        else:
            invstd = torch.rsqrt(var + ctx.eps)
        x_bar, w_bar, b_bar = batch_norm_input_grad(
            y_bar, x, mean, invstd, weight
        )
        need = ctx.needs_input_grad
        return (
            x_bar if need[0] else None,
            w_bar if need[1] else None,
            b_bar if need[2] else None,
            None,
            None,
            None,
            None,
        )

    @staticmethod
    def vmap(
        info,
        in_dims,
        x,
        weight,
        bias,
        running_mean,
        running_var,
        momentum,
        eps,
    ):  # type: ignore[override]
        """``B`` independent batch norms of ``C`` channels as one of ``B·C``
        channels.

        Each example of the vmapped batch has its own statistics per channel,
        which is what BatchNorm computes for ``B·C`` channels once the vmapped
        axis is moved next to the channel axis: ``x`` becomes ``(N, B·C, …)``;
        ``γ``, ``β`` become ``(B·C,)``. An input that is not vmapped is
        repeated ``B`` times. The result is split back: ``y`` is ``(N, B, C,
        …)`` (vmapped axis 1), ``μ`` and ``σ²`` are ``(B, C)`` (axis 0).
        Running statistics that are vmapped get one update per example;
        unvmapped ones, one update, which is possible only if ``x`` is not
        vmapped (PyTorch refuses it too).
        """
        size = info.batch_size
        x_dim, weight_dim, bias_dim, mean_dim, var_dim, _, _ = in_dims
        if running_mean is not None and (
            (mean_dim is None) != (var_dim is None)
            or (x_dim is not None and mean_dim is None)
        ):
            raise ValueError(
                "running_mean and running_var are updated in place, so under"
                " torch.func.vmap both must be vmapped when x is (or be None;"
                " a module: track_running_stats=False), as in torch"
            )
        batched = (
            x.movedim(x_dim, 1)
            if x_dim is not None
            else x.unsqueeze(1).expand(x.shape[0], size, *x.shape[1:])
        )
        n, channels, rest = (
            batched.shape[0],
            batched.shape[2],
            batched.shape[3:],
        )

        def stacked(
            v: torch.Tensor | None, dim: int | None
        ) -> torch.Tensor | None:
            if v is None:
                return None
            return (
                v.expand(size, channels) if dim is None else v.movedim(dim, 0)
            ).reshape(size * channels)

        y, mean, var = BatchNormFunction.apply(
            batched.reshape(n, size * channels, *rest),
            stacked(weight, weight_dim),
            stacked(bias, bias_dim),
            None,
            None,
            momentum,
            eps,
        )
        mean, var = mean.view(size, channels), var.view(size, channels)
        values = math.prod((n, *rest))  # n of one example
        # then x is not vmapped either: every example has x's statistics, row 0
        if mean_dim is None:
            update_running_statistics(
                running_mean, running_var, mean[0], var[0], values, momentum
            )
        else:  # (B, C) views of the vmapped statistics, one update per example
            update_running_statistics(
                running_mean.movedim(mean_dim, 0),
                running_var.movedim(var_dim, 0),
                mean,
                var,
                values,
                momentum,
            )
        return (y.view(n, size, channels, *rest), mean, var), (1, 0, 0)


class BatchNormEvalFunction(torch.autograd.Function):
    """Evaluation-mode BatchNorm: ``μ`` and ``σ²`` are the running statistics,
    constants.

    ``∂L/∂x = γ ȳ/√(σ²+ε)``, ``∂L/∂γ = Σ ȳ x̂``, ``∂L/∂β = Σ ȳ``; the running
    statistics get no gradient (as in PyTorch). ``forward`` returns ``(y, μ,
    1/√(σ² + ε))``: the last two, a copy of the running mean and the scale it
    used, are returned (not differentiable) so that ``setup_context`` may save
    them for the backward pass.
    """

    # every operation below is out of place, so torch.func can vmap it
    generate_vmap_rule = True

    @staticmethod
    def forward(x, running_mean, running_var, weight, bias, eps):  # type: ignore[override]
        """Normalise ``x`` with the running statistics: ``y = (x − μ)
        γ/√(σ²_run + ε) + β``."""
        # a copy: the caller may update the buffers before backward
        mean = running_mean.clone()
        invstd = torch.rsqrt(running_var + eps)
        scale = invstd if weight is None else weight * invstd
        shift = -mean * scale if bias is None else bias - mean * scale
        return (
            torch.addcmul(per_channel(shift, x), x, per_channel(scale, x)),
            mean,
            invstd,
        )

    @staticmethod
    def setup_context(ctx, inputs, output):  # type: ignore[override]
        """Save ``x``, ``γ``, ``μ`` and ``1/√(σ²_run + ε)``."""
        x, _, _, weight, _, _ = inputs
        _, mean, invstd = output
        ctx.save_for_backward(x, weight, mean, invstd)
        ctx.mark_non_differentiable(mean, invstd)

    @staticmethod
    def backward(ctx, y_bar, _mean_bar, _invstd_bar):  # type: ignore[override]
        """``∂L/∂x = γ ȳ/√(σ²_run + ε)``, ``∂L/∂γ = Σ ȳ x̂``, ``∂L/∂β = Σ
        ȳ``."""
        x, weight, mean, invstd = ctx.saved_tensors
        dims = reduce_dims(x)
        scale = invstd if weight is None else weight * invstd
        x_bar = (
            y_bar * per_channel(scale, x) if ctx.needs_input_grad[0] else None
        )
        weight_bar = None
        if ctx.needs_input_grad[3]:
            # Σ ȳ x̂
            weight_bar = invstd * (
                channel_dot(y_bar, x) - mean * y_bar.sum(dims)
            )
        bias_bar = y_bar.sum(dims) if ctx.needs_input_grad[4] else None
        return x_bar, None, None, weight_bar, bias_bar, None


def batch_norm(
    x: torch.Tensor,
    running_mean: torch.Tensor | None,
    running_var: torch.Tensor | None,
    weight: torch.Tensor | None = None,
    bias: torch.Tensor | None = None,
    training: bool = False,
    momentum: float = 0.1,
    eps: float = 1e-5,
) -> torch.Tensor:
    """Drop-in for ``torch.nn.functional.batch_norm``, backed by a hand-written
    backward.

    ``torch.func.grad``, ``vjp``, ``jacrev`` and ``vmap`` apply as to PyTorch's
    function (the running statistics are updated under ``grad`` too);
    forward-mode ``jvp`` and ``jacfwd`` are not implemented (PyTorch's
    ``NotImplementedError``).

    Args:
        x: input of shape ``(N, C, *)`` (``(N, C)``, ``(N, C, L)``, ``(N, C,
            H, W)``, ``(N, C, D, H, W)``, ...), floating point; as in
            PyTorch, also an empty 1-D tensor (an empty output).
        running_mean: per-channel running mean ``(C,)``, updated in place when
            training; may be ``None`` when training.
        running_var: per-channel running variance ``(C,)``, updated in place
            with the unbiased batch variance ``σ² n/(n−1)`` when training; may
            be ``None`` when training.
        weight: ``γ`` of shape ``(C,)`` or ``None`` (meaning 1).
        bias: ``β`` of shape ``(C,)`` or ``None`` (meaning 0).
        training: normalise with the batch's statistics (and update the running
            ones) if true, with the running statistics otherwise.
        momentum: ``m`` in ``running ← (1 − m) running + m batch``, a number.
            As in PyTorch, ``None`` (a cumulative moving average) is an option
            of the modules :class:`~dlnotes.backprop.modules.BatchNorm1d` and
            :class:`~dlnotes.backprop.modules.BatchNorm2d`, which count the
            batches; the function refuses it.
        eps: ``ε`` added to the variance.

    Returns:
        ``y = γ (x − μ)/√(σ² + ε) + β``, the same shape as ``x``. Empty input
        (``N = 0``, an empty spatial axis, or ``C = 0``) gives an empty output,
        zero gradients for ``γ`` and ``β``, and leaves the running statistics
        unchanged, as in PyTorch.

    Raises:
        TypeError: if a tensor argument is not a floating-point tensor; if
            ``momentum`` or ``eps`` is not a real number (``momentum=None``
            included, as in PyTorch).
        ValueError: if ``x`` has fewer than 2 dimensions (but for an empty
            1-D tensor); if
            ``running_mean``, ``running_var``, ``weight`` or ``bias`` is not
            ``(C,)``; if only one of the running statistics is given, or
            neither in evaluation mode (there is nothing to normalise with); if
            training on exactly one value per channel (its variance is 0 and
            the output would be ``β`` whatever ``x`` is; PyTorch refuses it
            too); if ``eps <= 0`` when training or ``eps < 0`` in evaluation
            mode, as in PyTorch, or ``eps`` is NaN (``1/√(σ² + ε)`` would be
            infinite or NaN); if ``momentum`` is NaN or infinite (the running
            statistics would be NaN); under ``torch.func.vmap``, if ``x`` is
            vmapped and the running statistics are not, or only one of them is
            (they are updated in place, one update per example; PyTorch refuses
            it too).
    """
    for name, tensor in (
        ("x", x),
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        require_floating(name, tensor)
    if x.dim() == 1 and x.numel() == 0:  # torch's one 1-D case: empty
        return batch_norm(
            x.view(0, 0),
            running_mean,
            running_var,
            weight,
            bias,
            training,
            momentum,
            eps,
        ).view(0)
    if x.dim() < 2:
        raise ValueError(
            "x must have shape (N, C, *) (at least 2 dimensions) or be an"
            f" empty 1-D tensor, got {tuple(x.shape)}"
        )
    channels = x.shape[1]
    for name, tensor in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        require_channel_vector(name, tensor, channels)
    if (running_mean is None) != (running_var is None):
        raise ValueError(
            "running_mean and running_var must be given together or both be"
            " None"
        )
    if momentum is None:
        raise TypeError(
            "momentum must be a real number, got None; a cumulative moving"
            " average (momentum=None) is an option of the modules"
            " BatchNorm1d/BatchNorm2d, as in torch"
        )
    momentum, eps = as_real("momentum", momentum), as_real("eps", eps)
    if not math.isfinite(momentum):
        raise ValueError(f"momentum must be a finite number, got {momentum}")
    if training and not eps > 0:
        raise ValueError(
            "eps must be > 0 when training (a constant channel has σ² = 0),"
            f" got {eps}"
        )
    if not eps >= 0:
        raise ValueError(f"eps must be >= 0, got {eps}")
    if not training:
        if running_mean is None:
            raise ValueError(
                "running_mean and running_var must be given in evaluation mode"
                " (training=False)"
            )
        return BatchNormEvalFunction.apply(
            x, running_mean, running_var, weight, bias, eps
        )[0]
    n = values_per_channel(x)
    if n == 1:
        raise ValueError(
            "x must have more than one value per channel when training, got"
            f" shape {tuple(x.shape)}"
        )
    return BatchNormFunction.apply(
        x, weight, bias, running_mean, running_var, momentum, eps
    )[0]
