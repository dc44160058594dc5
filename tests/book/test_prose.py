"""Prose for students: what the pages say, checked without building the book.

The pages are written for students. These static checks read the MyST sources
in ``chapters/`` (and the strings in ``dlnotes`` that reach pages: docstrings
on the API pages, listings shown with ``dlnotes.show.source``, printed text and
figure labels) and fail on

* words meant for the people who build the book — issues, goals, targets, aims,
  development runs, a time budget — in the prose, in the strings and comments
  of code cells, and in the strings and comments of ``dlnotes``.
  ``BUILDER_WORDS`` is the list; the machine-learning sense of "target" (target
  labels, target values, ...) is allowed by ``TARGET_ML``; identifiers such as
  a variable named ``targets`` are code, not text, and are never read;
* a visible code cell that calls ``glue``: gluing values into the prose is
  plumbing, and lives in a cell tagged ``remove-cell`` (or
  ``remove-input``/``hide-input`` when it also shows something);
* a numbered equation on a page outside the numbered parts of ``_toc.yml`` (the
  intro, the reference pages): chapters number equations "(chapter.n)", so such
  a page would show a lone "(1)";
* a page that mentions the original notes without linking, at its first
  mention, to the intro's section that introduces them (label
  ``original-notes``), or that names them another way;
* a table styled by hand (``DataFrame.style``) instead of with
  ``dlnotes.show.table``;
* a page that opens with code: a page opens with an overview paragraph, then a
  short import cell (at most ``OPENING_IMPORT_LINES`` lines of imports); the
  rest is imported where first used.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = ROOT / "chapters"
PACKAGE = ROOT / "code" / "dlnotes"
PAGES = sorted(CHAPTERS.rglob("*.md"))

# Words for the builders, not the readers. Case-insensitive, matched on text
# only (prose, and the strings and comments of code).
BUILDER_WORDS = [
    r"\bissues?\b",
    r"\bgoals?\b",
    r"\btargets?\b",
    r"\baim(s|ed|ing)?\b",
    r"\bdevelopment runs?\b",
    r"\bfull shapes of the\b",
    r"\b(time|cpu|build|book's) budget\b",
    r"\b(todo|fixme|xxx)\b",
    r"\bpull requests?\b",
    r"\btickets?\b",
    r"\bacceptance criteri",
    r"\bdeliverables?\b",
    r"\bmilestones?\b",
]
BUILDER = re.compile(
    "|".join(f"(?:{w})" for w in BUILDER_WORDS), re.IGNORECASE
)
# "target" in its machine-learning sense is a word for readers.
TARGET_ML = re.compile(
    r"\btargets?\s+(labels?|class(es)?|values?|variables?|distributions?|networks?|tensors?|digits?)\b"
    r"|\b(inputs?|images?|samples?) and (their )?targets\b",
    re.IGNORECASE,
)
# The original notes are introduced once, on the intro page, under this label.
NOTES_LABEL = "original-notes"
NOTES_LINK = re.compile(
    r"\{ref\}`[^`<]*<" + NOTES_LABEL + r">`|\{ref\}`" + NOTES_LABEL + "`"
)
OTHER_NAMES_FOR_THE_NOTES = re.compile(
    r"notes (this book|these pages|we) (grows?|starts?|began) from",
    re.IGNORECASE,
)
HIDDEN = {"remove-cell", "remove-input", "hide-input", "hide-cell"}
# imports in a page's first visible code cell, at most
OPENING_IMPORT_LINES = 8
NOT_PROSE_FENCES = re.compile(
    r"^\{(code-cell|math|literalinclude|eval-rst|code-block|code)\}|^[\w+-]*$"
)


@dataclass
class Cell:
    source: str
    tags: set[str]
    line: int  # 1-based line of the cell's fence in the page


@dataclass
class Page:
    path: Path
    # (line, text) of every line a reader sees as text
    prose: list[tuple[int, str]]
    cells: list[Cell]


def _fence(line: str) -> tuple[str, str] | None:
    """The fence characters and the info string of a fence line, or None."""
    match = re.match(r"^\s*(`{3,}|~{3,}|:{3,})\s*(.*)$", line)
    return (match.group(1), match.group(2).strip()) if match else None


def parse(path: Path) -> Page:
    """Split a MyST page into the lines of prose a reader sees and its code
    cells."""
    lines = path.read_text().splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # the jupytext front matter
        start = (
            next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
            + 1
        )
    prose: list[tuple[int, str]] = []
    cells: list[Cell] = []
    # open fences: (characters, is its body prose?)
    stack: list[tuple[str, bool]] = []
    cell: list[str] | None = None
    cell_start = 0  # line number of the open code cell's first line
    in_dollar_math = False
    for number in range(start, len(lines)):
        line = lines[number]
        fence = _fence(line)
        # inside a code cell: only its closing fence ends it
        if cell is not None:
            if fence and fence[0] == stack[-1][0] and not fence[1]:
                stack.pop()
                cells.append(_cell(cell, cell_start))
                cell = None
            else:
                cell.append(line)
            continue
        if fence and stack and fence[0] == stack[-1][0] and not fence[1]:
            stack.pop()
            continue
        if fence and fence[1] and (not stack or stack[-1][1]):
            info = fence[1]
            if info.startswith("{code-cell}"):
                stack.append((fence[0], False))
                cell, cell_start = [], number + 1
                continue
            is_prose = not NOT_PROSE_FENCES.match(info)
            stack.append((fence[0], is_prose))
            if is_prose:  # a directive's title is text too: {dropdown} Title
                prose.append((number + 1, re.sub(r"^\{[^}]*\}", "", info)))
            continue
        if stack and not stack[-1][1]:
            continue
        # display math: $$ ... $$, on one line or several
        if "$$" in line or in_dollar_math:
            in_dollar_math ^= line.count("$$") % 2 == 1
            continue
        if re.match(r"^\s*:[\w-]+:", line) or re.match(r"^\(.+\)=\s*$", line):
            continue
        prose.append((number + 1, line))
    return Page(path, prose, cells)


def _cell(lines: list[str], line: int) -> Cell:
    tags: set[str] = set()
    body = lines
    if body and body[0].strip() == "---":  # a YAML block of cell metadata
        end = next(i for i in range(1, len(body)) if body[i].strip() == "---")
        tags = set(
            (yaml.safe_load("\n".join(body[1:end])) or {}).get("tags", [])
        )
        body = body[end + 1 :]
    while body and re.match(r"^:[\w-]+:", body[0]):
        key, _, value = body[0].partition(":")[2].partition(":")
        if key == "tags":
            tags |= set(yaml.safe_load(value.strip()) or [])
        body = body[1:]
    return Cell("\n".join(body), tags, line)


def visible_text(text: str) -> str:
    """A line of MyST as the reader sees it: no math, code, role targets or
    link targets."""
    text = re.sub(r"<!--.*?-->", " ", text)
    text = re.sub(r"\$[^$]*\$", " ", text)
    # Roles: keep the title of {ref}/{doc}/{numref} links, drop every other
    # role's content.
    text = re.sub(r"\{(ref|doc|numref|term)\}`([^`<]*)<[^`>]*>`", r"\2", text)
    text = re.sub(r"\{[\w:+-]+\}`[^`]*`", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)  # [title](link)
    return re.sub(r"https?://\S+", " ", text)


def code_text(source: str) -> list[tuple[int, str]]:
    """The strings and comments of Python code, with their lines: the text in
    code that a reader sees (printed, in a figure, in a listing or a
    docstring). Names are not read."""
    out = []
    kinds = {tokenize.STRING, tokenize.COMMENT} | {
        getattr(tokenize, "FSTRING_MIDDLE", tokenize.STRING)
    }
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in kinds:
                out.append((token.start[0], token.string))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        out = list(enumerate(source.splitlines(), 1))
    return out


def builder_words(text: str) -> list[str]:
    allowed = [m.span() for m in TARGET_ML.finditer(text)]
    return [
        m.group(0)
        for m in BUILDER.finditer(text)
        if not any(start <= m.start() < end for start, end in allowed)
    ]


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_no_builder_words_in_the_prose(path):
    page = parse(path)
    hits = [
        f"line {n}: {words} in {line.strip()!r}"
        for n, line in page.prose
        if (words := builder_words(visible_text(line)))
    ]
    assert not hits, (
        "words meant for the builders, rewrite for a student:\n"
        + "\n".join(hits)
    )


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_no_builder_words_in_what_code_cells_show(path):
    page = parse(path)
    hits = [
        f"line {cell.line + n}: {words} in {text.strip()!r}"
        for cell in page.cells
        for n, text in code_text(cell.source)
        if (words := builder_words(text))
    ]
    assert not hits, (
        "strings or comments of code cells reach the page:\n" + "\n".join(hits)
    )


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=_id)
def test_no_builder_words_in_the_package_text(path):
    """Docstrings reach the API pages, listings show whole functions, printed
    text reaches
    outputs: the package's strings and comments are read by students too."""
    hits = [
        f"line {n}: {words} in {text.strip()[:100]!r}"
        for n, text in code_text(path.read_text())
        if (words := builder_words(text))
    ]
    assert not hits, "\n".join(hits)


