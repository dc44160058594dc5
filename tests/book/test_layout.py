"""Every built page at desktop (1280×800) and phone (390×844) width: nothing clipped, figures legible.

Playwright drives the system Chromium (Debian package ``chromium``; no browser download). On each
page, after MathJax has typeset it:

* no element of the article is wider inside than its box unless it scrolls sideways (``overflow-x``
  ``auto`` or ``scroll``): an equation, table, code listing or output that does not fit shows a
  scrollbar instead of being cut off or spilling over its neighbours;
* an equation's number does not cover the equation, and an equation scrolls only if it is wider
  than the column;
* the page itself does not scroll sideways;
* at desktop width, every figure is shown at a scale at which the smallest text that
  :func:`dlnotes.figures.style` allows is at least 9 pt, and every table fits without scrolling
  sideways (a wide one is tagged ``full-width`` and may use the margin);

and the search page's snippets show math as text, not TeX source.

Skipped, with the reason, when the book has not been built or Chromium is missing;
``DLNOTES_REQUIRE_SITE=1`` (``make site-check``) turns those skips into failures.
``DLNOTES_SCREENSHOTS=<folder>`` saves a full-page screenshot of every page at both widths.
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
VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
LEGIBLE_PT = 9.0
CSS_PX_PER_PT = 96 / 72

# Runs in the page; returns one line per problem.
CHECK = """
() => {
  const problems = [], overflowing = [];
  const article = document.querySelector('article') || document.body;
  const describe = (el) => {
    const label = el.id ? '#' + el.id : (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return `<${el.tagName.toLowerCase()}${label}> "${text}"`;
  };
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const clips = (el) => ['hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const box = article.getBoundingClientRect(), padding = getComputedStyle(article);
  const column = {right: box.right - parseFloat(padding.paddingRight), width: article.clientWidth - parseFloat(padding.paddingLeft) - parseFloat(padding.paddingRight)};
  // A cell tagged full-width may use the margin (the theme widens it and hides the page's table of
  // contents while it is in view): inside one, or around one, the column ends where that cell ends.
  const fullWidth = [...article.querySelectorAll('.tag_full-width')];
  const columnRight = (el) => Math.max(column.right, ...fullWidth.filter((f) => el.contains(f) || f.contains(el)).map((f) => f.getBoundingClientRect().right));
  for (const el of article.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (style.display.startsWith('inline') || style.display === 'contents' || style.display === 'none' || el.clientWidth === 0) continue;
    if (el.closest('mjx-assistive-mml')) continue;  // MathML for screen readers, not shown
    if (el.tagName.startsWith('MJX-') && !(el.tagName === 'MJX-CONTAINER' && el.getAttribute('display') === 'true')) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (scrolls(el)) {
      // An equation scrolls only when it cannot fit: one the column has room for must not be
      // hidden behind a scrollbar (or, where scrollbars overlay, behind the box's edge).
      if (el.tagName === 'MJX-CONTAINER' && el.scrollWidth <= column.width + 1) problems.push(`scrolls though the column has room: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box, the column ${Math.round(column.width)}px`);
      continue;
    }
    // Content wider than the box, and the box does not scroll: cut off if the box clips it, or
    // if it spills past the column (over the margin, or out of the window) with no scrolling
    // ancestor to catch it.
    let ancestor = el.parentElement, caught = false;
    while (ancestor && ancestor !== article) {
      if (scrolls(ancestor)) { caught = true; break; }
      if (clips(ancestor)) break;
      ancestor = ancestor.parentElement;
    }
    if (caught) continue;
    const right = el.getBoundingClientRect().left + el.scrollWidth;
    if (clips(el)) overflowing.push([el, `clipped: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box that hides the rest`]);
    else if (right > columnRight(el) + 1) overflowing.push([el, `spills out of the column: ${describe(el)} is ${el.scrollWidth}px wide inside a ${el.clientWidth}px box, ${Math.round(right - columnRight(el))}px past the column`]);
  }
  // Name the innermost culprits, not every box around them.
  for (const [el, problem] of overflowing) {
    if (!overflowing.some(([other]) => other !== el && el.contains(other))) problems.push(problem);
  }
  for (const number of article.querySelectorAll('div.math span.eqno')) {
    const math = number.parentElement.querySelector('mjx-container');
    if (!math) continue;
    const a = number.getBoundingClientRect(), b = math.getBoundingClientRect();
    const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left);
    const vertical = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
    if (overlap > 1 && vertical > 1) problems.push(`equation number covers the equation: ${describe(number.parentElement)}`);
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > page.clientWidth + 1) problems.push(`the page scrolls sideways: ${page.scrollWidth}px in a ${page.clientWidth}px window`);
  const figures = [...article.querySelectorAll('.cell_output img, .output img')]
    .filter((img) => img.naturalWidth)
    .map((img) => ({src: img.currentSrc || img.src, natural: img.naturalWidth, shown: img.getBoundingClientRect().width,
                    near: describe(img.closest('.cell') || img)}));
  // Tables that fit only by scrolling sideways (checked at desktop width, where every table should fit).
  const wideTables = [];
  for (const table of article.querySelectorAll('table')) {
    let box = table.parentElement;
    while (box && box !== article && !scrolls(box)) box = box.parentElement;
    if (box && box !== article && box.scrollWidth > box.clientWidth + 1) wideTables.push(`a table scrolls sideways: ${describe(table)} is ${box.scrollWidth}px wide in a ${box.clientWidth}px box`);
  }
  return {problems, figures, wideTables};
}
"""


@pytest.fixture(scope="module")
def browser():
    skip_or_fail(unavailable())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--allow-file-access-from-files"]
        )
        yield chromium
        chromium.close()


def problems_on(browser, page_path: Path, viewport: str) -> list[str]:
    """What the check finds on one page at one width (after MathJax has typeset it)."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], device_scale_factor=1)
    context.route("http*://**", lambda route: route.abort())  # offline: the site needs no network
    page = context.new_page()
    try:
        page.goto(page_path.as_uri(), wait_until="load")
        page.wait_for_function("() => !window.MathJax || (window.MathJax.startup && window.MathJax.startup.promise)", timeout=30_000)
        page.evaluate("() => window.MathJax && window.MathJax.startup ? window.MathJax.startup.promise : null")
        page.evaluate("() => Promise.all([...document.images].map(i => i.complete ? null : new Promise(r => { i.onload = i.onerror = r; })))")
        if SCREENSHOTS:
            target = Path(SCREENSHOTS) / f"{page_path.relative_to(SITE).with_suffix('')}-{viewport}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(target), full_page=True)
        found = page.evaluate(CHECK)
    finally:
        context.close()
    problems = found["problems"]
    if viewport == "desktop":
        problems += [problem for figure in found["figures"] if (problem := illegible(figure))]
        problems += found["wideTables"]
    return problems


def illegible(figure: dict) -> str | None:
    """Why a figure's smallest text (:data:`SMALLEST_FONT_PT` at the PNG's dpi) shows below 9 pt, or None."""
    path = Path(urllib.parse.unquote(urllib.parse.urlparse(figure["src"]).path))
    with Image.open(path) as image:
        dpi = image.info.get("dpi", (72, 72))[0]
    scale = figure["shown"] / figure["natural"]
    shown_pt = SMALLEST_FONT_PT * dpi / 72 * scale / CSS_PX_PER_PT
    if shown_pt >= LEGIBLE_PT - 0.05:
        return None
    return (
        f"figure text shown at {shown_pt:.1f} pt (< {LEGIBLE_PT}): a {figure['natural']} px PNG at {dpi:.0f} dpi "
        f"shown at {100 * scale:.0f} %, in {figure['near']}"
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("page_path", chapter_pages(), ids=lambda p: str(p.relative_to(SITE)))
def test_nothing_is_clipped(browser, page_path: Path, viewport: str):
    problems = problems_on(browser, page_path, viewport)
    assert not problems, f"{page_path.relative_to(SITE)} at {viewport} width:\n" + "\n".join(problems)


RAW_TEX = re.compile(r"\\[()\[\]]|\\[A-Za-z]{2,}|\$")


@pytest.mark.parametrize("query", ["variance", "gradient"])
def test_search_snippets_show_no_raw_tex(browser, query: str):
    """The search page's snippets (text of the pages around the hit) read as text, not TeX."""
    context = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = context.new_page()
    try:
        page.goto(f"{(SITE / 'search.html').as_uri()}?q={query}")
        page.wait_for_function("() => document.querySelectorAll('#search-results li p.context').length > 0", timeout=60_000)
        page.wait_for_timeout(1000)  # the remaining snippets arrive page by page
        snippets = page.eval_on_selector_all("#search-results li p.context", "els => els.map(e => e.textContent)")
    finally:
        context.close()
    raw = [snippet for snippet in snippets if RAW_TEX.search(snippet)]
    assert snippets and not raw, f"search snippets with raw TeX: {raw}"
