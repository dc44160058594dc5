"""``python -m dlnotes.mobilenet.experiments``: see
:mod:`dlnotes.mobilenet.experiments.cli`."""

from dlnotes.mobilenet.experiments.cli import main

main()
