"""A Sphinx extension that offers every executed chapter as an ``.ipynb`` that
reads well in Jupyter.

The chapters are MyST-Markdown notebooks (``.md``). MyST-NB executes each one
into ``_build/jupyter_execute/<page>.ipynb``; sphinx-book-theme shows a
".ipynb" entry in its download menu when the page context names such a file
under ``_sources``, but it only does so when a launch service (Binder,
JupyterHub, Colab) is configured, which an offline book has not. This extension
writes the notebook next to the page's sources and names it in the context,
before the theme builds its buttons (priority 500 < the theme's 501).

The executed notebook's markdown cells are still MyST, which stock JupyterLab,
VS Code and Colab do not understand. :mod:`notebook_markdown` rewrites each one
into plain Markdown; this module answers its questions from the build: glue
values from the executed notebook (as MyST-NB reads them), equation, exercise
and section numbers and link targets from Sphinx's domains, citations in the
book's author-year style from sphinxcontrib-bibtex, and the references cited on
the page as a last cell. Links point to the website: relative to the notebook's
place on the site, or absolute when ``notebook_downloads_base_url`` (or
Sphinx's ``html_baseurl``) is set. Code cells keep their outputs; the plumbing
ones (tagged ``remove-input``/``remove-cell``) arrive collapsed.
"""

from __future__ import annotations

import contextlib
import copy
import posixpath
import re
from pathlib import Path

import nbformat
from docutils import nodes
from jupyter_cache import get_cache
from myst_nb.core.variables import format_plain_text
from myst_nb.ext.glue import extract_glue_data_cell
from myst_nb.ext.glue.crossref import read_glue_cache
from notebook_markdown import convert
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

HIDDEN_SOURCE_TAGS = {"remove-input", "hide-input", "remove-cell", "hide-cell"}
HIDDEN_OUTPUT_TAGS = {
    "remove-output",
    "hide-output",
    "remove-cell",
    "hide-cell",
}
HEADING = re.compile(r"^(?P<marks>#{1,6})\s+(?P<text>.+?)\s*#*\s*$")
REFERENCES_HEADING = re.compile(
    r"^#{1,6}\s+(?:[\d.]+\s+)?References\s*$", re.M
)
PY_ROLES = {"func", "class", "mod", "data", "meth", "attr", "obj", "exc"}


