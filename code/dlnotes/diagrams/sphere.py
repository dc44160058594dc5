"""Drawings of Part III: ZYZ Euler angles as three successive rotations, the
kernel grids near the north pole and the identity, and the spherical CNN as a
pipeline."""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from mpl_toolkits.mplot3d import Axes3D
from numpy.typing import ArrayLike

from dlnotes.diagrams._draw import (
    FONT_PT,
    SMALL_PT,
    WIDTH_IN,
    Colour,
    Drawing,
    arrow,
    box,
    canvas,
    drawing,
)
from dlnotes.sphere.experiments.mnist.models import SphericalCNN
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.rotation import euler_to_matrix

E_X = np.array([1.0, 0.0, 0.0])
E_Z = np.array([0.0, 0.0, 1.0])
#: One colour per Euler angle, in the order in which the rotations act (γ,
#: then β, then α).
ANGLE_COLOURS = {"gamma": "#1b7837", "beta": "#2166ac", "alpha": Colour.GRAD}


def _rotation(alpha: float, beta: float, gamma: float) -> np.ndarray:
    return euler_to_matrix(alpha, beta, gamma).numpy()


def _point(beta: ArrayLike, alpha: ArrayLike) -> np.ndarray:
    """The points of the unit sphere at colatitudes ``beta`` and longitudes
    ``alpha`` (broadcast): ``[3, ...]``."""
    beta, alpha = np.broadcast_arrays(beta, alpha)
    return np.stack(
        [
            np.sin(beta) * np.cos(alpha),
            np.sin(beta) * np.sin(alpha),
            np.cos(beta),
        ]
    )


def _sphere_wires(ax: Axes3D, max_beta: float = math.pi) -> None:
    """Light meridians and parallels of the unit sphere up to colatitude
    ``max_beta``."""
    t = np.linspace(0, 2 * math.pi, 120)
    b = np.linspace(0, max_beta, 60)
    parallels = [(beta, t) for beta in np.linspace(0, max_beta, 7)[1:]]
    meridians = [
        (b, a) for a in np.linspace(0, 2 * math.pi, 12, endpoint=False)
    ]
    for beta, alpha in parallels + meridians:
        ax.plot(*_point(beta, alpha), color="#cccccc", lw=0.7)


def _flag(
    ax: Axes3D,
    pole: np.ndarray,
    tangent: np.ndarray,
    colour: str,
    lw: float,
    length: float = 0.4,
) -> None:
    """A body's pose: a dot where its north pole is and an arrow along its
    x axis."""
    ax.scatter(*pole, color=colour, s=30, depthshade=False)
    ax.quiver(
        *pole, *(length * tangent), color=colour, lw=lw, arrow_length_ratio=0.3
    )


def _arc(ax: Axes3D, points: np.ndarray, colour: str) -> None:
    ax.plot(*points.T, color=colour, lw=2.4)


def _three_d(
    fig: Figure,
    rect,
    elev: float,
    azim: float,
    zoom: float = 1.0,
    aspect: tuple[float, float, float] = (1, 1, 1),
) -> Axes3D:
    ax = fig.add_axes(rect, projection="3d")
    ax.view_init(elev=elev, azim=azim)
    ax.set_axis_off()
    ax.set_box_aspect(aspect, zoom=zoom)
    return ax


