"""Drawings of Part II: the paper's Figure 2 (standard, depthwise and
pointwise filters) with where the Mult-Adds go, and the MobileNet body block
by block."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Polygon, Rectangle

from dlnotes.diagrams._draw import (
    FONT_PT,
    SMALL_PT,
    WIDTH_IN,
    Colour,
    canvas,
    drawing,
)
from dlnotes.mobilenet import cost
from dlnotes.mobilenet.counting import layer_table
from dlnotes.mobilenet.model import TABLE_1, Architecture, MobileNet

DEPTH_DIRECTION = (0.55, 0.35)  # the receding axis of the oblique cuboids


def _cuboid(
    ax: Axes,
    corner: tuple[float, float],
    side: float,
    depth: float,
    face: str,
    edge: str,
) -> None:
    """An oblique cuboid: a ``side × side`` front face with its lower-left
    corner at ``corner``, receding by ``depth`` (inches along the diagonal)."""
    x, y = corner
    dx, dy = DEPTH_DIRECTION[0] * depth, DEPTH_DIRECTION[1] * depth
    front = [(x, y), (x + side, y), (x + side, y + side), (x, y + side)]
    top = [
        (x, y + side),
        (x + side, y + side),
        (x + side + dx, y + side + dy),
        (x + dx, y + side + dy),
    ]
    right = [
        (x + side, y),
        (x + side + dx, y + dy),
        (x + side + dx, y + side + dy),
        (x + side, y + side),
    ]
    for polygon, alpha in ((top, 0.75), (right, 0.55), (front, 1.0)):
        ax.add_patch(
            Polygon(
                polygon,
                closed=True,
                facecolor=face,
                edgecolor=edge,
                lw=1.1,
                alpha=alpha,
            )
        )


def _label(ax: Axes, xy: tuple[float, float], text: str, **kw) -> None:
    kw.setdefault("fontsize", FONT_PT)
    ax.text(*xy, text, va="center", **kw)


@dataclass(frozen=True)
class FilterCosts:
    """Mult-Adds of one layer (``D_K``, ``M``, ``N``, ``D_F``) as the three
    panels of :func:`separable_filters` show them: equations
    ``mn-cost-full``, ``mn-cost-dw`` and the pointwise term of
    ``mn-cost-sep``."""

    full: int
    depthwise: int
    pointwise: int


def filter_costs(
    d_k: int = 3, m: int = 512, n: int = 512, d_f: int = 14
) -> FilterCosts:
    """:class:`FilterCosts` from the expressions of
    :mod:`dlnotes.mobilenet.cost`; the defaults are the example layer of the
    paper's Table 3 (``3 × 3``, 512 → 512 channels, ``14 × 14``)."""
    values = {cost.D_K: d_k, cost.M: m, cost.N: n, cost.D_F: d_f}
    return FilterCosts(
        full=int(cost.full_conv_cost().subs(values)),
        depthwise=int(cost.depthwise_cost().subs(values)),
        pointwise=int(cost.pointwise_cost().subs(values)),
    )


def _millions(value: int) -> str:
    return f"{value / 1e6:,.1f} M" if value >= 1e6 else f"{value / 1e6:.2f} M"