class BuildResolver:
    """Answers :class:`notebook_markdown.Resolver`'s questions for one page of
    the build."""

    def __init__(self, app: Sphinx, pagename: str, glue: dict[str, dict]):
        self.app, self.env, self.pagename, self.glue_data = (
            app,
            app.env,
            pagename,
            glue,
        )
        self.cited: list[str] = []
        base = (
            app.config.notebook_downloads_base_url
            or app.config.html_baseurl
            or ""
        )
        self.base_url = base.rstrip("/") + "/" if base else ""
        self.page_uri = app.builder.get_target_uri(pagename)

    # -- values
    # -------------------------------------------------------------------------
    def glue(self, key: str, spec: str, markdown: bool) -> str:
        # glued on another page: the notebook points there instead of copying
        # the value
        if "::" in key:
            document = key.split("::")[0].removesuffix(".md")
            return f"(see the page {document})"
        if key not in self.glue_data:
            self.warn(f"no glued value {key!r}")
            return key
        data = self.glue_data[key]["data"]
        if markdown and "text/markdown" in data:
            return data["text/markdown"]
        return format_plain_text(data.get("text/plain", ""), spec)

    def include(self, path: str) -> str:
        _, absolute = self.env.relfn2path(path, self.pagename)
        return Path(absolute).read_text()

    def number(self, label: str) -> str:
        if label in self.env.get_domain("math").equations:
            return (
                self._resolve("math", "eq", label, None).astext().strip("()")
            )
        std = self.env.get_domain("std")
        docname, labelid = (
            std.labels.get(label) or std.anonlabels.get(label) or (None, None)
        )[:2]
        for numbers in self.env.toc_fignumbers.get(docname, {}).values():
            if labelid in numbers:
                return ".".join(map(str, numbers[labelid]))
        return ""

    # -- links
    # -------------------------------------------------------------------------
    def xref(self, role: str, target: str, text: str | None) -> str:
        role = role.removeprefix("py:")
        if role == "image":
            return self.link(
                posixpath.join(posixpath.dirname(self.page_uri), target)
            )
        if role in PY_ROLES:
            return self._py_xref(role, target, text)
        domain = "math" if role == "eq" else "std"
        reference = self._resolve(domain, role, target, text)
        if reference is None:
            self.warn(f"{{{role}}}`{target}` does not resolve")
            return text or target
        return f"[{reference.astext()}]({self._url(reference)})"

    def _py_xref(self, role: str, target: str, text: str | None) -> str:
        short = target.startswith("~")
        target = target.lstrip("~.")
        shown = text or (target.rsplit(".", 1)[-1] if short else target)
        if (
            role in ("func", "meth")
            and not text
            and self.app.config.add_function_parentheses
        ):
            shown += "()"
        reference = self._resolve("py", role, target, shown, literal=True)
        return (
            f"[`{shown}`]({self._url(reference)})"
            if reference is not None
            else f"`{shown}`"
        )

    def _resolve(
        self,
        domain: str,
        role: str,
        target: str,
        text: str | None,
        literal: bool = False,
    ) -> nodes.Element | None:
        node = pending_xref(
            "",
            refdomain=domain,
            reftype=role,
            reftarget=target,
            refdoc=self.pagename,
            refexplicit=text is not None,
            refwarn=False,
        )
        node["py:module"] = node["py:class"] = None
        content = (nodes.literal if literal else nodes.inline)(
            "", text or target
        )
        node += content
        resolved = self.env.get_domain(domain).resolve_xref(
            self.env,
            self.pagename,
            self.app.builder,
            role,
            target,
            node,
            content,
        )
        return resolved

    def _url(self, reference: nodes.Element) -> str:
        if "refid" in reference:
            return self.link(f"{self.page_uri}#{reference['refid']}")
        uri = reference["refuri"]
        if "://" in uri:
            return uri
        path, _, anchor = uri.partition("#")
        site_path = (
            posixpath.normpath(
                posixpath.join(posixpath.dirname(self.page_uri), path)
            )
            if path
            else self.page_uri
        )
        return self.link(site_path + (f"#{anchor}" if anchor else ""))

    def link(self, site_path: str) -> str:
        """A link to ``site_path`` (relative to the site's root) from the
        downloaded notebook."""
        if self.base_url:
            return self.base_url + site_path
        notebook_dir = posixpath.dirname(f"_sources/{self.pagename}.ipynb")
        return posixpath.relpath(site_path, notebook_dir)

    # -- citations
    # ----------------------------------------------------------------------
    def cite(self, role: str, keys: list[str]) -> str:
        domain = self.env.get_domain("cite")
        typ = role.removeprefix("cite:")
        node = pending_xref(
            "",
            refdomain="cite",
            reftype=typ,
            reftarget=",".join(keys),
            refdoc=self.pagename,
        )
        result = domain.resolve_xref(
            self.env,
            self.pagename,
            self.app.builder,
            typ,
            ",".join(keys),
            node,
            nodes.inline(),
        )
        by_id = {
            citation.citation_id: citation for citation in domain.citations
        }
        self.cited += [key for key in keys if key not in self.cited]
        return "".join(
            self._cite_markdown(child, by_id) for child in result.children
        )

    def _cite_markdown(self, node: nodes.Node, by_id: dict) -> str:
        if isinstance(node, nodes.reference):
            citation = by_id.get(
                node.get("refuri", "").partition("#")[2]
                or node.get("refid", "")
            )
            link = entry_link(citation.entry) if citation else ""
            return f"[{node.astext()}]({link})" if link else node.astext()
        return node.astext()

    def references(self) -> str:
        """The entries cited on the page, formatted as on the bibliography
        page."""
        domain = self.env.get_domain("cite")
        formatted = {
            citation.key: citation.formatted_entry
            for citation in domain.citations
        }
        entries = [
            f"- {formatted[key].text.render_as('markdown')}"
            for key in sorted(
                self.cited,
                key=lambda k: _sort_key(domain.bibdata.data.entries.get(k)),
            )
            if key in formatted
        ]
        return "\n".join(["## References", "", *entries]) if entries else ""

    def warn(self, message: str) -> None:
        logger.warning(
            f"{message} (in the .ipynb of {self.pagename})",
            location=self.pagename,
            type="notebook_downloads",
        )


def entry_link(entry) -> str:
    """The link of a bibliography entry: its DOI, arXiv eprint or URL."""
    fields = {name.lower(): value for name, value in entry.fields.items()}
    if "doi" in fields:
        return f"https://doi.org/{fields['doi']}"
    if "eprint" in fields:
        return f"https://arxiv.org/abs/{fields['eprint']}"
    return fields.get("url", "")


def _sort_key(entry) -> tuple[str, str]:
    if entry is None:
        return ("", "")
    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    return (
        (
            " ".join(persons[0].last_names)
            if persons
            else entry.fields.get("title", "")
        ),
        entry.fields.get("year", ""),
    )