@drawing(
    alt=(
        "ZYZ Euler angles on the unit sphere with axes x, y and z. A body"
        " starts at the north pole with its arrow along x. Step 1: it turns"
        " about z by gamma, staying at the pole. Step 2: it tilts about y by"
        " beta, moving down the meridian in the x-z plane to colatitude beta."
        " Step 3: it turns about z by alpha, moving along its parallel to"
        " longitude alpha. The pole of the result, R e_z, has polar angle"
        " beta and azimuth alpha."
    )
)
def euler_angles(
    alpha: float = math.radians(75),
    beta: float = math.radians(55),
    gamma: float = math.radians(90),
) -> Figure:
    """The rotation ``R(α, β, γ) = R_z(α) R_y(β) R_z(γ)`` (equation
    ``rot-euler``) as three successive moves of a body, read right to left:
    a pole with an arrow (its ``x`` axis) starts at ``e_z``; ``R_z(γ)`` turns
    it about ``z`` by γ, ``R_y(β)`` tilts it about ``y`` by β, ``R_z(α)``
    turns it about ``z`` by α. Every pose is computed with
    :func:`dlnotes.sphere.rotation.euler_to_matrix`; the end pole ``R e_z`` has
    polar angle β and azimuth α, as the page says."""
    fig = Drawing(figsize=(WIDTH_IN, 5.0), dpi=100)
    ax = _three_d(fig, (0, 0.06, 1, 0.94), elev=22, azim=30, zoom=1.3)
    _sphere_wires(ax)
    for axis, name in zip(np.eye(3), "xyz", strict=True):
        ax.quiver(
            0,
            0,
            0,
            *(1.3 * axis),
            color=Colour.INK,
            lw=1.2,
            arrow_length_ratio=0.08,
        )
        ax.text(
            *(1.3 * axis + np.array([0.0, 0.12, 0.0])),
            f"${name}$",
            fontsize=FONT_PT + 2,
            ha="center",
            va="center",
        )
    poses = [
        _rotation(0, 0, 0),
        _rotation(0, 0, gamma),
        _rotation(0, beta, gamma),
        _rotation(alpha, beta, gamma),
    ]
    colours = [
        "#888888",
        ANGLE_COLOURS["gamma"],
        ANGLE_COLOURS["beta"],
        ANGLE_COLOURS["alpha"],
    ]
    for pose, colour, lw in zip(
        poses, colours, (1.5, 1.8, 1.8, 2.6), strict=True
    ):
        _flag(ax, pose @ E_Z, pose @ E_X, colour, lw)
    # 1: gamma, a turn in the tangent plane at the pole
    t = np.linspace(0, gamma, 40)
    _arc(
        ax,
        np.stack([0.25 * np.cos(t), 0.25 * np.sin(t), np.ones_like(t)], 1),
        ANGLE_COLOURS["gamma"],
    )
    ax.text(
        0.3 * math.cos(gamma),
        0.3 * math.sin(gamma) + 0.1,
        1.12,
        r"1: $\gamma$",
        color=ANGLE_COLOURS["gamma"],
        fontsize=FONT_PT,
    )
    # 2: beta, down the meridian of the x-z plane
    t = np.linspace(0, beta, 40)
    _arc(ax, np.stack([np.sin(t), 0 * t, np.cos(t)], 1), ANGLE_COLOURS["beta"])
    ax.text(
        1.12 * math.sin(beta / 2),
        -0.12,
        1.12 * math.cos(beta / 2),
        r"2: $\beta$",
        ha="right",
        color=ANGLE_COLOURS["beta"],
        fontsize=FONT_PT,
    )
    # 3: alpha, along the parallel at colatitude beta
    t = np.linspace(0, alpha, 40)
    _arc(
        ax,
        _point(beta, t).T,
        ANGLE_COLOURS["alpha"],
    )
    ax.text(
        1.12 * math.sin(beta) * math.cos(alpha / 2),
        1.12 * math.sin(beta) * math.sin(alpha / 2),
        math.cos(beta) - 0.15,
        r"3: $\alpha$",
        color=ANGLE_COLOURS["alpha"],
        fontsize=FONT_PT,
    )
    end = poses[-1] @ E_Z
    ax.plot(
        *np.stack([0 * end, end], 1),
        color=ANGLE_COLOURS["alpha"],
        ls="--",
        lw=1.0,
    )
    ax.text(
        *(end + np.array([0, 0, 0.22])),
        r"$Re_z$",
        color=ANGLE_COLOURS["alpha"],
        fontsize=FONT_PT,
    )
    lim = 1.05
    ax.set_xlim(-lim, lim)
    ax.set_ylim(-lim, lim)
    ax.set_zlim(-lim, lim)
    fig.text(
        0.02,
        0.03,
        r"$R = R_z(\alpha)\,R_y(\beta)\,R_z(\gamma)$ acts right to left:"
        "\nfirst γ, then β, then α",
        fontsize=SMALL_PT,
    )
    return fig


