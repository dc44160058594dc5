"""MobileNetV1 (Howard et al., 2017, Table 1), its variants, and a compact
28×28 sibling.

The body is a list of :class:`BlockSpec` (output channels, stride, whether the
block is one of the repeated ones that the "shallow" variant removes).
:class:`MobileNet` builds any such list; :class:`MobileNetV1` is the paper's
Table 1 and :class:`MobileNetDigits` the compact variant for 28×28 digits that
the trained trade-offs use.

Knobs (Section 3.3–3.4 of the paper):

* width multiplier α (``width_mult``): every layer's channels ``c`` become
  ``round(α·c)`` (at least 1); the classifier's input shrinks with them;
* a floor on the channels (``min_channels``, default 1): no layer gets fewer,
  whatever α — the ``min_depth`` of TF-slim's reference ``mobilenet_v1``, which
  keeps small multipliers from starving the first layers;
* resolution multiplier ρ: not a constructor argument — feed a smaller image.
  The global average pool (``AdaptiveAvgPool2d(1)``, the paper's 7×7 average
  pool at 224) accepts any size.

Variants (``variant``):

* ``"separable"`` — the paper's MobileNet;
* ``"full"`` — every depthwise separable block replaced by a full 3×3
  convolution with the same channels and stride ("Conv MobileNet", Table 4);
* ``"shallow"`` — the five repeated 14×14×512 blocks removed ("Shallow
  MobileNet", Table 5).

**Table 1's misprint.** The paper prints the last depthwise layer as ``Conv dw
/ s2`` with input 7×7×1024; but its own input-size column stays at 7×7 for the
next layer, and the 7×7 average pool needs a 7×7 map. A stride of 2 there would
give 4×4. We use stride 1 (as every public implementation does);
:data:`TABLE_1_PRINTED_LAST_STRIDE` records what is printed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from dlnotes._checks import check_int, is_real
from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv

VARIANTS = ("separable", "full", "shallow")


@dataclass(frozen=True)
class BlockSpec:
    """One block of the body: its output channels (at α = 1), its stride, and
    whether the ``"shallow"`` variant removes it."""

    out_channels: int
    stride: int = 1
    removable: bool = False


@dataclass(frozen=True)
class Architecture:
    """A MobileNet body: a full 3×3 first layer (channels, stride) and a list
    of blocks."""

    name: str
    stem_channels: int
    stem_stride: int
    blocks: tuple[BlockSpec, ...]

    @property
    def total_stride(self) -> int:
        """The product of all strides (the input side must be at least
        this)."""
        return self.stem_stride * math.prod(
            block.stride for block in self.blocks
        )


def _table_1_pattern(
    name: str, stem_channels: int, widths: tuple[int, ...]
) -> Architecture:
    """A body with Table 1's pattern: a full stride-2 first layer, a stride-1
    block of ``widths[0]`` channels, then for each further width a stride-2
    block and a stride-1 one; the stride-1 block of the last width but one is
    repeated five times, and those five are the removable ones."""
    blocks = [BlockSpec(widths[0], 1)]
    for i, width in enumerate(widths[1:], start=1):
        repeated = i == len(widths) - 2
        blocks.append(BlockSpec(width, 2))
        blocks += [BlockSpec(width, 1, repeated)] * (5 if repeated else 1)
    return Architecture(name, stem_channels, 2, tuple(blocks))


# Table 1 prints the stride of the last block as 2: a misprint (see the module
# docstring)
TABLE_1 = _table_1_pattern(
    "MobileNetV1 (Table 1)", 32, (64, 128, 256, 512, 1024)
)
"""The paper's Table 1, mapping 224×224×3 to 7×7×1024 (total stride 32)."""

TABLE_1_PRINTED_LAST_STRIDE = 2
"""The stride Table 1 prints for the last depthwise layer (we use 1)."""

DIGITS = _table_1_pattern("MobileNet for 28×28 digits", 8, (16, 32, 64, 128))
"""The compact variant for digits, with Table 1's pattern (a full first layer,
11 blocks instead of 13, five repeated blocks), a quarter of the channels and
one stride-2 stage fewer, mapping 28×28×1 to 2×2×128 (total stride 16)."""


def scale_channels(
    channels: int, width_mult: float, min_channels: int = 1
) -> int:
    """``round(α·c)``, at least ``min_channels``: the channels of a layer under
    the width multiplier α."""
    return max(min_channels, int(round(channels * width_mult)))


