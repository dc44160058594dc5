"""Chapters run as notebooks from any working directory.

A static check reads every chapter's code cells and fails on a call that opens
a path relative to the working directory (``open("runs/x.log")``,
``Path("data")``, ``np.load("w.npy")``, ``plt.savefig("fig.png")``,
``os.getcwd()``): whatever a chapter reads comes through ``dlnotes``
(``importlib.resources`` or a path the package computes). A few quick chapters
are then executed with nbclient from an empty temporary directory, which must
still be empty afterwards.
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

import jupytext
import nbclient
import pytest

ROOT = Path(__file__).resolve().parents[2]
CHAPTERS = sorted(
    p
    for p in (ROOT / "chapters").rglob("*.md")
    if "kernelspec" in p.read_text()[:500]
)
QUICK = ["intro", "spherical/index", "backprop/index"]

# Calls whose first argument is a file path: the last part of the called name.
PATH_CALLS = {
    "open",
    "Path",
    "PurePath",
    "load",
    "loadtxt",
    "genfromtxt",
    "save",
    "savez",
    "savetxt",
    "savefig",
    "imread",
    "imsave",
    "read_csv",
    "read_json",
    "read_pickle",
    "read_parquet",
    "to_csv",
    "to_json",
    "to_pickle",
    "listdir",
    "scandir",
    "walk",
}
# Relative to the working directory only as functions (glob.glob), not as
# methods (folder.glob).
GLOB_CALLS = {"glob", "iglob"}
CWD_CALLS = {"getcwd", "cwd", "chdir"}


def _called_name(call: ast.Call) -> str:
    func = call.func
    return (
        func.attr
        if isinstance(func, ast.Attribute)
        else func.id
        if isinstance(func, ast.Name)
        else ""
    )


def _is_function_call(call: ast.Call) -> bool:
    func = call.func
    return (
        isinstance(func, ast.Name)
        or isinstance(func.value, ast.Name)
        and func.value.id == "glob"
    )


def _literal_text(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    # an f-string: its literal start decides
    if isinstance(node, ast.JoinedStr):
        first = node.values[0] if node.values else None
        return first.value if isinstance(first, ast.Constant) else ""
    return None


def cwd_relative_paths(code: str) -> list[str]:
    """Each call in ``code`` that opens or lists a path relative to the working
    directory."""
    code = "\n".join(
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in code.splitlines()
    )
    found = []
    for node in ast.walk(ast.parse(code)):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        if name in CWD_CALLS:
            found.append(f"line {node.lineno}: {name}()")
        elif node.args and (
            name in PATH_CALLS
            or name in GLOB_CALLS
            and _is_function_call(node)
        ):
            path = _literal_text(node.args[0])
            if (
                path is not None
                and path != ""
                and not path.startswith(("/", "~"))
                and "://" not in path
            ):
                found.append(f"line {node.lineno}: {name}({path!r})")
    return found


@pytest.mark.parametrize(
    "code, expected",
    [
        ('logs = open("runs/a.log").read()', ["line 1: open('runs/a.log')"]),
        (
            'runs = Path("runs")\nrecord = runs / "x.json"',
            ["line 1: Path('runs')"],
        ),
        ('w = np.load(f"weights-{b}.npy")', ["line 1: load('weights-')"]),
        ('plt.savefig("figure.png")', ["line 1: savefig('figure.png')"]),
        ('logs = glob.glob("runs/*.log")', ["line 1: glob('runs/*.log')"]),
        ('logs = sorted(RECORDS.glob("*.log"))', []),
        ("here = os.getcwd()", ["line 1: getcwd()"]),
        ("%matplotlib inline\ndata = mnist_5k()", []),
        ("text = Path(dlnotes.__file__).parent.joinpath('x').read_text()", []),
        ('table = pd.read_csv("/abs/x.csv"); f = open(RECORD)', []),
    ],
)
def test_the_detector_finds_cwd_relative_paths(code: str, expected: list[str]):
    assert cwd_relative_paths(code) == expected


@pytest.mark.parametrize(
    "chapter", CHAPTERS, ids=lambda p: str(p.relative_to(ROOT / "chapters"))
)
def test_chapter_opens_no_path_relative_to_the_working_directory(
    chapter: Path,
):
    notebook = jupytext.read(chapter)
    problems = [
        f"cell {index}, {problem}"
        for index, cell in enumerate(notebook.cells)
        if cell.cell_type == "code"
        for problem in cwd_relative_paths(cell.source)
    ]
    assert not problems, (
        f"{chapter.name} opens paths relative to the working directory:"
        f" {problems}"
    )


@pytest.mark.parametrize("name", QUICK)
def test_chapter_runs_as_a_notebook_from_an_empty_folder(
    name: str, tmp_path: Path, monkeypatch
):
    notebook = jupytext.read(ROOT / "chapters" / f"{name}.md")
    monkeypatch.setenv("DLNOTES_QUIET", "1")
    monkeypatch.setenv(
        "PYTHONPATH",
        os.pathsep.join(
            filter(None, [str(ROOT / "code"), os.environ.get("PYTHONPATH")])
        ),
    )
    client = nbclient.NotebookClient(
        notebook,
        timeout=600,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    leftovers = [
        p.name
        for p in tmp_path.iterdir()
        if not re.fullmatch(r"\.ipynb_checkpoints|__pycache__", p.name)
    ]
    assert not leftovers, (
        f"{name} wrote {leftovers} into the working directory"
    )
