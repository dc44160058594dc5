"""dlnotes.diagrams: every drawing renders, is legible at the book's widths,
has alt text, is labelled with its page's symbols, and the numbers it shows
are the package's own counts."""

from __future__ import annotations

import io
import math
import re
from collections import Counter

import matplotlib
import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.figure import Figure
from matplotlib.text import Text
from torch import nn

from dlnotes import diagrams
from dlnotes.diagrams._draw import FONT_PT, WIDTH_IN
from dlnotes.figures import MAX_WIDTH_IN, SMALLEST_FONT_PT
from dlnotes.mobilenet import MobileNetV1, count_mult_adds
from dlnotes.mobilenet.blocks import DepthwiseSeparableConv
from dlnotes.mobilenet.counting import layer_table
from dlnotes.mobilenet.model import DIGITS
from dlnotes.sphere.experiments.mnist.models import SphericalCNN
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)

DRAWINGS = sorted(diagrams.ALT_TEXT)

#: Symbols each drawing must show, as its page writes them.
SYMBOLS = {
    "batchnorm_graph": [
        "$x_k$",
        r"$\mu$",
        r"$\sigma^2$",
        r"$\hat x_i$",
        "$y_i$",
        r"$\bar y_i$",
        r"$g_i = \gamma\,\bar y_i$",
        r"$\delta_{ik}/s$",
        "$1/n$",
        "$-1/s$",
        r"$(2/n)(x_k-\mu)$",
        r"$-(x_i-\mu)/(2s^3)$",
    ],
    "conv2d_backward": [r"$\bar y$", "$z$", "$k$", r"$\bar x$", "180°"],
    "separable_filters": [
        r"$D_K\cdot D_K\cdot M\cdot N\cdot D_F\cdot D_F$",
        r"$D_K\cdot D_K\cdot M\cdot D_F\cdot D_F$",
        r"$M\cdot N\cdot D_F\cdot D_F$",
    ],
    "mobilenet_body": ["stride", "channels", "Mult-Adds", "s2"],
    "euler_angles": [r"1: $\gamma$", r"2: $\beta$", r"3: $\alpha$", "$z$"],
    "kernel_grids": ["$S^2$: 24 points", "SO(3): 72 rotations"],
    "spherical_cnn_pipeline": [
        "integral over SO(3)",
        "10 invariant logits",
        "equivariant",
        "invariant",
    ],
}


def texts(fig: Figure) -> list[Text]:
    """Every visible, non-empty text of the figure."""
    return [
        t
        for t in fig.findobj(Text)
        if t.get_visible() and t.get_text().strip()
    ]


def strings(fig: Figure) -> list[str]:
    return [t.get_text() for t in texts(fig)]


@pytest.fixture(scope="module")
def drawn() -> dict[str, Figure]:
    """Each drawing, drawn once with its defaults."""
    return {name: getattr(diagrams, name)() for name in DRAWINGS}


def test_every_drawing_is_listed_with_its_symbols():
    assert set(SYMBOLS) == set(DRAWINGS)
    assert set(DRAWINGS) <= set(diagrams.__all__)


@pytest.mark.parametrize("name", DRAWINGS)
def test_renders_with_agg_and_stays_off_pyplot(name: str, drawn):
    before = plt.get_fignums()
    fig = getattr(diagrams, name)()
    assert plt.get_fignums() == before  # a notebook shows it once
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    assert buffer.getvalue().startswith(b"\x89PNG")
    # a notebook shows it as a PNG even without pyplot's inline backend
    assert fig._repr_png_().startswith(b"\x89PNG")
    assert matplotlib.get_backend().lower() == "agg"


@pytest.mark.parametrize("name", DRAWINGS)
def test_is_legible_at_desktop_and_phone_width(name: str, drawn):
    fig = drawn[name]
    width, _ = fig.get_size_inches()
    assert fig.dpi == 100
    assert width <= WIDTH_IN <= MAX_WIDTH_IN
    sizes = [t.get_fontsize() for t in texts(fig)]
    assert sizes and min(sizes) >= SMALLEST_FONT_PT
    # the labels a reader needs show at 9 pt on a phone, where the figure is
    # about 360 CSS px wide: FONT_PT at 100 dpi, scaled, in CSS points
    shown_px = FONT_PT * 100 / 72 * 360 / (100 * WIDTH_IN)
    assert shown_px * 72 / 96 >= 9 - 0.05


@pytest.mark.parametrize("name", DRAWINGS)
def test_has_alt_text_and_documentation(name: str):
    alt = diagrams.ALT_TEXT[name]
    assert len(alt.split()) >= 30
    assert "$" not in alt and "\\" not in alt  # spoken, not TeX
    assert getattr(diagrams, name).__doc__.strip()


