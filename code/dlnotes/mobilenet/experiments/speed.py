"""Timing depthwise separable and full convolutions on a CPU, layer by layer
and whole networks.

Everything is measured with :func:`dlnotes.bench.timing.measure` (warm-up
rounds first, then the candidates interleaved, medians; rounds are added until
the ratio of interest has a 95 % bootstrap interval narrower than 10 %, or a
cap on rounds or seconds is hit), float32, with a given thread
count and memory layout:

* ``"nchw"`` — PyTorch's default contiguous layout;
* ``"channels_last"`` — NHWC in memory (``torch.channels_last``), the layout
  oneDNN prefers.

What we control, and why: the input tensor is allocated once per measurement
and reused; warm-up rounds run before timing so that oneDNN has built its
kernels and glibc's allocator has raised its mmap threshold (a fresh
multi-megabyte allocation otherwise page-faults on every call — very visible on
small VMs); forward passes run under ``torch.inference_mode``; forward+backward
passes drop the gradients (``grad = None``) rather than zeroing them. We do not
control frequency scaling or other processes on the machine, which is why every
ratio compares candidates measured interleaved in the same run, and why a
:class:`~dlnotes.bench.load.LoadMonitor` may watch for other work while we
measure.

:func:`study` is the set of measurements the chapter shows; ``python -m
dlnotes.bench mobilenet --record PATH`` runs it on a quiet machine and writes
the record the chapter shows beside it.

Arithmetic intensity (for the roofline) is Mult-Adds per byte of the minimum
memory traffic of a forward pass: read the input and the weights once, write
the output once, 4 bytes per float.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from typing import Unpack

import torch
from torch import nn

from dlnotes.bench import threads as use_threads
from dlnotes.bench import time_interleaved
from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load, LoadMonitor
from dlnotes.bench.timing import Measurement, Rounds, measure
from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv
from dlnotes.mobilenet.counting import count_mult_adds
from dlnotes.mobilenet.model import MobileNetV1

LAYOUTS = ("nchw", "channels_last")

LAYER_SHAPES = ((112, 64, 128), (28, 256, 256), (14, 512, 512))
"""Three layer shapes of Table 1 as ``(D_F, M, N)``: 112²×64→128, 28²×256→256,
14²×512→512 (all at stride 1, so that input and output maps are ``D_F × D_F``
as in equations 2–5)."""


def _check(batch: int, threads: int, layout: str) -> None:
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


class Options(Rounds, total=False):
    """A measurement's setting — ``batch`` (default 1), ``threads`` (1),
    ``layout`` ("nchw" or "channels_last") and ``backward`` (False: forward
    only) — and its rounds (:class:`dlnotes.bench.timing.Rounds`)."""

    batch: int
    threads: int
    layout: str
    backward: bool


def _setting(options: Options) -> tuple[int, int, str, bool, Rounds]:
    """The setting of ``options`` with its defaults, checked, and the rest of
    them (the rounds)."""
    batch, threads = options.get("batch", 1), options.get("threads", 1)
    layout = options.get("layout", "nchw")
    _check(batch, threads, layout)
    rounds = {
        k: v for k, v in options.items() if k in Rounds.__optional_keys__
    }
    return batch, threads, layout, options.get("backward", False), rounds


def _measure(
    modules: dict[str, tuple[nn.Module, torch.Tensor]],
    pair: tuple[str, str],
    options: Options,
    repeats: int,
    warmup: int,
    input_grad: bool = False,
) -> Measurement:
    """Each module's step on its input, in the setting of ``options``,
    interleaved until ``pair``'s ratio is known (the input's gradient too,
    with ``input_grad``, when the setting is forward+backward)."""
    _, threads, layout, backward, rounds = _setting(options)
    with use_threads(threads):
        candidates = {}
        for name, (module, x) in modules.items():
            module, x = _prepare(module, x, layout)
            if backward and input_grad:
                x.requires_grad_(True)
            candidates[name] = step(module, x, backward)
        return measure(candidates, repeats, warmup, pairs=[pair], **rounds)


def _prepare(
    module: nn.Module, x: torch.Tensor, layout: str
) -> tuple[nn.Module, torch.Tensor]:
    if layout == "channels_last":
        return module.to(memory_format=torch.channels_last), x.contiguous(
            memory_format=torch.channels_last
        )
    return module, x.contiguous()


def step(
    module: nn.Module, x: torch.Tensor, backward: bool
) -> Callable[[], None]:
    """A callable that runs ``module`` on ``x`` once: forward in inference mode
    (eval), or forward and backward (train mode; parameter and input gradients
    computed, then dropped)."""
    if not backward:
        module.eval()

        def forward() -> None:
            with torch.inference_mode():
                module(x)

        return forward
    module.train()
    with torch.no_grad():
        grad = torch.ones_like(module(x))

    def forward_backward() -> None:
        for p in module.parameters():
            p.grad = None
        x.grad = None
        module(x).backward(grad)

    return forward_backward


def _conv_mult_adds(conv: nn.Conv2d, side: int) -> int:
    kh, kw = conv.kernel_size
    out = (side + 2 * conv.padding[0] - kh) // conv.stride[0] + 1
    return (
        out
        * out
        * conv.out_channels
        * conv.in_channels
        // conv.groups
        * kh
        * kw
    )


def _intensity(conv: nn.Conv2d, side: int, batch: int) -> float:
    out = (side + 2 * conv.padding[0] - conv.kernel_size[0]) // conv.stride[
        0
    ] + 1
    floats = (
        batch
        * (side * side * conv.in_channels + out * out * conv.out_channels)
        + conv.weight.numel()
    )
    return batch * _conv_mult_adds(conv, side) / (4 * floats)


@dataclass(frozen=True)
class LayerResult:
    """One layer shape, one setting: median seconds of the separable block, the
    full block, and the bare depthwise, pointwise and full convolutions, with
    their Mult-Adds per image."""

    d_f: int
    m: int
    n: int
    batch: int
    threads: int
    layout: str
    backward: bool
    seconds: dict[str, float]
    mult_adds: dict[str, int]
    intensity: dict[str, float]
    speedup_estimate: RatioEstimate
    load: Load | None = None

    @property
    def name(self) -> str:
        """The shape, e.g. ``14²×512→512``."""
        return f"{self.d_f}²×{self.m}→{self.n}"

    @property
    def speedup(self) -> float:
        """Measured time of the full block over the separable block."""
        return self.seconds["full block"] / self.seconds["separable block"]

    @property
    def theory(self) -> float:
        """Mult-Adds of the full block over the separable block, ``1 / (1/N +
        1/D_K²)``."""
        return self.mult_adds["full conv"] / (
            self.mult_adds["depthwise"] + self.mult_adds["pointwise"]
        )

    def gmacs(self, kind: str) -> float:
        """Achieved billions of Mult-Adds per second of ``kind`` ("depthwise",
        "pointwise", "full conv")."""
        # backward: two products of the forward's size
        factor = 3 if self.backward else 1
        return (
            factor
            * self.batch
            * self.mult_adds[kind]
            / self.seconds[kind]
            / 1e9
        )


def time_layer(
    shape: tuple[int, int, int],
    repeats: int = 11,
    warmup: int = 2,
    **options: Unpack[Options],
) -> LayerResult:
    """Time one Table-1 layer ``shape``, ``(D_F, M, N)``: separable block vs
    full block, and the
    three bare convolutions, in the setting ``options`` names
    (:class:`Options`).

    ``repeats`` rounds at least; up to ``max_repeats`` (and ``max_seconds``)
    until the speed-up of the block is known to 10 % (see
    :func:`dlnotes.bench.timing.measure`).

    Raises:
        ValueError: batch or threads below 1, or an unknown layout.
    """
    batch, threads, layout, backward, _ = _setting(options)
    d_f, m, n = shape
    separable, full = DepthwiseSeparableConv(m, n), ConvBNReLU(m, n)
    modules = {
        "separable block": separable,
        "full block": full,
        "depthwise": separable.depthwise,
        "pointwise": separable.pointwise,
        "full conv": full.conv,
    }
    inputs = {
        "separable block": torch.randn(batch, m, d_f, d_f),
        "full block": torch.randn(batch, m, d_f, d_f),
        "depthwise": torch.randn(batch, m, d_f, d_f),
        "pointwise": torch.randn(batch, m, d_f, d_f),
        "full conv": torch.randn(batch, m, d_f, d_f),
    }
    measured = _measure(
        {name: (module, inputs[name]) for name, module in modules.items()},
        ("full block", "separable block"),
        options,
        repeats,
        warmup,
        input_grad=True,
    )
    timings = measured.timings
    convs = {
        "depthwise": separable.depthwise,
        "pointwise": separable.pointwise,
        "full conv": full.conv,
    }
    return LayerResult(
        d_f,
        m,
        n,
        batch,
        threads,
        layout,
        backward,
        seconds={name: t.median for name, t in timings.items()},
        mult_adds={
            name: _conv_mult_adds(conv, d_f) for name, conv in convs.items()
        },
        intensity={
            name: _intensity(conv, d_f, batch) for name, conv in convs.items()
        },
        speedup_estimate=measured.ratio("full block", "separable block"),
        load=measured.load,
    )


@dataclass(frozen=True)
class NetworkResult:
    """MobileNetV1 against its full-convolution twin, one setting: median
    seconds and Mult-Adds."""

    resolution: int
    batch: int
    threads: int
    layout: str
    backward: bool
    separable_seconds: float
    full_seconds: float
    separable_mult_adds: int
    full_mult_adds: int
    speedup_estimate: RatioEstimate
    load: Load | None = None

    @property
    def speedup(self) -> float:
        """Measured time of Conv MobileNet over MobileNet."""
        return self.full_seconds / self.separable_seconds

    @property
    def theory(self) -> float:
        """Mult-Adds of Conv MobileNet over MobileNet (Table 4 prints 4866 /
        569)."""
        return self.full_mult_adds / self.separable_mult_adds

    @property
    def efficiency(self) -> float:
        """Measured speed-up as a fraction of the Mult-Add ratio."""
        return self.speedup / self.theory


def time_network(
    resolution: int = 224,
    repeats: int = 5,
    warmup: int = 1,
    width_mult: float = 1.0,
    **options: Unpack[Options],
) -> NetworkResult:
    """Time MobileNetV1 against Conv MobileNet (``variant="full"``) on
    ``batch`` random images; rounds as in :func:`time_layer`.

    Raises:
        ValueError: batch or threads below 1, or an unknown layout.
    """
    batch, threads, layout, backward, _ = _setting(options)
    torch.manual_seed(0)
    separable, full = (
        MobileNetV1(width_mult),
        MobileNetV1(width_mult, variant="full"),
    )
    mult_adds = (
        count_mult_adds(separable, resolution),
        count_mult_adds(full, resolution),
    )
    measured = _measure(
        {
            name: (model, torch.randn(batch, 3, resolution, resolution))
            for name, model in (("separable", separable), ("full", full))
        },
        ("full", "separable"),
        options,
        repeats,
        warmup,
    )
    return NetworkResult(
        resolution,
        batch,
        threads,
        layout,
        backward,
        measured.timings["separable"].median,
        measured.timings["full"].median,
        *mult_adds,
        speedup_estimate=measured.ratio("full", "separable"),
        load=measured.load,
    )


@dataclass(frozen=True)
class Peaks:
    """The machine's measured ceilings: matrix-multiply GMAC/s and copy
    bandwidth in GB/s."""

    threads: int
    gmacs: float
    bandwidth_gbs: float

    @property
    def ridge(self) -> float:
        """Arithmetic intensity (Mult-Adds per byte) where the two ceilings
        meet."""
        return self.gmacs / self.bandwidth_gbs


def measure_peaks(
    threads: int = 1, size: int = 1024, megabytes: int = 64, repeats: int = 5
) -> Peaks:
    """Measure the roofline's two ceilings: a ``size``³ float32 matrix product
    (Mult-Adds per second) and a copy of ``megabytes`` MB (bytes read + written
    per second)."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    a, b, c = (
        torch.randn(size, size),
        torch.randn(size, size),
        torch.empty(size, size),
    )
    n = megabytes * 2**20 // 4
    src, dst = torch.randn(n), torch.empty(n)
    with use_threads(threads):
        timings = time_interleaved(
            {
                "matmul": lambda: torch.mm(a, b, out=c),
                "copy": lambda: dst.copy_(src),
            },
            repeats=repeats,
            warmup=1,
        )
    return Peaks(
        threads,
        size**3 / timings["matmul"].median / 1e9,
        2 * 4 * n / timings["copy"].median / 1e9,
    )


