"""``python -m dlnotes.bench <topic> [options]``: run the benchmark of one part
of the book.

Each topic is a module of its part defining ``main(argv)`` (see
:data:`MODULES`); the timing toolkit in :mod:`dlnotes.bench` imports no part,
so the parts' benchmarks can use it without an import loop.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from dlnotes.memory import keep_freed_memory

#: The module that runs each topic's benchmark, beside the part it times.
MODULES = {
    "backprop": "dlnotes.backprop.bench",
    "mobilenet": "dlnotes.mobilenet.experiments.bench",
    "sphere": "dlnotes.sphere.experiments.bench",
}
TOPICS = tuple(MODULES)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dlnotes.bench", description=__doc__
    )
    parser.add_argument(
        "topic", choices=TOPICS, help="which part's benchmark to run"
    )
    parser.add_argument(
        "options",
        nargs=argparse.REMAINDER,
        help="passed on to the topic (try --help)",
    )
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # argparse alone would say that "topic, options" are required
        parser.error(
            f"choose a topic: {', '.join(TOPICS)} (e.g. python -m"
            f" dlnotes.bench {TOPICS[0]}; add --help after a topic for its"
            " options)"
        )
    args = parser.parse_args(argv)
    module = importlib.import_module(MODULES[args.topic])
    keep_freed_memory()  # as the training commands do
    module.main(args.options)


if __name__ == "__main__":
    main(sys.argv[1:])
