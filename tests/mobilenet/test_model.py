"""dlnotes.mobilenet.model: Table 1's shapes, the variants, α, ρ and bad
input."""

import pytest
import torch

from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv
from dlnotes.mobilenet.counting import layer_table
from dlnotes.mobilenet.model import (
    DIGITS,
    TABLE_1,
    MobileNetDigits,
    MobileNetV1,
    scale_channels,
)


def test_table_1_output_shapes_at_224():
    with torch.device("meta"):
        rows = layer_table(MobileNetV1(), 224)
    convs = [r for r in rows if r.kind.startswith("conv")]
    # the first conv, 13 dw, 13 pw; + FC = 28 layers (Section 3.2)
    assert len(convs) == 27
    assert convs[0].output_shape == (32, 112, 112)
    # stride 1 in the last dw (Table 1 prints s2)
    assert convs[-1].output_shape == (1024, 7, 7)
    assert rows[-1].output_shape == (1000,)
    assert TABLE_1.total_stride == 32


def test_variants():
    with torch.device("meta"):
        full = MobileNetV1(variant="full")
        shallow = MobileNetV1(variant="shallow")
    assert not any(
        isinstance(m, DepthwiseSeparableConv) for m in full.modules()
    )
    assert sum(isinstance(m, ConvBNReLU) for m in full.modules()) == 14
    assert (
        sum(isinstance(m, DepthwiseSeparableConv) for m in shallow.modules())
        == 8
    )


def test_width_multiplier_scales_every_layer():
    with torch.device("meta"):
        model = MobileNetV1(width_mult=0.25)
    assert model.features[0].conv.out_channels == 8
    assert model.classifier.in_features == 256
    assert scale_channels(3, 0.1) == 1


def test_digits_variant_forward_and_resolution():
    model = MobileNetDigits()
    assert model(torch.rand(3, 1, 28, 28)).shape == (3, 10)
    assert model(torch.rand(2, 1, 16, 16)).shape == (2, 10)  # ρ = 4/7
    assert DIGITS.total_stride == 16


@pytest.mark.parametrize("alpha", [0, -0.5, float("nan"), float("inf")])
def test_bad_width_mult(alpha):
    with pytest.raises(ValueError, match="width_mult"):
        MobileNetDigits(width_mult=alpha)


def test_bad_arguments():
    with pytest.raises(TypeError, match="width_mult"):
        MobileNetDigits(width_mult="1")
    with pytest.raises(ValueError, match="variant"):
        MobileNetDigits(variant="wide")
    with pytest.raises(ValueError, match="num_classes"):
        MobileNetDigits(num_classes=0)
    with pytest.raises(TypeError, match="in_channels"):
        MobileNetV1(in_channels=3.0)


def test_input_smaller_than_stride_or_wrong_channels():
    model = MobileNetDigits()
    with pytest.raises(
        ValueError, match="smaller than the network's total stride 16"
    ):
        model(torch.rand(1, 1, 15, 28))
    with pytest.raises(ValueError, match=r"shape \[batch, 1, H, W\]"):
        model(torch.rand(1, 3, 28, 28))


def test_min_channels_floors_every_layer_like_slims_min_depth():
    with torch.device("meta"):
        plain = MobileNetDigits(0.5)
        floored = MobileNetDigits(0.5, min_channels=16)
    widths = [
        m.out_channels
        for m in floored.modules()
        if isinstance(m, torch.nn.Conv2d)
    ]
    assert min(widths) == 16 and plain.features[0].conv.out_channels == 4
    # layers already wider than the floor keep round(α·c)
    assert floored.classifier.in_features == 64
    assert scale_channels(8, 1.0, 16) == 16 and scale_channels(32, 1, 16) == 32
    with pytest.raises(ValueError, match="min_channels must be >= 1"):
        MobileNetDigits(min_channels=0)
