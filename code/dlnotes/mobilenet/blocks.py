"""The two building blocks of MobileNetV1 (Howard et al., 2017, Figure 3).

A *full* 3×3 convolution with ``M`` input and ``N`` output channels costs
``D_K·D_K·M·N·D_F·D_F`` Mult-Adds (the paper's equation 2). A *depthwise
separable* convolution factorises it into

* a depthwise 3×3 convolution, one filter per input channel (``groups = M``),
  costing ``D_K·D_K·M·D_F·D_F`` (equation 3), and
* a pointwise 1×1 convolution that mixes the channels, costing ``M·N·D_F·D_F``,

each followed by batch normalisation and a ReLU (Figure 3, right). Their sum is
equation 4. Convolutions carry no bias: the BatchNorm that follows has its own
shift β.
"""

from __future__ import annotations

import torch
from torch import nn

from dlnotes._checks import check_int, is_int


def _check_block(
    in_channels: object, out_channels: object, stride: object
) -> tuple[int, int, int]:
    """``(M, N, stride)`` of a block, checked: channel counts are ints >= 1,
    the stride is 1 or 2."""
    m = check_int(in_channels, "in_channels", 1)
    n = check_int(out_channels, "out_channels", 1)
    if not is_int(stride) or stride not in (1, 2):
        raise ValueError(f"stride must be 1 or 2, got {stride!r}")
    return m, n, stride


def _conv3x3(m: int, n: int, stride: int, groups: int = 1) -> nn.Conv2d:
    """A 3×3 convolution with padding 1 and no bias (a BatchNorm follows)."""
    return nn.Conv2d(
        m,
        n,
        kernel_size=3,
        stride=stride,
        padding=1,
        groups=groups,
        bias=False,
    )


class DepthwiseSeparableConv(nn.Module):
    """Depthwise 3×3 → BN → ReLU → pointwise 1×1 → BN → ReLU (the paper's
    Figure 3, right).

    Args:
        in_channels: ``M``, the channels of the input.
        out_channels: ``N``, the channels of the output.
        stride: 1 or 2, applied by the depthwise convolution (as in the paper's
            Table 1).

    Raises:
        TypeError: a channel count is not an int.
        ValueError: a channel count is below 1, or the stride is not 1 or 2.
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1
    ) -> None:
        super().__init__()
        m, n, s = _check_block(in_channels, out_channels, stride)
        self.depthwise = _conv3x3(m, m, s, groups=m)
        self.depthwise_bn = nn.BatchNorm2d(m)
        self.depthwise_relu = nn.ReLU(inplace=True)
        self.pointwise = nn.Conv2d(m, n, kernel_size=1, bias=False)
        self.pointwise_bn = nn.BatchNorm2d(n)
        self.pointwise_relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[B, M, H, W]`` → ``[B, N, H / stride, W / stride]`` (sizes rounded
        up)."""
        x = self.depthwise_relu(self.depthwise_bn(self.depthwise(x)))
        return self.pointwise_relu(self.pointwise_bn(self.pointwise(x)))


class ConvBNReLU(nn.Module):
    """Full 3×3 convolution → BN → ReLU (the paper's Figure 3, left).

    MobileNetV1's first layer is one; the "Conv MobileNet" of Table 4 replaces
    every :class:`DepthwiseSeparableConv` by one with the same channels and
    stride.

    Arguments and errors as :class:`DepthwiseSeparableConv`'s (the stride is
    applied by the one convolution).
    """

    def __init__(
        self, in_channels: int, out_channels: int, stride: int = 1
    ) -> None:
        super().__init__()
        m, n, s = _check_block(in_channels, out_channels, stride)
        self.conv = _conv3x3(m, n, s)
        self.bn = nn.BatchNorm2d(n)
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``[B, M, H, W]`` → ``[B, N, H / stride, W / stride]`` (sizes rounded
        up)."""
        return self.relu(self.bn(self.conv(x)))
