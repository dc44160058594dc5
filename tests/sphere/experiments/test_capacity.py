"""dlnotes.sphere.experiments.capacity: the memorisation probe."""

import pytest

from dlnotes.sphere.experiments.capacity import memorisation_probe
from dlnotes.train import Recipe


def test_probe_reports_each_model_on_its_own_training_digits():
    table = memorisation_probe(
        b=9,
        b1=4,
        b2=3,
        n_train=20,
        n_test=20,
        recipe=Recipe(epochs=2, lr=5e-3, batch_size=8),
    )
    assert list(table["model"]) == ["planar", "spherical"]
    assert list(table.columns) == [
        "model",
        "training digits",
        "steps",
        "train accuracy",
        "test accuracy",
    ]
    assert (table["steps"] == 2 * 3).all()
    assert (
        table["train accuracy"].between(0, 1).all()
        and table["test accuracy"].between(0, 1).all()
    )


def test_planar_cnn_memorises_a_few_rotated_digits():
    """The probe can reach 1: the planar CNN fits 30 rotated digits it has seen
    many times."""
    table = memorisation_probe(
        b=9,
        n_train=30,
        n_test=10,
        recipe=Recipe(epochs=40, lr=5e-3, batch_size=16),
        models=("planar",),
    )
    assert table["train accuracy"].item() == 1.0


def test_probe_rejects_bad_arguments():
    with pytest.raises(ValueError, match="models"):
        memorisation_probe(models=("mlp",))