def _check_width_mult(width_mult: object) -> float:
    if not is_real(width_mult):
        raise TypeError(
            "width_mult must be a real number, got"
            f" {type(width_mult).__name__}"
        )
    if not (width_mult > 0 and math.isfinite(width_mult)):
        raise ValueError(
            f"width_mult (alpha) must be a finite number > 0, got {width_mult}"
        )
    return float(width_mult)


class MobileNet(nn.Module):
    """A MobileNet built from an :class:`Architecture`: first layer, body,
    global average pool, FC.

    Args:
        architecture: the body (e.g. :data:`TABLE_1` or :data:`DIGITS`).
        width_mult: the width multiplier α > 0.
        num_classes: outputs of the final fully connected layer (logits; no
            softmax).
        in_channels: channels of the input image.
        variant: ``"separable"``, ``"full"`` or ``"shallow"`` (see the module
            docstring).
        min_channels: no layer gets fewer channels than this (default 1).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: α ≤ 0, a count below 1, or an unknown variant.
    """

    def __init__(
        self,
        architecture: Architecture,
        width_mult: float = 1.0,
        num_classes: int = 1000,
        in_channels: int = 3,
        variant: str = "separable",
        min_channels: int = 1,
    ) -> None:
        super().__init__()
        if variant not in VARIANTS:
            raise ValueError(
                f"variant must be one of {VARIANTS}, got {variant!r}"
            )
        self.architecture = architecture
        self.width_mult = _check_width_mult(width_mult)
        self.num_classes = check_int(num_classes, "num_classes", 1)
        self.in_channels = check_int(in_channels, "in_channels", 1)
        self.variant = variant
        self.min_channels = check_int(min_channels, "min_channels", 1)
        channels = scale_channels(
            architecture.stem_channels, self.width_mult, self.min_channels
        )
        layers: list[nn.Module] = [
            ConvBNReLU(self.in_channels, channels, architecture.stem_stride)
        ]
        block = ConvBNReLU if variant == "full" else DepthwiseSeparableConv
        for spec in architecture.blocks:
            if variant == "shallow" and spec.removable:
                continue
            out = scale_channels(
                spec.out_channels, self.width_mult, self.min_channels
            )
            layers.append(block(channels, out, spec.stride))
            channels = out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(channels, self.num_classes)

    @property
    def total_stride(self) -> int:
        """The product of all strides; inputs must be at least this many pixels
        on each side."""
        return self.architecture.total_stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, num_classes]`` of images ``[B, in_channels, H, W]``.

        Raises:
            ValueError: ``x`` is not 4-d with ``in_channels`` channels, or a
                side of the image is smaller than the total stride.
        """
        if x.ndim != 4 or x.shape[1] != self.in_channels:
            raise ValueError(
                f"x must have shape [batch, {self.in_channels}, H, W], got"
                f" {list(x.shape)}"
            )
        if min(x.shape[-2:]) < self.total_stride:
            raise ValueError(
                f"input of {x.shape[-2]}×{x.shape[-1]} pixels is smaller than"
                f" the network's total stride {self.total_stride}; each side"
                f" must be >= {self.total_stride}"
            )
        x = self.pool(self.features(x))
        return self.classifier(torch.flatten(x, 1))


class MobileNetV1(MobileNet):
    """MobileNetV1 of the paper's Table 1 (224×224 inputs at ρ = 1; stride 32).

    Args:
        width_mult: the width multiplier α > 0 (Table 6: 1, 0.75, 0.5, 0.25).
        num_classes: 1000 for ImageNet.
        in_channels: 3 for RGB.
        variant: ``"separable"`` (MobileNet), ``"full"`` (Conv MobileNet, Table
            4) or ``"shallow"`` (Shallow MobileNet, Table 5).
    """

    def __init__(
        self,
        width_mult: float = 1.0,
        num_classes: int = 1000,
        in_channels: int = 3,
        variant: str = "separable",
    ) -> None:
        super().__init__(
            TABLE_1, width_mult, num_classes, in_channels, variant
        )


class MobileNetDigits(MobileNet):
    """The compact variant for 28×28 digits (:data:`DIGITS`; stride 16), same
    blocks and knobs.

    Args:
        width_mult: the width multiplier α > 0.
        num_classes: 10 digits.
        in_channels: 1 (grey).
        variant: ``"separable"``, ``"full"`` or ``"shallow"``.
        min_channels: no layer gets fewer channels than this (default 1).
    """

    def __init__(
        self,
        width_mult: float = 1.0,
        num_classes: int = 10,
        in_channels: int = 1,
        variant: str = "separable",
        min_channels: int = 1,
    ) -> None:
        super().__init__(
            DIGITS, width_mult, num_classes, in_channels, variant, min_channels
        )
