"""``python -m dlnotes.sphere.experiments``: see
:mod:`dlnotes.sphere.experiments.cli`."""

from dlnotes.sphere.experiments.cli import main

main()
