"""Small helpers for the chapters: show the code that runs, never a retyped copy of it."""

from __future__ import annotations

import inspect
import textwrap

from IPython.display import Code


def source(obj: object) -> Code:
    """The source of a function, class or module from ``dlnotes``, highlighted for a notebook.

    A chapter calls ``source(dlnotes.backprop.batchnorm.BatchNormFunction.backward)`` so that
    what the reader sees is exactly what runs.
    """
    return Code(textwrap.dedent(inspect.getsource(obj)), language="python")
