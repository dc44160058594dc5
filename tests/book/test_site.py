"""The built website, opened in headless Chromium with the network off.

Checks every page of the book after ``make book``: MathJax (served from the
site itself) has typeset the math — MathJax output elements are present and no
raw ``\\(`` delimiters are left in the text — and no page shows an error
output, a traceback or text written to stderr.

Skipped, with the reason, when the book has not been built or Chromium (Debian
package ``chromium``) is missing; ``make site-check`` (run by ``.ci/run``) sets
``DLNOTES_REQUIRE_SITE=1``, which turns those skips into failures.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import pytest
from built_site import CHROMIUM, SITE, chapter_pages, skip_or_fail, unavailable

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--allow-file-access-from-files",
    # the network is off: a CDN could not be reached
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--virtual-time-budget=20000",
]
ERROR_MARKERS = (
    "output traceback",
    "output error",
    "output stderr",
    "Traceback (most recent call last)",
)


def render(page: Path) -> str:
    """The page's DOM after its scripts ran, as Chromium dumps it."""
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                CHROMIUM,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--dump-dom",
                page.as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _visible_text(dom: str) -> str:
    dom = re.sub(
        r"<(script|style|mjx-assistive-mml)\b.*?</\1>", " ", dom, flags=re.S
    )
    return re.sub(r"<[^>]+>", " ", dom)


def test_site_is_available():
    skip_or_fail(unavailable())
    assert chapter_pages(), "no chapter pages were built"


@pytest.mark.parametrize(
    "page", chapter_pages(), ids=lambda p: str(p.relative_to(SITE))
)
def test_page_renders_math_and_no_errors(page: Path):
    skip_or_fail(unavailable())
    static_html = page.read_text()
    assert (
        "cdn.jsdelivr.net" not in static_html
        and "mathjax@3" not in static_html
    )
    for marker in ERROR_MARKERS:
        assert marker not in static_html, (
            f"{page.name} shows an error output ({marker!r})"
        )
    dom = render(page)
    if 'class="math' in static_html:
        assert "<mjx-container" in dom, f"MathJax did not typeset {page.name}"
        text = _visible_text(dom)
        assert "\\(" not in text and "\\[" not in text, (
            f"raw TeX delimiters left in {page.name}"
        )
