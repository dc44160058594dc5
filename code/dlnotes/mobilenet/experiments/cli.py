"""``python -m dlnotes.mobilenet.experiments``: the trained trade-offs from the
command line::

    python -m dlnotes.mobilenet.experiments [--full]
    python -m dlnotes.mobilenet.experiments tradeoffs --save DIR \\
        [--study first|plateau] [--epochs 8 --seeds 0 1 2 3 4 ...] [--resume]

Without a command it trains the four experiments now and prints their tables
(:func:`dlnotes.mobilenet.experiments.tradeoffs.main`). ``tradeoffs`` trains
every configuration of a study (or those named by ``--configs``) with each seed
and writes one JSON record per (configuration, seed) into ``--save``
(:mod:`dlnotes.mobilenet.experiments.runs`); every argument is checked before
any data is read. The studies, and the defaults they give the other options:

* ``first`` (the default) — the ten configurations of
  :func:`~dlnotes.mobilenet.experiments.tradeoffs.claim_configs` under
  :data:`~dlnotes.mobilenet.experiments.tradeoffs.RECORDED` (the records in
  ``records/tradeoffs``);
* ``plateau`` — the three networks of
  :func:`~dlnotes.mobilenet.experiments.tradeoffs.plateau_design` under
  :data:`~dlnotes.mobilenet.experiments.tradeoffs.PLATEAU` (the records in
  ``records/tradeoffs-plateau``).
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Callable
from pathlib import Path

from dlnotes._io import check_threads, exit_code, signals_as_interrupts
from dlnotes.memory import keep_freed_memory
from dlnotes.mobilenet.experiments import tradeoffs
from dlnotes.mobilenet.experiments.cluttered import TASKS
from dlnotes.mobilenet.experiments.runs import record_runs, run_name
from dlnotes.mobilenet.experiments.tradeoffs import (
    PLATEAU,
    RECORDED,
    Config,
    Settings,
    claim_configs,
    plateau_design,
)
from dlnotes.train import SCHEDULES


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse ``type`` that accepts an int >= ``minimum`` and names the
    rule otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be an int >= {minimum}, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(
                f"must be an int >= {minimum}, got {text}"
            )
        if value > 2**31 - 1:  # torch's counts overflow beyond
            raise argparse.ArgumentTypeError(
                f"must be an int <= {2**31 - 1}, got {text}"
            )
        return value

    return parse


_positive, _seed = _int_at_least(1), _int_at_least(0)


def _threads(text: str) -> int:
    """--threads: 1 to the machine's CPU count (more makes torch crash)."""
    try:
        return check_threads(_positive(text))
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            str(error).removeprefix("--threads ")
        ) from None


STUDIES: dict[str, tuple[Settings, Callable[[], tuple[Config, ...]]]] = {
    "first": (RECORDED, claim_configs),
    "plateau": (PLATEAU, lambda: plateau_design().configs),
}
"""Each study's default settings and configurations (module docstring)."""


def _config_names(study: str) -> dict[str, Config]:
    return {
        run_name(config, 0).removesuffix("-seed0"): config
        for config in STUDIES[study][1]()
    }


def _tradeoffs(argv: list[str]) -> None:
    names = {study: _config_names(study) for study in STUDIES}
    parser = argparse.ArgumentParser(
        prog="python -m dlnotes.mobilenet.experiments tradeoffs",
        description=(
            "Train a study's configurations with several seeds and record"
            " each run as JSON. Options left out take the study's value."
        ),
    )
    parser.add_argument(
        "--save",
        type=Path,
        required=True,
        help="folder for the records (created if missing)",
    )
    parser.add_argument(
        "--study",
        choices=sorted(STUDIES),
        default="first",
        help=(
            "first: ten configurations, 8 epochs on one cluttered set;"
            " plateau: three networks of >= 16 channels, 80 epochs on clutter"
            " drawn anew every epoch (default: first)"
        ),
    )
    parser.add_argument("--epochs", type=_positive, default=None)
    parser.add_argument("--seeds", type=_seed, nargs="+", default=None)
    parser.add_argument(
        "--lr", type=float, default=None, help="Adam's (peak) learning rate"
    )
    parser.add_argument("--batch-size", type=_positive, default=None)
    parser.add_argument("--schedule", choices=SCHEDULES, default=None)
    parser.add_argument(
        "--task",
        choices=TASKS,
        default=None,
        help="upright digits, one cluttered set, or clutter drawn every epoch",
    )
    parser.add_argument(
        "--configs",
        nargs="+",
        choices=sorted({n for study in names.values() for n in study}),
        default=None,
        help="a subset of the study's configurations (default: all)",
    )
    parser.add_argument(
        "--threads",
        type=_threads,
        default=None,
        help="CPU threads, at most the CPU count (default 1)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue the runs recorded in --save; skip the finished ones",
    )
    parser.add_argument(
        "--weights",
        action="store_true",
        help="also save each final state_dict as <run>.pt",
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress lines"
    )
    args = parser.parse_args(argv)
    if args.configs and len(set(args.configs)) != len(args.configs):
        twice = sorted({c for c in args.configs if args.configs.count(c) > 1})
        parser.error(f"--configs names {', '.join(twice)} more than once")
    defaults, _ = STUDIES[args.study]
    try:
        unknown = set(args.configs or ()) - set(names[args.study])
        if unknown:
            raise ValueError(
                f"--configs {sorted(unknown)} are not in the study"
                f" {args.study!r}; choose from {sorted(names[args.study])}"
            )
        settings = Settings(
            epochs=_given(args.epochs, defaults.epochs),
            lr=_given(args.lr, defaults.lr),
            batch_size=_given(args.batch_size, defaults.batch_size),
            seeds=tuple(_given(args.seeds, defaults.seeds)),
            threads=_given(args.threads, defaults.threads),
            schedule=_given(args.schedule, defaults.schedule),
            task=_given(args.task, defaults.task),
        )
        configs = (
            [names[args.study][name] for name in args.configs]
            if args.configs
            else list(STUDIES[args.study][1]())
        )
        command = shlex.join(
            [
                "python",
                "-m",
                "dlnotes.mobilenet.experiments",
                "tradeoffs",
                *argv,
            ]
        )
        say = None if args.quiet else (lambda line: print(line, flush=True))
        with signals_as_interrupts():
            written = record_runs(
                args.save,
                configs,
                settings,
                command,
                resume=args.resume,
                weights=args.weights,
                say=say,
            )
    except KeyboardInterrupt as interrupt:
        again = argv if "--resume" in argv else [*argv, "--resume"]
        resume = shlex.join(
            ["python", "-m", "dlnotes.mobilenet.experiments", "tradeoffs"]
            + again
        )
        parser.exit(
            exit_code(interrupt),
            f"{parser.prog}: interrupted; the finished runs and the last epoch"
            f" of the current one are kept in {args.save}; continue with:"
            f" {resume}\n",
        )
    except ValueError as error:  # bad settings, found before anything ran
        parser.exit(2, f"{parser.prog}: error: {error}\n")
    except OSError as error:  # a full disk, a folder gone
        parser.exit(1, f"{parser.prog}: error: {error}\n")
    print(f"{len(written)} runs recorded in {args.save}")


def _given(value: object, default: object) -> object:
    return default if value is None else value


def main(argv: list[str] | None = None) -> None:
    """Dispatch ``tradeoffs`` to the recording command, anything else to the
    quick experiments."""
    argv = sys.argv[1:] if argv is None else list(argv)
    keep_freed_memory()
    if argv[:1] == ["tradeoffs"]:
        _tradeoffs(argv[1:])
    else:
        tradeoffs.main(argv)