@dataclass(frozen=True)
class SettingsResult:
    """MobileNetV1 alone under several (threads, layout) settings, timed
    interleaved in one run, so that the effect of a thread count or a layout is
    a ratio of paired rounds."""

    resolution: int
    batch: int
    backward: bool
    settings: tuple[tuple[int, str], ...]
    seconds: dict[tuple[int, str], tuple[float, ...]]
    load: Load | None = None

    def median(self, threads: int, layout: str) -> float:
        """Median seconds of one setting."""
        return statistics.median(self.seconds[(threads, layout)])

    def effect(
        self, candidate: tuple[int, str], reference: tuple[int, str]
    ) -> RatioEstimate:
        """Time under ``candidate`` over time under ``reference`` (paired
        bootstrap interval)."""
        for setting in (candidate, reference):
            if setting not in self.seconds:
                raise ValueError(
                    f"setting {setting} was not measured; measured:"
                    f" {list(self.seconds)}"
                )
        return ratio_interval(self.seconds[candidate], self.seconds[reference])


def time_settings(
    settings: tuple[tuple[int, str], ...] = (
        (1, "nchw"),
        (2, "nchw"),
        (1, "channels_last"),
        (2, "channels_last"),
    ),
    resolution: int = 224,
    batch: int = 1,
    backward: bool = False,
    repeats: int = 7,
    warmup: int = 1,
    width_mult: float = 1.0,
    *,
    pairs: tuple[tuple[tuple[int, str], tuple[int, str]], ...] = (),
    max_repeats: int | None = None,
    max_seconds: float = math.inf,
    monitor: LoadMonitor | None = None,
) -> SettingsResult:
    """Time MobileNetV1 under each ``(threads, layout)`` setting, interleaved;
    ``pairs`` of settings whose time ratio should be known to 10 % (rounds as
    in :func:`time_layer`).

    Raises:
        ValueError: no settings, a thread count below 1 or an unknown layout.
    """
    if not settings:
        raise ValueError("settings must name at least one (threads, layout)")
    for t, layout in settings:
        _check(batch, t, layout)
    torch.manual_seed(0)
    x = torch.randn(batch, 3, resolution, resolution)
    steps = {}
    for layout in dict.fromkeys(layout for _, layout in settings):
        torch.manual_seed(0)
        model, xl = _prepare(MobileNetV1(width_mult), x.clone(), layout)
        if backward:
            xl.requires_grad_(True)
        steps[layout] = step(model, xl, backward)

    def under(t: int, layout: str) -> Callable[[], None]:
        def run() -> None:
            with use_threads(t):
                steps[layout]()

        return run

    names = {
        setting: f"{setting[0]} thread(s), {setting[1]}"
        for setting in settings
    }
    measured = measure(
        {names[s]: under(*s) for s in settings},
        repeats,
        warmup,
        pairs=[(names[a], names[b]) for a, b in pairs],
        max_repeats=max_repeats,
        max_seconds=max_seconds,
        monitor=monitor,
    )
    return SettingsResult(
        resolution,
        batch,
        backward,
        tuple(settings),
        {s: measured.timings[names[s]].seconds for s in settings},
        measured.load,
    )