@pytest.mark.parametrize("name", DRAWINGS)
def test_labels_use_the_pages_symbols(name: str, drawn):
    shown = strings(drawn[name])
    missing = [s for s in SYMBOLS[name] if not any(s in t for t in shown)]
    assert not missing, f"{name} lacks {missing}"


def test_conv2d_backward_shows_torchs_input_gradient(drawn):
    """The 5 × 5 x̄ drawn is autograd's gradient of a stride-2 conv2d for the
    ȳ and kernel drawn, and the dilated ȳ shows its inserted zeros."""
    x = torch.zeros(1, 1, 5, 5, requires_grad=True)
    weight = torch.arange(1.0, 10).view(1, 1, 3, 3)
    y = nn.functional.conv2d(x, weight, stride=2)
    (x_bar,) = torch.autograd.grad(y, x, torch.arange(1.0, 5).view(y.shape))
    shown = Counter(strings(drawn["conv2d_backward"]))
    needed = Counter(f"{v:g}" for v in x_bar.flatten().tolist())
    assert not needed - shown
    # zeros: 5 in the dilated 3×3, 45 in the padded 7×7
    assert shown["0"] >= 5 + 45


def test_filter_costs_are_the_counted_mult_adds():
    costs = diagrams.filter_costs()
    block = DepthwiseSeparableConv(512, 512)
    assert costs.depthwise + costs.pointwise == count_mult_adds(
        block, (512, 14, 14)
    )
    full = nn.Conv2d(512, 512, 3, padding=1, bias=False)
    assert costs.full == count_mult_adds(full, (512, 14, 14))
    assert costs.pointwise == count_mult_adds(block.pointwise, (512, 14, 14))


def test_separable_filters_print_the_costs(drawn):
    costs = diagrams.filter_costs()
    shown = " ".join(strings(drawn["separable_filters"]))
    for value in (costs.full, costs.pointwise):
        assert f"{value / 1e6:,.1f} M" in shown
    assert f"{costs.depthwise / 1e6:.2f} M" in shown
    ratio = costs.full / (costs.depthwise + costs.pointwise)
    assert f"{ratio:.2f}×" in shown


def test_body_rows_are_the_counted_network():
    rows = diagrams.body_rows()
    with torch.device("meta"):
        model = MobileNetV1()
    table = layer_table(model, 224)
    assert sum(r.mult_adds for r in rows) == count_mult_adds(model, 224)
    convs = [r for r in table if r.kind.startswith(("conv 3", "conv 1"))]
    assert [(r.channels, r.side) for r in rows[:-1]] == [
        (r.output_shape[0], r.output_shape[1]) for r in convs
    ]
    assert rows[-1].name == "FC" and rows[-1].channels == 1000
    assert [r.stride for r in rows].count(2) == 5
    assert sum(r.removable for r in rows) == 5
    for before, after in zip(rows, rows[1:-1], strict=False):
        assert after.side == before.side // after.stride


def test_mobilenet_body_shows_each_row_and_follows_its_architecture(drawn):
    shown = strings(drawn["mobilenet_body"])
    for row in diagrams.body_rows()[:-1]:
        assert f"{row.side}²×{row.channels}" in shown
        assert f"{row.mult_adds / 1e6:.1f} M" in shown
    digits = strings(diagrams.mobilenet_body(DIGITS, 28))
    assert "28²×3" in digits and "2²×128" in digits


def test_kernel_grids_draw_every_grid_point(drawn):
    fig = drawn["kernel_grids"]
    s2_axes, so3_axes = fig.axes
    points = sum(len(c.get_offsets()) for c in s2_axes.collections[-1:])
    assert points == len(s2_near_identity_grid())
    n_so3 = len(so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3))
    arrows = [c for c in so3_axes.collections if "Line3D" in type(c).__name__]
    assert len(arrows) == n_so3 + 1  # and the identity's


def test_pipeline_reads_its_model():
    shown = " ".join(
        strings(
            diagrams.spherical_cnn_pipeline(
                SphericalCNN(b=8, b1=4, b2=2, f1=3, f2=5)
            )
        )
    )
    for text in (
        "$b$ = 8",
        "16×16 grid",
        "$b_1$ = 4",
        "3 channels",
        "8³ grid",
        "$b_2$ = 2",
        "5 channels",
        "4³ grid",
        "5 invariant features",
    ):
        assert text in shown
    assert re.search(r"24-point filters.*72-point filters", shown, re.S)
