"""2-D convolution (cross-correlation, as in PyTorch) with a backward pass
written by hand.

Forward, per group, for stride ``s``, dilation ``d`` and the zero-padded input
``x̃``:

    y[b, o, i, j] = Σ_{c,u,v} x̃[b, c, s·i + d·u, s·j + d·v] k[o, c, u, v]
                    + bias[o].

Backward (equations ``bp-conv-dx`` and ``bp-conv-dk`` of the chapter):

* ``∂L/∂x̃`` is the *full* correlation of the output gradient ``ȳ`` — first
  dilated by ``s − 1`` zeros between its entries — with the kernels rotated by
  180° and with input and output channels swapped (per group); the kernel keeps
  its dilation ``d``. ``∂L/∂x`` is ``∂L/∂x̃`` without the padding border.
* ``∂L/∂k[o, c, u, v] = Σ_{b, i, j} ȳ[b, o, i, j] x̃[b, c, s·i + d·u, s·j +
  d·v]``: a correlation of ``x̃`` with ``ȳ`` as the kernel, in which stride and
  dilation trade places.
* ``∂L/∂bias[o] = Σ_{b, i, j} ȳ[b, o, i, j]``.

Each is evaluated by ``torch.nn.functional.conv2d`` (a differentiable
operation, so double backward works) on the saved input and kernel.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import gcd
from typing import NamedTuple

import torch
import torch.nn.functional as F

from dlnotes._checks import as_int, require_floating

Pair = tuple[int, int]
Padding = tuple[Pair, Pair]  # ((top, bottom), (left, right))


class Geometry(NamedTuple):
    """A convolution's settings as :func:`conv2d` resolves them, which every
    gradient formula reads: stride, padding, dilation and groups."""

    stride: Pair
    padding: Padding
    dilation: Pair
    groups: int


def as_pair(name: str, value: int | Sequence[int], minimum: int) -> Pair:
    """``value`` as a pair of ints ``>= minimum``; ``ValueError``/``TypeError``
    naming ``name`` otherwise.

    Read as PyTorch reads it: one int (Python, NumPy, or a one-element integer
    tensor) for both axes, or a list or tuple of one or two of them.
    """
    expected = "an int or a pair of ints"
    if isinstance(value, (list, tuple)):
        if len(value) not in (1, 2):
            raise TypeError(
                f"{name} must be {expected} (or a list of one), got {value!r}"
            )
        pair = tuple(as_int(name, v, expected) for v in value)
    else:
        pair = (as_int(name, value, expected),)
    pair = pair * (3 - len(pair))  # (a,) -> (a, a)
    if min(pair) < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value!r}")
    return pair  # type: ignore[return-value]


def resolve_padding(
    padding: str | int | Sequence[int],
    kernel: Pair,
    dilation: Pair,
    stride: Pair,
) -> Padding:
    """Zeros added ``((top, bottom), (left, right))``, as PyTorch reads
    ``padding``.

    ``"same"`` pads ``d(k − 1)`` in total per axis, the odd one on the
    bottom/right (stride 1 only); ``"valid"`` pads nothing; an int or pair pads
    both sides equally.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return (0, 0), (0, 0)
        if padding != "same":
            raise ValueError(
                "padding must be 'same', 'valid', an int or a pair of ints,"
                f" got {padding!r}"
            )
        if stride != (1, 1):
            raise ValueError(
                f"padding='same' needs stride 1, got stride={stride}"
            )
        totals = [d * (k - 1) for d, k in zip(dilation, kernel, strict=True)]
        return tuple((t // 2, t - t // 2) for t in totals)  # type: ignore[return-value]
    ph, pw = as_pair("padding", padding, 0)
    return (ph, ph), (pw, pw)


def pad_or_crop(t: torch.Tensor, padding: Padding) -> torch.Tensor:
    """Add ``padding`` zeros around the last two axes (negative amounts
    crop)."""
    (top, bottom), (left, right) = padding
    if top == bottom == left == right == 0:
        return t
    return F.pad(t, (left, right, top, bottom))


def correlate(
    t: torch.Tensor,
    kernels: torch.Tensor,
    padding: Padding,
    stride: Pair = (1, 1),
    dilation: Pair = (1, 1),
    groups: int = 1,
    bias: torch.Tensor | None = None,
) -> torch.Tensor:
    """``conv2d`` of ``t`` padded (or cropped) by ``padding``.

    Symmetric, non-negative padding is passed to ``conv2d`` itself, which saves
    a padded copy; anything else goes through :func:`pad_or_crop` first.
    """
    (top, bottom), (left, right) = padding
    if top == bottom >= 0 and left == right >= 0:
        return F.conv2d(
            t, kernels, bias, stride, (top, left), dilation, groups
        )
    return F.conv2d(
        pad_or_crop(t, padding), kernels, bias, stride, 0, dilation, groups
    )


def rotate_and_swap(weight: torch.Tensor, groups: int) -> torch.Tensor:
    """Kernels rotated by 180° with input and output channels swapped within
    each group.

    ``weight`` is ``(C_out, C_in/g, kh, kw)``; the result is ``(C_in, C_out/g,
    kh, kw)`` with ``result[g·C_in/g + c, o, u, v] = weight[g·C_out/g + o, c,
    kh−1−u, kw−1−v]``.
    """
    c_out, c_in_g, kh, kw = weight.shape
    swapped = weight.view(groups, c_out // groups, c_in_g, kh, kw).transpose(
        1, 2
    )
    return swapped.reshape(groups * c_in_g, c_out // groups, kh, kw).flip(
        -2, -1
    )


def dilate(y_bar: torch.Tensor, stride: Pair) -> torch.Tensor:
    """Insert ``s − 1`` zeros between neighbouring entries of the last two
    axes."""
    sh, sw = stride
    if (sh, sw) == (1, 1):
        return y_bar
    n, c, h, w = y_bar.shape
    z = y_bar.new_zeros(n, c, (h - 1) * sh + 1, (w - 1) * sw + 1)
    z[:, :, ::sh, ::sw] = y_bar
    return z


def conv2d_input_grad(
    y_bar: torch.Tensor,
    weight: torch.Tensor,
    input_hw: Pair,
    geometry: Geometry,
) -> torch.Tensor:
    """``∂L/∂x``: full correlation of the zero-dilated ``ȳ`` with the rotated,
    swapped kernels.

    Per axis, the dilated ``ȳ`` has length ``(H_out − 1)s + 1``. Padding it by
    ``d(k − 1)`` on both sides makes the correlation *full*; the forward's
    windows may have left ``r`` rows of ``x̃`` unread at the end, which get
    zero gradient (``r`` more zeros after); and cropping the forward's padding
    ``(p₀, p₁)`` from the result is the same as padding ``ȳ`` by ``p`` less.
    """
    stride, padding, dilation, groups = geometry
    z = dilate(y_bar, stride)
    pads = []
    for axis in (0, 1):
        size, z_size, k = (
            input_hw[axis],
            z.shape[2 + axis],
            weight.shape[2 + axis],
        )
        (p0, p1), d = padding[axis], dilation[axis]
        full = d * (k - 1)
        # r: rows of x̃ no window reached
        unread = size + p0 + p1 - (z_size + full)
        pads.append((full - p0, full + unread - p1))
    kernels = rotate_and_swap(weight, groups)
    return correlate(
        z, kernels, (pads[0], pads[1]), dilation=dilation, groups=groups
    )


def phase_plan(
    size: int, padding: Pair, out_size: int, k: int, s: int, d: int
) -> list[tuple[int, int, int, int, Pair]]:
    """Per phase ``a`` of one axis: ``(a, first tap u₀, tap step t, tap
    dilation d', pads of ȳ)``.

    Row ``p = s·q + a`` of ``∂L/∂x̃`` only meets the taps ``u`` with ``d·u ≡ a
    (mod s)``: ``u₀, u₀ + t, …`` with ``t = s/gcd(s, d)``, reading ``ȳ[q −
    m_u]`` with ``m_u = (d·u − a)/s``, which steps by ``d' = d/gcd(s, d)``.
    That is a stride-1 correlation of ``ȳ`` with the rotated sub-kernel,
    dilation ``d'``, once ``ȳ`` is padded so that it yields one value per
    ``q``. Phases no tap reaches (possible when ``gcd(s, d) > 1``) are left
    out: their gradient is 0.
    """
    padded = size + padding[0] + padding[1]
    step, tap_dilation = s // gcd(s, d), d // gcd(s, d)
    plan = []
    for a in range(s):
        taps = [u for u in range(k) if (d * u - a) % s == 0]
        if not taps:
            continue
        # Q_a = ceil((Hp − a)/s) rows of this phase
        rows = -(-(padded - a) // s)
        before = (d * taps[0] - a) // s + (len(taps) - 1) * tap_dilation
        after = rows + (len(taps) - 1) * tap_dilation - out_size - before
        plan.append((a, taps[0], step, tap_dilation, (before, after)))
    return plan


def conv2d_input_grad_polyphase(
    y_bar: torch.Tensor,
    weight: torch.Tensor,
    input_hw: Pair,
    geometry: Geometry,
) -> torch.Tensor:
    """``∂L/∂x`` as :func:`conv2d_input_grad`, without multiplying the inserted
    zeros.

    The dilated ``ȳ`` of a stride-``s`` convolution is zero except on every
    ``s``-th row and column, so the literal form spends ``1 − 1/s²`` of its
    multiplications on zeros. Splitting the rows and columns of ``∂L/∂x̃`` by
    phase ``(p mod s_h, q mod s_w)`` splits the rotated kernel into ``s_h s_w``
    sub-kernels, each a stride-1 correlation with the undilated ``ȳ`` (see
    :func:`phase_plan`); the phases are then interleaved.
    """
    stride, padding, dilation, groups = geometry
    n = y_bar.shape[0]
    c_in = weight.shape[1] * groups
    (p0h, p1h), (p0w, p1w) = padding
    h_pad, w_pad = input_hw[0] + p0h + p1h, input_hw[1] + p0w + p1w
    plans = [
        phase_plan(
            input_hw[axis],
            padding[axis],
            y_bar.shape[2 + axis],
            weight.shape[2 + axis],
            stride[axis],
            dilation[axis],
        )
        for axis in (0, 1)
    ]
    x_bar = None
    # phase (0, 0) always exists: tap u = 0 reaches it
    for ah, uh, th, dh, pads_h in plans[0]:
        for aw, uw, tw, dw, pads_w in plans[1]:
            sub_kernel = rotate_and_swap(weight[:, :, uh::th, uw::tw], groups)
            phase = correlate(
                y_bar,
                sub_kernel,
                (pads_h, pads_w),
                dilation=(dh, dw),
                groups=groups,
            )
            # made like a phase, so that under torch.func.vmap it is batched as
            # they are
            if x_bar is None:
                x_bar = phase.new_zeros(n, c_in, h_pad, w_pad)
            x_bar[:, :, ah :: stride[0], aw :: stride[1]] = phase
    return x_bar[:, :, p0h : p0h + input_hw[0], p0w : p0w + input_hw[1]]


def conv2d_weight_grad(
    x: torch.Tensor,
    y_bar: torch.Tensor,
    kernel: Pair,
    geometry: Geometry,
) -> torch.Tensor:
    """``∂L/∂k``: correlation of the padded input with ``ȳ``, stride and
    dilation swapped.

    One ``conv2d`` call computes it for all groups: its batch axis runs over
    the ``C_in/g`` input channels of a group, its channel axis over (group,
    sample), and ``ȳ`` (samples as input channels) is the kernel. In float64,
    which has no oneDNN kernel on a CPU, PyTorch's fallback is slow for a
    kernel as large as ``ȳ``, so the same sums go through
    :func:`conv2d_weight_grad_unfold` instead (measured: several times faster
    there). An empty batch (``N = 0``) gives a sum of no terms: zeros.
    """
    stride, padding, dilation, groups = geometry
    # an empty batch: no sums to take, as in PyTorch ∂L/∂k = 0
    if x.shape[0] == 0:
        return y_bar.new_zeros(y_bar.shape[1], x.shape[1] // groups, *kernel)
    if x.dtype == torch.float64:
        return conv2d_weight_grad_unfold(x, y_bar, kernel, geometry)
    n, c_in, h, w = x.shape
    c_out, h_out, w_out = y_bar.shape[1:]
    c_in_g = c_in // groups
    inputs = x.view(n, groups, c_in_g, h, w).permute(2, 1, 0, 3, 4)
    inputs = inputs.reshape(c_in_g, groups * n, h, w)
    kernels = y_bar.view(n, groups, c_out // groups, h_out, w_out).permute(
        1, 2, 0, 3, 4
    )
    kernels = kernels.reshape(c_out, n, h_out, w_out)
    # (C_in/g, C_out, ≥kh, ≥kw): the last window may reach past the kernel;
    # crop it
    k_bar = correlate(
        inputs,
        kernels,
        padding,
        stride=dilation,
        dilation=stride,
        groups=groups,
    )
    return k_bar[:, :, : kernel[0], : kernel[1]].transpose(0, 1)


def conv2d_weight_grad_unfold(
    x: torch.Tensor,
    y_bar: torch.Tensor,
    kernel: Pair,
    geometry: Geometry,
) -> torch.Tensor:
    """``∂L/∂k`` as :func:`conv2d_weight_grad`, written as ``im2col`` and a
    matrix product.

    ``unfold`` lists, for every output position ``(i, j)``, the window of
    ``x̃`` that the forward read; ``∂L/∂k[o] = Σ_{b, (i, j)} ȳ[b, o, i, j] ·
    window[b, (i, j)]`` per group.
    """
    stride, padding, dilation, groups = geometry
    n, c_in = x.shape[:2]
    c_out = y_bar.shape[1]
    (top, bottom), (left, right) = padding
    if top == bottom and left == right:
        # (N, C_in·kh·kw, L)
        windows = F.unfold(x, kernel, dilation, (top, left), stride)
    else:
        windows = F.unfold(
            pad_or_crop(x, padding), kernel, dilation, 0, stride
        )
    # (N, g, C_in/g·kh·kw, L)
    windows = windows.view(n, groups, -1, windows.shape[-1])
    # (N, g, C_out/g, L)
    y_bar_flat = y_bar.reshape(n, groups, c_out // groups, -1)
    # (g, C_out/g, C_in/g·kh·kw)
    k_bar = torch.matmul(y_bar_flat, windows.transpose(-1, -2)).sum(0)
    return k_bar.reshape(c_out, c_in // groups, *kernel)


class Conv2dFunction(torch.autograd.Function):
    """``forward(x, weight, bias, stride, padding, dilation, groups)`` with
    resolved arguments.

    ``forward`` and ``setup_context`` are apart and every operation is a
    PyTorch one, so ``torch.func`` transforms it, the ``vmap`` rule included
    (generated).
    """

    generate_vmap_rule = True

    @staticmethod
    def forward(x, weight, bias, stride, padding, dilation, groups):  # type: ignore[override]
        """PyTorch's ``conv2d`` forward."""
        return correlate(x, weight, padding, stride, dilation, groups, bias)

    @staticmethod
    def setup_context(ctx, inputs, output):  # type: ignore[override]
        """Save ``x`` and ``weight`` only."""
        x, weight, _, *settings = inputs
        ctx.geometry = Geometry(*settings)
        ctx.save_for_backward(x, weight)

    @staticmethod
    def backward(ctx, y_bar):  # type: ignore[override]
        """``(∂L/∂x, ∂L/∂k, ∂L/∂bias)`` by the formulas of the module
        docstring."""
        x, weight = ctx.saved_tensors
        geometry = ctx.geometry
        x_bar = k_bar = bias_bar = None
        # same result; the polyphase form skips the zeros of s > 1
        if ctx.needs_input_grad[0]:
            input_grad = (
                conv2d_input_grad
                if geometry.stride == (1, 1)
                else conv2d_input_grad_polyphase
            )
            x_bar = input_grad(y_bar, weight, x.shape[-2:], geometry)
        if ctx.needs_input_grad[1]:
            kernel = weight.shape[-2:]
            k_bar = conv2d_weight_grad(x, y_bar, kernel, geometry)
        if ctx.needs_input_grad[2]:
            bias_bar = y_bar.sum((0, 2, 3))
        return x_bar, k_bar, bias_bar, None, None, None, None


def conv2d(
    x: torch.Tensor,
    weight: torch.Tensor,
    bias: torch.Tensor | None = None,
    stride: int | Sequence[int] = 1,
    padding: str | int | Sequence[int] = 0,
    dilation: int | Sequence[int] = 1,
    groups: int = 1,
) -> torch.Tensor:
    """Drop-in for ``torch.nn.functional.conv2d``, backed by a hand-written
    backward.

    ``torch.func.grad``, ``vjp``, ``jacrev`` and ``vmap`` apply as to PyTorch's
    function; forward-mode ``jvp`` and ``jacfwd`` are not implemented
    (PyTorch's ``NotImplementedError``).

    Args:
        x: input ``(N, C_in, H, W)``, floating point; ``N = 0`` (an empty
            batch) is allowed, and so is one unbatched image ``(C_in, H, W)``
            (the output is then ``(C_out, H_out, W_out)``), as in PyTorch.
        weight: kernels ``(C_out, C_in/groups, kh, kw)``, same dtype as ``x``.
        bias: ``(C_out,)`` or ``None``.
        stride: ``s``, an int or ``(s_h, s_w)``, each >= 1.
        padding: ``"same"`` (stride 1 only), ``"valid"``, an int or ``(p_h,
            p_w)``, each >= 0.
        dilation: ``d``, an int or ``(d_h, d_w)``, each >= 1.
        groups: ``g``; both channel counts must be divisible by it (``g =
            C_in``: depthwise). As in PyTorch, an int may be a Python or NumPy
            integer or a one-element integer tensor, and a pair may be a list
            or tuple of one int (used for both axes) or two.

    Returns:
        ``y`` of shape ``(N, C_out, H_out, W_out)``.

    Raises:
        TypeError: if ``x``, ``weight`` or ``bias`` is not a floating-point
            tensor; if ``stride``, ``padding`` or ``dilation`` is not an int or
            a list or tuple of one or two ints, or ``groups`` not an int
            (floats and bools are refused: a size is a whole number, never a
            flag).
        ValueError: if ``x`` is not 3- or 4-dimensional or ``weight`` not
            4-dimensional; if ``groups <
            1`` or it does not divide both channel counts, or ``weight.shape[1]
            × groups`` is not ``C_in``; if ``bias`` is not ``(C_out,)``; if a
            stride or dilation is below 1 or a padding below 0; if ``padding``
            is a string other than ``"same"``/``"valid"``, or ``"same"`` with a
            stride above 1 (the output could not keep the input's size); if the
            padded input is smaller than the dilated kernel (no output
            position).
    """
    for name, tensor in (("x", x), ("weight", weight), ("bias", bias)):
        require_floating(name, tensor)
    if x.dim() == 3:  # unbatched, as torch allows: a batch of one
        return conv2d(
            x.unsqueeze(0), weight, bias, stride, padding, dilation, groups
        ).squeeze(0)
    if x.dim() != 4:
        raise ValueError(
            "x must have shape (N, C_in, H, W) or (C_in, H, W), got"
            f" {tuple(x.shape)}"
        )
    if weight.dim() != 4:
        raise ValueError(
            "weight must have shape (C_out, C_in/groups, kh, kw), got"
            f" {tuple(weight.shape)}"
        )
    groups = as_int("groups", groups, "a positive int")
    if groups < 1:
        raise ValueError(f"groups must be a positive int, got {groups!r}")
    c_in, c_out = x.shape[1], weight.shape[0]
    if c_in % groups or c_out % groups:
        raise ValueError(
            f"groups={groups} must divide the input channels ({c_in}) and the"
            f" output channels ({c_out})"
        )
    if weight.shape[1] * groups != c_in:
        raise ValueError(
            f"weight expects {weight.shape[1] * groups} input channels"
            f" (weight.shape[1]={weight.shape[1]} × groups={groups}), x has"
            f" {c_in}"
        )
    if bias is not None and tuple(bias.shape) != (c_out,):
        raise ValueError(
            f"bias must have shape ({c_out},), got {tuple(bias.shape)}"
        )
    stride_, dilation_ = (
        as_pair("stride", stride, 1),
        as_pair("dilation", dilation, 1),
    )
    kernel = (weight.shape[2], weight.shape[3])
    padding_ = resolve_padding(padding, kernel, dilation_, stride_)
    for axis, (size, k, d, (p0, p1)) in enumerate(
        zip(x.shape[-2:], kernel, dilation_, padding_, strict=True)
    ):
        if size + p0 + p1 < d * (k - 1) + 1:
            raise ValueError(
                f"x is too small along axis {axis + 2}: {size} + padding"
                f" {p0 + p1} < dilated kernel {d * (k - 1) + 1}"
            )
    return Conv2dFunction.apply(
        x, weight, bias, stride_, padding_, dilation_, groups
    )
