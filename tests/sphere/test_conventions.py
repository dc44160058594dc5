"""dlnotes.sphere.conventions: the conventions are stated there once, and every
module links there."""

import importlib
from pathlib import Path

import pytest

import dlnotes.sphere
import dlnotes.sphere.conventions

LINK = ":mod:`dlnotes.sphere.conventions`"
# What only the conventions state: the SOFT grid, the SO(3) packing, the
# harmonics' normalisation.
STATEMENTS = (
    "π(2j+1)/(4b)",
    "(l+m)(2l+1) + (l+n)",
    "√((2l+1)/4π)",
    "sqrt((2l+1)/(4π)) d",
)
# Modules whose subject does not depend on the conventions.
UNRELATED = {"activation", "table_cache"}
MODULES = sorted(
    path.stem
    for path in Path(dlnotes.sphere.__file__).parent.glob("*.py")
    if path.stem not in {"__init__", "conventions"}
)


def test_conventions_state_grid_rotations_harmonics_packing_measures():
    text = dlnotes.sphere.conventions.__doc__
    for statement in (
        "β_j = π(2j+1)/(4b)",
        "R = R_z(α) R_y(β) R_z(γ)",
        "f(R⁻¹x)",
        "Condon–Shortley",
        "``l*l + l + m``",
        "∫1 = 4π",
        "∫1 = 1",
    ):
        assert statement in text


@pytest.mark.parametrize("name", [m for m in MODULES if m not in UNRELATED])
def test_each_module_links_to_the_conventions(name):
    assert LINK in importlib.import_module(f"dlnotes.sphere.{name}").__doc__


@pytest.mark.parametrize("name", MODULES)
def test_no_module_states_them_again(name):
    text = importlib.import_module(f"dlnotes.sphere.{name}").__doc__
    assert [s for s in STATEMENTS if s in text] == []
