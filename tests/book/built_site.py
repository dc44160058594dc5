"""The built website that the site tests open: where it is, and whether it and
Chromium are there.

``DLNOTES_SITE`` points at another build; ``DLNOTES_REQUIRE_SITE=1`` (``make
site-check``, ``make layout-check``) turns a missing site or browser from a
skip into a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DLNOTES_SITE", ROOT / "_build" / "html"))
REQUIRED = bool(os.environ.get("DLNOTES_REQUIRE_SITE"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def not_built() -> str | None:
    """Why the site cannot be read (it is not built), or ``None``."""
    if not (SITE / "index.html").is_file():
        return (
            f"the book is not built ({SITE} is missing): run `make book` first"
        )
    return None


def unavailable() -> str | None:
    """Why the site cannot be opened in a browser (not built, or no Chromium),
    or ``None``."""
    reason = not_built()
    if reason is None and CHROMIUM is None:
        return "Chromium is not installed (Debian package `chromium`)"
    return reason


def skip_or_fail(reason: str | None) -> None:
    """Skip the test for ``reason``, or fail it where the site is required;
    nothing if ``reason`` is ``None``."""
    if reason:
        pytest.fail(reason) if REQUIRED else pytest.skip(reason)


def chapter_pages() -> list[Path]:
    """The built chapter pages (none before the book is built)."""
    return sorted(SITE.glob("chapters/**/*.html")) if SITE.is_dir() else []
