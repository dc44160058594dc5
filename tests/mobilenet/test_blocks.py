"""dlnotes.mobilenet.blocks: Figure 3's two blocks, their shapes, structure and
bad input."""

import pytest
import torch
from torch import nn

from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv


def test_separable_block_is_figure_3():
    block = DepthwiseSeparableConv(8, 16, stride=2)
    kinds = [type(m) for m in block.children()]
    assert kinds == [
        nn.Conv2d,
        nn.BatchNorm2d,
        nn.ReLU,
        nn.Conv2d,
        nn.BatchNorm2d,
        nn.ReLU,
    ]
    assert (
        block.depthwise.groups == 8
        and block.depthwise.kernel_size == (3, 3)
        and block.depthwise.stride == (2, 2)
    )
    assert (
        block.pointwise.kernel_size == (1, 1) and block.pointwise.bias is None
    )
    assert block(torch.randn(2, 8, 9, 9)).shape == (2, 16, 5, 5)


def test_separable_block_equals_its_two_convolutions():
    torch.manual_seed(0)
    block = DepthwiseSeparableConv(4, 6).eval()
    x = torch.randn(1, 4, 7, 7)
    y = nn.functional.conv2d(x, block.depthwise.weight, padding=1, groups=4)
    y = torch.relu(block.depthwise_bn(y))
    y = torch.relu(
        block.pointwise_bn(nn.functional.conv2d(y, block.pointwise.weight))
    )
    torch.testing.assert_close(block(x), y)


def test_full_block_shape():
    assert ConvBNReLU(3, 5, stride=2)(torch.randn(1, 3, 8, 8)).shape == (
        1,
        5,
        4,
        4,
    )


@pytest.mark.parametrize("block", [DepthwiseSeparableConv, ConvBNReLU])
def test_bad_arguments(block):
    with pytest.raises(ValueError, match="in_channels"):
        block(0, 4)
    with pytest.raises(TypeError, match="out_channels"):
        block(4, 2.0)
    with pytest.raises(ValueError, match="stride"):
        block(4, 4, stride=3)
