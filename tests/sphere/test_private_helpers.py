"""No module of dlnotes reaches into another module's private names.

A helper that two modules share lives in a private module (``_checks.py``,
``_indices.py``) under a public name; everything else with a leading underscore
stays inside the module that defines it.
"""

import ast
from pathlib import Path

import dlnotes

PACKAGE = Path(dlnotes.__file__).parent


def _private_imports(path: Path) -> list[str]:
    """``module.name`` for each underscore name ``path`` takes from a public
    dlnotes module."""
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases = {}  # local name -> public dlnotes module imported as a whole
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("dlnotes")
        ):
            public = not node.module.rsplit(".", 1)[-1].startswith("_")
            for alias in node.names:
                if public and alias.name.startswith("_"):
                    found.append(f"{node.module}.{alias.name}")
                elif public:
                    aliases[alias.asname or alias.name] = (
                        f"{node.module}.{alias.name}"
                    )
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("dlnotes") and not alias.name.rsplit(
                    ".", 1
                )[-1].startswith("_"):
                    aliases[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
        ):
            if node.attr.startswith("_") and not node.attr.startswith("__"):
                found.append(f"{aliases[node.value.id]}.{node.attr}")
    return found


def test_the_package_is_found():
    assert (PACKAGE / "_checks.py").is_file()


def test_no_module_imports_another_modules_private_name():
    offenders = {
        str(path.relative_to(PACKAGE)): names
        for path in sorted(PACKAGE.rglob("*.py"))
        if (names := _private_imports(path))
    }
    assert offenders == {}


def test_the_check_finds_a_private_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from dlnotes.sphere.wigner import _legendre_columns\n"
        "from dlnotes._checks import check_signal\n"
        "from dlnotes.sphere import s2_fft\n"
        "s2_fft._legendre_tables\n"
    )
    assert _private_imports(module) == [
        "dlnotes.sphere.wigner._legendre_columns",
        "dlnotes.sphere.s2_fft._legendre_tables",
    ]
