"""Tests of the book itself (configuration, environment, build, the built
site)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The build-only Sphinx extensions live outside the package, in _ext/ (loaded
# by _config.yml).
sys.path.insert(0, str(ROOT / "_ext"))
# What the site tests share (built_site.py: where the built site is, skip or
# fail without it).
sys.path.insert(0, str(Path(__file__).parent))
