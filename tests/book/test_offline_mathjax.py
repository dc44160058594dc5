"""_ext/offline_mathjax.py (a build-only Sphinx extension): MathJax 3 comes
from an installed package, served outside _static."""

from types import SimpleNamespace

import offline_mathjax


def test_the_installed_package_carries_mathjax_3():
    root = offline_mathjax.mathjax_root()
    script = root / "mathjax" / "tex-chtml.js"
    assert script.is_file()
    assert 'VERSION="3.' in (root / "mathjax" / "core.js").read_text()


def test_configuration_points_sphinx_at_the_extra_path():
    config = SimpleNamespace(
        html_extra_path=["other"],
        mathjax_path="https://cdn.example/mathjax.js",
    )
    offline_mathjax._configure(None, config)
    assert config.html_extra_path == [
        "other",
        str(offline_mathjax.mathjax_root()),
    ]
    assert config.mathjax_path == "../mathjax/tex-chtml.js"
    assert "_static" not in config.html_extra_path[-1]
