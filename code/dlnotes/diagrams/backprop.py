"""Drawings of Part I: the BatchNorm graph walked backwards, and the conv2d
input gradient as dilate, pad, rotate, swap, correlate."""

from __future__ import annotations

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Rectangle

from dlnotes.backprop.conv import (
    Geometry,
    conv2d_input_grad,
    dilate,
    rotate_and_swap,
)
from dlnotes.diagrams._draw import (
    FONT_PT,
    SMALL_PT,
    WIDTH_IN,
    Colour,
    arrow,
    canvas,
    cells,
    drawing,
)

NODE_RADIUS = 0.32


def _node(ax: Axes, centre: tuple[float, float], text: str) -> None:
    ax.add_patch(
        Circle(
            centre,
            NODE_RADIUS,
            facecolor=Colour.DATA,
            edgecolor=Colour.DATA_EDGE,
            lw=1.4,
        )
    )
    ax.text(*centre, text, ha="center", va="center", fontsize=FONT_PT + 2)


def _badge(ax: Axes, centre: tuple[float, float], number: int) -> None:
    """A numbered disc naming one of the three paths from x_k to x̂_i."""
    ax.add_patch(Circle(centre, 0.15, facecolor=Colour.GRAD, edgecolor="none"))
    ax.text(
        *centre,
        str(number),
        ha="center",
        va="center",
        fontsize=SMALL_PT,
        color="white",
        weight="bold",
    )


def _edge(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    dashed: bool = False,
) -> None:
    """A forward edge between two nodes, from circle edge to circle edge."""
    (x0, y0), (x1, y1) = start, end
    length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5
    dx, dy = (x1 - x0) / length, (y1 - y0) / length
    gap = NODE_RADIUS + 0.04
    patch = arrow(
        ax,
        (x0 + gap * dx, y0 + gap * dy),
        (x1 - gap * dx, y1 - gap * dy),
        color="#777777",
    )
    if dashed:
        patch.set_linestyle((0, (3, 3)))


@drawing(
    alt=(
        "The computational graph of BatchNorm for one channel, forward from"
        " top to bottom: x_k feeds the mean mu and the variance sigma"
        " squared; x_k, mu and sigma squared feed x-hat_i; x-hat_i, gamma and"
        " beta feed y_i. Beside each edge, in red, the factor the gradient is"
        " multiplied by on its way back: gamma from y to x-hat, giving g_i ="
        " gamma y-bar_i; then three paths back to x_k: directly, delta_ik"
        " over s; through mu, minus 1 over s then 1 over n; through sigma"
        " squared, minus (x_i minus mu) over 2 s cubed then 2 over n times"
        " (x_k minus mu). The edge from mu to sigma squared carries zero."
        " x-bar_k is the sum of the three paths."
    )
)
def batchnorm_graph() -> Figure:
    """The computational graph of BatchNorm's forward pass (equation
    ``bp-bn-forward``, one channel) with the backward walk of the page's
    section "The backward pass".

    Nodes are the page's quantities ``x_k``, ``μ``, ``σ²``, ``x̂_i``, ``y_i``;
    grey arrows are the forward pass, and the red label beside each edge is
    the local derivative that the gradient is multiplied by on its way back:
    ``γ`` from ``y_i`` to ``x̂_i`` (giving ``g_i = γ ȳ_i``), then the three
    paths from ``x̂_i`` to ``x_k`` — directly (``δ_ik / s``), through ``μ``
    (``−1/s`` then ``1/n``) and through ``σ²`` (``−(x_i − μ)/(2s³)`` then
    ``(2/n)(x_k − μ)``), with ``s = √(σ² + ε)``. The edge ``μ → σ²``
    contributes 0 (the deviations sum to zero). Their sum is equation
    ``bp-bn-dx``.
    """
    fig, ax = canvas(WIDTH_IN, 6.0)
    x, mu, var, x_hat, y = (
        (2.6, 5.5),
        (0.9, 4.0),
        (4.3, 4.0),
        (2.6, 2.5),
        (2.6, 1.1),
    )
    for centre, text in [
        (x, "$x_k$"),
        (mu, r"$\mu$"),
        (var, r"$\sigma^2$"),
        (x_hat, r"$\hat x_i$"),
        (y, "$y_i$"),
    ]:
        _node(ax, centre, text)
    for start, end in [(x, mu), (x, var), (x, x_hat), (mu, x_hat)]:
        _edge(ax, start, end)
    _edge(ax, (var[0], var[1]), x_hat)
    _edge(ax, x_hat, y)
    _edge(ax, mu, var, dashed=True)
    ax.text(4.45, 1.1, r"$\gamma,\ \beta$", va="center", fontsize=FONT_PT + 1)
    arrow(ax, (4.35, 1.1), (2.6 + NODE_RADIUS + 0.04, 1.1), color="#777777")

    def red(xy, text, ha="left"):
        ax.text(
            *xy, text, ha=ha, va="center", color=Colour.GRAD, fontsize=FONT_PT
        )

    # the three paths, their local derivatives beside their edges
    red((2.75, 3.25), r"$\delta_{ik}/s$")
    _badge(ax, (2.38, 3.25), 1)
    red((1.55, 4.95), "$1/n$", ha="right")
    red((1.35, 3.05), "$-1/s$", ha="right")
    _badge(ax, (0.6, 4.95), 2)
    red((3.75, 4.95), r"$(2/n)(x_k-\mu)$")
    red((3.65, 3.0), r"$-(x_i-\mu)/(2s^3)$")
    _badge(ax, (4.95, 3.55), 3)
    red((3.45, 4.17), "0", ha="center")
    red((2.75, 1.8), r"$\gamma$")
    # the gradients at the nodes
    red((2.15, 1.1), r"$\bar y_i$", ha="right")
    red((2.15, 2.5), r"$g_i = \gamma\,\bar y_i$", ha="right")
    red((2.15, 5.5), r"$\bar x_k = $ 1 + 2 + 3", ha="right")
    ax.text(
        0.15,
        0.35,
        "grey: the forward pass, top to bottom\n"
        "red: the factor each gradient is multiplied by on its way back",
        va="center",
        fontsize=SMALL_PT,
        color=Colour.INK,
    )
    return fig