@drawing(
    alt=(
        "Three kinds of filters, after Figure 2 of the MobileNet paper, with"
        " their cost. (a) A standard convolution has N filters, each D_K by"
        " D_K by M, costing D_K times D_K times M times N times D_F times"
        " D_F Mult-Adds. (b) A depthwise convolution has M filters, each D_K"
        " by D_K by 1, costing D_K times D_K times M times D_F times D_F."
        " (c) A pointwise convolution has N filters, each 1 by 1 by M,"
        " costing M times N times D_F times D_F. Each panel gives the number"
        " for the example layer of Table 3, and bars at the bottom compare"
        " the standard layer with depthwise plus pointwise, where almost all"
        " Mult-Adds are in the pointwise part."
    )
)
def separable_filters(
    d_k: int = 3, m: int = 512, n: int = 512, d_f: int = 14
) -> Figure:
    """Standard, depthwise and pointwise filters (the paper's Figure 2), each
    with its Mult-Adds: ``D_K·D_K·M·N·D_F·D_F`` (equation ``mn-cost-full``),
    ``D_K·D_K·M·D_F·D_F`` (``mn-cost-dw``) and ``M·N·D_F·D_F`` (the second
    term of ``mn-cost-sep``), evaluated by :func:`filter_costs` for one layer
    (default: Table 3's example layer). Bars at the bottom, drawn to scale,
    show the standard layer's Mult-Adds against the separable layer's, split
    into its depthwise and pointwise parts."""
    costs = filter_costs(d_k, m, n, d_f)
    fig, ax = canvas(WIDTH_IN, 7.8)
    panels = [
        (
            "(a) standard: $N$ filters $D_K\\times D_K\\times M$",
            r"$D_K\cdot D_K\cdot M\cdot N\cdot D_F\cdot D_F$",
            costs.full,
            (0.55, 0.75, "$N$"),
            Colour.OP,
            Colour.OP_EDGE,
        ),
        (
            "(b) depthwise: $M$ filters $D_K\\times D_K\\times 1$",
            r"$D_K\cdot D_K\cdot M\cdot D_F\cdot D_F$",
            costs.depthwise,
            (0.55, 0.06, "$M$"),
            Colour.DATA,
            Colour.DATA_EDGE,
        ),
        (
            "(c) pointwise: $N$ filters $1\\times 1\\times M$",
            r"$M\cdot N\cdot D_F\cdot D_F$",
            costs.pointwise,
            (0.16, 0.75, "$N$"),
            "#d9ead3",
            "#38761d",
        ),
    ]
    top = 7.65
    for i, (title, formula, value, shape, face, edge) in enumerate(panels):
        y0 = top - i * 1.8
        _label(ax, (0.1, y0 - 0.1), title)
        side, depth, count = shape
        base = y0 - 1.45
        x = 0.25
        for _ in range(2 if depth > 0.5 and side > 0.3 else 3):
            _cuboid(ax, (x, base), side, depth, face, edge)
            x += side + DEPTH_DIRECTION[0] * depth + 0.15
        _label(ax, (x - 0.05, base + side / 2), f"⋯ {count}")
        if depth > 0.5:  # the first filter's depth is M
            ax.text(
                0.25 + side + 0.1 + DEPTH_DIRECTION[0] * depth / 2,
                base + side / 2 + DEPTH_DIRECTION[1] * depth / 2,
                "$M$",
                fontsize=SMALL_PT,
                va="center",
            )
        ax.text(
            0.25 + side / 2,
            base - 0.05,
            "$D_K$" if side > 0.3 else "1",
            ha="center",
            va="top",
            fontsize=SMALL_PT,
        )
        _label(ax, (2.85, y0 - 0.6), formula)
        _label(ax, (2.85, y0 - 1.05), f"= {_millions(value)} Mult-Adds")
    # the bars, to scale
    y = 1.5
    scale = 3.3 / costs.full
    ax.text(
        0.1,
        y + 0.5,
        (f"one layer: $D_K$ = {d_k}, $M$ = {m}, $N$ = {n}, $D_F$ = {d_f}"),
        fontsize=SMALL_PT,
        va="center",
    )
    rows = [
        ("standard", [(costs.full, Colour.OP, Colour.OP_EDGE)]),
        (
            "separable",
            [
                (costs.depthwise, Colour.DATA, Colour.DATA_EDGE),
                (costs.pointwise, "#d9ead3", "#38761d"),
            ],
        ),
    ]
    for k, (name, parts) in enumerate(rows):
        yy = y - k * 0.5
        _label(ax, (0.1, yy), name, fontsize=SMALL_PT)
        x = 1.05
        for value, face, edge in parts:
            ax.add_patch(
                Rectangle(
                    (x, yy - 0.15),
                    value * scale,
                    0.3,
                    facecolor=face,
                    edgecolor=edge,
                    lw=1.0,
                )
            )
            x += value * scale
        total = sum(value for value, _, _ in parts)
        _label(ax, (x + 0.08, yy), _millions(total), fontsize=SMALL_PT)
    share = costs.pointwise / (costs.pointwise + costs.depthwise)
    saving = costs.full / (costs.depthwise + costs.pointwise)
    ax.text(
        0.1,
        0.3,
        (
            f"pointwise: {share:.0%} of the separable layer;"
            f" in all {saving:.2f}× fewer"
        ),
        fontsize=SMALL_PT,
        va="center",
        color=Colour.INK,
    )
    return fig


@dataclass(frozen=True)
class BodyRow:
    """One layer group of a MobileNet body as :func:`mobilenet_body` draws it:
    the full first layer, a depthwise separable block, or the classifier."""

    name: str
    stride: int
    channels: int
    side: int
    mult_adds: int
    removable: bool


