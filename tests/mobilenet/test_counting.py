"""dlnotes.mobilenet.counting: exact counts, conventions, and the cross-check
with FlopCounterMode."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from dlnotes.mobilenet.counting import (
    by_kind,
    count_mult_adds,
    count_params,
    layer_table,
)
from dlnotes.mobilenet.model import MobileNetDigits, MobileNetV1
from dlnotes.mobilenet.vgg import VGG16


def flop_counter_mult_adds(model: nn.Module, shape: tuple[int, ...]) -> int:
    device = next(model.parameters()).device
    counter = FlopCounterMode(display=False)
    model.eval()
    with counter, torch.no_grad():
        model(torch.zeros(1, *shape, device=device))
    total = counter.get_total_flops()
    assert total % 2 == 0
    return total // 2  # FLOPs = 2 × Mult-Adds


def test_mobilenet_224_exact_counts():
    with torch.device("meta"):
        model = MobileNetV1()
    assert count_mult_adds(model, 224) == 568_740_352
    assert count_params(model) == 4_209_088
    assert count_params(model, "weights_and_biases") == 4_210_088
    assert count_params(model, "trainable") == 4_231_976  # + BN γ, β
    assert count_params(model, "state") == 4_253_864  # + BN running mean, var


def test_counts_by_hand_for_one_separable_layer():
    # Table 3's layer: D_K = 3, M = N = 512, D_F = 14.
    from dlnotes.mobilenet.blocks import DepthwiseSeparableConv

    layer = DepthwiseSeparableConv(512, 512)
    assert (
        count_mult_adds(layer, (512, 14, 14))
        == 3 * 3 * 512 * 14 * 14 + 512 * 512 * 14 * 14
    )
    assert count_params(layer) == 3 * 3 * 512 + 512 * 512


@pytest.mark.parametrize(
    "make, size",
    [
        (lambda: MobileNetV1(), 224),
        (lambda: MobileNetV1(0.5, variant="full"), 160),
        (lambda: MobileNetV1(0.75, variant="shallow"), 192),
        (lambda: VGG16(), 224),
    ],
)
def test_agrees_with_flop_counter_mode(make, size):
    with torch.device("meta"):
        model = make()
    assert count_mult_adds(model, size) == flop_counter_mult_adds(
        model, (3, size, size)
    )


@settings(max_examples=12, deadline=None)
@given(
    alpha=st.sampled_from([0.25, 0.4, 0.5, 1.0, 1.3]),
    side=st.integers(16, 40),
    variant=st.sampled_from(["separable", "full", "shallow"]),
)
def test_agrees_with_flop_counter_mode_on_digits_models(alpha, side, variant):
    model = MobileNetDigits(alpha, variant=variant)
    assert count_mult_adds(model, side) == flop_counter_mult_adds(
        model, (1, side, side)
    )


def test_layer_table_groups_like_table_2():
    with torch.device("meta"):
        kinds = by_kind(layer_table(MobileNetV1(), 224))
    assert set(kinds) == {"conv 3×3", "conv dw 3×3", "conv 1×1", "fc"}
    assert kinds["fc"] == (1024 * 1000, 1024 * 1000)
    assert kinds["conv 3×3"] == (112 * 112 * 32 * 27, 864)


def test_counting_restores_training_mode():
    model = MobileNetDigits().train()
    count_mult_adds(model, 28)
    assert model.training


def test_bad_input():
    model = MobileNetDigits()
    with pytest.raises(ValueError, match="convention"):
        count_params(model, "all")
    with pytest.raises(TypeError, match="model"):
        count_params("MobileNet")
    with pytest.raises(ValueError, match="input_size"):
        count_mult_adds(model, (1, 0, 28))
    with pytest.raises(TypeError, match="input_size"):
        count_mult_adds(model, 28.0)
    with pytest.raises(ValueError, match="total stride"):
        count_mult_adds(model, 8)


def _tied_model() -> nn.Module:
    """Two Linear layers sharing one weight (tied weights), and two Conv2d
    sharing one kernel."""
    conv_a, conv_b = (
        nn.Conv2d(3, 3, 3, padding=1),
        nn.Conv2d(3, 3, 3, padding=1),
    )
    conv_b.weight = conv_a.weight
    fc_a, fc_b = nn.Linear(12, 12), nn.Linear(12, 12)
    fc_b.weight = fc_a.weight
    return nn.Sequential(
        conv_a,
        conv_b,
        nn.Flatten(),
        nn.Linear(3 * 2 * 2, 12),
        fc_a,
        nn.ReLU(),
        fc_b,
    )


def test_shared_weights_count_once_as_in_torch():
    model = _tied_model()
    # torch deduplicates
    assert count_params(model, "trainable") == sum(
        p.numel() for p in model.parameters()
    )
    assert (
        count_params(model, "trainable")
        == 3 * 3 * 3 * 3 + 2 * 3 + 12 * 12 + 12 + 12 * 12 + 2 * 12
    )
    assert count_params(model, "weights") == 3 * 3 * 3 * 3 + 2 * 12 * 12
    assert (
        count_params(model, "weights_and_biases")
        == 3 * 3 * 3 * 3 + 2 * 3 + 2 * 12 * 12 + 3 * 12
    )
    for convention in ("weights", "trainable", "state"):
        rows = layer_table(model, (3, 2, 2), convention)
        assert sum(row.params for row in rows) == count_params(
            model, convention
        )
        assert [row.params for row in rows if row.name == "6"] == [
            12 if convention != "weights" else 0
        ]