def _grid_labels(values: torch.Tensor) -> list[list[str]]:
    return [[f"{v:g}" for v in row] for row in values.tolist()]


def _faces(values: torch.Tensor, face: str) -> list[list[str]]:
    return [
        [face if v else Colour.ZERO for v in row] for row in values.tolist()
    ]


def _title(ax: Axes, xy: tuple[float, float], text: str) -> None:
    ax.text(*xy, text, ha="left", va="bottom", fontsize=FONT_PT)


@drawing(
    alt=(
        "The input gradient of a stride-2 convolution with a 3 by 3 kernel."
        " Top left: the 2 by 2 output gradient y-bar is dilated by inserting"
        " one zero between neighbouring entries, giving a 3 by 3 grid with"
        " zeros in grey, then padded by two rings of zeros to 7 by 7. Top"
        " right: the kernel k is rotated by 180 degrees, and its block of"
        " kernels, output channels by input channels, is transposed so that"
        " input and output channels swap. Bottom: sliding the rotated kernel"
        " over the padded grid with stride 1 gives the 5 by 5 input gradient"
        " x-bar; the highlighted window produces the highlighted entry."
    )
)
def conv2d_backward(stride: int = 2) -> Figure:
    """The input gradient of a convolution (equation ``bp-conv-dx``) on one
    example: a ``5 × 5`` input, a ``3 × 3`` kernel, stride ``s`` (2 by
    default), no padding, dilation 1.

    Computed, not typed: ``ȳ`` (entries 1, 2, …) is spread out by
    :func:`dlnotes.backprop.conv.dilate` (``s − 1`` zeros between entries,
    grey), padded by ``d(k − 1) = 2`` zeros on each side for a *full*
    correlation; the kernel (entries 1…9) is rotated by 180° by
    :func:`dlnotes.backprop.conv.rotate_and_swap`, which also swaps the
    roles of output and input channels (drawn as the ``C_out × C_in`` block of
    kernels transposing); and ``x̄`` is
    :func:`dlnotes.backprop.conv.conv2d_input_grad`, whose entries are the
    correlation of the two. One window and the entry it produces are
    highlighted.
    """
    size, k = 5, 3
    out = (size - k) // stride + 1
    y_bar = torch.arange(1.0, out * out + 1).view(1, 1, out, out)
    weight = torch.arange(1.0, k * k + 1).view(1, 1, k, k)
    z = dilate(y_bar, (stride, stride))[0, 0]
    z_pad = torch.nn.functional.pad(z, (k - 1,) * 4)
    rotated = rotate_and_swap(weight, 1)[0, 0]
    geometry = Geometry((stride, stride), ((0, 0), (0, 0)), (1, 1), 1)
    x_bar = conv2d_input_grad(y_bar, weight, (size, size), geometry)[0, 0]
    fig, ax = canvas(WIDTH_IN, 6.4)

    # top left: y_bar -> dilated
    small = 0.36
    _title(ax, (0.15, 6.22), r"$\bar y$")
    cells(
        ax,
        (0.15, 6.15),
        _grid_labels(y_bar[0, 0]),
        small,
        _faces(y_bar[0, 0], Colour.DATA),
    )
    arrow(ax, (0.95, 5.85), (1.45, 5.85))
    ax.text(
        1.2,
        5.62,
        f"dilate\n$s-1={stride - 1}$",
        ha="center",
        va="top",
        fontsize=SMALL_PT,
    )
    _title(ax, (1.55, 6.22), "$z$")
    cells(ax, (1.55, 6.15), _grid_labels(z), small, _faces(z, Colour.DATA))

    # top right: kernel rotated by 180 degrees
    kc = 0.3
    _title(ax, (2.95, 6.22), "$k$")
    cells(
        ax,
        (2.95, 6.15),
        _grid_labels(weight[0, 0]),
        kc,
        [[Colour.OP] * k for _ in range(k)],
    )
    arrow(ax, (3.9, 5.85), (4.2, 5.85))
    ax.text(4.05, 6.0, "180°", ha="center", va="bottom", fontsize=SMALL_PT)
    cells(
        ax,
        (4.25, 6.15),
        _grid_labels(rotated),
        kc,
        [[Colour.OP] * k for _ in range(k)],
    )

    # middle right: the block of kernels transposes (channels swap)
    block = 0.3
    c_out, c_in = 2, 3
    tints = ["#f3c08a", "#d9a3e0"]
    kernels = [[tint] * c_in for tint in tints[:c_out]]  # row o: kernel o
    swapped = [list(column) for column in zip(*kernels, strict=True)]
    for x, faces, label in (
        (2.95, kernels, r"$C_\mathrm{out}\times C_\mathrm{in}$"),
        (4.35, swapped, r"$C_\mathrm{in}\times C_\mathrm{out}$"),
    ):
        ax.text(x, 4.6, label, fontsize=SMALL_PT, va="bottom")
        cells(ax, (x, 4.5), [[""] * len(faces[0])] * len(faces), block, faces)
    arrow(ax, (3.95, 4.2), (4.25, 4.2))
    ax.text(2.95, 3.7, "channels swap", fontsize=SMALL_PT, va="center")

    # left: padding, then the correlation
    arrow(ax, (1.55 + 1.5 * small, 4.95), (1.55 + 1.5 * small, 3.75))
    ax.text(
        1.55 + 1.5 * small - 0.1,
        4.35,
        "pad\n$k-1=2$",
        va="center",
        ha="right",
        fontsize=SMALL_PT,
    )
    pc = 0.3
    top = 3.3
    _title(ax, (0.15, top + 0.07), r"$z$ padded")
    cells(ax, (0.15, top), _grid_labels(z_pad), pc, _faces(z_pad, Colour.DATA))
    row, col = 1, 2  # one window of the correlation and its output
    ax.add_patch(
        Rectangle(
            (0.15 + col * pc, top - (row + k) * pc),
            k * pc,
            k * pc,
            facecolor="none",
            edgecolor=Colour.OP_EDGE,
            lw=2.6,
        )
    )
    arrow(ax, (2.4, top - 1.05), (2.95, top - 1.05))
    ax.text(
        2.68,
        top - 1.2,
        "correlate\nstride 1",
        ha="center",
        va="top",
        fontsize=SMALL_PT,
    )
    xc = 0.42
    _title(ax, (3.05, top + 0.07), r"$\bar x$")
    faces = [["white"] * size for _ in range(size)]
    faces[row][col] = Colour.OP
    cells(ax, (3.05, top), _grid_labels(x_bar), xc, faces)
    ax.add_patch(
        Rectangle(
            (3.05 + col * xc, top - (row + 1) * xc),
            xc,
            xc,
            facecolor="none",
            edgecolor=Colour.OP_EDGE,
            lw=2.6,
        )
    )
    ax.text(
        0.15,
        0.95,
        r"$\bar x$ = $z$ dilated and padded, correlated with $k$ rotated"
        "\nby 180° and channels swapped (grey: the inserted zeros)",
        va="top",
        fontsize=SMALL_PT,
    )
    return fig
