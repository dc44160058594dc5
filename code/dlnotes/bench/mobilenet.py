"""``python -m dlnotes.bench mobilenet [--quick] [--threads 1 2]``: MobileNet's speed on a CPU.

Prints, for each thread count, batch size, layout and pass (forward, forward+backward):

* per Table-1 layer shape — separable block vs full 3×3 block: measured speed-up against the
  Mult-Add ratio, and the GMAC/s achieved by the depthwise, pointwise and full convolutions;
* the whole MobileNetV1-224 vs its full-convolution twin (Conv MobileNet): measured speed-up, the
  Mult-Add ratio (8.6×), and the fraction of it that was reached;
* the machine's two roofline ceilings (matrix-multiply GMAC/s, copy GB/s).

``--quick`` runs batch 1 only, forward only, with fewer repeats (about a minute). The full grid
repeats batch-1 points 11 times (layers) or 5 times (networks) and batch-32 points 3 times, and
takes tens of minutes on two cores: Conv MobileNet's forward+backward pass on 32 images alone is
about 470 billion Mult-Adds.
"""

from __future__ import annotations

import argparse
import itertools

from dlnotes.mobilenet.experiments.speed import (
    LAYER_SHAPES,
    LAYOUTS,
    measure_peaks,
    time_layer,
    time_network,
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlnotes.bench mobilenet", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="batch 1, forward only, fewer repeats")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2], help="thread counts (default: 1 2)")
    args = parser.parse_args(argv)
    batches = (1,) if args.quick else (1, 32)
    passes = (False,) if args.quick else (False, True)
    layer_repeats, net_repeats = (5, 3) if args.quick else (11, 5)

    def repeats(batch: int, base: int) -> int:
        return base if batch == 1 else 3

    for threads in args.threads:
        peaks = measure_peaks(threads)
        print(f"\n=== {threads} thread(s): matmul {peaks.gmacs:.1f} GMAC/s, copy {peaks.bandwidth_gbs:.1f} GB/s, ridge {peaks.ridge:.1f} MAC/byte")
        print(f"{'shape':<16}{'batch':>6} {'layout':<14}{'pass':<9}{'speed-up':>9}{'theory':>8}{'dw GMAC/s':>11}{'pw GMAC/s':>11}{'full GMAC/s':>12}")
        for batch, layout, backward, shape in itertools.product(batches, LAYOUTS, passes, LAYER_SHAPES):
            r = time_layer(*shape, batch=batch, threads=threads, layout=layout, backward=backward, repeats=repeats(batch, layer_repeats))
            print(
                f"{r.name:<16}{batch:>6} {layout:<14}{'fwd+bwd' if backward else 'fwd':<9}{r.speedup:>8.2f}×{r.theory:>7.2f}×"
                f"{r.gmacs('depthwise'):>11.1f}{r.gmacs('pointwise'):>11.1f}{r.gmacs('full conv'):>12.1f}",
                flush=True,
            )
        print(f"{'network':<16}{'batch':>6} {'layout':<14}{'pass':<9}{'speed-up':>9}{'theory':>8}{'reached':>9}{'MobileNet s':>13}{'Conv MobileNet s':>18}")
        for batch, layout, backward in itertools.product(batches, LAYOUTS, passes):
            r = time_network(224, batch=batch, threads=threads, layout=layout, backward=backward, repeats=repeats(batch, net_repeats))
            print(
                f"{'MobileNetV1-224':<16}{batch:>6} {layout:<14}{'fwd+bwd' if backward else 'fwd':<9}{r.speedup:>8.2f}×{r.theory:>7.2f}×"
                f"{100 * r.efficiency:>8.0f}%{r.separable_seconds:>13.4f}{r.full_seconds:>18.4f}",
                flush=True,
            )
