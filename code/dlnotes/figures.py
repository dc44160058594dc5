"""One matplotlib style for every figure of the book, legible at the page's
width.

The website shows a figure at most 688 CSS pixels wide at desktop width (1280
px), scaling wider PNGs down. matplotlib draws at 100 dpi, so a figure ``w``
inches wide is shown at ``min(1, 688 / (100 w))`` of its size, and text of
``f`` points at ``f · 100/96 · scale`` points. With no text below
:data:`SMALLEST_FONT_PT` and figures at most :data:`MAX_WIDTH_IN` wide, every
label, tick and legend shows at 9 pt or more; the browser check of the built
site (``tests/book/test_layout.py``) measures the scale of every figure.
"""

from __future__ import annotations

import matplotlib

#: The smallest font size the style uses (tick labels, legends), in points.
SMALLEST_FONT_PT = 11
#: The widest figure, in inches, whose smallest text still shows at 9 pt on the
#: website.
MAX_WIDTH_IN = 8.5

RC_PARAMS = {
    "figure.figsize": (8.0, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": "figure",
    "font.size": SMALLEST_FONT_PT,
    "axes.titlesize": SMALLEST_FONT_PT + 2,
    "axes.labelsize": SMALLEST_FONT_PT + 1,
    "xtick.labelsize": SMALLEST_FONT_PT,
    "ytick.labelsize": SMALLEST_FONT_PT,
    "legend.fontsize": SMALLEST_FONT_PT,
    "legend.title_fontsize": SMALLEST_FONT_PT,
    "figure.titlesize": SMALLEST_FONT_PT + 3,
    "axes.grid": False,
}


def style() -> None:
    """Apply the book's figure style (:data:`RC_PARAMS`) to matplotlib; call
    once per chapter.

    Keep figures at most :data:`MAX_WIDTH_IN` inches wide and pass no
    ``fontsize`` below :data:`SMALLEST_FONT_PT`: then all text shows at 9 pt or
    more at the book's desktop width.
    """
    matplotlib.rcParams.update(RC_PARAMS)
