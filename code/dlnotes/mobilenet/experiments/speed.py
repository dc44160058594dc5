"""Timing depthwise separable and full convolutions on a CPU, layer by layer and whole networks.

Everything is measured with :func:`dlnotes.bench.timing.measure` (warm-up rounds first, then the
candidates interleaved, medians), float32, with a given thread count and memory layout:

* ``"nchw"`` — PyTorch's default contiguous layout;
* ``"channels_last"`` — NHWC in memory (``torch.channels_last``), the layout oneDNN prefers.

What we control, and why: the input tensor is allocated once per measurement and reused; warm-up
rounds run before timing so that oneDNN has built its kernels and glibc's allocator has raised its
mmap threshold (a fresh multi-megabyte allocation otherwise page-faults on every call — very
visible on small VMs); forward passes run under ``torch.inference_mode``; forward+backward passes
drop the gradients (``grad = None``) rather than zeroing them. We do not control frequency scaling
or other processes on the machine, which is why every ratio compares candidates measured
interleaved in the same run.

Arithmetic intensity (for the roofline) is Mult-Adds per byte of the minimum memory traffic of a
forward pass: read the input and the weights once, write the output once, 4 bytes per float.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from dlnotes.bench import threads as use_threads
from dlnotes.bench import time_interleaved
from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv
from dlnotes.mobilenet.counting import count_mult_adds
from dlnotes.mobilenet.model import MobileNetV1

LAYOUTS = ("nchw", "channels_last")

LAYER_SHAPES = ((112, 64, 128), (28, 256, 256), (14, 512, 512))
"""Three layer shapes of Table 1 as ``(D_F, M, N)``: 112²×64→128, 28²×256→256, 14²×512→512
(all at stride 1, so that input and output maps are ``D_F × D_F`` as in equations 2–5)."""


def _check(batch: int, threads: int, layout: str) -> None:
    if batch < 1:
        raise ValueError(f"batch must be >= 1, got {batch}")
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}, got {layout!r}")


def _prepare(module: nn.Module, x: torch.Tensor, layout: str) -> tuple[nn.Module, torch.Tensor]:
    if layout == "channels_last":
        return module.to(memory_format=torch.channels_last), x.contiguous(memory_format=torch.channels_last)
    return module, x.contiguous()


def step(module: nn.Module, x: torch.Tensor, backward: bool) -> Callable[[], None]:
    """A callable that runs ``module`` on ``x`` once: forward in inference mode (eval), or forward
    and backward (train mode; parameter and input gradients computed, then dropped)."""
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
    return out * out * conv.out_channels * conv.in_channels // conv.groups * kh * kw


def _intensity(conv: nn.Conv2d, side: int, batch: int) -> float:
    out = (side + 2 * conv.padding[0] - conv.kernel_size[0]) // conv.stride[0] + 1
    floats = batch * (side * side * conv.in_channels + out * out * conv.out_channels) + conv.weight.numel()
    return batch * _conv_mult_adds(conv, side) / (4 * floats)


@dataclass(frozen=True)
class LayerResult:
    """One layer shape, one setting: median seconds of the separable block, the full block, and
    the bare depthwise, pointwise and full convolutions, with their Mult-Adds per image."""

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
        """Mult-Adds of the full block over the separable block, ``1 / (1/N + 1/D_K²)``."""
        return self.mult_adds["full conv"] / (self.mult_adds["depthwise"] + self.mult_adds["pointwise"])

    def gmacs(self, kind: str) -> float:
        """Achieved billions of Mult-Adds per second of ``kind`` ("depthwise", "pointwise", "full conv")."""
        factor = 3 if self.backward else 1  # backward: two products of the forward's size
        return factor * self.batch * self.mult_adds[kind] / self.seconds[kind] / 1e9


def time_layer(
    d_f: int, m: int, n: int, batch: int = 1, threads: int = 1, layout: str = "nchw", backward: bool = False, repeats: int = 11, warmup: int = 2
) -> LayerResult:
    """Time one Table-1 layer shape: separable block vs full block, and the three bare convolutions.

    Raises:
        ValueError: batch or threads below 1, or an unknown layout.
    """
    _check(batch, threads, layout)
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
    with use_threads(threads):
        candidates = {}
        for name, module in modules.items():
            module, x = _prepare(module, inputs[name], layout)
            if backward:
                x.requires_grad_(True)
            candidates[name] = step(module, x, backward)
        timings = time_interleaved(candidates, repeats=repeats, warmup=warmup)
    convs = {"depthwise": separable.depthwise, "pointwise": separable.pointwise, "full conv": full.conv}
    return LayerResult(
        d_f, m, n, batch, threads, layout, backward,
        seconds={name: t.median for name, t in timings.items()},
        mult_adds={name: _conv_mult_adds(conv, d_f) for name, conv in convs.items()},
        intensity={name: _intensity(conv, d_f, batch) for name, conv in convs.items()},
    )


@dataclass(frozen=True)
class NetworkResult:
    """MobileNetV1 against its full-convolution twin, one setting: median seconds and Mult-Adds."""

    resolution: int
    batch: int
    threads: int
    layout: str
    backward: bool
    separable_seconds: float
    full_seconds: float
    separable_mult_adds: int
    full_mult_adds: int

    @property
    def speedup(self) -> float:
        """Measured time of Conv MobileNet over MobileNet."""
        return self.full_seconds / self.separable_seconds

    @property
    def theory(self) -> float:
        """Mult-Adds of Conv MobileNet over MobileNet (Table 4 prints 4866 / 569)."""
        return self.full_mult_adds / self.separable_mult_adds

    @property
    def efficiency(self) -> float:
        """Measured speed-up as a fraction of the Mult-Add ratio."""
        return self.speedup / self.theory


def time_network(
    resolution: int = 224, batch: int = 1, threads: int = 1, layout: str = "nchw", backward: bool = False, repeats: int = 5, warmup: int = 1, width_mult: float = 1.0
) -> NetworkResult:
    """Time MobileNetV1 against Conv MobileNet (``variant="full"``) on ``batch`` random images.

    Raises:
        ValueError: batch or threads below 1, or an unknown layout.
    """
    _check(batch, threads, layout)
    torch.manual_seed(0)
    separable, full = MobileNetV1(width_mult), MobileNetV1(width_mult, variant="full")
    mult_adds = (count_mult_adds(separable, resolution), count_mult_adds(full, resolution))
    with use_threads(threads):
        candidates = {}
        for name, model in (("separable", separable), ("full", full)):
            model, x = _prepare(model, torch.randn(batch, 3, resolution, resolution), layout)
            candidates[name] = step(model, x, backward)
        timings = time_interleaved(candidates, repeats=repeats, warmup=warmup)
    return NetworkResult(
        resolution, batch, threads, layout, backward,
        timings["separable"].median, timings["full"].median, *mult_adds,
    )


@dataclass(frozen=True)
class Peaks:
    """The machine's measured ceilings: matrix-multiply GMAC/s and copy bandwidth in GB/s."""

    threads: int
    gmacs: float
    bandwidth_gbs: float

    @property
    def ridge(self) -> float:
        """Arithmetic intensity (Mult-Adds per byte) where the two ceilings meet."""
        return self.gmacs / self.bandwidth_gbs


def measure_peaks(threads: int = 1, size: int = 1024, megabytes: int = 64, repeats: int = 5) -> Peaks:
    """Measure the roofline's two ceilings: a ``size``³ float32 matrix product (Mult-Adds per
    second) and a copy of ``megabytes`` MB (bytes read + written per second)."""
    if threads < 1:
        raise ValueError(f"threads must be >= 1, got {threads}")
    a, b, c = torch.randn(size, size), torch.randn(size, size), torch.empty(size, size)
    n = megabytes * 2**20 // 4
    src, dst = torch.randn(n), torch.empty(n)
    with use_threads(threads):
        timings = time_interleaved(
            {"matmul": lambda: torch.mm(a, b, out=c), "copy": lambda: dst.copy_(src)}, repeats=repeats, warmup=1
        )
    return Peaks(threads, size**3 / timings["matmul"].median / 1e9, 2 * 4 * n / timings["copy"].median / 1e9)
