"""A Sphinx extension: author-year citations in round brackets, "(Ioffe and
Szegedy, 2015)".

sphinxcontrib-bibtex's ``author_year`` style writes "[Ioffe and Szegedy, 2015]"
and "Ioffe and Szegedy [2015]". This registers ``author_year_round``, the same
style with the brackets of ordinary prose, "(Ioffe and Szegedy, 2015; Howard et
al., 2017)" and "Ioffe and Szegedy (2015)"; ``_config.yml`` selects it with
``bibtex_reference_style``. The downloadable notebooks (``notebook_downloads``)
write citations through the same style.
"""

from __future__ import annotations

import dataclasses

from sphinx.application import Sphinx
from sphinxcontrib.bibtex.plugin import register_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import (
    AuthorYearReferenceStyle,
)

NAME = "author_year_round"


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")", sep="; ")


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """Author-year references in round brackets, several separated by
    semicolons."""

    bracket_parenthetical: BracketStyle = dataclasses.field(
        default_factory=_round
    )
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


def setup(app: Sphinx) -> dict[str, object]:
    register_plugin(
        "sphinxcontrib.bibtex.style.referencing",
        NAME,
        RoundAuthorYearReferenceStyle,
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
