"""A Sphinx extension that re-reads a page when a page it pastes glue from has
changed.

A role such as ``{glue:text}`tradeoffs.md::key:s``` leaves a pending reference
that MyST-NB fills in when the page is written, from the glue data of the other
page. Sphinx re-reads a page only when its own source changes, so an
incremental build would keep pasting the old value after the other page
changed. Noting the other page's source as a dependency of the pasting page
makes Sphinx re-read (and re-write) it whenever that source changes. (``--all``
builds are unaffected.)
"""

from __future__ import annotations

from docutils import nodes
from myst_nb.ext.glue.utils import PendingGlueReference
from sphinx.application import Sphinx


def _note_glue_sources(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    for reference in doctree.findall(PendingGlueReference):
        env.note_dependency(str(env.doc2path(reference.refdoc)))


def setup(app: Sphinx) -> dict[str, bool]:
    """Register the handler (Sphinx entry point)."""
    app.connect("doctree-read", _note_glue_sources)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
