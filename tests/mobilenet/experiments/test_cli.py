"""dlnotes.mobilenet.experiments.cli: ``tradeoffs`` checks every argument
before reading data, records runs, resumes."""

import pytest
import torch

from dlnotes.data import Dataset
from dlnotes.mobilenet.experiments import runs
from dlnotes.mobilenet.experiments import tradeoffs as ex
from dlnotes.mobilenet.experiments.cli import main
from dlnotes.record_json import run_settings

SMALL = (
    "--epochs 1 --seeds 0 --batch-size 16 --task mnist --configs "
    "separable-a0.25-28px"
).split()


@pytest.fixture
def no_data(forbid):
    forbid(
        ex, "task_split", why="data was read before the arguments were checked"
    )


def test_records_one_run_per_config_and_seed_and_resumes(
    tmp_path, tiny_data, capsys
):
    main(["tradeoffs", "--save", str(tmp_path), *SMALL])
    out = capsys.readouterr().out
    assert (
        "separable-a0.25-28px-seed0 epoch 1/1" in out
        and "[1/1]" in out
        and "1 runs recorded" in out
    )
    record = runs.read_record(tmp_path / "separable-a0.25-28px-seed0.json")
    assert (
        record.command
        == "python -m dlnotes.mobilenet.experiments tradeoffs --save "
        + str(tmp_path)
        + " "
        + " ".join(SMALL)
    )
    main(["tradeoffs", "--save", str(tmp_path), *SMALL, "--resume", "--quiet"])
    assert capsys.readouterr().out == f"0 runs recorded in {tmp_path}\n"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--epochs", "0"], "must be an int >= 1"),
        (["--batch-size", "x"], "must be an int >= 1"),
        (["--threads", "0"], "must be an int >= 1"),
        (["--seeds", "-1"], "must be an int >= 0"),
        (["--seeds", "1", "1"], "seeds must be distinct"),
        (["--lr", "inf"], "lr must be a positive finite"),
        (["--lr", "-0.1"], "lr must be a positive finite"),
        (["--task", "imagenet"], "invalid choice"),
        (["--schedule", "step"], "invalid choice"),
        (["--configs", "wide-a1-28px"], "invalid choice"),
        (["--study", "imagenet"], "invalid choice"),
        (
            ["--study", "plateau", "--configs", "separable-a0.25-28px"],
            "not in the study 'plateau'",
        ),
        (["--study", "plateau", "--schedule", "step"], "invalid choice"),
    ],
)
def test_every_argument_is_checked_before_any_data_is_read(
    tmp_path, no_data, capsys, arguments, message
):
    with pytest.raises(SystemExit) as exit_:
        main(["tradeoffs", "--save", str(tmp_path / "out"), *arguments])
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_save_must_be_given_and_be_a_folder_of_matching_records(
    tmp_path, no_data, capsys
):
    with pytest.raises(SystemExit):
        main(["tradeoffs"])
    assert "--save" in capsys.readouterr().err
    (tmp_path / "file").write_text("")
    with pytest.raises(SystemExit):
        main(["tradeoffs", "--save", str(tmp_path / "file")])
    assert "is a file" in capsys.readouterr().err
    record = runs.TradeoffRecord(
        "c",
        ex.Config(),
        0,
        {"epochs": 99},
        0.5,
        1,
        1,
        "m",
        ({"test_accuracy": 0.5, "seconds": 1.0},),
    )
    runs.write_record(
        record, tmp_path / "old" / "separable-a1-28px-seed0.json"
    )
    with pytest.raises(SystemExit):
        main(["tradeoffs", "--save", str(tmp_path / "old")])
    assert "--resume" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["tradeoffs", "--save", str(tmp_path / "old"), "--resume"])
    assert "made with settings" in capsys.readouterr().err


def test_without_a_command_the_quick_experiments_keep_their_options(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0 and "--full" in capsys.readouterr().out


def test_the_plateau_study_takes_its_settings_unless_told(
    tmp_path, monkeypatch, capsys
):
    g = torch.Generator().manual_seed(0)

    def tiny(task, seed):
        assert task == "fresh"
        data = Dataset(
            torch.rand(16, 1, 28, 28, generator=g), torch.arange(16) % 10
        )
        return (lambda epoch: data), data

    monkeypatch.setattr(ex, "task_data", tiny)
    name = "shallow-a1.6-28px-min16"
    argv = "--study plateau --epochs 2 --seeds 1".split()
    main(["tradeoffs", "--save", str(tmp_path), *argv, "--configs", name])
    assert f"{name}-seed1 epoch 2/2" in capsys.readouterr().out
    record = runs.read_record(tmp_path / f"{name}-seed1.json")
    assert record.settings == run_settings(ex.PLATEAU) | {"epochs": 2}
    assert record.config == ex.plateau_design().shallow and record.date