def executed_notebook(
    app: Sphinx, pagename: str
) -> nbformat.NotebookNode | None:
    """The page's notebook with the outputs of the run that built it.

    MyST-NB writes ``jupyter_execute/<page>.ipynb`` from the notebook it read;
    when the outputs come from the execution cache they are merged into a copy,
    so that file has none. They are merged here from the same cache (matched on
    the code cells, as MyST-NB matches them), and the outputs that only carry
    glued data are dropped, as on the page.
    """
    path = Path(app.env.mystnb_config.output_folder, f"{pagename}.ipynb")
    if not path.is_file():
        return None
    notebook = nbformat.read(path, as_version=4)
    if app.env.mystnb_config.execution_mode == "cache" and not any(
        c.get("outputs") for c in notebook.cells
    ):
        with contextlib.suppress(KeyError):
            _, notebook = get_cache(
                app.env.mystnb_config.execution_cache_path
            ).merge_match_into_notebook(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            extract_glue_data_cell(cell)
    return notebook


def section_numbers(
    app: Sphinx, pagename: str, doctree: nodes.document | None
) -> dict[str, str]:
    """The website's section numbers ("2.1") by the section's title, reduced to
    letters and digits."""
    numbers = app.env.toc_secnumbers.get(pagename, {})
    found = {}
    for depth, section in enumerate(
        doctree.findall(nodes.section) if doctree is not None else []
    ):
        anchors = (
            [""] if depth == 0 else [f"#{anchor}" for anchor in section["ids"]]
        )
        number = next((numbers[a] for a in anchors if a in numbers), None)
        if number and isinstance(section[0], nodes.title):
            found[_title_key(section[0].astext())] = ".".join(map(str, number))
    return found


def _title_key(title: str) -> str:
    return re.sub(r"[\W_]+", "", title).lower()


def _number_headings(markdown: str, numbers: dict[str, str]) -> str:
    """Markdown headings (outside code blocks) prefixed with their number on
    the website."""
    lines, fence = markdown.split("\n"), None
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            fence = (
                None
                if fence and stripped.startswith(fence)
                else fence or stripped[:3]
            )
        elif fence is None and (heading := HEADING.match(line)):
            text = heading.group("text")
            key = _title_key(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text))
            if key in numbers:
                lines[index] = (
                    f"{heading.group('marks')} {numbers[key]}. {text}"
                )
    return "\n".join(lines)


def jupyter_ready(
    executed: nbformat.NotebookNode,
    app: Sphinx,
    pagename: str,
    doctree: nodes.document | None = None,
) -> nbformat.NotebookNode:
    """The executed notebook with plain-Markdown cells, numbered headings, its
    plumbing collapsed."""
    notebook = copy.deepcopy(executed)
    numbers = section_numbers(app, pagename, doctree)
    resolver = BuildResolver(
        app,
        pagename,
        read_glue_cache(app.env.mystnb_config.output_folder, pagename),
    )
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = _number_headings(
                convert(cell.source, resolver), numbers
            )
        elif cell.cell_type == "code":
            tags = set(cell.metadata.get("tags", []))
            hidden = {
                "source_hidden": bool(tags & HIDDEN_SOURCE_TAGS),
                "outputs_hidden": bool(tags & HIDDEN_OUTPUT_TAGS),
            }
            if any(hidden.values()):
                cell.metadata["jupyter"] = {
                    key: value for key, value in hidden.items() if value
                }
    notebook.cells = [
        cell
        for cell in notebook.cells
        if cell.cell_type != "markdown" or cell.source.strip()
    ]
    title = app.env.titles[pagename].astext()
    preface = (
        f"*{app.config.html_title}* —"
        f" [{title}]({resolver.link(app.builder.get_target_uri(pagename))}) on"
        " the website. The numbers in the text and the outputs below are"
        " those of the run that built the book; running the notebook needs"
        " the book's Python package `dlnotes`."
    )
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(preface))
    if references := resolver.references():
        _add_references(notebook, references)
    for key in ("jupytext", "source_map", "mystnb"):
        notebook.metadata.pop(key, None)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = cell.get("id") or f"cell-{index}"
    nbformat.validate(notebook)
    return notebook


def _add_references(notebook: nbformat.NotebookNode, references: str) -> None:
    """The cited entries under the page's own closing "References" section, or
    in a new one."""
    last = notebook.cells[-1] if notebook.cells else None
    if (
        last is not None
        and last.cell_type == "markdown"
        and REFERENCES_HEADING.search(last.source)
    ):
        last.source = (
            last.source.rstrip() + "\n\n" + references.split("\n", 2)[2]
        )
    else:
        notebook.cells.append(nbformat.v4.new_markdown_cell(references))


def _offer_notebook(
    app: Sphinx,
    pagename: str,
    templatename: str,
    context: dict,
    doctree: nodes.document | None,
) -> None:
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    executed = executed_notebook(app, pagename)
    if executed is None:
        return
    notebook = jupyter_ready(executed, app, pagename, doctree)
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
    context["ipynb_source"] = f"{pagename}.ipynb"


def setup(app: Sphinx) -> dict[str, object]:
    app.add_config_value(
        "notebook_downloads_base_url", "", "html", types=[str]
    )
    app.connect("html-page-context", _offer_notebook, priority=500)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
