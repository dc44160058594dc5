"""The bibliography: every entry links to its source, and the software the book
uses is cited.

Every entry of the .bib files that _config.yml names carries a ``doi``, an
``eprint`` (arXiv) or a ``url``, which the author_year style renders as a link.
Every key a chapter cites exists, and each piece of software the chapters name
(the libraries the code stands on, the implementations it is compared with) has
an entry that some page cites — the bibliography page lists only cited entries.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pybtex.database import parse_file

ROOT = Path(__file__).resolve().parents[2]
BIBFILES = yaml.safe_load((ROOT / "_config.yml").read_text())[
    "bibtex_bibfiles"
]
CHAPTERS = sorted((ROOT / "chapters").rglob("*.md"))
LINK_FIELDS = ("doi", "eprint", "url")

#: Software named in the chapters -> the entry that cites it.
SOFTWARE = {
    "s2cnn": "koehler2018s2cnn",
    "healpy": "zonca2019healpy",
    "HEALPix": "gorski2005healpix",
    "PyTorch": "paszke2019pytorch",
    "SymPy": "meurer2017sympy",
    "NumPy": "harris2020array",
    "Matplotlib": "hunter2007matplotlib",
    "pandas": "mckinney2010data",
    "scikit-learn": "pedregosa2011scikit",
    "mlxtend": "raschka2018mlxtend",
    "oneDNN": "onednn2016",
    "Jupyter Book": "jupyterbook2020",
    "trimesh": "dawsonhaggerty2019trimesh",
    "ASE": "larsen2017atomic",
    "Jupyter notebooks": "kluyver2016jupyter",
}


def _entries() -> dict[str, object]:
    entries = {}
    for name in BIBFILES:
        for key, entry in parse_file(ROOT / name).entries.items():
            assert key not in entries, f"{key} is defined twice ({name})"
            entries[key] = entry
    return entries


ENTRIES = _entries()


def _cited_keys() -> set[str]:
    keys = set()
    for chapter in CHAPTERS:
        for group in re.findall(
            r"\{cite(?::[a-z]+)?\}`([^`]+)`", chapter.read_text()
        ):
            keys |= {key.strip() for key in group.split(",")}
    return keys


@pytest.mark.parametrize("key", sorted(ENTRIES))
def test_every_entry_links_to_its_source(key: str):
    fields = {name.lower() for name in ENTRIES[key].fields}
    assert fields & set(LINK_FIELDS), f"{key} has none of {LINK_FIELDS}"
    for name in ("doi", "eprint"):
        value = ENTRIES[key].fields.get(name, "")
        assert not value.startswith(("http", "doi:", "arXiv:")), (
            f"{key}.{name} is a bare identifier, not {value!r}"
        )


def test_every_cited_key_exists():
    assert _cited_keys() - ENTRIES.keys() == set()


@pytest.mark.parametrize("name, key", sorted(SOFTWARE.items()))
def test_named_software_is_cited(name: str, key: str):
    assert key in ENTRIES, f"{name} has no bibliography entry {key!r}"
    assert key in _cited_keys(), (
        f"{name} ({key}) is cited on no page, so the bibliography leaves it"
        " out"
    )
