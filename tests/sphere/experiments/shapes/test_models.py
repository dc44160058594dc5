"""Tests of the shape classifiers and the invariant power-spectrum
features."""

import numpy as np
import pytest
import torch

from dlnotes.sphere.experiments.shapes.dataset import load_shapes
from dlnotes.sphere.experiments.shapes.models import (
    SHAPE_BANDWIDTHS,
    build_model,
    power_spectrum,
)
from dlnotes.sphere.rotation import s2_rotate


@pytest.mark.parametrize("name", ["planar", "spherical"])
def test_models_map_six_channels_to_ten_logits(name):
    torch.manual_seed(0)
    model = build_model(name).eval()
    b = SHAPE_BANDWIDTHS[0]
    assert model(torch.randn(3, 6, 2 * b, 2 * b)).shape == (3, 10)
    # small enough to ship
    assert sum(p.numel() for p in model.parameters()) * 4 < 1_000_000


def test_spherical_model_is_invariant_to_grid_rotations():
    """An exact rotation of a band-limited input (s2_rotate) changes the
    logits only by the sampling error of the inner layers."""
    torch.manual_seed(0)
    model = build_model("spherical").double().eval()
    x = torch.randn(2, 6, 16, 16, dtype=torch.float64)
    x = s2_rotate(x, 0.0, 0.0, 0.0)  # band-limit it first
    turned = s2_rotate(x, 0.7, 1.1, -0.4)
    logits, turned_logits = model(x), model(turned)
    spread = (logits[0] - logits[1]).abs().max()
    assert (logits - turned_logits).abs().max() < 0.1 * spread


def test_unknown_model_and_bandwidth_are_refused():
    with pytest.raises(ValueError, match="model must be"):
        build_model("spherical-xl")
    with pytest.raises(ValueError, match="reads b="):
        build_model("spherical", b=16)
    with pytest.raises(ValueError, match="even"):
        build_model("planar", b=7)


def test_power_spectrum_is_exactly_invariant_for_band_limited_signals():
    x = s2_rotate(torch.randn(2, 3, 16, 16, dtype=torch.float64), 0, 0, 0)
    turned = s2_rotate(x, 0.3, 2.0, 1.0)
    np.testing.assert_allclose(
        power_spectrum(turned.numpy()), power_spectrum(x.numpy()), rtol=1e-9
    )


def test_power_spectra_of_canonical_and_rotated_objects_nearly_agree():
    shapes = load_shapes()
    canonical = power_spectrum(shapes.canonical[:20])
    rotated = power_spectrum(shapes.rotated[:20])
    relative = np.abs(rotated - canonical).sum(1) / canonical.sum(1)
    assert np.median(relative) < 0.1
