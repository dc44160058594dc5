"""dlnotes.show: the chapters display the code that runs."""

from dlnotes import show
from dlnotes.train import quiet


def test_source_is_the_real_source():
    code = show.source(quiet)
    assert code.data.startswith("def quiet() -> bool:")
    assert "DLNOTES_QUIET" in code.data


import pandas as pd
import pytest


def _html(styler) -> str:
    return styler.to_html()


def test_table_hides_the_default_index_and_keeps_a_meaningful_one():
    frame = pd.DataFrame({"model": ["a", "b"], "ms": [1.5, 12.25]})
    assert ">0</th>" not in _html(show.table(frame)) and 'class="dataframe"' in _html(show.table(frame))
    assert ">a</th>" in _html(show.table(frame.set_index("model")))
    assert ">0</th>" in _html(show.table(frame, index=True))


def test_table_formats_numbers_per_column():
    frame = pd.DataFrame({"n": [1024000, 3], "x": [0.5, 2.125], "y": [1.0, float("nan")], "s": ["<p>", "q"]})
    html = _html(show.table(frame, {"s": "[{}]"}))
    assert "1,024,000" in html and ">3<" in html  # integers: thousands separators
    assert "0.500" in html and "2.125" in html  # floats: the decimals the column needs
    assert ">1<" in html and "–" in html  # no decimals needed; a missing value
    assert "[&lt;p&gt;]" in html and "[q]" in html  # a given format wins; text is escaped


def test_table_rejects_bad_arguments():
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame"):
        show.table([[1, 2]])
    with pytest.raises(ValueError, match="formats names columns"):
        show.table(pd.DataFrame({"a": [1]}), {"b": "{}"})
