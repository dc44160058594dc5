"""dlnotes.sphere.experiments.mnist.experiment: balanced subsets and the
experiment's bookkeeping on tiny runs."""

import numpy as np
import pytest
import torch

from dlnotes.data import Dataset
from dlnotes.sphere.experiments.mnist import (
    PlanarCNN,
    balanced_subset,
    mnist_experiment,
    parameter_count,
)


def tiny_run(**options):
    """``mnist_experiment`` of networks small enough to train in a test: one
    epoch, one seed, 20 training and 10 test digits unless ``options`` say
    otherwise."""
    tiny = {"b": 10, "b1": 4, "b2": 2, "epochs": 1, "seeds": (0,)}
    return mnist_experiment(**tiny | {"n_train": 20, "n_test": 10} | options)


def test_balanced_subset_takes_the_classes_in_turn():
    labels = torch.tensor([0, 0, 0, 1, 1, 1, 2, 2, 2])
    data = Dataset(torch.arange(9.0).reshape(9, 1, 1, 1), labels)
    subset = balanced_subset(data, 5)
    assert subset.labels.tolist() == [0, 1, 2, 0, 1]
    assert subset.images.flatten().tolist() == [0, 3, 6, 1, 4]
    with pytest.raises(ValueError, match="count must lie in 1..9"):
        balanced_subset(data, 10)


def test_experiment_bookkeeping_on_a_tiny_run():
    result = tiny_run(
        seeds=(0, 1), n_train=40, n_test=20, models=("planar", "spherical")
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

    def on_epoch(model, train_on, seed, stats):
        seen.append((model, train_on, seed, stats.epoch))

    result = tiny_run(
        epochs=2, models=("spherical",), train_on=("NR",), on_epoch=on_epoch
    )
    assert list(result.table()["condition"]) == ["NR/NR", "NR/R"]
    assert seen == [("spherical", "NR", 0, 1), ("spherical", "NR", 0, 2)]
    assert result.settings.input_scale == 255.0


def test_bad_input():
    with pytest.raises(
        ValueError, match="models must be distinct names drawn from"
    ):
        mnist_experiment(models=("resnet",))
    with pytest.raises(
        ValueError, match="train_on must be a non-empty selection"
    ):
        mnist_experiment(train_on=("rotated",))


def test_settings_hold_a_recipe_and_record_it_as_the_shipped_records_do():
    import json
    from importlib import resources

    from dlnotes.record_json import run_settings
    from dlnotes.sphere.experiments.mnist import MnistSettings
    from dlnotes.train import Recipe

    folder = resources.files("dlnotes.sphere.experiments") / "records"
    shipped = [
        json.loads(path.read_text())["settings"]
        for path in folder.iterdir()
        if path.name.endswith(".json")
    ]
    assert shipped
    for s in shipped:
        settings = MnistSettings(
            s["b"],
            s["b1"],
            s["b2"],
            Recipe(s["epochs"], s["lr"], s["batch_size"], s["schedule"]),
            s["n_train"],
            s["n_test"],
            (0,),
            s["input_scale"],
        )
        # the same keys in the same order: a new record reads as an old one
        assert json.dumps(run_settings(settings)) == json.dumps(s)


def test_a_bad_recipe_is_refused_before_any_data_is_read():
    with pytest.raises(ValueError, match="epochs must be an int >= 1, got 0"):
        mnist_experiment(epochs=0)
    with pytest.raises(ValueError, match="lr must be a positive finite"):
        mnist_experiment(lr=float("nan"))
    with pytest.raises(ValueError, match="schedule must be one of"):
        mnist_experiment(schedule="step")