def _calls_glue(source: str) -> bool:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return "glue(" in source
    return any(
        isinstance(node, ast.Call)
        and (
            getattr(node.func, "id", None) == "glue"
            or getattr(node.func, "attr", None) == "glue"
        )
        for node in ast.walk(tree)
    )


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_glue_lives_in_hidden_cells(path):
    shown = [
        cell.line
        for cell in parse(path).cells
        if _calls_glue(cell.source) and not cell.tags & HIDDEN
    ]
    assert not shown, (
        f"code cells at lines {shown} call glue() and are shown: move the glue"
        " calls into a cell tagged remove-cell (what stays visible is code"
        " that teaches)"
    )


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_tables_are_shown_with_the_book_style(path):
    """``dlnotes.show.table`` gives every table the same look (rows separated,
    numbers formatted, no meaningless index); a ``DataFrame.style`` of its own
    renders without the theme's table style."""
    styled = [
        cell.line
        for cell in parse(path).cells
        if re.search(r"\.style\b", cell.source)
    ]
    assert not styled, (
        f"code cells at lines {styled} style a table themselves: use"
        " dlnotes.show.table"
    )
    bare = [
        cell.line
        for cell in parse(path).cells
        if _shows_a_bare_frame(cell.source)
    ]
    assert not bare, (
        f"code cells at lines {bare} display a pandas frame as it is (index"
        " column and all): wrap it in table(...)"
    )


