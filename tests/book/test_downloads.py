"""The built site's downloadable notebooks read well in stock Jupyter.

For every page that offers an ``.ipynb`` (``_build/html/_sources/**/*.ipynb``):
the notebook is valid nbformat, no MyST role, directive or target is left in a
markdown cell, it carries its outputs (unless every code cell is one the page
hides with its output, e.g. only glue), and every relative link in its markdown
leads to a page of the site. Skipped, with the reason, when the book has not
been built (``DLNOTES_REQUIRE_SITE=1`` turns that into a failure).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
from built_site import ROOT, SITE, not_built, skip_or_fail
from notebook_markdown import leftovers

NOTEBOOKS = (
    sorted((SITE / "_sources").rglob("*.ipynb")) if SITE.is_dir() else []
)
LINK = re.compile(r"\]\((?P<target>[^()\s]+)\)")
HIDDEN_OUTPUT = {"remove-cell", "remove-output"}
MATH_OR_CODE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|```.*?```|`[^`\n]+`", re.S)


def _require_site() -> None:
    skip_or_fail(not_built())


def test_every_notebook_page_offers_a_download():
    _require_site()
    chapters = [
        p
        for p in (ROOT / "chapters").rglob("*.md")
        if "kernelspec:" in p.read_text()[:600]
    ]
    offered = {
        p.relative_to(SITE / "_sources").with_suffix("") for p in NOTEBOOKS
    }
    built = [
        c
        for c in chapters
        if (SITE / c.relative_to(ROOT).with_suffix(".html")).is_file()
    ]
    assert built, "no chapter pages were built"
    missing = [
        str(c.relative_to(ROOT))
        for c in built
        if c.relative_to(ROOT).with_suffix("") not in offered
    ]
    assert not missing, f"no .ipynb download for {missing}"


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda p: str(p.relative_to(SITE / "_sources"))
)
def test_downloaded_notebook_is_plain_jupyter(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    problems = {
        index: found
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "markdown" and (found := leftovers(cell.source))
    }
    assert not problems, (
        f"MyST left in markdown cells of {path.name}: {problems}"
    )
    shown = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code"
        and not HIDDEN_OUTPUT & set(cell.metadata.get("tags", []))
    ]
    assert not shown or any(cell.outputs for cell in shown), (
        f"{path.name} has no outputs"
    )
    assert "jupytext" not in notebook.metadata


@pytest.mark.parametrize(
    "path", NOTEBOOKS, ids=lambda p: str(p.relative_to(SITE / "_sources"))
)
def test_links_in_downloaded_notebook_lead_to_site_pages(path: Path):
    notebook = nbformat.read(path, as_version=4)
    broken = []
    for cell in notebook.cells:
        if cell.cell_type != "markdown":
            continue
        for target in LINK.findall(MATH_OR_CODE.sub("", cell.source)):
            if "://" in target or target.startswith(("#", "mailto:")):
                continue
            page = (path.parent / target.partition("#")[0]).resolve()
            if not page.is_file():
                broken.append(target)
    assert not broken, f"links in {path.name} lead nowhere: {broken}"
