"""dlnotes.show: the chapters display the code that runs."""

import ast
import importlib
import inspect
import pkgutil
import re

import pandas as pd
import pytest

import dlnotes
from dlnotes import show
from dlnotes.train import quiet


def test_source_is_the_real_source():
    code = show.source(quiet)
    assert code.data.startswith("def quiet() -> bool:")
    assert "DLNOTES_QUIET" in code.data


def _html(styler) -> str:
    return styler.to_html()


def test_table_hides_the_default_index_and_keeps_a_meaningful_one():
    frame = pd.DataFrame({"model": ["a", "b"], "ms": [1.5, 12.25]})
    assert ">0</th>" not in _html(
        show.table(frame)
    ) and 'class="dataframe"' in _html(show.table(frame))
    named = _html(show.table(frame.set_index("model")))
    # a column now
    assert (
        ">a</td>" in named
        and ">model</th>" in named
        and ">0</th>" not in named
    )
    assert ">a</th>" in _html(
        show.table(frame.set_index("model").rename_axis(None))
    )
    assert ">0</th>" in _html(show.table(frame, index=True))


def test_table_formats_numbers_per_column():
    frame = pd.DataFrame(
        {
            "n": [1024000, 3],
            "x": [0.5, 2.125],
            "y": [1.0, float("nan")],
            "s": ["<p>", "q"],
        }
    )
    html = _html(show.table(frame, {"s": "[{}]"}))
    # integers: thousands separators
    assert "1,024,000" in html and ">3<" in html
    # floats: the decimals the column needs
    assert "0.500" in html and "2.125" in html
    assert ">1<" in html and "–" in html  # no decimals needed; a missing value
    # a given format wins; text is escaped
    assert "[&lt;p&gt;]" in html and "[q]" in html


def test_table_rejects_bad_arguments():
    with pytest.raises(TypeError, match="frame must be a pandas DataFrame"):
        show.table([[1, 2]])
    with pytest.raises(ValueError, match="formats names columns"):
        show.table(pd.DataFrame({"a": [1]}), {"b": "{}"})


MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(dlnotes.__path__, "dlnotes.")
    if not m.name.endswith("__main__")
)


def _program(code: str) -> str:
    """The program of ``code``, with docstrings compared up to their
    whitespace."""
    tree = ast.parse(code)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            node.value = " ".join(node.value.split())
    return ast.dump(tree)


@pytest.mark.parametrize("name", MODULES)
def test_wrapped_listings_are_the_same_program_and_only_code_stays_wide(name):
    code = inspect.getsource(importlib.import_module(name))
    wrapped = show.wrap_text_lines(code, 79)
    assert _program(wrapped) == _program(code)
    docstrings = show._docstring_lines(wrapped)
    for number, line in enumerate(wrapped.splitlines(), 1):
        if len(line) > 79 and (
            number in docstrings or line.lstrip().startswith("#")
        ):
            assert " " not in line.strip()[:79].rstrip(), (
                f"line {number} could have been wrapped: {line!r}"
            )


def test_source_wraps_text_not_code():
    def example(values):
        """A docstring line that is much longer than the width allows, so that
        it has to wrap somewhere."""
        # a comment that is also far too long for the width that this test asks
        # for, so it wraps
        # fmt: off
        return [v * 2 for v in values if v is not None and v > 0]  # trailing words here  # noqa: E501
        # fmt: on

    text = show.source(example, width=60).data
    assert (
        max(len(line) for line in text.splitlines() if "return" not in line)
        <= 60
    )
    assert (
        "    return [v * 2 for v in values if v is not None and v > 0]" in text
    )
    assert text.index("# trailing words here") < text.index("return")
    with pytest.raises(ValueError, match="width must be an integer"):
        show.source(example, width=10)


def test_table_keeps_short_cells_on_one_line():
    frame = pd.DataFrame(
        {
            "shape": [
                "(16, 64, 32, 32)",
                "a sentence long enough to be allowed to wrap in its cell",
            ]
        }
    )
    styler = show.table(frame)
    html = styler.to_html()
    assert re.search(r"_row0_col0 \{\s*white-space: nowrap;", html)
    assert not re.search(r"_row1_col0 \{\s*white-space: nowrap;", html)


def test_table_keeps_a_range_on_one_line_and_escapes_html():
    frame = pd.DataFrame(
        {"comparison": ["slower, 3.7× (3.4–4.1×)", "<b>"], "n": [1, 2]}
    )
    html = show.table(frame).to_html()
    assert "(3.4–\u20604.1×)" in html and "&lt;b&gt;" in html
    assert (
        show.table(pd.DataFrame({"range": ["a–b", None]}))
        .to_html()
        .count("\u2060")
        == 0
    )


def test_source_of_chosen_members_of_a_class():
    from dlnotes.backprop.batchnorm import BatchNormFunction

    text = show.source(BatchNormFunction, members=["backward", "forward"]).data
    assert (
        text.startswith("class BatchNormFunction")
        and '"""Training-mode BatchNorm' in text
    )
    # the class's order
    assert text.index("def forward") < text.index("def backward")
    assert (
        "def setup_context" not in text
        and "not shown here: setup_context, vmap" in text
    )
    ast.parse(text)
    with pytest.raises(
        ValueError, match="members must name methods of BatchNormFunction"
    ):
        show.source(BatchNormFunction, members=["nope"])
    with pytest.raises(
        TypeError, match="members can only be chosen from a class"
    ):
        show.source(quiet, members=["x"])


def test_pragma_comments_stay_on_their_line():
    code = (
        "def f(self, a_long_argument_name, another_one):  # type:"
        " ignore[override]\n    return 1\n"
    )
    assert show.wrap_text_lines(code, 60) == code


def test_attribute_comments_keep_their_marker_when_wrapped():
    code = (
        "#: The widest figure, in inches, whose smallest text still"
        " shows.\nWIDTH = 7\n"
    )
    wrapped = show.wrap_text_lines(code, 40)
    assert wrapped.splitlines()[:-1] == [
        "#: The widest figure, in inches, whose",
        "#: smallest text still shows.",
    ]


def test_a_wrapped_argument_runs_on_at_its_hanging_indent():
    code = (
        "def f(seed):\n"
        '    """Shuffle.\n'
        "\n"
        "    Args:\n"
        "        seed: seeds the order of the minibatches (seed the model's"
        " initialisation yourself,\n"
        "            e.g. with torch.manual_seed).\n"
        "        other: a short one.\n"
        '    """\n'
    )
    lines = show.wrap_text_lines(code, 60).splitlines()
    assert lines[4:8] == [
        "        seed: seeds the order of the minibatches (seed the",
        "            model's initialisation yourself, e.g. with",
        "            torch.manual_seed).",
        "        other: a short one.",
    ]