@dataclass(frozen=True)
class SpeedStudy:
    """The chapter's measurements: layers, networks, thread and layout effects,
    the load meanwhile."""

    peaks: dict[int, Peaks]
    layers: list[LayerResult]
    networks: list[NetworkResult]
    forward: SettingsResult
    training: SettingsResult
    load: Load

    @property
    def theory(self) -> float:
        """The networks' Mult-Add ratio (Conv MobileNet over MobileNet)."""
        return self.networks[0].theory

    def estimates(self) -> dict[str, RatioEstimate]:
        """Every ratio of the study by name:
        ``layer/<shape>/b<batch>/<threads>/<layout>`` and
        ``network/<pass>/<threads>/<layout>`` (full over separable),
        ``threads/<layout>`` (2 threads over 1), ``layout/<threads>`` and
        ``layout-training/<threads>`` (channels_last over NCHW)."""
        out = {
            f"layer/{r.name}/b{r.batch}/{r.threads}/{r.layout}": (
                r.speedup_estimate
            )
            for r in self.layers
        }
        for r in self.networks:
            passes = "fwd+bwd" if r.backward else "fwd"
            key = f"network/{passes}/{r.threads}/{r.layout}"
            out[key] = r.speedup_estimate
        out.update(effects(self.forward))
        out.update(effects(self.training, prefix="-training"))
        return out

    def values(self) -> dict[str, float]:
        """The Mult-Add ratios (``theory/network``, ``theory/<shape>``) and the
        peaks (``gmacs/<threads>``)."""
        out = {"theory/network": self.theory}
        out.update({f"theory/{r.name}": r.theory for r in self.layers})
        out.update({f"gmacs/{t}": p.gmacs for t, p in self.peaks.items()})
        return out


