"""_ext/glue_dependencies.py (a build-only Sphinx extension): a page that
pastes glue from another depends on it."""

from pathlib import Path
from types import SimpleNamespace

import glue_dependencies
import yaml
from docutils import nodes
from docutils.frontend import get_default_settings
from docutils.parsers.rst import Parser
from docutils.utils import new_document
from myst_nb.ext.glue.utils import PendingGlueReference


class _Env:
    def __init__(self):
        self.noted = []

    def doc2path(self, docname):
        return f"/book/{docname}.md"

    def note_dependency(self, filename):
        self.noted.append(filename)


def _document_pasting_from(*docnames):
    document = new_document("summary.md", get_default_settings(Parser))
    paragraph = nodes.paragraph()
    for docname in docnames:
        paragraph += PendingGlueReference(refdoc=docname, key="k", inline=True)
    document += paragraph
    return document


def test_every_page_pasted_from_becomes_a_dependency():
    env = _Env()
    glue_dependencies._note_glue_sources(
        SimpleNamespace(env=env),
        _document_pasting_from("chapters/a", "chapters/b"),
    )
    assert env.noted == ["/book/chapters/a.md", "/book/chapters/b.md"]


def test_a_page_without_cross_page_glue_has_no_new_dependency():
    env = _Env()
    glue_dependencies._note_glue_sources(
        SimpleNamespace(env=env), _document_pasting_from()
    )
    assert env.noted == []


def test_the_book_loads_the_extension():
    config = yaml.safe_load(
        (Path(__file__).resolve().parents[2] / "_config.yml").read_text()
    )
    assert config["sphinx"]["local_extensions"]["glue_dependencies"] == "_ext/"
