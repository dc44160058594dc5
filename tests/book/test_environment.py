"""The install: pyproject.toml, environment.yml and constraints.txt agree."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return (
        re.split(r"[\s<>=!~\[;]", requirement.strip(), maxsplit=1)[0]
        .lower()
        .replace("_", "-")
    )


def _pyproject_names() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        names |= {_name(r) for r in extra}
    return names


def _environment_names() -> set[str]:
    names, in_pip = set(), False
    for line in (ROOT / "environment.yml").read_text().splitlines():
        stripped = line.split("#", 1)[0].strip()
        if stripped == "- pip:":
            in_pip = True
        elif (
            in_pip
            and stripped.startswith("- ")
            and not stripped.startswith("- -")
        ):
            names.add(_name(stripped[2:]))
    return names


def test_environment_yml_names_the_same_dependencies_as_pyproject():
    assert _environment_names() == _pyproject_names()


def test_every_dependency_is_pinned_exactly():
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    missing = _pyproject_names() - pins.keys()
    assert not missing, f"not pinned in constraints.txt: {missing}"
    assert pins["torch"] == "2.13.0"
    assert pins["jupyter-book"] == "1.0.4.post1"
    assert int(pins["sphinx"].split(".")[0]) < 8
    assert tuple(int(p) for p in pins["sphinx-book-theme"].split(".")[:2]) < (
        1,
        4,
    )
