"""The whole book as one PDF (``make pdf``, ``_ext/book_pdf.py``).

Reads ``_build/pdf/book.pdf`` back (pypdf): it opens with a title page and a
contents page that lists every part and every chapter of ``_toc.yml`` with its
number and the page it starts on; every chapter is in the body, starting on
the page the contents give; its outline (bookmarks) names every chapter; the
maths was typeset (no TeX source left in the text) and the figures are there.
When the site was built after the PDF, it offers it (``_build/html/book.pdf``
and a "book.pdf" entry in each page's download menu).

Skipped when the PDF has not been made, failed instead under
``DLNOTES_REQUIRE_SITE=1`` (``make site-check``).
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from pathlib import Path

import pytest
import yaml
from built_site import SITE, chapter_pages, skip_or_fail

ROOT = Path(__file__).resolve().parents[2]
PDF = Path(os.environ.get("DLNOTES_PDF", ROOT / "_build" / "pdf" / "book.pdf"))
# the figures of the single-page build that was printed
SINGLE_PAGE_IMAGES = ROOT / "_build" / "singlehtml" / "_images"
# TeX that MathJax would have turned into maths
RAW_TEX = (r"\frac{", r"\begin{", r"\mathbf{", r"\partial", r"\sum_")


def _missing() -> str | None:
    if not PDF.is_file():
        return f"the PDF is not made ({PDF} is missing): run `make pdf`"
    return None


def _key(text: str) -> str:
    """Letters and digits only, lower case: text as a PDF gives it back
    (ligatures, line breaks and curly quotes aside)."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\W_]+", "", text).lower()


def toc_titles() -> list[str]:
    """The title (first heading) of every page in ``_toc.yml``, in order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = []
    for part in toc["parts"]:
        for chapter in part["chapters"]:
            files.append(chapter["file"])
            files += [
                section["file"] for section in chapter.get("sections", [])
            ]
    titles = []
    for name in files:
        text = (ROOT / f"{name}.md").read_text()
        heading = re.search(r"^# (.+)$", text, re.M)
        titles.append(heading.group(1).replace("`", "").strip())
    return titles


def part_captions() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    return [part["caption"] for part in toc["parts"] if part.get("caption")]


@functools.cache
def _reader():
    from pypdf import PdfReader

    return PdfReader(PDF)


@functools.cache
def _texts() -> tuple[str, ...]:
    return tuple(page.extract_text() or "" for page in _reader().pages)


def _contents_pages() -> list[int]:
    """The indices of the contents pages (from the title "Contents" to the
    first page that is not a contents page)."""
    texts = _texts()
    start = next(
        i
        for i, text in enumerate(texts[:6])
        if text.lstrip().startswith("Contents")
    )
    pages = [start]
    # a contents page is a list of entries, each ending in a page number
    while (
        re.search(r"\d+\s*$", texts[pages[-1] + 1])
        and "Contents" not in (texts[pages[-1] + 1][:40])
    ):
        lines = [
            line for line in texts[pages[-1] + 1].splitlines() if line.strip()
        ]
        numbered = [line for line in lines if re.search(r"\s\d+$", line)]
        if len(numbered) < len(lines) / 2:
            break
        pages.append(pages[-1] + 1)
    return pages


def test_the_pdf_opens_with_a_title_and_a_contents_page():
    skip_or_fail(_missing())
    texts = _texts()
    assert len(texts) > 50, f"{len(texts)} pages"
    title = yaml.safe_load((ROOT / "_config.yml").read_text())["title"]
    assert _key(title) in _key(texts[0])
    assert _contents_pages()[0] <= 2, "no contents page near the start"


def test_the_contents_lists_every_part_and_chapter_with_its_page():
    skip_or_fail(_missing())
    texts = _texts()
    contents = "\n".join(texts[i] for i in _contents_pages())
    for caption in part_captions():
        assert _key(caption) in _key(contents), f"part {caption!r}"
    lines = [line.strip() for line in contents.splitlines() if line.strip()]
    body_start = _contents_pages()[-1] + 1
    for title in toc_titles():
        line = next(
            (line for line in lines if _key(title) in _key(line)), None
        )
        assert line is not None, (
            f"{title!r} is not in the contents:\n{contents}"
        )
        page = re.search(r"(\d+)\s*$", line)
        assert page, f"no page number in the contents for {title!r}: {line!r}"
        number = int(page.group(1))
        assert body_start < number <= len(texts), line
        assert _key(title) in _key(texts[number - 1]), (
            f"{title!r} does not start on page {number}, as the contents say"
        )


def test_chapters_are_numbered_as_on_the_site():
    skip_or_fail(_missing())
    contents = _key("\n".join(_texts()[i] for i in _contents_pages()))
    titles = toc_titles()
    # the numbered parts: chapter 1 is the first chapter of Part I
    assert _key(f"1. {titles[0]}") in contents
    assert _key(f"3. {titles[2]}") in contents


def test_the_outline_names_every_chapter():
    skip_or_fail(_missing())
    reader = _reader()
    names = []

    def visit(outline) -> None:
        for entry in outline:
            visit(entry) if isinstance(entry, list) else names.append(
                _key(str(entry.title))
            )

    visit(reader.outline)
    for title in toc_titles():
        assert any(_key(title) in name for name in names), title


def test_the_maths_is_typeset():
    skip_or_fail(_missing())
    for number, text in enumerate(_texts(), start=1):
        for tex in RAW_TEX:
            assert tex not in text, f"page {number} shows raw TeX {tex!r}"


def _images(resources, found: set) -> None:
    """The image objects under ``resources``, also inside form XObjects
    (where Chromium puts them)."""
    objects = resources.get("/XObject", {}) if resources else {}
    for name in objects:
        reference = objects.raw_get(name)
        target = reference.get_object()
        if target.get("/Subtype") == "/Image":
            found.add(getattr(reference, "idnum", id(target)))
        elif target.get("/Subtype") == "/Form":
            _images(target.get("/Resources"), found)


def test_the_figures_are_in_the_pdf():
    skip_or_fail(_missing())
    found: set = set()
    for page in _reader().pages:
        _images(page.get("/Resources"), found)
    figures = (
        len(list(SINGLE_PAGE_IMAGES.iterdir()))
        if SINGLE_PAGE_IMAGES.is_dir()
        else 1
    )
    assert len(found) >= figures, (
        f"{len(found)} images in the PDF, {figures} figures in the book"
    )


def test_the_site_offers_the_pdf():
    skip_or_fail(_missing())
    pages = chapter_pages()
    if not pages or pages[0].stat().st_mtime < PDF.stat().st_mtime:
        pytest.skip("the site was not built after the PDF was made")
    assert (SITE / "book.pdf").is_file()
    assert (SITE / "book.pdf").stat().st_size == PDF.stat().st_size
    for page in pages:
        html = page.read_text()
        assert "download-book-pdf-button" in html and "book.pdf" in html, page
