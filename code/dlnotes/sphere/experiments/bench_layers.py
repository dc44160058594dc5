"""Cost of the spherical CNN layers: ``python -m dlnotes.bench sphere --part
layers [--quick]``.

First, at one and two threads, a training step of the MNIST model at the
paper's sizes (batch 32, b = 30 → 10 → 6, 20 and 40 channels): its forward
pass, backward pass and whole step with Adam, each as a ratio to one 1024 ×
1024 float32 matrix product timed interleaved with it in the same run
(:func:`step_ratios`). Then three tables, medians of interleaved repeats
(:mod:`dlnotes.bench`),
one thread:

* forward and forward+backward time of
  :class:`~dlnotes.sphere.layers.S2Convolution` and
  :class:`~dlnotes.sphere.layers.SO3Convolution` at the MNIST model's sizes
  (batch 32, 1 → 20 channels b → b1, then 20 → 40 channels b1 → b2) over a
  range of bandwidths;
* the real-signal SO(3) transforms of :mod:`dlnotes.sphere.real_fft` against
  the general ``so3_fft`` / ``so3_ifft(...).real`` on the same feature maps, as
  a ratio measured in the same run with its 95 % interval;
* seconds per training epoch (4,000 digits, batch 32, Adam) of the two MNIST
  models, from the median time of one training step.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import torch

from dlnotes.bench import compare, threads, time_interleaved
from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import LoadMonitor
from dlnotes.bench.timing import Measurement, measure
from dlnotes.bench.wording import cell
from dlnotes.sphere.experiments.mnist import build_model
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.real_fft import so3_irfft, so3_rfft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft

#: Bandwidths (b, b1, b2) of the MNIST model to time, from small ones to the
#: paper's.
SIZES = ((12, 6, 4), (16, 8, 5), (20, 10, 6), (30, 10, 6))
#: The paper's bandwidths, at which the training step is timed and profiled.
PAPER_SIZES = SIZES[-1]
QUICK_SIZES = ((12, 6, 4), (16, 10, 6))


def layer_timings(
    sizes: tuple[tuple[int, int, int], ...] = SIZES,
    batch: int = 32,
    repeats: int = 5,
) -> pd.DataFrame:
    """Forward and forward+backward median seconds of both layers of the MNIST
    model, per size."""
    rows = []
    for b, b1, b2 in sizes:
        torch.manual_seed(0)
        s2 = S2Convolution(1, 20, b, b1, s2_near_identity_grid())
        so3 = SO3Convolution(
            20,
            40,
            b1,
            b2,
            so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3),
        )
        x = torch.rand(batch, 1, 2 * b, 2 * b)
        h = torch.relu(s2(x)).detach().requires_grad_()
        timings = time_interleaved(
            {
                "s2 forward": lambda: s2(x),
                "s2 forward+backward": lambda: s2(x).sum().backward(),
                "so3 forward": lambda: so3(h),
                "so3 forward+backward": lambda: so3(h).sum().backward(),
            },
            repeats=repeats,
            warmup=1,
        )
        for layer, (b_in, b_out) in (
            ("S2Convolution", (b, b1)),
            ("SO3Convolution", (b1, b2)),
        ):
            key = "s2" if layer == "S2Convolution" else "so3"
            rows.append(
                {
                    "layer": layer,
                    "b_in": b_in,
                    "b_out": b_out,
                    "forward (ms)": 1e3 * timings[f"{key} forward"].median,
                    "forward+backward (ms)": (
                        1e3 * timings[f"{key} forward+backward"].median
                    ),
                }
            )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class TransformRatio:
    """The general SO(3) transforms' time over the real-signal ones' on the
    same maps, each with its 95 % interval over interleaved rounds (above 1:
    the real-signal transform is faster)."""

    b_in: int
    b_out: int
    forward: RatioEstimate
    inverse: RatioEstimate


def transform_ratios(
    pairs: tuple[tuple[int, int], ...] = ((10, 6), (10, 10), (16, 16)),
    maps: int = 640,
    repeats: int = 5,
    monitor: LoadMonitor | None = None,
) -> list[TransformRatio]:
    """``so3_fft`` against ``so3_rfft`` and ``so3_ifft(...).real`` against
    ``so3_irfft`` on ``maps`` real feature maps, per ``(b_in, b_out)``;
    ``monitor`` watches the load meanwhile."""
    out = []
    for b_in, b_out in pairs:
        x = torch.randn(maps, 2 * b_in, 2 * b_in, 2 * b_in)
        coeffs = so3_rfft(x, b_out)
        forward = compare(
            lambda: so3_fft(x, b_out),
            lambda: so3_rfft(x, b_out),
            repeats=repeats,
            warmup=1,
            monitor=monitor,
        )
        inverse = compare(
            lambda: so3_ifft(coeffs).real,
            lambda: so3_irfft(coeffs),
            repeats=repeats,
            warmup=1,
            monitor=monitor,
        )
        out.append(
            TransformRatio(b_in, b_out, forward.estimate, inverse.estimate)
        )
    return out


@dataclass(frozen=True)
class TrainingStep:
    """One training step of a spherical-MNIST model on a fixed random batch,
    with Adam: what :func:`epoch_seconds`, :func:`step_ratios` and
    :func:`step_profile` time."""

    net: torch.nn.Module
    optimizer: torch.optim.Optimizer
    x: torch.Tensor
    labels: torch.Tensor

    @classmethod
    def build(
        cls,
        model: str = "spherical",
        sizes: tuple[int, int, int] = PAPER_SIZES,
        batch: int = 32,
    ) -> TrainingStep:
        """``model`` (``"planar"`` or ``"spherical"``) at bandwidths ``sizes``
        = (b, b1, b2), seeded, on ``batch`` random digits."""
        torch.manual_seed(0)
        net = build_model(model, *sizes)
        b = sizes[0]
        return cls(
            net,
            torch.optim.Adam(net.parameters(), lr=1e-3),
            torch.rand(batch, 1, 2 * b, 2 * b),
            torch.randint(0, 10, (batch,)),
        )

    def loss(self) -> torch.Tensor:
        """The forward pass (building the autograd graph, as in training)."""
        return torch.nn.functional.cross_entropy(self.net(self.x), self.labels)

    def forward_backward(self) -> None:
        """Gradients zeroed, then forward and backward."""
        self.optimizer.zero_grad()
        self.loss().backward()

    def step(self) -> None:
        """Forward, backward and ``Adam.step``."""
        self.forward_backward()
        self.optimizer.step()


def epoch_seconds(
    model: str,
    sizes: tuple[int, int, int],
    digits: int = 4000,
    batch: int = 32,
    repeats: int = 3,
) -> float:
    """Seconds per training epoch of ``model`` at bandwidths ``sizes``: median
    time of one Adam step × ⌈digits / batch⌉."""
    step = TrainingStep.build(model, sizes, batch).step
    timing = time_interleaved({"step": step}, repeats=repeats, warmup=1)[
        "step"
    ]
    return timing.median * math.ceil(digits / batch)


@dataclass(frozen=True)
class StepRatios:
    """Per-round times of one training step's phases over the same round's
    matmul time."""

    threads: int
    matmul_seconds: float  # median time of the reference product
    forward: tuple[float, ...]
    backward: tuple[float, ...]
    step: tuple[float, ...]

    @staticmethod
    def summary(ratios: tuple[float, ...]) -> str:
        """``median [first quartile, third quartile]``."""
        q1, median, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
        return f"{median:5.2f} [{q1:.2f}, {q3:.2f}]"


def _in_threads(count: int, call: Callable[[], object]) -> Callable[[], None]:
    """``call`` run with ``torch.set_num_threads(count)``."""

    def run() -> None:
        with threads(count):
            call()

    return run


def step_timings(
    thread_counts: tuple[int, ...] = (1, 2),
    sizes: tuple[int, int, int] = PAPER_SIZES,
    batch: int = 32,
    repeats: int = 11,
    monitor: LoadMonitor | None = None,
) -> Measurement:
    """Per-round times of a 1024² float32 matmul, the forward pass, forward +
    backward and the whole Adam step of the spherical MNIST model, at each
    thread count, all interleaved in one run (a round times every phase at
    every count, in rotating order), named ``"<phase>/<threads>"``."""
    training = TrainingStep.build("spherical", sizes, batch)
    left, right = torch.randn(1024, 1024), torch.randn(1024, 1024)
    phases = {
        "matmul": lambda: left @ right,
        "forward": training.loss,
        "forward+backward": training.forward_backward,
        "step": training.step,
    }
    return measure(
        {
            f"{name}/{count}": _in_threads(count, call)
            for count in thread_counts
            for name, call in phases.items()
        },
        repeats=repeats,
        warmup=2,
        monitor=monitor,
    )


def step_ratios(
    thread_counts: tuple[int, ...] = (1, 2),
    sizes: tuple[int, int, int] = PAPER_SIZES,
    batch: int = 32,
    repeats: int = 11,
) -> list[StepRatios]:
    """Forward, backward and Adam step of the spherical MNIST model, each / a
    1024² float32 matmul, per thread count.

    :func:`step_timings` times the matmul, the forward pass (building the
    autograd graph, as in training), forward + backward, and the whole step
    (forward, backward, ``Adam.step``) at every thread count, interleaved.
    Round r gives the ratios forward_r / matmul_r, (forward+backward_r −
    forward_r) / matmul_r for the backward pass, and step_r / matmul_r, the
    matmul at the same thread count, so each ratio compares times measured
    moments apart.
    """
    t = step_timings(thread_counts, sizes, batch, repeats).timings
    rows = []
    for count in thread_counts:
        mm, fwd, fb, full = (
            t[f"{k}/{count}"].seconds
            for k in ("matmul", "forward", "forward+backward", "step")
        )
        rows.append(
            StepRatios(
                count,
                t[f"matmul/{count}"].median,
                tuple(f / r for f, r in zip(fwd, mm, strict=True)),
                tuple(
                    (g - f) / r for g, f, r in zip(fb, fwd, mm, strict=True)
                ),
                tuple(s / r for s, r in zip(full, mm, strict=True)),
            )
        )
    return rows


def print_step_ratios(
    rows: list[StepRatios],
    sizes: tuple[int, int, int] = PAPER_SIZES,
    batch: int = 32,
) -> None:
    """The table of :func:`step_ratios`."""
    b, b1, b2 = sizes
    print(
        f"Spherical CNN training step (batch {batch}, b = {b} -> {b1} -> {b2},"
        " 20 and 40 channels), time / one 1024x1024 float32 matmul timed"
        " interleaved in the same run (median [quartiles] over rounds):"
    )
    print(
        f"  {'threads':>7}  {'matmul (ms)':>11} "
        f" {'forward':<22}{'backward':<22}{'step (with Adam)'}"
    )
    for r in rows:
        ratios = (
            f"{r.summary(r.forward):<22}{r.summary(r.backward):<22}"
            f"{r.summary(r.step)}"
        )
        print(f"  {r.threads:>7}  {1e3 * r.matmul_seconds:>11.1f}  {ratios}")


def step_profile(
    sizes: tuple[int, int, int] = PAPER_SIZES,
    batch: int = 32,
    steps: int = 3,
    rows: int = 15,
) -> str:
    """The training step of :func:`step_ratios` profiled by operator, one
    thread: a table of the ``rows`` operators with the most self CPU time over
    ``steps`` steps (after two unprofiled ones), from ``torch.profiler``."""
    from torch.profiler import ProfilerActivity, profile

    training = TrainingStep.build("spherical", sizes, batch)
    with threads(1):
        for _ in range(2):
            training.step()
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            for _ in range(steps):
                training.step()
    b, b1, b2 = sizes
    table = prof.key_averages().table(
        sort_by="self_cpu_time_total", row_limit=rows
    )
    return (
        f"Spherical CNN training step (batch {batch}, b = {b} -> {b1} ->"
        f" {b2}, 20 and 40 channels, Adam), {steps} step{'s' * (steps != 1)},"
        " one thread,"
        f" operators by self CPU time:\n{table}"
    )


def main(quick: bool) -> None:
    """Print the step ratios and the three tables (``quick``: fewer sizes and
    repeats)."""
    sizes = QUICK_SIZES if quick else SIZES
    repeats = 3 if quick else 7
    print_step_ratios(step_ratios(repeats=5 if quick else 11))
    print()
    with (
        threads(1),
        pd.option_context(
            "display.float_format", "{:.1f}".format, "display.width", 120
        ),
    ):
        print("Spherical CNN layers, batch 32, one thread (median ms):")
        print(layer_timings(sizes, repeats=repeats).to_string(index=False))
        print(
            "\nGeneral SO(3) transforms against the real-signal ones, 640 maps"
            " (95 % interval):"
        )
        for r in transform_ratios(
            ((10, 6), (10, 10)) if quick else ((10, 6), (10, 10), (16, 16)),
            repeats=repeats,
        ):
            print(
                f"  b {r.b_in:2d} -> {r.b_out:2d}: forward"
                f" {cell(r.forward):<26} inverse {cell(r.inverse)}"
            )
        print(
            "\nSeconds per training epoch (4,000 digits, batch 32, one"
            " thread):"
        )
        for b, b1, b2 in sizes:
            planar = epoch_seconds("planar", (b, b1, b2))
            spherical = epoch_seconds("spherical", (b, b1, b2))
            print(
                f"  b = {b:2d} ({b1}, {b2}): planar {planar:6.1f} s, spherical"
                f" {spherical:7.1f} s"
            )
