"""Small helpers for the chapters: show the code that runs, never a retyped
copy of it, and show tables alike on every page."""

from __future__ import annotations

import ast
import inspect
import io
import math
import re
import textwrap
import tokenize
from collections.abc import Mapping, Sequence

import pandas as pd
from IPython.display import Code
from pandas.io.formats.style import Styler

from dlnotes._checks import is_int

#: Width, in characters, to which ``source`` wraps docstrings and comments:
#: what a code box of the book shows at desktop width without scrolling
#: sideways.
LISTING_WIDTH = 79
#: Comments that direct a tool (type: ignore, noqa, fmt: ...): they stay on
#: their line.
PRAGMA = re.compile(r"#\s*(type:|noqa|pragma|fmt:|pylint:)")


def source(
    obj: object,
    width: int = LISTING_WIDTH,
    *,
    members: Sequence[str] | None = None,
) -> Code:
    """The source of a function, class or module from ``dlnotes``, highlighted
    for a notebook.

    A chapter calls
    ``source(dlnotes.backprop.batchnorm.BatchNormFunction.backward)`` so that
    what the reader sees is exactly what runs. Docstring and comment lines
    longer than ``width`` are wrapped (a trailing comment of a long code line
    moves above it); code is left as it is. For a class, ``members`` shows its
    header and docstring and only the methods named, in the class's order, and
    says which were left out.
    """
    if not is_int(width) or width < 40:
        raise ValueError(
            "width must be an integer of at least 40 characters, got"
            f" {width!r}"
        )
    code = textwrap.dedent(inspect.getsource(obj))
    if members is not None:
        if not inspect.isclass(obj):
            raise TypeError(
                "members can only be chosen from a class, got"
                f" {type(obj).__name__}"
            )
        code = _class_with(code, list(members))
    return Code(wrap_text_lines(code, width), language="python")


