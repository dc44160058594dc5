"""``python -m dlnotes.bench mobilenet [--quick] [--threads 1 2] [--record
PATH]``: MobileNet's speed on a CPU.

Prints, for each thread count, batch size, layout and pass (forward,
forward+backward):

* per Table-1 layer shape — separable block vs full 3×3 block: measured
  speed-up against the Mult-Add ratio, and the GMAC/s achieved by the
  depthwise, pointwise and full convolutions;
* the whole MobileNetV1-224 vs its full-convolution twin (Conv MobileNet):
  measured speed-up, the Mult-Add ratio (8.6×), and the fraction of it that was
  reached;
* the machine's two roofline ceilings (matrix-multiply GMAC/s, copy GB/s).

``--quick`` runs batch 1 only, forward only, with fewer repeats (about a
minute). The full grid repeats batch-1 points 11 times (layers) or 5 times
(networks) and batch-32 points 3 times, and takes tens of minutes on two cores:
Conv MobileNet's forward+backward pass on 32 images alone is about 470 billion
Mult-Adds.

``--record PATH`` runs instead the chapter's measurements
(:func:`dlnotes.mobilenet.experiments.speed.study`) with more rounds (11 to 31,
up to 10 s each), watched by a load monitor, and writes them as a timing record
(:mod:`dlnotes.bench.records`); the chapter shows the record shipped in
``dlnotes/mobilenet/experiments/records/`` beside its own measurement. Run it
on an idle machine (a few minutes on two cores); the record keeps how quiet the
machine really was.
"""

from __future__ import annotations

import itertools
import sys

from dlnotes._io import check_threads
from dlnotes.bench.records import (
    check_destination,
    report,
    topic_parser,
    write_record,
)
from dlnotes.mobilenet.experiments.speed import (
    LAYER_SHAPES,
    LAYOUTS,
    Options,
    measure_peaks,
    study,
    time_layer,
    time_network,
)


def record(path: str, threads: tuple[int, ...], argv: list[str]) -> None:
    """Run :func:`~dlnotes.mobilenet.experiments.speed.study` with the record's
    rounds and write it to ``path`` (checked first)."""
    destination = check_destination(path)
    # heavy_rounds: 3 or 4 rounds of forward+backward left a x10 interval
    result = study(
        threads, rounds=11, max_rounds=31, seconds=10.0, heavy_rounds=7
    )
    command = "python -m dlnotes.bench mobilenet " + " ".join(argv)
    written = write_record(
        destination, command, result.load, result.estimates(), result.values()
    )
    report(written, destination)


def _pass_name(backward: bool) -> str:
    return "fwd+bwd" if backward else "fwd"


def main(argv: list[str] | None = None) -> None:
    parser = topic_parser(
        "mobilenet",
        __doc__,
        "batch 1, forward only, fewer repeats",
        "run the chapter's measurements and write them to PATH (.json)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        nargs="+",
        default=[1, 2],
        help="thread counts (default: 1 2)",
    )
    args = parser.parse_args(argv)
    if min(args.threads) < 1:
        parser.error(f"--threads must be >= 1, got {args.threads}")
    try:
        check_threads(max(args.threads))
    except ValueError as error:
        parser.error(str(error))
    if args.record is not None:
        try:
            check_destination(args.record)
        except ValueError as error:
            parser.error(str(error))
        record(
            args.record,
            tuple(args.threads),
            list(sys.argv[1:] if argv is None else argv),
        )
        return
    batches = (1,) if args.quick else (1, 32)
    passes = (False,) if args.quick else (False, True)
    layer_repeats, net_repeats = (5, 3) if args.quick else (11, 5)

    def repeats(batch: int, base: int) -> int:
        return base if batch == 1 else 3

    for threads in args.threads:
        peaks = measure_peaks(threads)
        print(
            f"\n=== {threads} thread(s): matmul {peaks.gmacs:.1f} GMAC/s, copy"
            f" {peaks.bandwidth_gbs:.1f} GB/s, ridge {peaks.ridge:.1f}"
            " MAC/byte"
        )
        print(
            f"{'shape':<16}{'batch':>6}"
            f" {'layout':<14}{'pass':<9}{'speed-up':>9}{'theory':>8}"
            f"{'dw GMAC/s':>11}{'pw GMAC/s':>11}{'full GMAC/s':>12}"
        )
        for batch, layout, backward, shape in itertools.product(
            batches, LAYOUTS, passes, LAYER_SHAPES
        ):
            setting = Options(
                batch=batch, threads=threads, layout=layout, backward=backward
            )
            r = time_layer(shape, repeats(batch, layer_repeats), **setting)
            print(
                f"{r.name:<16}{batch:>6}"
                f" {layout:<14}{_pass_name(backward):<9}"
                f"{r.speedup:>8.2f}×{r.theory:>7.2f}×"
                f"{r.gmacs('depthwise'):>11.1f}{r.gmacs('pointwise'):>11.1f}"
                f"{r.gmacs('full conv'):>12.1f}",
                flush=True,
            )
        print(
            f"{'network':<16}{'batch':>6}"
            f" {'layout':<14}{'pass':<9}{'speed-up':>9}{'theory':>8}"
            f"{'reached':>9}{'MobileNet s':>13}{'Conv MobileNet s':>18}"
        )
        for batch, layout, backward in itertools.product(
            batches, LAYOUTS, passes
        ):
            setting = Options(
                batch=batch, threads=threads, layout=layout, backward=backward
            )
            r = time_network(224, repeats(batch, net_repeats), **setting)
            print(
                f"{'MobileNetV1-224':<16}{batch:>6}"
                f" {layout:<14}{_pass_name(backward):<9}"
                f"{r.speedup:>8.2f}×{r.theory:>7.2f}×"
                f"{100 * r.efficiency:>8.0f}%{r.separable_seconds:>13.4f}"
                f"{r.full_seconds:>18.4f}",
                flush=True,
            )
