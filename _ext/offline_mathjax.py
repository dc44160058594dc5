"""A Sphinx extension that serves MathJax 3 from an installed package instead
of a CDN.

The PyPI package ``sphinx-mathjax-offline`` carries MathJax 3.2.2's files (in a
folder named ``sphinx-mathjax-offline/static/mathjax``). This extension does
not use that package's own Sphinx hook; it only borrows the files:

* the folder that holds ``mathjax/`` is added to ``html_extra_path``, so Sphinx
  copies it to the root of the built site (``_build/html/mathjax/``) — not into
  ``_static``, whose scripts Jupyter Book would inject into every page;
* ``mathjax_path`` points at ``mathjax/tex-chtml.js``. Sphinx reads a relative
  ``mathjax_path`` relative to ``_static``, hence the leading ``../``; it
  resolves per page, so pages in sub-folders find it too.

Nothing third-party is committed to the repository; the files come with ``make
book``'s install.
"""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.config import Config

DISTRIBUTION = "sphinx-mathjax-offline"
MATHJAX_PATH = "../mathjax/tex-chtml.js"


def mathjax_root() -> Path:
    """The installed folder that contains ``mathjax/tex-chtml.js``."""
    try:
        dist = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError as error:
        raise RuntimeError(
            f"offline MathJax needs the package {DISTRIBUTION!r} (pip install"
            f" {DISTRIBUTION})"
        ) from error
    root = Path(str(dist.locate_file("sphinx-mathjax-offline/static")))
    if not (root / "mathjax" / "tex-chtml.js").is_file():
        raise RuntimeError(
            f"{DISTRIBUTION} is installed but"
            f" {root / 'mathjax' / 'tex-chtml.js'} is missing"
        )
    return root


def _configure(app: Sphinx, config: Config) -> None:
    config.html_extra_path = [*config.html_extra_path, str(mathjax_root())]
    config.mathjax_path = MATHJAX_PATH


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("config-inited", _configure, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
