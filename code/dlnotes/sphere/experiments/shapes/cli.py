"""The shape miniature's commands of ``python -m
dlnotes.sphere.experiments``::

    python -m dlnotes.sphere.experiments shapes-data [--out FILE]
    python -m dlnotes.sphere.experiments shapes --save DIR [--resume] \\
        [--models planar spherical] [--train-on canonical rotated] \\
        [--seeds 0 1 2] [--epochs 30] [--lr 5e-3] [--batch-size 32]
    python -m dlnotes.sphere.experiments shapes-eval [--folder DIR]

``shapes-data`` draws and projects the data set of
:data:`~dlnotes.sphere.experiments.shapes.dataset.DEFAULT` (the shipped file
by default) and prints its fingerprint, size and seconds. ``shapes`` trains
the selected runs
(:func:`~dlnotes.sphere.experiments.shapes.experiment.shapes_experiment`),
checkpointing after every epoch into ``--save``; ``--resume`` continues or
reuses the runs found there and refuses any of other settings.
``shapes-eval`` evaluates saved runs (the shipped ones by default) and the
power-spectrum baseline on the rotated test objects.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import pandas as pd

from dlnotes.sphere.experiments.shapes.dataset import (
    DEFAULT,
    data_path,
    generate_shapes,
    save_shapes,
)
from dlnotes.sphere.experiments.shapes.experiment import (
    MODELS,
    SHIPPED,
    TRAIN_ON,
    evaluate_runs,
    shapes_experiment,
)
from dlnotes.train import SCHEDULES, EpochStats


def _data(args: argparse.Namespace) -> None:
    start = time.perf_counter()
    shapes = generate_shapes(DEFAULT)
    path = save_shapes(shapes, args.out)
    print(
        f"{len(shapes.labels)} objects, b={DEFAULT.b}, fingerprint"
        f" {shapes.fingerprint()}, {path.stat().st_size:,} bytes,"
        f" {time.perf_counter() - start:.0f} s: {path}"
    )


def _print_epoch(model: str, train_on: str, seed: int, s: EpochStats):
    print(
        f"{model} trained on {train_on}, seed {seed}, epoch {s.epoch}: train"
        f" accuracy {s.train_accuracy:.3f}, rotated test accuracy"
        f" {s.test_accuracy:.3f}, {s.seconds:.0f} s",
        flush=True,
    )


def _train(args: argparse.Namespace) -> None:
    import torch

    torch.set_num_threads(args.threads)
    rows = shapes_experiment(
        models=tuple(args.models),
        train_on=tuple(args.train_on),
        seeds=tuple(args.seeds),
        epochs=args.epochs,
        lr=args.lr,
        batch_size=args.batch_size,
        schedule=args.schedule,
        save=args.save,
        resume=args.resume,
        on_epoch=_print_epoch,
    )
    with pd.option_context("display.float_format", "{:.3f}".format):
        print(rows.to_string(index=False))


def _evaluate(args: argparse.Namespace) -> None:
    with pd.option_context(
        "display.float_format", "{:.3f}".format, "display.width", 160
    ):
        print(evaluate_runs(args.folder).to_string(index=False))


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be an int >= 1, got {text}")
    return value


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return path


def add_commands(commands) -> None:
    """Add ``shapes-data``, ``shapes`` and ``shapes-eval`` to the
    subcommands of ``python -m dlnotes.sphere.experiments``."""
    data = commands.add_parser(
        "shapes-data", help="draw and project the shape data set"
    )
    data.add_argument("--out", type=Path, default=data_path())
    data.set_defaults(run=_data)
    train = commands.add_parser(
        "shapes", help="SHREC17 in miniature: train the shape classifiers"
    )
    train.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    train.add_argument(
        "--train-on", nargs="+", choices=TRAIN_ON, default=TRAIN_ON
    )
    train.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    train.add_argument("--epochs", type=_positive, default=30)
    train.add_argument("--lr", type=float, default=5e-3)
    train.add_argument("--batch-size", type=_positive, default=32)
    train.add_argument("--schedule", choices=SCHEDULES, default="cosine")
    train.add_argument("--save", type=Path, default=None)
    train.add_argument("--resume", action="store_true")
    train.add_argument("--threads", type=_positive, default=1)
    train.set_defaults(run=_train)
    evaluate = commands.add_parser(
        "shapes-eval", help="evaluate saved shape runs (default: shipped)"
    )
    evaluate.add_argument("--folder", type=_folder, default=SHIPPED)
    evaluate.set_defaults(run=_evaluate)
