"""Small helpers for the chapters: show the code that runs, never a retyped copy of it, and show
tables alike on every page."""

from __future__ import annotations

import inspect
import math
import textwrap
from collections.abc import Mapping

import pandas as pd
from IPython.display import Code
from pandas.io.formats.style import Styler


def source(obj: object) -> Code:
    """The source of a function, class or module from ``dlnotes``, highlighted for a notebook.

    A chapter calls ``source(dlnotes.backprop.batchnorm.BatchNormFunction.backward)`` so that
    what the reader sees is exactly what runs.
    """
    return Code(textwrap.dedent(inspect.getsource(obj)), language="python")


def table(frame: pd.DataFrame, formats: Mapping[str, str] | None = None, *, index: bool | None = None) -> Styler:
    """A data frame as the book shows its tables.

    The table gets the theme's table style (outer border, heading rule, striped rows), padded
    cells, and numbers formatted per column: the formats given (``{"ms": "{:.1f}"}``), else
    integers with thousands separators and floats with as many decimals as their values need
    (at most 6), ``–`` for a missing value. The row index is shown when it means something:
    by default only when it is not pandas' ``0, 1, 2, …``.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"frame must be a pandas DataFrame, got {type(frame).__name__}")
    formats = dict(formats or {})
    unknown = set(formats) - set(frame.columns)
    if unknown:
        raise ValueError(f"formats names columns the frame does not have: {sorted(map(str, unknown))}")
    for column in frame.columns:
        values = frame[column]
        if column in formats:
            continue
        if pd.api.types.is_bool_dtype(values):
            continue
        if pd.api.types.is_integer_dtype(values):
            formats[column] = "{:,}"
        elif pd.api.types.is_float_dtype(values):
            formats[column] = f"{{:,.{_decimals(values)}f}}"
    styler = frame.style.format(formats, na_rep="–", escape="html")
    styler = styler.set_table_attributes('class="dataframe"')
    styler = styler.set_table_styles([{"selector": "th, td", "props": "padding: 0.2em 0.8em;"}])
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex)
    return styler if index else styler.hide(axis="index")


def _decimals(values: pd.Series) -> int:
    """The fewest decimals, at most 6, that show every finite value of a float column exactly."""
    needed = [len(f"{v:.6f}".rstrip("0").split(".")[1]) for v in values if isinstance(v, float) and math.isfinite(v)]
    return max(needed, default=0)
