"""dlnotes.figures: the style sets sizes at which text stays legible on the
website."""

import matplotlib
import matplotlib.pyplot as plt
from matplotlib.font_manager import FontProperties

from dlnotes.figures import MAX_WIDTH_IN, SMALLEST_FONT_PT, style

# widest figure on a page at 1280 px (measured on the built site)
COLUMN_PX = 688
LEGIBLE_PT = 9


def test_style_sets_every_text_size_at_or_above_the_smallest():
    with matplotlib.rc_context():
        style()
        fig, ax = plt.subplots()
        ax.plot([0, 1], label="a line")
        ax.set_title("title")
        ax.set_xlabel("x")
        legend = ax.legend()
        fig.canvas.draw()
        texts = [
            ax.title,
            ax.xaxis.label,
            *ax.get_xticklabels(),
            *legend.get_texts(),
        ]
        sizes = [
            FontProperties(size=t.get_fontsize()).get_size_in_points()
            for t in texts
        ]
        plt.close(fig)
    assert min(sizes) >= SMALLEST_FONT_PT


def test_default_figure_fits_the_rule_it_states():
    with matplotlib.rc_context():
        style()
        width_in = matplotlib.rcParams["figure.figsize"][0]
        dpi = matplotlib.rcParams["figure.dpi"]
    assert width_in <= MAX_WIDTH_IN
    scale = min(1.0, COLUMN_PX / (MAX_WIDTH_IN * dpi))
    assert SMALLEST_FONT_PT * dpi / 96 * scale >= LEGIBLE_PT
