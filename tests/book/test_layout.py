"""Every built page at desktop (1280×800) and phone (390×844) width: nothing
clipped, figures legible.

Playwright drives the system Chromium (Debian package ``chromium``; no browser
download). On each page, after MathJax has typeset it:

* no element of the article is wider inside than its box unless it scrolls
  sideways (``overflow-x`` ``auto`` or ``scroll``): an equation, table, code
  listing or output that does not fit shows a scrollbar instead of being cut
  off or spilling over its neighbours;
* an equation's number does not cover the equation, and an equation scrolls
  only if it is wider than the column;
* the page itself does not scroll sideways;
* at desktop width, every figure is shown at a scale at which the smallest text
  that :func:`dlnotes.figures.style` allows is at least 9 pt, and every table
  fits without scrolling sideways (a wide one is tagged ``full-width`` and may
  use the margin), and no display equation is wider than the column (a long
  one is split into aligned lines);

and the search page's snippets show math as text, not TeX source.

Skipped, with the reason, when the book has not been built or Chromium is
missing; ``DLNOTES_REQUIRE_SITE=1`` (``make site-check``) turns those skips
into failures. ``DLNOTES_SCREENSHOTS=<folder>`` saves a full-page screenshot of
every page at both widths.
"""

from __future__ import annotations

import os
import re
import urllib.parse
from pathlib import Path

import pytest
from built_site import CHROMIUM, SITE, chapter_pages, skip_or_fail, unavailable
from PIL import Image

from dlnotes.figures import SMALLEST_FONT_PT

SCREENSHOTS = os.environ.get("DLNOTES_SCREENSHOTS")
VIEWPORTS = {
    "desktop": {"width": 1280, "height": 800},
    "phone": {"width": 390, "height": 844},
}
LEGIBLE_PT = 9.0
CSS_PX_PER_PT = 96 / 72

# Runs in the page; returns one line per problem.
CHECK = (Path(__file__).parent / "layout_check.js").read_text()


@pytest.fixture(scope="module")
def browser():
    skip_or_fail(unavailable())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--allow-file-access-from-files",
            ],
        )
        yield chromium
        chromium.close()


def problems_on(browser, page_path: Path, viewport: str) -> list[str]:
    """What the check finds on one page at one width (after MathJax has typeset
    it)."""
    context = browser.new_context(
        viewport=VIEWPORTS[viewport], device_scale_factor=1
    )
    # offline: the site needs no network
    context.route("http*://**", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        page.wait_for_function(
            "() => !window.MathJax || (window.MathJax.startup &&"
            " window.MathJax.startup.promise)",
            timeout=30_000,
        )
        page.evaluate(
            "() => window.MathJax && window.MathJax.startup ?"
            " window.MathJax.startup.promise : null"
        )
        page.evaluate(
            "() => Promise.all([...document.images].map(i => i.complete ? null"
            " : new Promise(r => { i.onload = i.onerror = r; })))"
        )
        if SCREENSHOTS:
            name = page_path.relative_to(SITE).with_suffix("")
            target = Path(SCREENSHOTS) / f"{name}-{viewport}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True)
        found = page.evaluate(CHECK)
    finally:
        context.close()
    problems = found["problems"]
    if viewport == "desktop":
        problems += [
            problem
            for figure in found["figures"]
            if (problem := illegible(figure))
        ]
        problems += found["wideTables"]
        problems += found["wideEquations"]
    return problems


def illegible(figure: dict) -> str | None:
    """Why a figure's smallest text (:data:`SMALLEST_FONT_PT` at the PNG's dpi)
    shows below 9 pt, or None."""
    path = Path(
        urllib.parse.unquote(urllib.parse.urlparse(figure["src"]).path)
    )
    with Image.open(path) as image:
        dpi = image.info.get("dpi", (72, 72))[0]
    scale = figure["shown"] / figure["natural"]
    shown_pt = SMALLEST_FONT_PT * dpi / 72 * scale / CSS_PX_PER_PT
    if shown_pt >= LEGIBLE_PT - 0.05:
        return None
    return (
        f"figure text shown at {shown_pt:.1f} pt (< {LEGIBLE_PT}): a"
        f" {figure['natural']} px PNG at {dpi:.0f} dpi shown at"
        f" {100 * scale:.0f} %, in {figure['near']}"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize(
    "page_path", chapter_pages(), ids=lambda p: str(p.relative_to(SITE))
)
def test_nothing_is_clipped(browser, page_path: Path, viewport: str):
    problems = problems_on(browser, page_path, viewport)
    assert not problems, (
        f"{page_path.relative_to(SITE)} at {viewport} width:\n"
        + "\n".join(problems)
    )


RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]{2,}|\$")


@pytest.mark.parametrize("query", ["variance", "gradient"])
def test_search_snippets_show_no_raw_tex(browser, query: str):
    """The search page's snippets (text of the pages around the hit) read as
    text, not TeX."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        page.goto(f"{(SITE / 'search.html').as_uri()}?q={query}")
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li"
            " p.context').length > 0",
            timeout=60_000,
        )
        # the remaining snippets arrive page by page
        page.wait_for_timeout(1000)
        snippets = page.eval_on_selector_all(
            "#search-results li p.context",
            "els => els.map(e => e.textContent)",
        )
    finally:
        context.close()
    raw = [snippet for snippet in snippets if RAW_TEX.search(snippet)]
    assert snippets and not raw, f"search snippets with raw TeX: {raw}"
