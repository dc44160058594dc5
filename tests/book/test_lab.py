"""`make lab`: JupyterLab with jupytext and jupyterlab-myst, the .md chapters
opening as notebooks whose MyST is rendered.

Checks the command's pieces: the Makefile target, the executables and the lab
extensions it needs, and, on a running JupyterLab server configured as `make
lab` configures it: the server's settings make jupytext's notebook the default
viewer of Markdown, a chapter opens as a notebook, and — in the real frontend,
in headless Chromium — JupyterLab loads the jupytext extension, opens a
double-clicked chapter with it, and jupyterlab-myst typesets the chapter's
equations (KaTeX) with their numbers. (A lab extension can be listed as "OK"
and still fail to load in the browser, and the reverse: `jupyter labextension
list` marks jupyterlab-myst 2.7 "not compatible" with JupyterLab 4.6 because
it was built against @jupyter/ydoc 3, which JupyterLab 4.6 replaced by 4; the
extension does not depend on what changed, and the browser test is the check
that it works.)

``DLNOTES_SCREENSHOTS=<folder>`` saves a screenshot of the chapter in the lab.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from built_site import CHROMIUM

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG_DIR = ROOT / ".jupyter"
NOTEBOOK_VIEWER = "Jupytext Notebook"
SCREENSHOTS = os.environ.get("DLNOTES_SCREENSHOTS")
# the extensions `make lab` needs, and the one known version conflict that
# does not stop an extension from working (see the docstring)
LAB_EXTENSIONS = ("jupyterlab-jupytext", "jupyterlab-myst")
KNOWN_CONFLICTS = {"jupyterlab-myst": "@jupyter/ydoc"}
INCOMPATIBLE = re.compile(r'"(?P<name>@?[^"@]+)@[^"]+" is not compatible')


def test_make_lab_opens_jupyterlab_with_the_repository_config():
    # --no-print-directory: under a parent make (CI runs `make test`) make
    # would add "Entering/Leaving directory" lines
    dry_run = subprocess.run(
        ["make", "-n", "--no-print-directory", "lab"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    command = [
        line
        for line in dry_run.strip().splitlines()
        if not line.startswith("make")
    ]
    launch = " ".join(line.rstrip("\\").strip() for line in command[-2:])
    assert f'JUPYTER_CONFIG_PATH="{ROOT}/.jupyter' in launch
    assert "bin/jupyter lab" in launch and "chapters/intro.md" in launch
    assert ".[book,test,lab]" in dry_run or not dry_run.count("pip install"), (
        "make lab installs the lab extra"
    )


def test_default_viewer_configuration_opens_markdown_as_a_notebook():
    overrides = json.loads(
        (
            CONFIG_DIR / "labconfig" / "default_setting_overrides.json"
        ).read_text()
    )
    viewers = overrides["@jupyterlab/docmanager-extension:plugin"][
        "defaultViewers"
    ]
    assert viewers == {"markdown": NOTEBOOK_VIEWER, "myst": NOTEBOOK_VIEWER}


@pytest.mark.parametrize(
    "program",
    ["jupyter-lab", "jupytext", "jupyter-nbconvert", "jupyter-execute"],
)
def test_executables_are_installed(program: str):
    assert (BIN / program).is_file(), (
        f"{program} is missing from {BIN}: install the `lab` extra"
    )


def test_lab_extensions_are_installed_and_enabled():
    listing = subprocess.run(
        [str(BIN / "jupyter"), "labextension", "list"],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
        env={**os.environ, "NO_COLOR": "1"},
    )
    text = listing.stdout + listing.stderr
    for extension in LAB_EXTENSIONS:
        line = next(
            (
                line
                for line in text.splitlines()
                if line.strip().startswith(extension + " ")
            ),
            "",
        )
        assert "enabled" in line, (
            f"{extension} not installed or not enabled:\n{text}"
        )
        if extension not in KNOWN_CONFLICTS:
            assert "OK" in line, f"{extension} is not compatible:\n{text}"
    assert _conflicts(text) == {
        name: {package} for name, package in KNOWN_CONFLICTS.items()
    }, text


def _conflicts(listing: str) -> dict[str, set[str]]:
    """The packages each extension that `jupyter labextension list` calls
    "not compatible" conflicts on (the last column of its table)."""
    found: dict[str, set[str]] = {}
    for match in INCOMPATIBLE.finditer(listing):
        table = listing[match.end() :].split("\n\n", 1)[0].splitlines()
        rows = [row.split() for row in table[3:] if row.strip()]
        found[match["name"]] = {row[-1] for row in rows}
    return found


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


@pytest.fixture(scope="module")
def lab_server(tmp_path_factory):
    """A JupyterLab server on the repository, configured as `make lab`
    configures it."""
    port, token = _free_port(), "dlnotes-test"
    # no reader's ~/.jupyter settings in the way
    home = tmp_path_factory.mktemp("home")
    env = {
        **os.environ,
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_CONFIG_PATH": str(CONFIG_DIR),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
    }
    server = subprocess.Popen(
        [
            str(BIN / "jupyter-lab"),
            "--no-browser",
            f"--port={port}",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={ROOT}",
            "--LabApp.expose_app_in_browser=True",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):
            try:
                _get(f"{base}/api/status?token={token}")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(
                        f"jupyter lab exited: {server.stderr.read()[-3000:]}"
                    )
                time.sleep(0.25)
        else:
            pytest.fail("jupyter lab did not start within 300 s")
        yield base, token
    finally:
        server.terminate()
        server.wait(timeout=30)


@contextlib.contextmanager
def _page(**options):
    """A page of the system Chromium, driven by playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        try:
            yield browser.new_page(**options)
        finally:
            browser.close()


