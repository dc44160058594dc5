"""dlnotes.sphere.experiments.mnist: projection, exact rotations, the two
models and the experiment's bookkeeping."""

import math

import numpy as np
import pytest
import torch

from dlnotes.data import Dataset, Split
from dlnotes.sphere.experiments.mnist import (
    PlanarCNN,
    SphericalCNN,
    balanced_subset,
    build_model,
    mnist_experiment,
    parameter_count,
    project,
    project_to_healpix,
    spherical_mnist,
)
from dlnotes.sphere.grid import s2_grid


def images(n: int = 3, seed: int = 0) -> torch.Tensor:
    return torch.rand(
        n, 1, 28, 28, generator=torch.Generator().manual_seed(seed)
    )


def angles(
    alpha: float, beta: float, gamma: float, n: int = 3
) -> tuple[torch.Tensor, ...]:
    return tuple(
        torch.full((n,), v, dtype=torch.float64) for v in (alpha, beta, gamma)
    )


def test_projection_lies_on_the_northern_hemisphere_and_centres_the_image():
    b = 10
    x = project(images(), b)
    assert x.shape == (3, 1, 20, 20) and x.dtype == torch.float32
    beta, _ = s2_grid(b, dtype=torch.float64)
    assert x[..., beta > math.pi / 2, :].abs().max() == 0
    # the image fills the polar cap
    assert x[..., beta < math.pi / 4, :].abs().min() > 0
    # A single bright pixel at the image centre lights the rings nearest the
    # pole.
    dot = torch.zeros(1, 1, 28, 28)
    dot[..., 13:15, 13:15] = 1
    y = project(dot, 16)[0, 0]
    assert y[0].min() > 0.5 and y[8:].abs().max() == 0


def test_rotation_about_the_pole_by_a_grid_step_is_a_shift_in_alpha():
    b = 8
    x = project(images(), b)
    shift = 3
    rotated = project(
        images(), b, angles(2 * math.pi * shift / (2 * b), 0.0, 0.0)
    )
    torch.testing.assert_close(
        rotated, torch.roll(x, shift, dims=-1), rtol=0, atol=1e-6
    )


def test_half_turn_about_y_maps_the_north_cap_to_the_south():
    # R_y(π) sends (β, α) to (π − β, π − α): the rotated signal is the original
    # read backwards in β.
    b = 8
    x = project(images(), b)
    rotated = project(images(), b, angles(0.0, math.pi, 0.0))
    k = torch.arange(2 * b)
    expected = x.flip(-2)[..., (b - k) % (2 * b)]
    torch.testing.assert_close(rotated, expected, rtol=0, atol=1e-5)


def test_rotation_is_per_digit():
    b = 6
    first = project(
        images(2),
        b,
        (
            torch.tensor([0.0, 1.0], dtype=torch.float64),
            torch.tensor([0.0, 2.0], dtype=torch.float64),
            torch.zeros(2, dtype=torch.float64),
        ),
    )
    torch.testing.assert_close(
        first[:1], project(images(2)[:1], b), rtol=0, atol=1e-6
    )
    assert not torch.allclose(first[1:], project(images(2)[1:], b))


def test_spherical_mnist_has_four_sets_with_independent_rotations():
    split = Split(
        Dataset(images(4), torch.arange(4)),
        Dataset(images(2, seed=1), torch.arange(2)),
    )
    data = spherical_mnist(split, 6, seed=0)
    assert data.train_nr.images.shape == (
        4,
        1,
        12,
        12,
    ) and data.test_r.images.shape == (2, 1, 12, 12)
    torch.testing.assert_close(data.train_nr.labels, data.train_r.labels)
    assert not torch.allclose(data.train_nr.images, data.train_r.images)
    again = spherical_mnist(split, 6, seed=0)
    torch.testing.assert_close(again.train_r.images, data.train_r.images)


def test_balanced_subset_takes_the_classes_in_turn():
    labels = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    data = Dataset(torch.arange(9.0).reshape(9, 1, 1, 1), labels)
    subset = balanced_subset(data, 5)
    assert subset.labels.tolist() == [0, 1, 2, 0, 1]
    assert subset.images.flatten().tolist() == [0, 3, 6, 1, 4]
    with pytest.raises(ValueError, match="count must lie in 1..9"):
        balanced_subset(data, 10)


def test_parameter_counts_match_the_paper_models():
    assert parameter_count(PlanarCNN(30)) == 68_106  # paper: 68K
    assert parameter_count(SphericalCNN(30, 10, 6)) == 58_550  # paper: 58K


def test_models_map_signals_to_logits():
    torch.manual_seed(0)
    x = project(images(2), 10)
    assert PlanarCNN(10)(x).shape == (2, 10)
    assert SphericalCNN(10, 5, 3)(x).shape == (2, 10)


def test_spherical_cnn_input_scale_multiplies_the_signal():
    x = project(images(2), 8)
    torch.manual_seed(0)
    scaled = SphericalCNN(8, 4, 2)
    torch.manual_seed(0)
    plain = SphericalCNN(8, 4, 2, input_scale=1)
    with torch.no_grad():
        torch.testing.assert_close(scaled.features(x), plain.features(255 * x))
        # zero biases at initialisation: the features are positively
        # homogeneous in the input
        torch.testing.assert_close(
            scaled.features(x), 255 * plain.features(x), rtol=1e-4, atol=1e-5
        )
    with pytest.raises(ValueError, match="input_scale must be > 0"):
        SphericalCNN(8, 4, 2, input_scale=0)


