"""Paper-scale runs of the two spherical CNN experiments, for readers with
time::

    python -m dlnotes.sphere.experiments mnist --bandwidth 30 --epochs 20
    python -m dlnotes.sphere.experiments mnist --bandwidth 30 --epochs 40 \\
        --lr 1e-2 --schedule cosine --batch-size 16
    python -m dlnotes.sphere.experiments mnist-eval
    python -m dlnotes.sphere.experiments equivariance \\
        --bandwidths 4 8 16 32 --depth 5 --rotations 500
    python -m dlnotes.sphere.experiments shapes-data
    python -m dlnotes.sphere.experiments shapes --save DIR --resume
    python -m dlnotes.sphere.experiments shapes-eval
    torchrun --nproc-per-node 2 -m dlnotes.sphere.experiments mnist ... \\
        --save DIR

``mnist`` runs
:func:`dlnotes.sphere.experiments.mnist.experiment.mnist_experiment` (Table 1
of Cohen et al., 2018) and prints the NR/NR, R/R, NR/R table beside the
paper's, the parameter counts and the seconds per epoch. The first line is the
paper's recipe (Adam at a constant 5·10⁻³); the second, a larger rate annealed
to zero over twice the epochs, is the recipe of the chapter's best recorded
runs. With ``--save DIR`` every run writes a checkpoint after each epoch and
its weights and JSON record at the end; ``--resume`` continues a killed command
where it stopped. ``mnist-eval`` evaluates saved runs (by default the ones
shipped with the package) on the upright and rotated test digits and prints
``model condition mean std paper``. ``equivariance`` runs
:func:`dlnotes.sphere.experiments.equivariance.equivariance_experiment` (Figure
3) and prints Δ per bandwidth, depth, ReLU and dtype. The book runs both at
smaller sizes. ``shapes-data``, ``shapes`` and ``shapes-eval`` draw the shape
data set, train and evaluate the SHREC17 miniature (see
:mod:`dlnotes.sphere.experiments.shapes.cli`).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from pathlib import Path

import pandas as pd
import torch

from dlnotes._io import check_threads, exit_code, signals_as_interrupts
from dlnotes.memory import keep_freed_memory
from dlnotes.sphere.experiments.equivariance import equivariance_experiment
from dlnotes.sphere.experiments.mnist import (
    MODELS,
    PAPER_PARAMETERS,
    mnist_experiment,
)
from dlnotes.sphere.experiments.mnist.checkpoints import TABLE1
from dlnotes.sphere.experiments.mnist.evaluation import evaluate_runs, table1
from dlnotes.sphere.experiments.shapes import cli as shapes_cli
from dlnotes.train import SCHEDULES, EpochStats

DEFAULT_THREADS = 2
"""Threads of ``mnist`` without ``--threads`` (fewer on a machine with fewer
CPUs). Chosen from the training step timed at one and two threads,
interleaved, on the book's 2-core machine with nothing else running: two
threads took less time per step in every such run (the matmul-relative step
ratio rises less than the matmul's own two-thread speed-up). The timing
record ``dlnotes/sphere/records/bench-idle.json`` holds the comparison
(``bench.threads_key``) and the ``layers`` page quotes it when the run was
quiet; a test checks that this default agrees with it.
Where other work occupies the second core a two-thread step stalls, so pass
``--threads 1`` on a shared machine."""


def _print_epoch(
    model: str, train_on: str, seed: int, stats: EpochStats
) -> None:
    from tqdm.auto import tqdm

    tqdm.write(
        f"{model} trained on {train_on}, seed {seed}, epoch {stats.epoch}:"
        f" train accuracy {stats.train_accuracy:.3f}, test ({train_on})"
        f" accuracy {stats.test_accuracy:.3f}, {stats.seconds:.0f} s"
    )


def _device(name: str) -> torch.device:
    """The ``--device``, checked; under torchrun on CUDA, this process's GPU
    (LOCAL_RANK)."""
    try:
        device = torch.device(name)
    except RuntimeError as error:
        raise SystemExit(f"--device: {error}") from None
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise SystemExit(
                "--device cuda: no CUDA device is available here (use --device"
                " cpu)"
            )
        if device.index is None:
            device = torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)))
    elif device.type != "cpu":
        raise SystemExit(f"--device must be cpu or cuda[:N], got {name!r}")
    return device


def _distributed(device: torch.device) -> int:
    """Join the process group when started by torchrun (WORLD_SIZE > 1); return
    this process's rank."""
    if int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return 0
    torch.distributed.init_process_group(
        "nccl" if device.type == "cuda" else "gloo"
    )
    return torch.distributed.get_rank()


def _mnist(args: argparse.Namespace) -> None:
    torch.set_num_threads(args.threads)
    device = _device(args.device)
    rank = _distributed(device)
    result = mnist_experiment(
        b=args.bandwidth,
        b1=args.b1,
        b2=args.b2,
        epochs=args.epochs,
        seeds=tuple(args.seeds),
        lr=args.lr,
        batch_size=args.batch_size,
        n_train=args.n_train,
        n_test=args.n_test,
        models=tuple(args.models),
        train_on=tuple(args.train_on),
        on_epoch=_print_epoch if args.progress and rank == 0 else None,
        input_scale=args.input_scale,
        schedule=args.schedule,
        save=args.save,
        resume=args.resume,
        device=device,
        data=args.data,
    )
    if rank != 0:
        return
    print(result.settings)
    with pd.option_context(
        "display.float_format", "{:.3f}".format, "display.width", 120
    ):
        print(result.table().to_string(index=False))
    for name, count in result.parameters.items():
        print(
            f"{name}: {count:,} parameters (paper:"
            f" {PAPER_PARAMETERS[name]:,}),"
            f" {result.seconds_per_epoch(name):.1f} s per epoch"
        )


def _mnist_eval(args: argparse.Namespace) -> None:
    if args.threads is not None:
        torch.set_num_threads(args.threads)
    runs = evaluate_runs(
        args.folder, data=args.data, device=_device(args.device)
    )
    with pd.option_context(
        "display.float_format", "{:.3f}".format, "display.width", 120
    ):
        print(runs.to_string(index=False))
        print()
        print(
            table1(runs)[
                ["model", "condition", "mean", "std", "paper"]
            ].to_string(index=False)
        )


def _int_in(low: int, high: int):
    """An argparse ``type``: an int in [low, high], the rule named
    otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            raise argparse.ArgumentTypeError(
                f"must be an int >= {low}, got {text!r}"
            )
        if value > high:
            raise argparse.ArgumentTypeError(
                f"must be an int <= {high}, got {text!r}"
            )
        return value

    return parse


# seeds: torch.manual_seed takes at most 64 bits
_positive, _seed = _int_in(1, 2**31 - 1), _int_in(0, 2**63 - 1)


def _int(text: str) -> int:
    """An argparse ``type``: any int of at most 31 bits (the settings check
    the lower bounds and name them; larger counts end in torch's overflow
    messages)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an int, got {text!r}"
        ) from None
    if abs(value) > 2**31 - 1:
        raise argparse.ArgumentTypeError(
            f"must be an int <= {2**31 - 1}, got {text!r}"
        )
    return value


