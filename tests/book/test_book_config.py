"""The book's build settings: strict, cached execution, and a raising cell
fails the build."""

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())

PAGE = """---
jupytext:
  text_representation: {extension: .md, format_name: myst}
kernelspec: {display_name: Python 3, language: python, name: python3}
---
# A page whose cell raises

```{code-cell} ipython3
raise RuntimeError("this cell fails on purpose")
```
"""


def test_execution_is_cached_and_strict():
    execute = CONFIG["execute"]
    assert execute["execute_notebooks"] == "cache"
    assert execute["allow_errors"] is False and execute["show_tb"] is True
    assert CONFIG["only_build_toc_files"] is True
    assert "bibtex_reference_style" in CONFIG["sphinx"]["config"]


def test_every_toc_file_exists():
    toc = (ROOT / "_toc.yml").read_text()
    for name in [
        line.split(":", 1)[1].strip()
        for line in toc.splitlines()
        if line.strip().startswith(("- file:", "root:"))
    ]:
        assert (ROOT / f"{name}.md").is_file(), (
            f"_toc.yml names {name}, which does not exist"
        )


def test_a_raising_cell_fails_the_strict_build(tmp_path):
    (tmp_path / "_config.yml").write_text(
        yaml.safe_dump(
            {
                "title": "t",
                "only_build_toc_files": True,
                "execute": CONFIG["execute"],
            }
        )
    )
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: page\n")
    (tmp_path / "page.md").write_text(PAGE)
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    result = subprocess.run(
        [
            str(jupyter_book),
            "build",
            str(tmp_path),
            "--all",
            "-W",
            "-n",
            "--keep-going",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode != 0
    assert "CellExecutionError" in result.stdout + result.stderr
