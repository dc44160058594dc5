"""Tests of the shape experiment: runs that checkpoint, resume, refuse
other settings; the CLI's validation."""

import json

import numpy as np
import pytest
import torch

from dlnotes.sphere.experiments.cli import main
from dlnotes.sphere.experiments.shapes.dataset import (
    load_shapes,
    shape_object,
)
from dlnotes.sphere.experiments.shapes.experiment import (
    SHIPPED,
    evaluate_runs,
    load_run,
    probabilities,
    probabilities_under_rotations,
    results_table,
    run_name,
    shapes_experiment,
    shipped_runs,
)

#: The smallest run: one planar model, rotated, seed 0, one epoch.
PLANAR = dict(models=("planar",), train_on=("rotated",), seeds=(0,))


def _planar(folder, **changes):
    return shapes_experiment(
        **{**PLANAR, "epochs": 1, "save": folder, **changes}
    )


def test_a_run_saves_and_a_resume_reuses_it(tmp_path):
    first = _planar(tmp_path)
    stem = tmp_path / run_name("planar", "rotated", 0)
    assert stem.with_suffix(".pt").is_file()
    assert not stem.with_suffix(".ckpt").exists()
    record = json.loads(stem.with_suffix(".json").read_text())
    assert record["settings"]["fingerprint"]
    again = _planar(tmp_path, resume=True)
    assert again["accuracy"].tolist() == first["accuracy"].tolist()
    model, _ = load_run(stem)
    assert model.training is False


def test_existing_runs_are_not_overwritten_nor_resumed_with_other_settings(
    tmp_path,
):
    _planar(tmp_path)
    with pytest.raises(ValueError, match="--resume"):
        _planar(tmp_path)
    with pytest.raises(ValueError, match="other settings"):
        _planar(tmp_path, epochs=2, resume=True)


def test_different_seeds_give_different_weights_and_predictions(tmp_path):
    """The seed reaches the initial weights and the batch order: two seeds
    of one run differ in every layer (issue 26: three planar runs once had
    the same accuracy, which was a coincidence of counts, not of models)."""
    _planar(tmp_path, seeds=(0, 1), train_on=("canonical",))
    shapes = load_shapes()
    models = [
        load_run(tmp_path / run_name("planar", "canonical", seed))[0]
        for seed in (0, 1)
    ]
    weights = [model.state_dict() for model in models]
    for key in weights[0]:
        assert not torch.equal(weights[0][key], weights[1][key]), key
    p = [probabilities(model, shapes) for model in models]
    assert not np.allclose(p[0], p[1], atol=1e-3)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["shapes", "--models", "mlp"], "invalid choice"),
        (["shapes", "--epochs", "0"], "must be an int >= 1"),
        (["shapes", "--lr", "-1"], "lr must be"),
        (["shapes", "--seeds", "0", "0"], "seeds must be distinct"),
        (["shapes", "--resume"], "resume needs"),
    ],
)
def test_cli_refuses_bad_settings_before_running(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.fixture(scope="module")
def shipped_rows():
    return evaluate_runs()


def test_shipped_runs_evaluate_with_the_baseline(shipped_rows):
    table = shipped_rows
    assert set(table["model"]) >= {"power spectrum"}
    assert len(table) == 2 + len(shipped_runs(SHIPPED))
    assert np.all((table["accuracy"] >= 0) & (table["accuracy"] <= 1))
    learned = table[table["model"] != "power spectrum"]
    # the evaluation is deterministic: what the records kept is what runs now
    np.testing.assert_allclose(learned["accuracy"], learned["recorded"])


def test_results_table_summarises_seeds(shipped_rows):
    rows = shipped_rows
    table = results_table(rows)
    spherical = table[
        (table["model"] == "spherical") & (table["train_on"] == "rotated")
    ]
    matching = rows[
        (rows["model"] == "spherical") & (rows["train_on"] == "rotated")
    ]
    assert int(spherical["seeds"].iloc[0]) == len(matching)
    assert spherical["accuracy"].iloc[0] == pytest.approx(
        matching["accuracy"].mean()
    )
    with pytest.raises(ValueError, match="micro or macro"):
        results_table(rows, "weighted")


def test_probabilities_under_the_identity_match_the_shipped_signal():
    stem = SHIPPED / run_name("spherical", "canonical", 0)
    model, record = load_run(stem)
    obj = shape_object(0, 10, seed=0)
    p = probabilities_under_rotations(model, obj, np.eye(3)[None], 8)
    assert p.shape == (1, 10)
    assert p.sum() == pytest.approx(1.0, abs=1e-5)
    assert record["settings"]["model"] == "spherical"


class _Killed(Exception):
    pass


def _kill_after_epoch_1(model, train_on, seed, stats):
    if stats.epoch == 1:
        raise _Killed


def test_an_interrupted_run_resumes_only_with_its_own_settings(tmp_path):
    with pytest.raises(_Killed):
        _planar(tmp_path, epochs=2, on_epoch=_kill_after_epoch_1)
    assert [p.suffix for p in tmp_path.iterdir()] == [".ckpt"]
    with pytest.raises(ValueError, match=r"other settings \(.*lr"):
        _planar(tmp_path, epochs=2, lr=0.5, resume=True)
    _planar(tmp_path, epochs=2, resume=True)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pt"]
