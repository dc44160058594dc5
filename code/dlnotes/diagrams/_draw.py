"""Shared pieces of the drawings: a canvas measured in inches, boxes, arrows,
grids of cells, and the registry of alt texts.

Every drawing is at most :data:`WIDTH_IN` wide and writes no text smaller than
:data:`FONT_PT`, so that it reads at phone width (390 px, where the page shows
a figure about 360 px wide) as well as at desktop width: text of ``f`` points
in a figure ``w`` inches wide shows at ``f · 3.6 / w`` points on the phone,
9.0 pt for the defaults. Labels that a reader may skip (the key under a
drawing) use :data:`SMALL_PT`, the book's smallest size
(:data:`dlnotes.figures.SMALLEST_FONT_PT`), legible at desktop width.
"""

from __future__ import annotations

import functools
import io
from collections.abc import Callable, Sequence
from typing import ParamSpec

import matplotlib
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch, Rectangle

from dlnotes.figures import RC_PARAMS, SMALLEST_FONT_PT

#: The widest drawing, in inches: shown at its own size at desktop width and
#: at about 70 % on a phone.
WIDTH_IN = 5.2
#: The size of every label a reader needs, in points.
FONT_PT = 13
#: The size of keys and secondary labels (legible at desktop width).
SMALL_PT = SMALLEST_FONT_PT


class Colour:
    """The drawings' colours: data (blue), operations (orange), gradients
    (red), zeros (grey), and the ink of lines and text."""

    DATA = "#dbe8f6"
    DATA_EDGE = "#2f5f8f"
    OP = "#fbe3c8"
    OP_EDGE = "#b35c00"
    GRAD = "#c0392b"
    ZERO = "#eeeeee"
    INK = "#222222"


#: The alt text of every drawing, by function name: what a screen reader
#: speaks instead of the picture. The page's cell carries the same text (a
#: test compares them).
ALT_TEXT: dict[str, str] = {}

P = ParamSpec("P")


def drawing(alt: str) -> Callable[[Callable[P, Figure]], Callable[P, Figure]]:
    """Register ``alt`` as the alt text of the decorated drawing, and draw it
    in the book's figure style (:data:`dlnotes.figures.RC_PARAMS`) whatever
    style the caller has set."""

    def register(function: Callable[P, Figure]) -> Callable[P, Figure]:
        ALT_TEXT[function.__name__] = alt

        @functools.wraps(function)
        def draw(*args: P.args, **kwargs: P.kwargs) -> Figure:
            with matplotlib.rc_context(RC_PARAMS):
                return function(*args, **kwargs)

        return draw

    return register


class Drawing(Figure):
    """A matplotlib figure that shows itself in a notebook as a PNG at 100
    dpi (``_repr_png_``), whether or not pyplot's inline backend has been
    loaded; it is not registered with pyplot, so it is shown once, as the
    value of the cell, and freed with its last reference."""

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(
            buffer, format="png", dpi=100, bbox_inches="tight", pad_inches=0.02
        )
        return buffer.getvalue()


def canvas(width: float, height: float) -> tuple[Figure, Axes]:
    """A figure ``width × height`` inches with one axes filling it, whose data
    coordinates are inches (origin bottom left), no ticks, no frame.

    The figure is a :class:`Drawing`.
    """
    fig = Drawing(figsize=(width, height), dpi=100)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_aspect("equal")
    ax.set_axis_off()
    return fig, ax


def box(
    ax: Axes,
    centre: tuple[float, float],
    size: tuple[float, float],
    text: str,
    face: str = Colour.DATA,
    edge: str = Colour.DATA_EDGE,
    fontsize: float = FONT_PT,
    rounded: bool = True,
) -> FancyBboxPatch:
    """A box centred at ``centre`` (inches) with ``text`` in the middle."""
    (x, y), (w, h) = centre, size
    style = "round,pad=0,rounding_size=0.08" if rounded else "square,pad=0"
    patch = FancyBboxPatch(
        (x - w / 2, y - h / 2),
        w,
        h,
        boxstyle=style,
        facecolor=face,
        edgecolor=edge,
        linewidth=1.4,
    )
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize)
    return patch


def arrow(
    ax: Axes,
    start: tuple[float, float],
    end: tuple[float, float],
    color: str = Colour.INK,
    width: float = 1.4,
    curve: float = 0.0,
    style: str = "-|>",
) -> FancyArrowPatch:
    """An arrow from ``start`` to ``end`` (inches), bent by ``curve`` (the arc
    radius parameter of matplotlib's ``arc3`` connection)."""
    patch = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=14,
        color=color,
        linewidth=width,
        connectionstyle=f"arc3,rad={curve}",
        shrinkA=0,
        shrinkB=0,
    )
    ax.add_patch(patch)
    return patch


def cells(
    ax: Axes,
    corner: tuple[float, float],
    labels: Sequence[Sequence[str]],
    size: float,
    faces: Sequence[Sequence[str]] | None = None,
    fontsize: float = FONT_PT,
) -> None:
    """A grid of square cells of side ``size`` (inches), row 0 at the top,
    with its top-left corner at ``corner``; ``labels[i][j]`` is written in cell
    ``(i, j)``, ``faces[i][j]`` (default white) fills it."""
    x0, y0 = corner
    for i, row in enumerate(labels):
        for j, label in enumerate(row):
            face = "white" if faces is None else faces[i][j]
            ax.add_patch(
                Rectangle(
                    (x0 + j * size, y0 - (i + 1) * size),
                    size,
                    size,
                    facecolor=face,
                    edgecolor="#555555",
                    linewidth=0.8,
                )
            )
            if label:
                ax.text(
                    x0 + (j + 0.5) * size,
                    y0 - (i + 0.5) * size,
                    label,
                    ha="center",
                    va="center",
                    fontsize=fontsize,
                )
