"""``python -m dlnotes.bench sphere [--part transforms|layers|all] [--quick]
[--record PATH] [--profile [--out PATH]]``.

The transforms' benchmark (Wigner tables, S² FFT against healpy, SO(3) FFT
scaling, naive vs FFT correlation) lives in
:mod:`dlnotes.sphere.experiments.bench_transforms`; the layers' (S² and SO(3)
convolutions, training epochs) in
:mod:`dlnotes.sphere.experiments.bench_layers`. Each defines ``main(quick:
bool) -> None``, which prints its tables.

``--record PATH`` runs instead the comparisons the Part III pages draw
conclusions from, with more rounds (:func:`recorded_estimates`), and writes
them as a timing record (:mod:`dlnotes.bench.records`); the pages show the
record shipped in ``dlnotes/sphere/records/`` beside their own measurement. Run
it on an idle machine.

``--profile`` (with ``--part layers``) prints instead a profile of the
training step at the paper's sizes by operator
(:func:`~dlnotes.sphere.experiments.bench_layers.step_profile`; ``--quick``:
smaller bandwidths, one step), and ``--out PATH`` writes it to a text file.
"""

from __future__ import annotations

import argparse
import importlib

from dlnotes._io import check_file
from dlnotes.bench import threads, wording
from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import LoadMonitor
from dlnotes.bench.records import (
    TimingRecord,
    record_from_cli,
    topic_parser,
)
from dlnotes.sphere.experiments import bench_layers
from dlnotes.sphere.experiments.bench_layers import transform_ratios
from dlnotes.sphere.experiments.bench_transforms import (
    correlation_scaling,
    ratio_at,
    s2_fft_vs_healpy,
)
from dlnotes.sphere.experiments.cli import DEFAULT_THREADS

PARTS = ("transforms", "layers")

CORRELATION_BANDWIDTHS = (4, 6, 8, 10, 12)
"""The bandwidths at which the ``fourier`` page times the naive and the FFT
correlation."""

TRANSFORM_PAIRS = ((10, 6), (10, 10))
"""The ``(b_in, b_out)`` at which the ``layers`` page times the general and
real-signal SO(3) transforms."""


def healpy_key(ours: str) -> str:
    """The record's name for healpy's time over ``s2_fft``'s in ``ours``
    (float32/float64) at b = 64."""
    return f"s2_fft/healpy-over-{ours}/b64"


def correlation_key() -> str:
    """The record's name for the naive correlation's time over the FFT route's
    at the largest bandwidth."""
    return f"correlation/naive-over-fft/b{CORRELATION_BANDWIDTHS[-1]}"


def transform_key(direction: str, b_in: int, b_out: int) -> str:
    """The record's name for the general SO(3) transform's time over the
    real-signal one's (``direction``: ``"forward"`` or ``"inverse"``) at ``b_in
    → b_out``."""
    return f"so3/general-over-real/{direction}/b{b_in}-{b_out}"


THREAD_COUNTS = (1, 2)
"""The thread counts at which the record times the training step; the
``layers`` page says which was faster (:func:`threads_sentence`)."""


def step_key(count: int) -> str:
    """The record's name for the training step's time over a 1024² matmul's,
    both at ``count`` threads."""
    return f"step/over-matmul/threads{count}"


def threads_key() -> str:
    """The record's name for the training step's time at the most threads of
    :data:`THREAD_COUNTS` over its time at the fewest."""
    return f"step/threads{THREAD_COUNTS[-1]}-over-threads{THREAD_COUNTS[0]}"


def step_estimates(
    repeats: int, monitor: LoadMonitor
) -> dict[str, RatioEstimate]:
    """The training step at the paper's sizes at each of
    :data:`THREAD_COUNTS`, interleaved in one run: its time over the matmul's
    at the same count (:func:`step_key`), and at the most threads over the
    fewest (:func:`threads_key`)."""
    m = bench_layers.step_timings(
        THREAD_COUNTS, repeats=repeats, monitor=monitor
    )
    fewest, most = THREAD_COUNTS[0], THREAD_COUNTS[-1]
    estimates = {
        step_key(n): m.ratio(f"step/{n}", f"matmul/{n}") for n in THREAD_COUNTS
    }
    estimates[threads_key()] = m.ratio(f"step/{most}", f"step/{fewest}")
    return estimates


