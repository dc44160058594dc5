"""The built API reference links every function, class and method to its
highlighted source (``sphinx.ext.viewcode``): a "[source]" link beside the
signature, leading to the entry's own place on a page of ``_modules/``.

Skipped when the book has not been built (``make book``), failed instead under
``DLNOTES_REQUIRE_SITE=1``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from built_site import SITE, not_built, skip_or_fail

API_PAGES = sorted(SITE.glob("chapters/api/*.html")) if SITE.is_dir() else []
# the start of one documented function, class or method, and its signature
ENTRY = re.compile(
    r'<dl class="py (?:function|class|method)">\s*(<dt\b.*?</dt>)', re.S
)
SOURCE_LINK = re.compile(
    r'<a class="reference internal" href="(?P<href>[^"]*_modules/[^"]*)">'
    r'<span class="viewcode-link"><span class="pre">\[source\]</span>'
)
NAME = re.compile(r'<dt\b[^>]*\bid="(?P<id>[^"]+)"')


def test_the_api_pages_are_built():
    skip_or_fail(not_built())
    assert len(API_PAGES) >= 4, API_PAGES


@pytest.mark.parametrize("page", API_PAGES, ids=lambda p: p.name)
def test_every_function_class_and_method_links_to_its_source(page: Path):
    skip_or_fail(not_built())
    html = page.read_text()
    entries = ENTRY.findall(html)
    assert entries, f"{page.name} documents no function, class or method"
    missing = [
        NAME.search(signature)["id"]
        for signature in entries
        if not SOURCE_LINK.search(signature)
    ]
    assert not missing, f"no [source] link beside {missing}"
    for signature in entries:
        href = SOURCE_LINK.search(signature)["href"]
        path, _, anchor = href.partition("#")
        module_page = (page.parent / path).resolve()
        assert module_page.is_file(), f"{href} (from {page.name}) is missing"
        assert f'id="{anchor}"' in module_page.read_text(), (
            f"{href}: no {anchor!r} on the source page"
        )


def test_the_source_pages_are_highlighted():
    skip_or_fail(not_built())
    modules = sorted((SITE / "_modules").rglob("*.html"))
    assert modules, "no _modules/ pages: is sphinx.ext.viewcode enabled?"
    source = SITE / "_modules" / "dlnotes" / "backprop" / "batchnorm.html"
    html = source.read_text()
    assert 'class="highlight"' in html and "viewcode-block" in html
