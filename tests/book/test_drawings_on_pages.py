"""Every drawing of :mod:`dlnotes.diagrams` is shown on a page, with its
code hidden and the package's alt text for screen readers, read from the MyST
sources without building the book."""

from __future__ import annotations

from pathlib import Path

import jupytext
import pytest

from dlnotes.diagrams import ALT_TEXT

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted((ROOT / "chapters").rglob("*.md"))


def drawing_cells() -> dict[str, list[tuple[Path, dict]]]:
    """For each drawing, the code cells (with their page) that call it."""
    found: dict[str, list[tuple[Path, dict]]] = {name: [] for name in ALT_TEXT}
    for path in CHAPTERS:
        text = path.read_text()
        if "diagrams." not in text:
            continue
        for cell in jupytext.reads(text, fmt="md:myst").cells:
            if cell.cell_type != "code":
                continue
            for name in ALT_TEXT:
                if f"diagrams.{name}(" in cell.source:
                    found[name].append((path, cell.metadata))
    return found


CELLS = drawing_cells()


@pytest.mark.parametrize("name", sorted(ALT_TEXT))
def test_drawing_is_shown_once_with_hidden_code_and_alt_text(name: str):
    cells = CELLS[name]
    assert len(cells) == 1, f"{name} is drawn on {len(cells)} pages"
    path, metadata = cells[0]
    where = path.relative_to(ROOT)
    assert "hide-input" in metadata.get("tags", []), where
    options = metadata.get("mystnb", {})
    alt = options.get("image", {}).get("alt", "")
    assert " ".join(alt.split()) == ALT_TEXT[name], (
        f"{where}: the cell's alt text differs from diagrams.ALT_TEXT"
    )
    assert options.get("figure", {}).get("caption", "").strip(), where