def _cap(ax: Axes3D, max_beta: float) -> None:
    """The cap of the unit sphere around the north pole, lightly shaded."""
    b, a = np.meshgrid(
        np.linspace(0, max_beta, 12), np.linspace(0, 2 * math.pi, 48)
    )
    ax.plot_surface(
        *_point(b, a),
        color="#dbe8f6",
        alpha=0.35,
        linewidth=0,
        shade=False,
    )
    _sphere_wires(ax, max_beta)


@drawing(
    alt=(
        "Two views of the cap of the sphere around the north pole. Above, the"
        " S2 kernel grid: 24 points on three rings of eight, at colatitudes"
        " up to pi over 8. Below, the SO(3) kernel grid of the MNIST model:"
        " at each of the same 24 positions, three short arrows for the three"
        " turns about the axis, 72 rotations in all; the arrow at the pole"
        " marks the identity."
    )
)
def kernel_grids() -> Figure:
    """The near-identity kernel grids of the paper's §4.1 on the sphere:
    :func:`dlnotes.sphere.kernel_grids.s2_near_identity_grid` (the S² filter's
    points ``x_i`` at ``(β, α)``) and
    :func:`dlnotes.sphere.kernel_grids.so3_near_identity_grid` with
    ``max_gamma = π/8``, ``n_gamma = 3`` (the MNIST model's SO(3) filter).
    A rotation ``Q_i = R(α, β, γ)`` is drawn as where it carries the north pole
    and the ``x`` axis there: a dot at ``Q_i e_z`` and an arrow along
    ``Q_i e_x`` (the arrow at the pole is the identity's)."""
    s2 = s2_near_identity_grid()
    so3 = so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3)
    max_beta = max(beta for beta, _ in s2)
    fig = Drawing(figsize=(WIDTH_IN, 5.6), dpi=100)
    for k, title in enumerate(
        (f"$S^2$: {len(s2)} points", f"SO(3): {len(so3)} rotations")
    ):
        ax = _three_d(
            fig,
            (0, 0.5 - 0.5 * k, 1, 0.45),
            elev=50,
            azim=-60,
            zoom=1.7,
            aspect=(1, 1, 0.4),
        )
        _cap(ax, max_beta * 1.35)
        fig.text(0.5, 0.96 - 0.5 * k, title, ha="center", fontsize=FONT_PT)
        ax.scatter(*E_Z, color=Colour.INK, s=14, depthshade=False)
        if k == 0:
            xyz = np.array([_point(beta, alpha) for beta, alpha in s2])
            ax.scatter(*xyz.T, color=Colour.OP_EDGE, s=60, depthshade=False)
        else:
            length = 0.12
            ax.quiver(
                *E_Z,
                *(length * E_X),
                color=Colour.INK,
                lw=1.2,
                arrow_length_ratio=0.35,
            )
            for beta, alpha, gamma in so3:
                rotation = _rotation(alpha, beta, gamma)
                ax.quiver(
                    *(rotation @ E_Z),
                    *(length * rotation @ E_X),
                    color=Colour.OP_EDGE,
                    lw=1.0,
                    arrow_length_ratio=0.35,
                )
        lim = math.sin(max_beta) * 1.15
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_zlim(1 - 1.2 * lim, 1 + 0.8 * lim)
        # 3-D axes are square on the page; let the flat cap overhang its box
        for artist in ax.get_children():
            artist.set_clip_on(False)
    return fig