def threads_sentence(record: TimingRecord) -> str:
    """What the record says of the training step at two threads against one,
    and the thread count ``python -m dlnotes.sphere.experiments mnist`` uses
    by default (:data:`~dlnotes.sphere.experiments.cli.DEFAULT_THREADS`);
    no comparison when the run was not quiet
    (:attr:`~dlnotes.bench.records.TimingRecord.quiet`), and empty when the
    record predates the thread comparison."""
    if threads_key() not in record.estimates:
        return ""
    fewest, most = (_threads(n) for n in (THREAD_COUNTS[0], THREAD_COUNTS[-1]))
    comparison = (
        wording.comparison(
            record.estimate(threads_key()),
            f"the step on {most}",
            f"the step on {fewest}",
            record.load_summary,
        )
        if record.quiet
        else "the run was not quiet, so the book states no comparison from it."
    )
    return (
        f"The run {record.label}, also timed the training step at the paper's"
        f" sizes on {fewest} and on {most}, interleaved."
        f" {comparison[0].upper()}{comparison[1:]} The training command"
        " `python -m dlnotes.sphere.experiments mnist` runs on"
        f" {_threads(DEFAULT_THREADS)} unless `--threads` says otherwise."
    )


def _threads(count: int) -> str:
    """``1 thread``, ``2 threads``."""
    return f"{count} thread{'s' * (count != 1)}"


def recorded_estimates(
    repeats: int, monitor: LoadMonitor
) -> dict[str, RatioEstimate]:
    """The comparisons of the ``fourier`` and ``layers`` pages, ``repeats``
    interleaved rounds each, one thread, by record name (:func:`healpy_key`,
    :func:`correlation_key`, :func:`transform_key`), and the training step at
    each thread count (:func:`step_estimates`)."""
    with threads(1):
        (s2,) = s2_fft_vs_healpy((64,), repeats=repeats, monitor=monitor)
        fft, naive, _ = correlation_scaling(
            CORRELATION_BANDWIDTHS, repeats=repeats, monitor=monitor
        )
        ratios = transform_ratios(
            TRANSFORM_PAIRS, repeats=repeats, monitor=monitor
        )
    estimates = {
        healpy_key(ours): s2.healpy_over(ours)
        for ours in ("float32", "float64")
    }
    estimates[correlation_key()] = ratio_at(
        naive, fft, CORRELATION_BANDWIDTHS[-1]
    )
    for r in ratios:
        estimates[transform_key("forward", r.b_in, r.b_out)] = r.forward
        estimates[transform_key("inverse", r.b_in, r.b_out)] = r.inverse
    return estimates | step_estimates(repeats, monitor)


def profile(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """What ``--profile [--out PATH]`` does: the arguments checked before any
    timing, then the profile printed (and written)."""
    if args.part != "layers":
        parser.error("--profile profiles the layers' step: add --part layers")
    if args.record is not None:
        parser.error("--profile and --record are separate runs: choose one")
    out = None
    if args.out is not None:
        try:
            out = check_file(args.out, 2**16, "--out", ".txt")
        except ValueError as error:
            parser.error(str(error))
    table = bench_layers.step_profile(
        bench_layers.QUICK_SIZES[-1]
        if args.quick
        else bench_layers.PAPER_SIZES,
        steps=1 if args.quick else 3,
    )
    print(table)
    if out is not None:
        out.write_text(table + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = topic_parser(
        "sphere",
        __doc__,
        "fewer sizes and repeats",
        "run the pages' comparisons with more rounds and write them to PATH"
        " (.json)",
        repeats=15,
    )
    parser.add_argument("--part", choices=(*PARTS, "all"), default="all")
    parser.add_argument(
        "--profile",
        action="store_true",
        help=(
            "profile the training step by operator instead (with --part"
            " layers)"
        ),
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="with --profile: also write the profile to PATH (.txt)",
    )
    args = parser.parse_args(argv)
    if args.profile:
        profile(parser, args)
        return
    if args.out is not None:
        parser.error("--out writes a profile: use it with --profile")
    if args.record is not None:
        record_from_cli(
            parser,
            args.record,
            "sphere",
            argv,
            lambda monitor: recorded_estimates(args.repeats, monitor),
        )
        return
    for part in PARTS if args.part == "all" else (args.part,):
        importlib.import_module(
            f"dlnotes.sphere.experiments.bench_{part}"
        ).main(quick=args.quick)