def _class_with(code: str, members: list[str]) -> str:
    """The source of a class reduced to its header, docstring and the methods
    ``members``."""
    lines = code.splitlines()
    cls = ast.parse(code).body[0]
    methods = {
        n.name: n
        for n in cls.body
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    unknown = [name for name in members if name not in methods]
    if unknown or not members:
        raise ValueError(
            f"members must name methods of {cls.name} ({', '.join(methods)}),"
            f" got {members!r}"
        )
    first = cls.body[0]
    has_docstring = (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
    )
    kept = lines[: first.end_lineno if has_docstring else first.lineno - 1]
    indent = " " * cls.body[0].col_offset
    for name, node in methods.items():
        if name in members:
            start = min(
                [node.lineno] + [d.lineno for d in node.decorator_list]
            )
            kept += [""] + lines[start - 1 : node.end_lineno]
    left_out = [name for name in methods if name not in members]
    if left_out:
        kept += [
            "",
            (
                f"{indent}# not shown here: {', '.join(left_out)} (see the API"
                " reference)"
            ),
        ]
    return "\n".join(kept) + "\n"


def wrap_text_lines(code: str, width: int = LISTING_WIDTH) -> str:
    """``code`` with its over-long docstring and comment lines wrapped at
    ``width``.

    Only text is rewrapped, never code: a docstring line is split at a space
    and what overflows runs on into the next line of the same paragraph (or
    onto a new line with the same indentation, two more after a bullet); a
    comment line continues as a comment; a code line's trailing comment moves,
    wrapped, to the lines above it. The result parses to the same program with
    the same docstrings, up to their whitespace.
    """
    lines = code.splitlines()
    docstring_lines = _docstring_lines(code)
    comments = {}  # line number -> column of a trailing comment
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if (
            token.type == tokenize.COMMENT
            and lines[token.start[0] - 1][: token.start[1]].strip()
        ):
            comments[token.start[0]] = token.start[1]
    out: list[str] = []
    # text that overflowed the previous line and runs on into this one
    carry = ""
    for number, line in enumerate(lines, 1):
        in_docstring = number in docstring_lines
        marker = "" if in_docstring else _comment_marker(line)
        if carry:
            indent = line[: len(line) - len(line.lstrip())]
            line = f"{indent}{marker}{carry} {line.lstrip()[len(marker) :]}"
            carry = ""
        if len(line) <= width or not (
            in_docstring or marker or number in comments
        ):
            out.append(line)
        elif number in comments and PRAGMA.match(line[comments[number] :]):
            out.append(line)  # a directive for a tool belongs to its line
        elif number in comments:
            code_part, comment = (
                line[: comments[number]].rstrip(),
                line[comments[number] :],
            )
            indent = code_part[: len(code_part) - len(code_part.lstrip())]
            out += _wrap(indent + comment, width, "# ") + [code_part]
        else:
            hanging = _hanging(line, lines[: number - 1], in_docstring)
            first, *rest = _wrap(line, width, marker, hanging)
            out.append(first)
            if rest and _continues(
                line,
                lines[number] if number < len(lines) else "",
                marker,
                number + 1 in docstring_lines,
                hanging,
            ):
                carry = " ".join(part.strip()[len(marker) :] for part in rest)
            else:
                out += rest
    return "\n".join(out) + ("\n" if code.endswith("\n") else "")


def _comment_marker(line: str) -> str:
    """The marker a comment line's continuation takes: ``#:`` for Sphinx's
    attribute comments, ``#`` for others, none for code."""
    text = line.lstrip()
    return (
        "#: "
        if text.startswith("#:")
        else "# "
        if text.startswith("#")
        else ""
    )


def _continues(
    line: str,
    following: str,
    marker: str,
    following_in_docstring: bool,
    hanging: str,
) -> bool:
    """Whether ``following`` continues the paragraph of text that ``line``
    belongs to."""
    indent = len(line) - len(line.lstrip()) + len(hanging)
    text = following.lstrip()
    if len(following) - len(text) != indent:
        return False
    if marker:  # a comment runs on into a comment line below it
        return text.startswith(marker.rstrip()) and len(text) > len(marker)
    # a bullet, a numbered item, a section header ("Returns:"), an argument
    # ("x: ..."), a directive
    starts_block = re.match(
        r"^([*-] |\d+\. |\w[\w ]*:$|\*{0,2}\w+( \([^)]*\))?: |\.\."
        r" |>>>|\"\"\"|''')",
        text,
    )
    return following_in_docstring and bool(text) and not starts_block


def _docstring_lines(code: str) -> set[int]:
    """Line numbers (1-based) that lie inside the docstrings of ``code``."""
    inside = set()
    for node in ast.walk(ast.parse(code)):
        if (
            isinstance(
                node,
                (
                    ast.Module,
                    ast.ClassDef,
                    ast.FunctionDef,
                    ast.AsyncFunctionDef,
                ),
            )
            and node.body
        ):
            first = node.body[0]
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                inside |= set(range(first.lineno, first.end_lineno + 1))
    return inside


def _wrap(line: str, width: int, marker: str, hanging: str = "") -> list[str]:
    """One long line of text as several, each starting with the line's
    indentation and marker."""
    indent = line[: len(line) - len(line.lstrip())]
    text = line.lstrip()[len(marker) :] if marker else line.lstrip()
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent + marker,
        subsequent_indent=indent + marker + hanging,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [line]


def _hanging(line: str, above: list[str], in_docstring: bool) -> str:
    """The indentation a wrapped item's later lines take beyond its first: a
    bullet's width; four columns for an entry of a docstring section
    (``x: ...`` under ``Args:``, ``ValueError: ...`` under ``Raises:``), as
    Google-style docstrings indent; none for other text. ``above`` holds the
    lines before ``line``."""
    text = line.lstrip()
    bullet = re.match(r"^([*-] |\d+\. )", text)
    if bullet:
        return " " * len(bullet.group(1))
    entry = r"^\*{0,2}[\w.]+( \([^)]*\))?(, [\w.]+)*: "
    if not (in_docstring and re.match(entry, text)):
        return ""
    indent = len(line) - len(text)
    for previous in reversed(above):  # up to the section's header
        depth = len(previous) - len(previous.lstrip())
        if not previous.strip() or depth < indent - 4:
            return ""
        if depth == indent - 4:
            header = re.match(r"^\w[\w ]*:$", previous.strip())
            return "    " if header else ""
    return ""


def table(
    frame: pd.DataFrame,
    formats: Mapping[str, str] | None = None,
    *,
    index: bool | None = None,
) -> Styler:
    """A data frame as the book shows its tables.

    The table gets the theme's table style (outer border, heading rule, striped
    rows), padded cells (short ones kept on one line, :data:`SHORT_CELL`), and
    numbers formatted per column: the formats given (``{"ms": "{:.1f}"}``),
    else integers with thousands separators and floats with as many decimals as
    their values need (at most 6), ``–`` for a missing value; in text, a range
    such as "2.9–3.3×" never breaks across lines. The row index is shown when
    it means something: by default only when it is not pandas' ``0, 1, 2, …``;
    a named single index is shown as the first column, its name in the header
    row.
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(
            f"frame must be a pandas DataFrame, got {type(frame).__name__}"
        )
    if index is None:
        index = not isinstance(frame.index, pd.RangeIndex)
    if index and frame.index.nlevels == 1 and frame.index.name is not None:
        # a named index reads as the first column
        frame, index = frame.reset_index(), False
    formats = dict(formats or {})
    unknown = set(formats) - set(frame.columns)
    if unknown:
        raise ValueError(
            "formats names columns the frame does not have:"
            f" {sorted(map(str, unknown))}"
        )
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
        elif pd.api.types.is_string_dtype(
            values
        ) or pd.api.types.is_object_dtype(values):
            formats[column] = _unbroken_ranges
    styler = frame.style.format(formats, na_rep="–", escape="html")
    styler = styler.set_table_attributes('class="dataframe"')
    styler = styler.set_table_styles(
        [{"selector": "th, td", "props": "padding: 0.2em 0.8em;"}]
    )
    styler = styler.map(_keep_short_on_one_line).map_index(
        _keep_short_on_one_line, axis="index"
    )
    return styler if index else styler.hide(axis="index")


#: Cells up to this many characters never wrap ("(16, 64, 32, 32)", "0.75
#: MobileNet-224"); longer text may, so that a table of sentences still fits
#: the column (a comparison such as "slower, 4.3× (3.3–4.9×)" breaks before its
#: interval).
SHORT_CELL = 20


def _keep_short_on_one_line(value: object) -> str:
    return "white-space: nowrap;" if len(str(value)) <= SHORT_CELL else ""


_RANGE_DASH = re.compile(r"(?<=\d)–(?=\d)")


def _unbroken_ranges(value: object) -> str:
    """Text with a word joiner after each en dash between digits: "(2.9–3.3×)"
    never breaks across lines (a cell may still wrap at its spaces)."""
    return _RANGE_DASH.sub("–\u2060", str(value))


def _decimals(values: pd.Series) -> int:
    """The fewest decimals, at most 6, that show every finite value of a float
    column exactly."""
    needed = [
        len(f"{v:.6f}".rstrip("0").split(".")[1])
        for v in values
        if isinstance(v, float) and math.isfinite(v)
    ]
    return max(needed, default=0)