@drawing(
    alt=(
        "The spherical CNN as a pipeline, top to bottom: a signal on the"
        " sphere; an S2 correlation with ReLU gives feature maps on SO(3);"
        " an SO(3) correlation with ReLU gives more SO(3) feature maps; the"
        " integral over SO(3) gives one number per channel; a fully connected"
        " layer gives the logits. Each stage gives channels, grid size and"
        " bandwidth for the MNIST model. A bracket marks the stages that"
        " rotate with the input as equivariant, and the last two as"
        " invariant."
    )
)
def spherical_cnn_pipeline(model: SphericalCNN | None = None) -> Figure:
    """The spherical CNN (Cohen et al., 2018, §5.1) as a pipeline: S² signal →
    S² correlation → SO(3) features → SO(3) correlation → integral over SO(3)
    → invariant logits. Channels, bandwidths, grid sizes and kernel points are
    read from ``model``, a
    :class:`dlnotes.sphere.experiments.mnist.models.SphericalCNN` (default:
    the paper's MNIST model), none typed. Stages up to the last SO(3) features
    rotate with the input (equivariant); after the integral they do not
    change (invariant)."""
    if model is None:
        model = SphericalCNN()
    s2, so3, fc = model.s2_conv, model.so3_conv, model.out

    def features(space: str, b: str, bandwidth: int, channels: int) -> str:
        """A data stage: the space, its bandwidth, channels and grid."""
        side = 2 * bandwidth
        grid = f"{side}×{side}" if space == "$S^2$" else f"{side}³"
        noun = "signal" if space == "$S^2$" else "features"
        plural = "s" if channels > 1 else ""
        return (
            f"{noun} on {space}, {b} = {bandwidth}\n"
            f"{channels} channel{plural}, {grid} grid"
        )

    stages = [
        ("data", features("$S^2$", "$b$", s2.b_in, s2.nfeature_in)),
        ("op", f"$S^2$ correlation ({len(s2.grid)}-point filters), ReLU"),
        ("data", features("SO(3)", "$b_1$", s2.b_out, s2.nfeature_out)),
        ("op", f"SO(3) correlation ({len(so3.grid)}-point filters), ReLU"),
        ("data", features("SO(3)", "$b_2$", so3.b_out, so3.nfeature_out)),
        ("op", "integral over SO(3)"),
        ("data", f"{so3.nfeature_out} invariant features"),
        ("op", "fully connected"),
        ("data", f"{fc.out_features} invariant logits"),
    ]
    heights = {"data": 0.64, "op": 0.4}
    gap = 0.22
    total = sum(heights[kind] for kind, _ in stages) + gap * (len(stages) - 1)
    fig, ax = canvas(WIDTH_IN, total + 0.3)
    x, width = 1.95, 3.7
    y = total + 0.15
    centres = []
    for kind, text in stages:
        h = heights[kind]
        centre = (x, y - h / 2)
        if kind == "data":
            box(ax, centre, (width, h), text)
        else:
            box(
                ax,
                centre,
                (width, h),
                text,
                face=Colour.OP,
                edge=Colour.OP_EDGE,
                fontsize=SMALL_PT + 1,
                rounded=False,
            )
        centres.append((centre, h))
        if len(centres) > 1:
            (px, py), ph = centres[-2]
            arrow(ax, (x, py - ph / 2), (x, y))
        y -= h + gap
    (_, top0), h0 = centres[0]
    (_, top4), h4 = centres[4]
    (_, top6), h6 = centres[6]
    (_, top8), h8 = centres[8]
    for y_top, y_bottom, label, colour in [
        (top0 + h0 / 2, top4 - h4 / 2, "equivariant", Colour.DATA_EDGE),
        (top6 + h6 / 2, top8 - h8 / 2, "invariant", Colour.GRAD),
    ]:
        bx = x + width / 2 + 0.15
        ax.plot(
            [bx, bx + 0.12, bx + 0.12, bx],
            [y_top, y_top, y_bottom, y_bottom],
            color=colour,
            lw=1.6,
        )
        ax.text(
            bx + 0.28,
            (y_top + y_bottom) / 2,
            label,
            rotation=90,
            ha="center",
            va="center",
            fontsize=FONT_PT,
            color=colour,
        )
    return fig