def body_rows(
    architecture: Architecture = TABLE_1, resolution: int = 224
) -> list[BodyRow]:
    """The rows of :func:`mobilenet_body`, counted by
    :func:`dlnotes.mobilenet.counting.layer_table` on the network that
    :class:`dlnotes.mobilenet.model.MobileNet` builds from ``architecture``
    (on the meta device: shapes only): output channels and side of each group
    ``features.i`` (the first layer, then one row per block) and of the
    classifier, with the group's Mult-Adds."""
    with torch.device("meta"):
        model = MobileNet(architecture)
    groups: dict[str, list] = {}
    for row in layer_table(model, resolution):
        if row.kind.startswith(("conv", "fc")):
            key = ".".join(row.name.split(".")[:2])
            groups.setdefault(key, []).append(row)
    strides = [architecture.stem_stride] + [
        b.stride for b in architecture.blocks
    ]
    removable = [False] + [b.removable for b in architecture.blocks]
    rows = []
    for i, layers in enumerate(groups.values()):
        last = layers[-1]
        is_fc = last.kind.startswith("fc")
        rows.append(
            BodyRow(
                name="FC" if is_fc else ("conv" if i == 0 else f"block {i}"),
                stride=1 if is_fc else strides[i],
                channels=last.output_shape[0],
                side=1 if is_fc else last.output_shape[1],
                mult_adds=sum(layer.mult_adds for layer in layers),
                removable=False if is_fc else removable[i],
            )
        )
    return rows


@drawing(
    alt=(
        "The MobileNet body, one row per layer group from the input image"
        " down to the classifier: the full 3 by 3 first layer, the 13"
        " depthwise separable blocks and the fully connected layer. Each row"
        " gives the stride, the output resolution and channels, a bar as"
        " long as the number of channels, and the Mult-Adds of the group."
        " Stride-2 rows are marked; the resolution halves five times from"
        " 224 to 7 while the channels double from 32 to 1024; the five"
        " repeated blocks that the shallow variant removes are shaded."
    )
)
def mobilenet_body(
    architecture: Architecture = TABLE_1, resolution: int = 224
) -> Figure:
    """The body of a MobileNet block by block (the paper's Table 1 by
    default): for each row of :func:`body_rows`, its stride, output side and
    channels, a bar proportional to the channels and the group's Mult-Adds —
    all counted from the network built from ``architecture``, none typed."""
    rows = body_rows(architecture, resolution)
    height = 0.34
    fig, ax = canvas(WIDTH_IN, 1.15 + height * (len(rows) + 1))
    top = 0.75 + height * (len(rows) + 1)
    widest = max(row.channels for row in rows)
    bar_x, bar_w = 2.05, 1.75
    for x, text, ha in [
        (0.1, "stride", "left"),
        (0.7, "output", "left"),
        (bar_x, "channels", "left"),
        (5.1, "Mult-Adds", "right"),
    ]:
        ax.text(
            x, top, text, ha=ha, va="center", fontsize=SMALL_PT, weight="bold"
        )
    y = top - height
    ax.text(0.7, y, f"{resolution}²×3", va="center", fontsize=FONT_PT)
    ax.text(bar_x, y, "input image", va="center", fontsize=SMALL_PT)
    for row in rows:
        y -= height
        if row.removable:
            ax.add_patch(
                Rectangle(
                    (0.05, y - height / 2),
                    5.1,
                    height,
                    facecolor="#f2f2f2",
                    edgecolor="none",
                )
            )
        if row.stride > 1:
            ax.text(
                0.1,
                y,
                f"s{row.stride}",
                va="center",
                fontsize=FONT_PT,
                color=Colour.OP_EDGE,
                weight="bold",
            )
        label = (
            f"{row.channels}"
            if row.name == "FC"
            else f"{row.side}²×{row.channels}"
        )
        ax.text(0.7, y, label, va="center", fontsize=FONT_PT)
        face, edge = (
            (Colour.OP, Colour.OP_EDGE)
            if row.name in ("conv", "FC")
            else (Colour.DATA, Colour.DATA_EDGE)
        )
        ax.add_patch(
            Rectangle(
                (bar_x, y - height * 0.35),
                bar_w * row.channels / widest,
                height * 0.7,
                facecolor=face,
                edgecolor=edge,
                lw=1.0,
            )
        )
        ax.text(
            5.1,
            y,
            f"{row.mult_adds / 1e6:.1f} M",
            ha="right",
            va="center",
            fontsize=FONT_PT,
        )
    ax.text(
        0.1,
        0.45,
        "orange: full convolution and classifier; blue: depthwise\n"
        "separable blocks; shaded: removed in the shallow variant",
        va="center",
        fontsize=SMALL_PT,
    )
    return fig
