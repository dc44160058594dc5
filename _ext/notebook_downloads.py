"""A Sphinx extension that offers every executed chapter as an ``.ipynb`` download.

The chapters are MyST-Markdown notebooks (``.md``). MyST-NB executes each one into
``_build/jupyter_execute/<page>.ipynb``; sphinx-book-theme shows a ".ipynb" entry in its
download menu when the page context names such a file under ``_sources``, but it only does so
when a launch service (Binder, JupyterHub, Colab) is configured, which an offline book has not.
This extension copies the executed notebook next to the page's sources and names it in the
context, before the theme builds its buttons (priority 500 < the theme's 501).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from sphinx.application import Sphinx


def _offer_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree: object) -> None:
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, object]:
    app.connect("html-page-context", _offer_notebook, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