FRAME_MAKERS = {
    "DataFrame",
    "Series",
    "from_dict",
    "set_index",
    "rename_axis",
    "rename",
    "pivot",
    "pivot_table",
    "reset_index",
    "sort_values",
    "assign",
    "drop",
    "head",
    "round",
    "as_frame",
    "T",
}


def _shows_a_bare_frame(source: str) -> bool:
    """Whether a cell ends with an expression that builds a pandas frame (which
    Jupyter then shows)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    node = body[-1].value
    node = node.func if isinstance(node, ast.Call) else node
    name = (
        node.attr
        if isinstance(node, ast.Attribute)
        else getattr(node, "id", None)
    )
    return name in FRAME_MAKERS


def _unnumbered_pages() -> list[Path]:
    """Pages of _toc.yml outside a numbered part: the root and the unnumbered
    parts."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    pages = [toc["root"]]

    def files(entries):
        for entry in entries or []:
            if "file" in entry:
                yield entry["file"]
            yield from files(entry.get("sections"))

    for part in toc.get("parts", []):
        if not part.get("numbered"):
            pages += list(files(part.get("chapters")))
    return [ROOT / f"{page}.md" for page in pages]


def test_the_unnumbered_part_of_the_toc_is_found():
    assert ROOT / "chapters" / "intro.md" in _unnumbered_pages()


@pytest.mark.parametrize("path", _unnumbered_pages(), ids=_id)
def test_no_numbered_equation_outside_the_numbered_parts(path):
    text = path.read_text()
    labelled = re.findall(r"```\{math\}\s*\n\s*:label:", text) + re.findall(
        r"\$\$\s*\(([\w-]+)\)", text
    )
    assert not labelled, (
        "an equation with a label is numbered; outside the numbered parts it"
        " would read '(1)' while chapters read '(2.1)': leave it unlabelled,"
        " or move it into a chapter"
    )


@pytest.mark.parametrize(
    "path",
    [p for p in PAGES if p.name != "intro.md" or p.parent != CHAPTERS],
    ids=_id,
)
def test_the_original_notes_are_linked_where_first_mentioned(path):
    """ "The original notes" are introduced on the intro page; a page that
    cites them links there."""
    page = parse(path)
    raw = "\n".join(line for _, line in page.prose)
    assert not OTHER_NAMES_FOR_THE_NOTES.search(visible_text(raw)), (
        "call them 'the original notes', as the intro does"
    )
    for _, line in page.prose:
        # a heading names them; the text below it links
        if line.lstrip().startswith("#"):
            continue
        if re.search(r"original notes", visible_text(line), re.IGNORECASE):
            assert NOTES_LINK.search(line), (
                "first mention of the original notes is not a link to the"
                f" intro's section: {line.strip()!r}; write {{ref}}`the"
                f" original notes <{NOTES_LABEL}>`"
            )
            break


# The checks above must catch what they are meant to catch.


def _import_lines(source: str) -> int:
    """Lines taken by the top-level import statements of a code cell."""
    return sum(
        n.end_lineno - n.lineno + 1
        for n in ast.parse(source).body
        if isinstance(n, (ast.Import, ast.ImportFrom))
    )


