"""dlnotes.sphere.experiments.mnist.checkpoints and evaluation: runs saved,
resumed, loaded and re-evaluated exactly; the shipped paper-scale runs
reproduce the accuracies they recorded."""

import os
import subprocess
import sys

import pytest

from dlnotes.sphere.experiments.mnist import mnist_experiment
from dlnotes.sphere.experiments.mnist.checkpoints import (
    TABLE1,
    load_checkpoint,
    run_name,
    shipped_runs,
)
from dlnotes.sphere.experiments.mnist.evaluation import evaluate_runs, table1

TINY = {
    "b": 10,
    "b1": 3,
    "b2": 2,
    "seeds": (0,),
    "n_train": 24,
    "n_test": 10,
    "batch_size": 8,
    "schedule": "cosine",
    "command": "test",
}


class Killed(Exception):
    pass


def _kill_after_epoch_1(model, train_on, seed, stats):
    if stats.epoch == 1:
        raise Killed


def test_run_names():
    assert run_name("spherical", "NR", 0) == "spherical-NR-seed0"
    with pytest.raises(ValueError, match="model must be one of"):
        run_name("resnet", "NR", 0)


def test_a_killed_run_resumes_to_the_uninterrupted_weights(
    tmp_path, assert_close
):
    def run(folder, **options):
        mnist_experiment(
            epochs=2,
            models=("spherical",),
            train_on=("R",),
            save=tmp_path / folder,
            **options,
            **TINY,
        )

    run("full")
    with pytest.raises(Killed):
        run("killed", on_epoch=_kill_after_epoch_1)
    assert (tmp_path / "killed" / "spherical-R-seed0.ckpt").exists()
    with pytest.raises(ValueError, match="resume"):
        run("killed")
    run("killed", resume=True)
    assert not (tmp_path / "killed" / "spherical-R-seed0.ckpt").exists()
    full, full_record = load_checkpoint("spherical", "R", 0, tmp_path / "full")
    resumed, resumed_record = load_checkpoint(
        "spherical", "R", 0, tmp_path / "killed"
    )
    for name, value in full.state_dict().items():
        assert_close(resumed.state_dict()[name], value)
    assert resumed_record.accuracy == full_record.accuracy


def test_evaluation_reproduces_the_recorded_accuracies_exactly(tmp_path):
    mnist_experiment(epochs=1, save=tmp_path, **TINY)
    runs = evaluate_runs(tmp_path)
    assert len(runs) == 4
    assert (runs["test NR"] == runs["recorded NR"]).all() and (
        runs["test R"] == runs["recorded R"]
    ).all()
    table = table1(runs)
    assert list(table["condition"]) == ["NR/NR", "R/R", "NR/R"] * 2


def test_torchrun_with_two_processes_takes_the_steps_of_one(
    tmp_path, assert_close
):
    arguments = (
        "mnist --bandwidth 10 --b1 3 --b2 2 --seeds 0 --n-train 20 "
        "--n-test 10 --batch-size 10 --epochs 2 --models spherical "
        "--train-on NR --threads 1"
    ).split()
    environment = os.environ | {"DLNOTES_QUIET": "1"}
    subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--standalone",
            "--nproc-per-node",
            "2",
            "-m",
            "dlnotes.sphere.experiments",
            *arguments,
            "--save",
            str(tmp_path / "two"),
        ],
        check=True,
        env=environment,
        capture_output=True,
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "dlnotes.sphere.experiments",
            *arguments,
            "--save",
            str(tmp_path / "one"),
        ],
        check=True,
        env=environment,
        capture_output=True,
    )
    two, _ = load_checkpoint("spherical", "NR", 0, tmp_path / "two")
    one, _ = load_checkpoint("spherical", "NR", 0, tmp_path / "one")
    for name, value in one.state_dict().items():
        assert_close(two.state_dict()[name], value)


def test_the_shipped_runs_cover_both_models_and_both_training_sets():
    runs = shipped_runs()
    for model in ("planar", "spherical"):
        for train_on in ("NR", "R"):
            seeds = [run[2] for run in runs if run[:2] == (model, train_on)]
            assert len(seeds) >= 2, (model, train_on, seeds)
    for path in TABLE1.iterdir():
        assert path.stat().st_size < 1_000_000, path


def test_a_shipped_checkpoint_reproduces_its_recorded_accuracy_exactly(
    tmp_path,
):
    # evaluate one spherical run (the slow model) through the same function the
    # page uses
    folder = tmp_path / "one"
    folder.mkdir()
    for suffix in (".pt", ".json"):
        (folder / f"spherical-R-seed0{suffix}").write_bytes(
            (TABLE1 / f"spherical-R-seed0{suffix}").read_bytes()
        )
    runs = evaluate_runs(folder)
    assert (
        runs.loc[0, "test R"] == runs.loc[0, "recorded R"]
        and runs.loc[0, "test NR"] == runs.loc[0, "recorded NR"]
    )