def _threads(text: str) -> int:
    """--threads: 1 to the machine's CPU count (more makes torch crash)."""
    value = _positive(text)
    try:
        return check_threads(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(
            str(error).removeprefix("--threads ")
        ) from None


def _folder(text: str) -> Path:
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is not a folder")
    return path


def _equivariance(args: argparse.Namespace) -> None:
    result = equivariance_experiment(
        bandwidths=tuple(args.bandwidths),
        depth=args.depth,
        n_rotations=args.rotations,
        channels=args.channels,
        seed=args.seed,
    )
    with pd.option_context(
        "display.float_format", "{:.3e}".format, "display.width", 120
    ):
        print(result.frame().to_string(index=False))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m dlnotes.sphere.experiments",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True)
    mnist = commands.add_parser(
        "mnist", help="Table 1: spherical MNIST, planar vs spherical CNN"
    )
    for flag, default, meaning in (
        ("--bandwidth", 30, "input bandwidth b"),
        ("--b1", 10, "bandwidth after the S2 layer"),
        ("--b2", 6, "bandwidth after the SO(3) layer"),
    ):
        mnist.add_argument(
            flag,
            type=_int,
            default=default,
            help=f"{meaning} (paper: {default})",
        )
    mnist.add_argument("--epochs", type=_int, default=20)
    mnist.add_argument("--seeds", type=_seed, nargs="+", default=[0, 1])
    mnist.add_argument("--lr", type=float, default=5e-3)
    mnist.add_argument("--batch-size", type=_int, default=32)
    for flag, digits, count in (
        ("--n-train", "training", "4,000"),
        ("--n-test", "test", "1,000"),
    ):
        mnist.add_argument(
            flag,
            type=_int,
            default=None,
            help=f"{digits} digits (default: all {count})",
        )
    mnist.add_argument(
        "--models", nargs="+", choices=MODELS, default=list(MODELS)
    )
    mnist.add_argument(
        "--train-on",
        nargs="+",
        choices=["NR", "R"],
        default=["NR", "R"],
        help="training sets (default: both)",
    )
    mnist.add_argument(
        "--progress",
        action="store_true",
        help="print each epoch's accuracies as it ends",
    )
    mnist.add_argument(
        "--input-scale",
        type=float,
        default=255.0,
        help=(
            "spherical model's input scale (default 255, the authors' pixel"
            " scale; 1: [0, 1] inputs)"
        ),
    )
    mnist.add_argument(
        "--schedule",
        choices=SCHEDULES,
        default="constant",
        help="learning-rate schedule (paper: constant)",
    )
    mnist.add_argument(
        "--save",
        type=Path,
        default=None,
        help=(
            "folder for per-epoch checkpoints and the final weights and"
            " records"
        ),
    )
    mnist.add_argument(
        "--resume",
        action="store_true",
        help=(
            "continue the runs checkpointed in --save; skip the finished ones"
        ),
    )
    mnist.add_argument(
        "--device", default="cpu", help="cpu (default) or cuda[:N]"
    )
    mnist.add_argument(
        "--threads",
        type=_threads,
        default=min(DEFAULT_THREADS, os.cpu_count() or 1),
        help=(
            "torch.set_num_threads, at most the CPU count (default:"
            f" {DEFAULT_THREADS}, measured faster; 1 on a shared machine)"
        ),
    )
    mnist.add_argument(
        "--data",
        type=_folder,
        default=None,
        help=(
            "folder with the four MNIST IDX files (default: the 5,000 shipped"
            " digits)"
        ),
    )
    mnist.set_defaults(run=_mnist)
    evaluate = commands.add_parser(
        "mnist-eval",
        help=(
            "Table 1 from saved runs (default: the shipped ones),"
            " evaluated now"
        ),
    )
    evaluate.add_argument(
        "--folder",
        type=_folder,
        default=TABLE1,
        help="folder of <model>-<train>-seed<k>.pt/.json (default: shipped)",
    )
    evaluate.add_argument(
        "--data",
        type=_folder,
        default=None,
        help="the MNIST IDX folder the runs were trained from, if any",
    )
    evaluate.add_argument("--device", default="cpu")
    evaluate.add_argument("--threads", type=_threads, default=None)
    evaluate.set_defaults(run=_mnist_eval)
    equivariance = commands.add_parser(
        "equivariance",
        help="Figure 3: equivariance error of SO(3) layer stacks",
    )
    equivariance.add_argument(
        "--bandwidths",
        type=_int_in(2, 2**31 - 1),
        nargs="+",
        default=[4, 8, 16, 32],
        help="bandwidths b >= 2 (at b = 1 every signal is constant)",
    )
    equivariance.add_argument("--depth", type=_positive, default=5)
    equivariance.add_argument(
        "--rotations",
        type=_positive,
        default=500,
        help="samples per setting (paper: 500)",
    )
    equivariance.add_argument("--channels", type=_positive, default=10)
    equivariance.add_argument("--seed", type=_seed, default=0)
    equivariance.set_defaults(run=_equivariance)
    shapes_cli.add_commands(commands)
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(argv)
    prog = f"{parser.prog} {args.command}"
    keep_freed_memory()
    if getattr(args, "resume", False) and args.save is None:
        parser.exit(2, f"{prog}: error: --resume needs --save (the folder)\n")
    try:
        with signals_as_interrupts():
            args.run(args)
    except KeyboardInterrupt as interrupt:
        parser.exit(
            exit_code(interrupt), f"{prog}: interrupted; {_kept(args, argv)}\n"
        )
    # bad settings, found before anything ran; bad files
    except (ValueError, FileNotFoundError) as error:
        parser.exit(2, f"{prog}: error: {error}\n")
    except OSError as error:  # a full disk, a folder gone
        parser.exit(1, f"{prog}: error: {error}\n")


def _kept(args: argparse.Namespace, argv: list[str]) -> str:
    """What an interrupted command leaves, and how to go on: one line."""
    if getattr(args, "save", None) is None:
        return "nothing was saved (no --save)"
    again = argv if "--resume" in argv else [*argv, "--resume"]
    command = shlex.join(
        ["python", "-m", "dlnotes.sphere.experiments", *again]
    )
    return (
        f"the finished runs and the last epoch of the current one are kept in"
        f" {args.save}; continue with: {command}"
    )