def test_jupyterlab_uses_the_notebook_viewer_for_markdown(lab_server):
    base, token = lab_server
    plugin = _get(
        f"{base}/lab/api/settings/@jupyterlab/docmanager-extension:plugin?token={token}"
    )
    # JupyterLab applies labconfig overrides to the schema's defaults (a
    # reader's own settings win)
    viewers = plugin["schema"]["properties"]["defaultViewers"]["default"]
    assert (
        viewers["markdown"] == NOTEBOOK_VIEWER
        and viewers["myst"] == NOTEBOOK_VIEWER
    )


def test_a_chapter_opens_as_a_notebook(lab_server):
    base, token = lab_server
    model = _get(
        f"{base}/api/contents/chapters/backprop/dropout.md?type=notebook&token={token}"
    )
    cells = model["content"]["cells"]
    assert model["type"] == "notebook"
    assert any(cell["cell_type"] == "code" for cell in cells) and any(
        cell["cell_type"] == "markdown" for cell in cells
    )
    assert model["content"]["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package `chromium`)",
)
def test_the_frontend_opens_a_chapter_as_a_notebook(lab_server):
    """In the browser: the jupytext extension loads and is the default viewer
    of a chapter."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    base, token = lab_server
    chapter = "chapters/backprop/dropout.md"
    with _page() as page:
        errors = []
        page.on(
            "console",
            lambda message: (
                errors.append(message.text)
                if message.type == "error"
                else None
            ),
        )
        page.goto(f"{base}/lab?token={token}&reset", timeout=300_000)
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.docRegistry",
            timeout=300_000,
        )
        default_of = (
            "() => (window.jupyterapp.docRegistry"
            f".defaultWidgetFactory({chapter!r}) || {{}}).name"
        )
        # the settings apply once the extensions have loaded
        with contextlib.suppress(PlaywrightTimeout):
            page.wait_for_function(
                f"() => ({default_of})() === {NOTEBOOK_VIEWER!r}",
                timeout=120_000,
            )
        default = page.evaluate(default_of)
    assert default == NOTEBOOK_VIEWER, (
        f"a double-clicked chapter opens in {default!r}; console errors:"
        f" {errors}"
    )


@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium is not installed (Debian package `chromium`)",
)
def test_the_frontend_renders_a_chapters_myst(lab_server):
    """In the browser: jupyterlab-myst renders a chapter's markdown cells —
    its display equations typeset (KaTeX) and numbered, no MyST left raw."""
    base, token = lab_server
    chapter = "chapters/backprop/batchnorm.md"
    with _page(viewport={"width": 1280, "height": 1000}) as page:
        page.goto(
            f"{base}/lab/tree/{chapter}?token={token}&reset",
            timeout=300_000,
        )
        page.wait_for_function(
            "() => document.querySelectorAll("
            "'.jp-Notebook .jp-MarkdownCell .katex-display').length >= 2",
            timeout=300_000,
        )
        rendered = page.evaluate(
            """() => {
              const notebook = document.querySelector('.jp-Notebook');
              return {
                display: notebook.querySelectorAll(
                  '.jp-MarkdownCell .katex-display').length,
                numbers: Array.from(notebook.querySelectorAll(
                  '.jp-MarkdownCell .myst'))
                  .map((n) => n.innerText).join(' ')
                  .match(/\\(\\d+\\)/g) || [],
                // Cells far below the window are rendered only when scrolled
                // to (JupyterLab's windowing): judge the rendered ones.
                rendered: notebook.querySelectorAll(
                  '.jp-MarkdownCell .myst').length,
                text: Array.from(notebook.querySelectorAll(
                  '.jp-MarkdownCell .myst'))
                  .map((cell) => cell.innerText).join('\\n'),
              };
            }"""
        )
        if SCREENSHOTS:
            Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(SCREENSHOTS) / "lab-batchnorm.png"))
    assert rendered["display"] >= 2 and "(1)" in rendered["numbers"]
    assert rendered["rendered"] >= 2
    for raw in ("{math}", "$$", "{eq}", "```{"):
        assert raw not in rendered["text"], f"{raw} shown raw in the lab"