def _overview_before(page: Page, line: int) -> bool:
    """Whether some prose other than headings comes before ``line``."""
    return any(
        n < line and text.strip() and not text.lstrip().startswith("#")
        for n, text in page.prose
    )


@pytest.mark.parametrize("path", [p for p in PAGES if parse(p).cells], ids=_id)
def test_a_page_opens_with_an_overview_then_a_short_import_cell(path):
    page = parse(path)
    visible = [
        c for c in page.cells if not c.tags & {"remove-cell", "remove-input"}
    ]
    if not visible:
        return
    first = visible[0]
    assert _overview_before(page, first.line), (
        f"line {first.line}: a code cell before the page's overview paragraph"
    )
    lines = _import_lines(first.source)
    assert lines <= OPENING_IMPORT_LINES, (
        f"line {first.line}: the first code cell imports {lines} lines; keep"
        " what it and the next cell use, import the rest where it is first"
        " used"
    )


def test_the_opening_checks():
    assert (
        _import_lines(
            "import math\n\nfrom x import (\n    a,\n    b,\n)\ny = 1"
        )
        == 5
    )
    page = Page(
        Path("p.md"), [(1, "# Title"), (3, "An overview."), (9, "More.")], []
    )
    assert _overview_before(page, 5) and not _overview_before(page, 3)


def test_the_checks_catch_builder_words_and_allow_ml_targets():
    assert builder_words("so this run reaches the 60 % we aimed for")
    assert builder_words("(goal ≤ 4.2)") and builder_words(
        "the issue's target"
    )
    assert builder_words("the development runs used strides up to 4")
    assert not builder_words(
        "the target labels of the test set; inputs and targets"
    )
    assert not builder_words("a reader who aimes")  # not a word of the list
    assert builder_words(
        visible_text("reaches {glue:text}`x` the 60 % we aimed for")
    )
    assert not builder_words(
        visible_text("{glue:text}`mn-speed-net-goal` is a key, not text")
    )


def test_the_parser_separates_prose_cells_and_math(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "---\njupytext: {}\n---\n# Title\n\nA goal here.\n\n```{math}\n:label:"
        " eq\nx_{goal}\n```\n\n```{code-cell} ipython3\n:tags:"
        " [remove-cell]\nglue('k', 1)  # a comment\n```\n\n```{code-cell}"
        " ipython3\nprint('target"
        " 2x')\n```\n\n$$\ngoal\n$$\n\n(label)=\n::::{dropdown} A"
        " title\nbody\n::::\n"
    )
    parsed = parse(page)
    text = " ".join(line for _, line in parsed.prose)
    assert (
        "A goal here." in text
        and "x_{goal}" not in text
        and "$$" not in text
        and "A title" in text
        and "body" in text
    )
    assert [c.tags for c in parsed.cells] == [{"remove-cell"}, set()]
    assert _calls_glue(parsed.cells[0].source) and not _calls_glue(
        parsed.cells[1].source
    )
    assert [t for _, t in code_text(parsed.cells[1].source)] == ["'target 2x'"]


def test_the_bare_frame_check():
    assert _shows_a_bare_frame(
        "rows = []\npd.DataFrame(rows).set_index('model')"
    )
    assert _shows_a_bare_frame("as_frame(rows)") and _shows_a_bare_frame(
        "frame.T"
    )
    assert not _shows_a_bare_frame(
        "table(pd.DataFrame(rows))"
    ) and not _shows_a_bare_frame("frame = pd.DataFrame(rows)")


LABEL_LINK = re.compile(r"\]\((?P<target>[\w-]+)\)")


def label_links(text: str) -> list[str]:
    """Markdown links whose target is a bare label, ``[text](some-label)``:
    Sphinx resolves them, but in the downloaded notebook they lead nowhere;
    ``{ref}`text <some-label>``` works in both."""
    return [
        m.group("target")
        for m in LABEL_LINK.finditer(re.sub(r"\$[^$]*\$", "", text))
    ]


@pytest.mark.parametrize("path", PAGES, ids=_id)
def test_labels_are_linked_with_ref(path):
    hits = [
        f"line {n}: [...]({target})"
        for n, line in parse(path).prose
        for target in label_links(line)
    ]
    assert not hits, (
        "link labels with {ref}`text <label>`, which the .ipynb download"
        " resolves too:\n" + "\n".join(hits)
    )


def test_the_label_link_check():
    assert label_links("the [table at the end](mn-summary-verdicts) says") == [
        "mn-summary-verdicts"
    ]
    assert not label_links(
        "[a page](speed.md), [a site](https://x.org/a), [a file](../a/b.ipynb)"
    )
    assert not label_links(r"math is not a link: $[\psi \star f](R)$")
