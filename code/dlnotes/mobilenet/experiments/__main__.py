"""``python -m dlnotes.mobilenet.experiments``: see :mod:`dlnotes.mobilenet.experiments.tradeoffs`."""

from dlnotes.mobilenet.experiments.tradeoffs import main

main()
