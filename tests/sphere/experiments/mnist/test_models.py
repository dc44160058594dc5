"""dlnotes.sphere.experiments.mnist.models: the paper's two models, their
sizes, their input scale and the spherical model's invariance."""

import pytest
import torch

from dlnotes.sphere.experiments.mnist import (
    PlanarCNN,
    SphericalCNN,
    build_model,
    parameter_count,
    project,
)


def test_parameter_counts_match_the_paper_models():
    assert parameter_count(PlanarCNN(30)) == 68_106  # paper: 68K
    assert parameter_count(SphericalCNN(30, 10, 6)) == 58_550  # paper: 58K


def test_models_map_signals_to_logits(images):
    torch.manual_seed(0)
    x = project(images(2), 10)
    assert PlanarCNN(10)(x).shape == (2, 10)
    assert SphericalCNN(10, 5, 3)(x).shape == (2, 10)


def test_spherical_cnn_input_scale_multiplies_the_signal(images, assert_close):
    x = project(images(2), 8)
    torch.manual_seed(0)
    scaled = SphericalCNN(8, 4, 2)
    torch.manual_seed(0)
    plain = SphericalCNN(8, 4, 2, input_scale=1)
    with torch.no_grad():
        torch.testing.assert_close(scaled.features(x), plain.features(255 * x))
        # zero biases at initialisation: the features are positively
        # homogeneous in the input
        assert_close(scaled.features(x), 255 * plain.features(x))
    with pytest.raises(ValueError, match="input_scale must be > 0"):
        SphericalCNN(8, 4, 2, input_scale=0)


def test_spherical_cnn_is_invariant_to_grid_rotations_about_the_pole(
    images, assert_close
):
    # A rotation about z by a whole step of the coarsest grid (b2 = 2: 4
    # longitudes, i.e. 4 steps of the input's 16) keeps every grid, so it
    # commutes exactly with every step, ReLU included.
    torch.manual_seed(1)
    model = SphericalCNN(8, 4, 2).double()
    x = project(images(2), 8).double()
    with torch.no_grad():
        assert_close(model(torch.roll(x, 4, dims=-1)), model(x))


def test_features_are_what_the_classifier_reads():
    import torch

    from dlnotes.sphere.experiments.mnist import SphericalCNN

    torch.manual_seed(0)
    model = SphericalCNN(6, 4, 3).double()
    x = torch.rand(3, 1, 12, 12, dtype=torch.float64)
    features = model.features(x)
    assert features.shape == (3, 40)
    assert torch.allclose(model(x), model.out(features))


def test_input_scale_reaches_the_spherical_model_only():
    assert (
        build_model("spherical", 10, 4, 2, input_scale=3.0).input_scale == 3.0
    )
    assert not hasattr(
        build_model("planar", 10, 4, 2, input_scale=3.0), "input_scale"
    )


def test_the_planar_model_needs_room_for_its_convolutions():
    with pytest.raises(ValueError, match="b must be >= 9"):
        PlanarCNN(8)
