"""dlnotes.sphere.experiments: the command line runs both experiments (on tiny sizes here)."""

import pytest
from dlnotes.sphere.experiments.cli import main


def test_equivariance_command_prints_the_table(capsys):
    main(["equivariance", "--bandwidths", "2", "--depth", "2", "--rotations", "2", "--channels", "2"])
    out = capsys.readouterr().out
    assert "delta" in out and "float32" in out and "float64" in out


def test_mnist_command_prints_the_table_and_the_sizes(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "1", "--seeds", "0", "--n-train", "20", "--n-test", "10"])
    out = capsys.readouterr().out
    assert "NR/NR" in out and "NR/R" in out
    assert "planar:" in out and "spherical:" in out and "s per epoch" in out


def test_mnist_command_can_train_one_model_on_one_condition_with_progress(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "2", "--seeds", "0", "--n-train", "20",
          "--n-test", "10", "--models", "spherical", "--train-on", "R", "--progress"])
    out = capsys.readouterr().out
    assert "spherical trained on R, seed 0, epoch 2:" in out
    assert "R/R" in out and "NR/NR" not in out and "planar:" not in out


def test_mnist_command_passes_the_input_scale(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "1", "--seeds", "0", "--n-train", "20",
          "--n-test", "10", "--models", "spherical", "--train-on", "NR", "--input-scale", "1"])
    assert "input_scale=1.0" in capsys.readouterr().out


def test_mnist_command_passes_the_schedule(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "1", "--seeds", "0", "--n-train", "20",
          "--n-test", "10", "--models", "spherical", "--train-on", "NR", "--schedule", "cosine"])
    assert "schedule='cosine'" in capsys.readouterr().out


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["imagenet"])
    assert "invalid choice" in capsys.readouterr().err
