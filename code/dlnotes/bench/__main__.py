"""``python -m dlnotes.bench <topic> [options]``: run the benchmark of one part
of the book.

Each topic is a module ``dlnotes.bench.<topic>`` defining ``main(argv)``.
"""

from __future__ import annotations

import argparse
import importlib
import sys

TOPICS = ("backprop", "mobilenet", "sphere")


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
    module = importlib.import_module(f"dlnotes.bench.{args.topic}")
    module.main(args.options)


if __name__ == "__main__":
    main(sys.argv[1:])