def test_spherical_cnn_is_invariant_to_grid_rotations_about_the_pole():
    # A rotation about z by a whole step of the coarsest grid (b2 = 2: 4
    # longitudes, i.e. 4 steps of the input's 16) keeps every grid, so it
    # commutes exactly with every step, ReLU included.
    torch.manual_seed(1)
    model = SphericalCNN(8, 4, 2).double()
    x = project(images(2), 8).double()
    with torch.no_grad():
        torch.testing.assert_close(
            model(torch.roll(x, 4, dims=-1)), model(x), rtol=0, atol=1e-12
        )


def test_bad_input():
    with pytest.raises(
        ValueError, match=r"images must have shape \[N, 1, H, W\]"
    ):
        project(torch.zeros(2, 28, 28), 4)
    with pytest.raises(
        ValueError, match="rotations must be three tensors of shape"
    ):
        project(images(3), 4, angles(0.0, 0.0, 0.0, n=2))
    with pytest.raises(ValueError, match="b must be >= 9"):
        PlanarCNN(8)
    with pytest.raises(
        ValueError, match="models must be distinct names drawn from"
    ):
        mnist_experiment(models=("resnet",))
    with pytest.raises(
        ValueError, match="train_on must be a non-empty selection"
    ):
        mnist_experiment(train_on=("rotated",))


def test_experiment_bookkeeping_on_a_tiny_run():
    result = mnist_experiment(
        b=10,
        b1=4,
        b2=2,
        epochs=1,
        seeds=(0, 1),
        n_train=40,
        n_test=20,
        models=("planar", "spherical"),
    )
    table = result.table()
    assert list(table["condition"]) == ["NR/NR", "R/R", "NR/R"] * 2
    assert table["paper"].tolist() == [0.98, 0.23, 0.11, 0.96, 0.95, 0.94]
    assert np.all((table["ours (mean)"] >= 0) & (table["ours (mean)"] <= 1))
    assert len(result.runs) == 2 * 2 * 2
    assert result.confusion("spherical", "NR/R").sum() == 2 * 20
    assert result.accuracies("planar", "R/R").shape == (2,)
    assert result.parameters["planar"] == parameter_count(PlanarCNN(10))
    assert result.seconds_per_epoch("spherical") > 0


def test_training_on_one_condition_reports_its_columns_and_every_epoch():
    seen = []
    result = mnist_experiment(
        b=10,
        b1=4,
        b2=2,
        epochs=2,
        seeds=(0,),
        n_train=20,
        n_test=10,
        models=("spherical",),
        train_on=("NR",),
        on_epoch=lambda model, train_on, seed, stats: seen.append(
            (model, train_on, seed, stats.epoch)
        ),
    )
    assert list(result.table()["condition"]) == ["NR/NR", "NR/R"]
    assert seen == [("spherical", "NR", 0, 1), ("spherical", "NR", 0, 2)]
    assert result.settings.input_scale == 255.0


def test_input_scale_reaches_the_spherical_model_only():
    assert (
        build_model("spherical", 10, 4, 2, input_scale=3.0).input_scale == 3.0
    )
    assert not hasattr(
        build_model("planar", 10, 4, 2, input_scale=3.0), "input_scale"
    )


def test_sympy_stereographic_radius_is_tan_half_beta():
    import sympy as sp

    b, a = sp.symbols("beta alpha", positive=True)
    x1, x2, x3 = sp.sin(b) * sp.cos(a), sp.sin(b) * sp.sin(a), sp.cos(b)
    r2 = (x1 / (1 + x3)) ** 2 + (x2 / (1 + x3)) ** 2
    assert sp.simplify((r2 - sp.tan(b / 2) ** 2).rewrite(sp.tan)) == 0
    assert sp.simplify(r2.subs(b, sp.pi / 2)) == 1


def test_healpix_view_is_the_same_function():
    import healpy as hp

    nside = 8
    maps = project_to_healpix(images(2), nside)
    assert maps.shape == (2, hp.nside2npix(nside))
    z = hp.pix2vec(nside, np.arange(hp.nside2npix(nside)))[2]
    assert np.abs(maps[:, z < 0]).max() == 0 and maps[:, z > 0.9].min() > 0
    flipped = project_to_healpix(
        images(2), nside, angles(0.0, math.pi, 0.0, n=2)
    )
    assert np.abs(flipped[:, z > 0]).max() == 0


def test_features_are_what_the_classifier_reads():
    import torch

    from dlnotes.sphere.experiments.mnist import SphericalCNN

    torch.manual_seed(0)
    model = SphericalCNN(6, 4, 3).double()
    x = torch.rand(3, 1, 12, 12, dtype=torch.float64)
    features = model.features(x)
    assert features.shape == (3, 40)
    assert torch.allclose(model(x), model.out(features))


def test_feature_diagnosis_is_bounded_and_repeatable():
    from dlnotes.sphere.experiments.mnist import diagnose_invariant_features

    first = diagnose_invariant_features(
        6, 4, 3, n_train=100, n_test=50, seed=0
    )
    assert 0 < first.first_component_share <= 1
    assert 0 <= first.mass_correlation <= 1
    assert 0 <= first.frozen_accuracy <= 1
    assert (
        diagnose_invariant_features(6, 4, 3, n_train=100, n_test=50, seed=0)
        == first
    )
