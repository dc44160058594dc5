"""The whole book as one PDF (``make pdf``), and the site's link to it.

``make pdf`` builds the book as a single HTML page (``jupyter-book build
--builder singlehtml``: the same pages, numbers and figures, the notebooks'
outputs from the execution cache) and prints it with the system Chromium
(Debian package ``chromium``, driven by playwright) once MathJax has typeset
every equation. Before printing, :data:`PREPARE` (run in the page) adds a
title page and a contents page (parts, and chapters with their numbers, each a
link), and ``book_pdf.css`` sets the book for paper: no sidebars or buttons,
each part and chapter on a new page, code and wide outputs wrapped instead of
cut. The PDF is printed twice: the first print tells on which page each
chapter starts (from the PDF's outline, which Chromium writes from the
headings), the second prints those page numbers in the contents.

As a Sphinx extension (``local_extensions``) this module makes the HTML site
offer the PDF: when ``_build/pdf/book.pdf`` exists as the site is built, it is
copied to ``_build/html/book.pdf`` and every page's download menu gets a
"book.pdf" entry beside the page's own ``.ipynb``/``.md``/``.pdf``.

Usage: ``python _ext/book_pdf.py _build/singlehtml _build/pdf/book.pdf``.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

PDF_NAME = "book.pdf"

# In the page, before printing: a title page, the parts' title pages and the
# contents (the parts, and the chapters with their numbers as on the site, each
# a link), from the table of contents, with empty places for the page numbers.
# Sphinx marks where each page of the book begins
# in the single page with an empty <span id="document-<page>">.
PREPARE = r"""
(book) => {
  const article = document.querySelector("article.bd-article")
    || document.querySelector("main") || document.body;
  const items = [];
  const headingOf = (doc) => {
    const start = document.getElementById("document-" + doc);
    if (!start) return null;
    for (let node = start.nextElementSibling; node;
         node = node.nextElementSibling) {
      const heading = node.matches("h1, h2, h3, h4")
        ? node : node.querySelector("h1, h2, h3, h4");
      if (heading) return heading;
    }
    return null;
  };
  const titleOf = (heading) => Array.from(heading.childNodes)
    .filter((child) => !(child.classList
      && child.classList.contains("headerlink")))
    .map((child) => child.textContent).join("").trim();
  for (const part of book.parts) {
    if (part.caption) {
      const start = document.getElementById("document-" + part.files[0]);
      const page = document.createElement("div");
      page.className = "book-part";
      page.id = "part-" + items.length;
      page.innerHTML = `<h1>${part.caption}</h1>`;
      start.parentNode.insertBefore(page, start);
      items.push({kind: "part", text: part.caption, id: page.id});
    }
    for (const [index, doc] of part.files.entries()) {
      const heading = headingOf(doc);
      if (!heading) continue;
      const section = heading.closest("section");
      heading.classList.add(
        index > 0 && part.sections.includes(doc)
          ? "book-section" : "book-chapter");
      items.push({
        kind: part.sections.includes(doc) ? "section" : "chapter",
        text: titleOf(heading),
        id: section && section.id ? section.id : "",
      });
    }
  }
  const entries = items.map((item) =>
    `<li class="toc-${item.kind}"><a href="#${item.id}">` +
    `${item.text}</a><span class="toc-page"></span></li>`).join("");
  const front = document.createElement("section");
  front.id = "book-front";
  front.innerHTML =
    `<div class="book-title"><h1>${book.title}</h1>` +
    `<p>${book.author}</p></div>` +
    `<div class="book-contents"><h1>Contents</h1><ul>${entries}</ul></div>`;
  article.prepend(front);
  return items;
}
"""

# The contents' page numbers, once the first print told them.
NUMBER_CONTENTS = r"""
(pages) => {
  const spans = document.querySelectorAll("#book-front .toc-page");
  spans.forEach((span, index) => { span.textContent = pages[index] || ""; });
}
"""

PRINT_CSS = Path(__file__).with_name("book_pdf.css")


def link_context(app, pagename, templatename, context, doctree) -> None:
    """The "book.pdf" entry of the page's download menu (after
    sphinx-book-theme made the menu, priority 501)."""
    if app.builder.name != "html" or not _book_pdf(app).is_file():
        return
    for button in context.get("header_buttons", []):
        if button.get("label") == "download-buttons":
            button["buttons"].append(
                {
                    "type": "link",
                    "url": context["pathto"](PDF_NAME, 1),
                    "text": PDF_NAME,
                    "tooltip": "Download the whole book as one PDF",
                    "icon": "fas fa-book",
                    "label": "download-book-pdf-button",
                }
            )


def copy_pdf(app, exception) -> None:
    """The PDF beside the site's pages (``_build/html/book.pdf``)."""
    pdf = _book_pdf(app)
    if exception is None and app.builder.name == "html" and pdf.is_file():
        shutil.copyfile(pdf, Path(app.outdir) / PDF_NAME)