def effects(
    result: SettingsResult, prefix: str = ""
) -> dict[str, RatioEstimate]:
    """The thread effect (2 threads over 1, per layout) and the layout effect
    (channels_last over NCHW, per thread count) among the settings measured,
    named ``threads<prefix>/<layout>`` and ``layout<prefix>/<threads>``."""
    out = {}
    measured = set(result.settings)
    for t, layout in result.settings:
        if t == 2 and (1, layout) in measured:
            out[f"threads{prefix}/{layout}"] = result.effect(
                (2, layout), (1, layout)
            )
        if layout == "channels_last" and (t, "nchw") in measured:
            out[f"layout{prefix}/{t}"] = result.effect(
                (t, "channels_last"), (t, "nchw")
            )
    return out


def _settings_pairs(
    settings: tuple[tuple[int, str], ...],
) -> tuple[tuple[tuple[int, str], tuple[int, str]], ...]:
    s = set(settings)
    return tuple(
        ((2, lay), (1, lay)) for t, lay in settings if t == 2 and (1, lay) in s
    ) + tuple(
        ((t, "channels_last"), (t, "nchw"))
        for t, lay in settings
        if lay == "channels_last" and (t, "nchw") in s
    )


def study(
    threads: tuple[int, ...] = (1, 2),
    rounds: int = 5,
    max_rounds: int = 11,
    seconds: float = 2.0,
    monitor: LoadMonitor | None = None,
    heavy_rounds: int = 3,
) -> SpeedStudy:
    """The chapter's measurements, each ``rounds`` to ``max_rounds``
    interleaved rounds and capped at about ``seconds`` (rounds are added only
    while the time allows): the three layer shapes at batch 1 (every thread
    count and layout) and the last at batch 32 (the last thread count, NCHW);
    the whole networks, forward (every setting) and forward+backward (the last
    thread count, both layouts); MobileNet's thread and layout effects, forward
    and forward+backward. The heavy points (batch 32, forward+backward) take
    at least ``min(heavy_rounds, rounds)`` rounds, whatever ``seconds`` says.

    Raises:
        ValueError: no thread count, one below 1, or rounds out of order.
    """
    if not threads or min(threads) < 1:
        raise ValueError(
            f"threads must be a non-empty tuple of counts >= 1, got {threads}"
        )
    if not 1 <= rounds <= max_rounds:
        raise ValueError(
            f"need 1 <= rounds <= max_rounds, got {rounds} and {max_rounds}"
        )
    monitor = LoadMonitor() if monitor is None else monitor
    first = monitor.count
    options = {
        "max_repeats": max_rounds,
        "max_seconds": seconds,
        "monitor": monitor,
    }
    peaks = {t: measure_peaks(t) for t in threads}
    last = threads[-1]
    layers = [
        time_layer(
            shape,
            batch=1,
            threads=t,
            layout=layout,
            repeats=rounds,
            warmup=2,
            **options,
        )
        for t in threads
        for layout in LAYOUTS
        for shape in LAYER_SHAPES
    ]
    layers.append(
        time_layer(
            (14, 512, 512),
            batch=32,
            threads=last,
            layout="nchw",
            repeats=min(heavy_rounds, rounds),
            warmup=1,
            **options,
        )
    )
    networks = [
        time_network(
            224, threads=t, layout=layout, repeats=rounds, warmup=1, **options
        )
        for t in threads
        for layout in LAYOUTS
    ]
    networks += [
        time_network(
            224,
            threads=last,
            layout=layout,
            backward=True,
            repeats=min(heavy_rounds, rounds),
            warmup=1,
            **options,
        )
        for layout in LAYOUTS
    ]
    forward_settings = tuple(
        (t, layout) for layout in LAYOUTS for t in threads
    )
    training_settings = tuple((last, layout) for layout in LAYOUTS)
    forward = time_settings(
        forward_settings,
        repeats=rounds,
        pairs=_settings_pairs(forward_settings),
        max_repeats=2 * max_rounds,
        max_seconds=seconds,
        monitor=monitor,
    )
    training = time_settings(
        training_settings,
        backward=True,
        repeats=rounds,
        pairs=_settings_pairs(training_settings),
        **options,
    )
    return SpeedStudy(
        peaks, layers, networks, forward, training, monitor.load(since=first)
    )
