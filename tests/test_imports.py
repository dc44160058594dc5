"""The package's import graph has no cycle, between modules or between parts.

A cycle makes a module importable in one order and not in another (``A``
imports ``B`` which needs a name ``A`` has not defined yet). The graph is
read from the source (``ast``): an edge for every import executed when a
module is first imported (at module level, including the packages Python
imports on the way to a submodule); imports inside functions run later and
are left out. The same graph folded onto folders (``dlnotes.bench``,
``dlnotes.mobilenet.experiments``, ...) must have no cycle either, so the
timing toolkit and the parts that use it stay layered: the toolkit never
imports a part.
"""

import ast
import subprocess
import sys
from pathlib import Path

import dlnotes

PACKAGE = Path(dlnotes.__file__).parent


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("dlnotes", *path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    return modules


MODULES = _modules()


def _package(name: str) -> str:
    """The folder a module lives in (a package is its own folder)."""
    is_package = MODULES[name].name == "__init__.py"
    return name if is_package else name.rpartition(".")[0]


def _with_parents(name: str) -> list[str]:
    """``name`` and the packages Python imports before it."""
    parts = name.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts) + 1)]


def _imports(name: str) -> set[str]:
    """The dlnotes modules that importing ``name`` imports directly."""
    tree = ast.parse(MODULES[name].read_text())
    package = _package(name)
    found = set()
    for node in tree.body:  # module level only: function bodies run later
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[
                    : len(package.split(".")) - node.level + 1
                ]
                base = ".".join([*up, *([base] if base else [])])
            targets = [base] + [f"{base}.{a.name}" for a in node.names]
        else:
            continue
        for target in targets:
            found.update(m for m in _with_parents(target) if m in MODULES)
    return found - set(_with_parents(name))


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


GRAPH = {name: _imports(name) for name in MODULES}


def test_the_graph_is_read():
    assert "dlnotes.bench.timing" in GRAPH["dlnotes.bench"]
    assert "dlnotes.bench" in GRAPH["dlnotes.backprop.bench"]
    assert (
        "dlnotes.mobilenet.experiments.speed"
        in (GRAPH["dlnotes.mobilenet.experiments.bench"])
    )


def test_no_module_is_part_of_an_import_cycle():
    assert _cycles(GRAPH) == []


def test_no_two_folders_import_each_other():
    folders: dict[str, set[str]] = {}
    for name, targets in GRAPH.items():
        source = _package(name)
        folders.setdefault(source, set()).update(
            _package(t)
            for t in targets
            # a folder's modules may use its own package and its parents'
            if _package(t) not in _with_parents(source)
        )
    assert _cycles(folders) == []


def test_the_timing_toolkit_imports_no_part():
    """dlnotes.bench may use the package's shared helpers (``dlnotes._io``,
    ``dlnotes._checks``), never a part's modules."""
    parts = ("dlnotes.backprop", "dlnotes.mobilenet", "dlnotes.sphere")
    toolkit = [n for n in GRAPH if n.startswith("dlnotes.bench")]
    assert toolkit and not [
        (n, t) for n in toolkit for t in GRAPH[n] if t.startswith(parts)
    ]


def test_every_module_imports_first_in_a_fresh_interpreter():
    """Every module imported in reverse order, each the first of its part."""
    names = sorted(n for n in MODULES if not n.endswith("__main__"))
    code = "import importlib\n" + "".join(
        f"importlib.import_module({n!r})\n" for n in reversed(names)
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
