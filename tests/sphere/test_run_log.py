"""dlnotes.sphere.run_log: the printed output of an mnist run reads back into numbers."""

from pathlib import Path

import pytest

from dlnotes.sphere.experiments import main
from dlnotes.sphere.run_log import parse_run_log, read_run_log

RUNS = Path(__file__).parents[2] / "chapters" / "spherical" / "runs"


def test_reads_back_what_the_command_prints(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "2", "--seeds", "0", "--n-train", "20",
          "--n-test", "10", "--models", "spherical", "--train-on", "NR", "--progress", "--schedule", "cosine"])
    log = parse_run_log("a warning line\n" + capsys.readouterr().out)
    assert list(log.epochs["epoch"]) == [1, 2]
    assert set(log.epochs["train_on"]) == {"NR"} and set(log.epochs["model"]) == {"spherical"}
    assert log.epochs["test_accuracy"].between(0, 1).all() and (log.epochs["seconds"] >= 0).all()
    assert list(log.table["condition"]) == ["NR/NR", "NR/R"]
    assert log.table["paper"].tolist() == [0.96, 0.94]
    assert log.settings["schedule"] == "cosine" and log.settings["b"] == "10" and log.settings["seeds"] == "(0,)"
    assert 0 <= log.accuracy("NR/R") <= 1


def test_unknown_condition_is_refused(capsys):
    main(["mnist", "--bandwidth", "10", "--b1", "3", "--b2", "2", "--epochs", "1", "--seeds", "0", "--n-train", "20",
          "--n-test", "10", "--models", "spherical", "--train-on", "R", "--progress"])
    log = parse_run_log(capsys.readouterr().out)
    with pytest.raises(ValueError, match="condition"):
        log.accuracy("NR/NR")


def test_text_without_a_run_is_refused():
    with pytest.raises(ValueError, match="text must hold"):
        parse_run_log("nothing here\n")


@pytest.mark.parametrize("path", sorted(RUNS.glob("*.log")), ids=lambda p: p.name)
def test_every_recorded_run_reads_back(path):
    log = read_run_log(path)
    assert list(log.epochs["epoch"]) == list(range(1, int(log.settings["epochs"]) + 1))
    assert log.table["ours (mean)"].between(0, 1).all()
