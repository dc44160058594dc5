"""MyST → plain Jupyter Markdown (_ext/notebook_markdown.py), on small cells
with a fake resolver."""

from __future__ import annotations

import pytest
from notebook_markdown import convert, leftovers


class FakeResolver:
    """Numbers, links and values as a build would give them, and a record of
    warnings."""

    numbers = {
        "bp-do-dx": "2.3",
        "eq-vjp": "",
        "bp-ex-seed": "2.1",
        "fig-grid": "4.2",
    }

    def __init__(self):
        self.warnings: list[str] = []
        self.cited: list[str] = []

    def glue(self, key: str, spec: str, markdown: bool) -> str:
        value = {"rate": 0.29994, "name": "dropout"}[key]
        return (
            format(value, spec)
            if spec
            else f"**{value}**"
            if markdown
            else str(value)
        )

    def xref(self, role: str, target: str, text: str | None) -> str:
        if role == "eq":
            return f"[({self.numbers[target]})](page.html#equation-{target})"
        return f"[{text or target.upper()}]({target}.html)"

    def number(self, label: str) -> str:
        return self.numbers.get(label, "")

    def cite(self, role: str, keys: list[str]) -> str:
        self.cited += keys
        names = "; ".join(f"{key.title()}, 2014" for key in keys)
        return (
            f"({names})" if role == "cite:p" else f"{keys[0].title()} (2014)"
        )

    def include(self, path: str) -> str:
        return "\n".join(f"line {i}" for i in range(1, 6))

    def warn(self, message: str) -> None:
        self.warnings.append(message)


@pytest.fixture
def resolver():
    return FakeResolver()


CONVERSIONS = {
    "glue values are substituted as formatted": (
        "The rate was {glue:text}`rate:.3f` for {glue:text}`name`.",
        "The rate was 0.300 for dropout.",
    ),
    "glue:md is bold": ("{glue:md}`name`", "**dropout**"),
    "labelled math gets its number as a tag": (
        (
            "Mask:\n\n```{math}\n:label: bp-do-dx\n\\bar x = \\bar f\\, m"
            " .\n```\n\nDone."
        ),
        "Mask:\n\n$$\n\\bar x = \\bar f\\, m . \\tag{2.3}\n$$\n\nDone.",
    ),
    "unlabelled math": ("```{math}\na = b\n```", "$$\na = b\n$$"),
    "dollar math with a label": (
        "$$\na = b\n$$ (bp-do-dx)\n",
        "$$\na = b \\tag{2.3}\n$$\n",
    ),
    "inline math stays": ("inline $x_{i}$ stays", "inline $x_{i}$ stays"),
    "the tag goes inside aligned": (
        (
            "```{math}\n:label: bp-do-dx\n\\begin{aligned} a &= b \\\\ c &= d"
            " \\end{aligned}\n```"
        ),
        (
            "$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}"
            " \\tag{2.3}\n$$"
        ),
    ),
    "the tag goes inside align": (
        "```{math}\n:label: bp-do-dx\n\\begin{align} a &= b \\end{align}\n```",
        "$$\n\\begin{align} a &= b \\tag{2.3}\n\\end{align}\n$$",
    ),
    "references become links": (
        (
            "See {eq}`bp-do-dx`, {doc}`the proofs <proofs>`, {ref}`sec`,"
            " {numref}`fig-grid` and {py:func}`~a.b.f`."
        ),
        (
            "See [(2.3)](page.html#equation-bp-do-dx), [the"
            " proofs](proofs.html), [SEC](sec.html), [FIG-GRID](fig-grid.html)"
            " and [~A.B.F](~a.b.f.html)."
        ),
    ),
    "admonitions become block quotes": (
        ":::{note}\nWatch {eq}`bp-do-dx`.\n\nTwo paragraphs.\n:::",
        (
            "> **Note**\n>\n> Watch"
            " [(2.3)](page.html#equation-bp-do-dx).\n>\n> Two paragraphs."
        ),
    ),
    "a titled admonition keeps its title": (
        "```{admonition} Why it works\n:class: tip\nBecause.\n```",
        "> **Why it works**\n>\n> Because.",
    ),
    "dropdowns fold": (
        (
            "::::{dropdown} The logs\n```{literalinclude}"
            " runs/a.log\n:language: text\n:lines: 4-\n```\n::::"
        ),
        (
            "<details>\n<summary>The logs</summary>\n\n```text\nline 4\nline"
            " 5\n```\n\n</details>"
        ),
    ),
    "targets and comments are dropped and code is kept": (
        (
            "(mn-steps)=\n## Steps\n% a note to the"
            " authors\nText.\n\n```python\nx = {eq}`not-a-role`\n```"
        ),
        "## Steps\nText.\n\n```python\nx = {eq}`not-a-role`\n```",
    ),
}
"""Cells and what they become: (MyST cell, plain Jupyter Markdown)."""


@pytest.mark.parametrize(
    "cell, expected", CONVERSIONS.values(), ids=CONVERSIONS
)
def test_a_cell_converts(resolver, cell, expected):
    assert convert(cell, resolver) == expected
    assert not resolver.warnings


def test_citations_are_author_year(resolver):
    assert (
        convert(
            "Dropout {cite:p}`srivastava,hinton` works; {cite:t}`ioffe`"
            " showed it.",
            resolver,
        )
        == "Dropout (Srivastava, 2014; Hinton, 2014) works; Ioffe (2014)"
        " showed it."
    )
    assert resolver.cited == ["srivastava", "hinton", "ioffe"]


def test_exercise_and_solution_in_one_cell(resolver):
    cell = (
        "```{exercise-start}\n:label: bp-ex-seed\n```\nSave only the"
        " seed.\n```{exercise-end}\n```\n\n```{solution-start}"
        " bp-ex-seed\n:class: dropdown\n```\nRedraw the"
        " mask.\n```{solution-end}\n```"
    )
    assert (
        convert(cell, resolver) == "**Exercise 2.1**\n\nSave only the"
        " seed.\n\n\n<details>\n<summary>Solution to Exercise"
        " 2.1</summary>\n\nRedraw the mask.\n\n</details>"
    )


def test_a_solution_across_cells_gets_a_heading(resolver):
    start = (
        "```{solution-start} bp-ex-seed\n:class: dropdown\n```\nSymPy agrees:"
    )
    assert (
        convert(start, resolver)
        == "**Solution to Exercise 2.1**\n\nSymPy agrees:"
    )
    assert convert("```{solution-end}\n```", resolver) == ""


def test_unknown_syntax_is_reported_not_shipped(resolver):
    out = convert(
        "A {weird}`role` and\n\n```{eval-rst}\n.. autofunction:: f\n```\n",
        resolver,
    )
    assert out == "A role and\n"
    assert len(resolver.warnings) == 2


@pytest.mark.parametrize(
    "markdown, found",
    [
        ("{eq}`x` and ```` ```{math} ````", ["{eq}`"]),
        ("```{note}\nhi\n```", ["```{note}"]),
        ("(label)=\n# Title", ["(label)="]),
        ("plain `{eq}` in code and\n```python\n{eq}`x`\n```", []),
        ("$$ a $$ and **bold**", []),
    ],
)
def test_leftovers_finds_myst_outside_code(markdown, found):
    assert leftovers(markdown) == found


def test_small_roles(resolver):
    cell = "{math}`x^2`, H{sub}`2`O, {abbr}`LR (learning rate)`, {kbd}`Ctrl`"
    assert convert(cell, resolver) == "$x^2$, H<sub>2</sub>O, LR, `Ctrl`"
    assert not resolver.warnings
