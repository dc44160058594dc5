"""dlnotes.sphere.experiments: the command line runs both experiments (on tiny
sizes here)."""

import pytest

from dlnotes.sphere.experiments.cli import main
from dlnotes.sphere.experiments.mnist.experiment import mnist_experiment


def test_equivariance_command_prints_the_table(capsys):
    main(
        (
            "equivariance --bandwidths 2 --depth 2 --rotations 2 --channels 2"
        ).split()
    )
    out = capsys.readouterr().out
    assert "delta" in out and "float32" in out and "float64" in out


def test_mnist_command_prints_the_table_and_the_sizes(capsys):
    main(
        (
            "mnist --bandwidth 10 --b1 3 --b2 2 --epochs 1 --seeds 0 "
            "--n-train 20 --n-test 10"
        ).split()
    )
    out = capsys.readouterr().out
    assert "NR/NR" in out and "NR/R" in out
    assert "planar:" in out and "spherical:" in out and "s per epoch" in out


def test_mnist_command_can_train_one_model_on_one_condition_with_progress(
    capsys,
):
    main(
        (
            "mnist --bandwidth 10 --b1 3 --b2 2 --epochs 2 --seeds 0 "
            "--n-train 20 --n-test 10 --models spherical --train-on R "
            "--progress"
        ).split()
    )
    out = capsys.readouterr().out
    assert "spherical trained on R, seed 0, epoch 2:" in out
    assert "R/R" in out and "NR/NR" not in out and "planar:" not in out


def test_mnist_command_passes_the_input_scale(capsys):
    main(
        (
            "mnist --bandwidth 10 --b1 3 --b2 2 --epochs 1 --seeds 0 "
            "--n-train 20 --n-test 10 --models spherical --train-on NR "
            "--input-scale 1"
        ).split()
    )
    assert "input_scale=1.0" in capsys.readouterr().out


def test_mnist_command_passes_the_schedule(capsys):
    main(
        (
            "mnist --bandwidth 10 --b1 3 --b2 2 --epochs 1 --seeds 0 "
            "--n-train 20 --n-test 10 --models spherical --train-on NR "
            "--schedule cosine"
        ).split()
    )
    assert "schedule='cosine'" in capsys.readouterr().out


def test_unknown_command_is_refused(capsys):
    with pytest.raises(SystemExit):
        main(["imagenet"])
    assert "invalid choice" in capsys.readouterr().err


TINY = (
    "--bandwidth 10 --b1 3 --b2 2 --seeds 0 --n-train 24 --n-test 10"
).split()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--b1", "40"], "b >= b1 >= b2"),
        (
            "--bandwidth 8 --b1 4 --b2 2".split(),
            "planar model needs b >= 9",
        ),
        (["--lr", "inf"], "lr must be a positive finite"),
        (["--epochs", "0"], "epochs must be an int >= 1"),
        (["--n-train", "5000"], "must not exceed the 4000"),
        (["--seeds", "1", "1"], "seeds must be distinct"),
    ],
)
def test_every_setting_is_checked_before_any_data_is_loaded(
    forbid, cli_error, arguments, message
):
    forbid(
        "dlnotes.sphere.experiments.mnist.experiment.mnist_5k",
        why="data was loaded before the settings were checked",
    )
    assert message in cli_error(main, ["mnist", *arguments])


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--threads", "0"], "must be an int >= 1"),
        (["--data", "/no/such/dir"], "is not a folder"),
    ],
)
def test_bad_paths_and_counts_are_refused_by_the_parser(
    capsys, arguments, message
):
    with pytest.raises(SystemExit):
        main(["mnist", *arguments])
    assert message in capsys.readouterr().err


def test_existing_runs_are_never_overwritten(tmp_path, capsys):
    arguments = "mnist --epochs 1 --models planar --train-on NR".split()
    arguments += [*TINY, "--save", str(tmp_path)]
    main(arguments)
    with pytest.raises(SystemExit):
        main(arguments)
    assert "--resume" in capsys.readouterr().err


def test_mnist_eval_prints_one_line_per_model_and_condition(tmp_path, capsys):
    main(["mnist", *TINY, "--epochs", "1", "--save", str(tmp_path)])
    capsys.readouterr()
    main(["mnist-eval", "--folder", str(tmp_path)])
    lines = capsys.readouterr().out.splitlines()
    table = lines[lines.index("") + 1 :]
    assert table[0].split() == ["model", "condition", "mean", "std", "paper"]
    assert [line.split()[:2] for line in table[1:]] == [
        [m, c]
        for m in ("planar", "spherical")
        for c in ("NR/NR", "R/R", "NR/R")
    ]


class _Killed(Exception):
    pass


def _kill_after_epoch_1(model, train_on, seed, stats):
    if stats.epoch == 1:
        raise _Killed


def test_a_run_resumes_only_at_the_settings_it_was_started_with(
    tmp_path, capsys, monkeypatch
):
    """A killed run's checkpoint, resumed with another bandwidth, is refused
    in one line naming it: its record would state settings it never had."""
    # no progress bar on stderr, even when an earlier test imported ipykernel
    monkeypatch.setenv("DLNOTES_QUIET", "1")
    with pytest.raises(_Killed):
        mnist_experiment(
            b=10, b1=3, b2=2, seeds=(0,), n_train=24, n_test=10, epochs=2,
            models=("planar",), train_on=("NR",), save=tmp_path,
            on_epoch=_kill_after_epoch_1, command="test",
        )  # fmt: skip
    assert [p.suffix for p in tmp_path.iterdir()] == [".ckpt"]
    other = [a if a != "10" else "12" for a in TINY]  # --bandwidth 12
    run = "--epochs 2 --models planar --train-on NR".split()
    with pytest.raises(SystemExit):
        main(["mnist", *other, *run, "--save", str(tmp_path), "--resume"])
    err = capsys.readouterr().err
    assert "b: 10, now 12" in err and len(err.strip().splitlines()) == 1
    main(["mnist", *TINY, *run, "--save", str(tmp_path), "--resume"])
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pt"]


def test_mnist_runs_on_the_default_thread_count(monkeypatch, capsys):
    """Without ``--threads``, ``mnist`` sets torch's thread count to
    ``DEFAULT_THREADS`` (at most the CPU count)."""
    import os

    import torch

    from dlnotes.sphere.experiments import cli

    seen = []

    def fake_experiment(**settings):
        seen.append(torch.get_num_threads())
        raise ValueError("stopped before training")

    monkeypatch.setattr(cli, "DEFAULT_THREADS", 2)
    monkeypatch.setattr(cli, "mnist_experiment", fake_experiment)
    with pytest.raises(SystemExit):
        main(["mnist"])
    assert seen == [min(2, os.cpu_count() or 1)]
    assert "stopped before training" in capsys.readouterr().err