def html_visitors_for_singlehtml(app) -> None:
    """Let the single-page build write every node the HTML build writes.

    Sphinx looks a builder's node visitors up by its name and falls back to its
    format ("html") only when no extension registered any for that name; some
    do for "singlehtml", so nodes registered for "html" only (MyST-NB's hidden
    cells) would have no visitor there.
    """
    if app.builder.name == "singlehtml":
        handlers = app.registry.translation_handlers
        handlers["singlehtml"] = {
            **handlers.get("html", {}),
            **handlers.get("singlehtml", {}),
        }


def _book_pdf(app) -> Path:
    configured = app.config.book_pdf
    if configured:
        return Path(app.confdir, configured)
    return Path(app.outdir).parent / "pdf" / PDF_NAME


def setup(app) -> dict[str, object]:
    app.add_config_value("book_pdf", "", "html", types=[str])
    app.connect("builder-inited", html_visitors_for_singlehtml)
    app.connect("html-page-context", link_context, priority=502)
    app.connect("build-finished", copy_pdf)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


# -- printing
# ---------------------------------------------------------------------------


def _print(page, pdf: Path) -> None:
    page.pdf(
        path=str(pdf),
        format="A4",
        print_background=True,
        prefer_css_page_size=True,
        display_header_footer=True,
        header_template="<span></span>",
        footer_template=(
            '<div style="font-size:8px;width:100%;text-align:center;">'
            '<span class="pageNumber"></span></div>'
        ),
        outline=True,
        tagged=True,
    )


def book_outline(root: Path) -> dict:
    """The title, author and parts (caption, page files, which of them are
    sections of the page before) from ``_config.yml`` and ``_toc.yml``."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text())
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    parts = []
    for part in toc.get("parts", []):
        files, sections = [], []
        for chapter in part.get("chapters", []):
            files.append(chapter["file"])
            for section in chapter.get("sections", []):
                files.append(section["file"])
                sections.append(section["file"])
        parts.append(
            {
                "caption": part.get("caption", ""),
                "files": files,
                "sections": sections,
            }
        )
    return {
        "root": toc["root"],
        "title": config.get("title", ""),
        "author": config.get("author", ""),
        "parts": parts,
    }


def chapter_pages(pdf: Path, items: list[dict]) -> list[int | None]:
    """The page (from 1) on which each chapter of ``items`` starts, read from
    the outline Chromium wrote; ``None`` for parts and unmatched entries."""
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    found: dict[str, list[int]] = {}

    def visit(outline) -> None:
        for entry in outline:
            if isinstance(entry, list):
                visit(entry)
            else:
                title = " ".join(str(entry.title).split())
                found.setdefault(title, []).append(
                    reader.get_destination_page_number(entry) + 1
                )

    visit(reader.outline)
    pages: list[int | None] = []
    for item in items:
        text = " ".join(item["text"].split())
        hits = found.get(text)
        pages.append(hits.pop(0) if hits else None)
    return pages


def single_page(build: Path, root: str) -> Path:
    """The single-page book of the build folder ``build``, at its top.

    Sphinx writes it as ``<root document>.html`` (``chapters/intro.html``) but
    with links relative to the build folder's top (``_static/…``,
    ``_images/…``); a copy there, ``book.html``, finds them.
    """
    written = build / f"{root}.html"
    if not written.is_file():
        raise SystemExit(
            f"{written} is missing: build the single-page book (jupyter-book"
            " build . --builder singlehtml)"
        )
    page = build / "book.html"
    shutil.copyfile(written, page)
    return page


def print_book(build: Path, pdf: Path) -> int:
    """Print the single-page book in the build folder ``build`` to ``pdf``;
    the number of pages."""
    from playwright.sync_api import sync_playwright
    from pypdf import PdfReader

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("make pdf needs Chromium (Debian package `chromium`)")
    book = book_outline(Path(__file__).resolve().parents[1])
    html = single_page(build, book["root"])
    pdf.parent.mkdir(parents=True, exist_ok=True)
    draft = pdf.with_suffix(".draft.pdf")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu"],
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(600_000)
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                "() => window.MathJax && MathJax.startup"
                " && MathJax.startup.promise"
            )
            page.evaluate("() => MathJax.startup.promise")
            items = page.evaluate(PREPARE, book)
            page.add_style_tag(path=str(PRINT_CSS))
            page.emulate_media(media="print")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            _print(page, draft)
            page.evaluate(NUMBER_CONTENTS, chapter_pages(draft, items))
            _print(page, draft)
        finally:
            browser.close()
    draft.replace(pdf)
    return len(PdfReader(pdf).pages)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "build", type=Path, help="the single-page build (_build/singlehtml)"
    )
    parser.add_argument("pdf", type=Path, help="the PDF to write")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    count = print_book(args.build, args.pdf)
    print(
        f"{args.pdf}: {count} pages, printed in"
        f" {time.perf_counter() - start:.0f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
