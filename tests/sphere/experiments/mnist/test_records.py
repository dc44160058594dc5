"""dlnotes.sphere.experiments.mnist.records: run records written, read back,
shipped with the package."""

import json

import pytest

from dlnotes.sphere.experiments.mnist.records import (
    RECORDS,
    RunRecord,
    final_table,
    read_record,
    read_records,
    write_record,
)

RECORD = RunRecord(
    command="python -m dlnotes.sphere.experiments mnist --epochs 2",
    model="spherical",
    train_on="NR",
    seed=3,
    parameters=123,
    settings={
        "b": 10,
        "b1": 3,
        "b2": 2,
        "epochs": 2,
        "lr": 0.01,
        "schedule": "cosine",
        "n_test": 10,
        "input_scale": 255.0,
    },
    epochs=(
        {
            "epoch": 1,
            "train_accuracy": 0.5,
            "test_accuracy": 0.25,
            "seconds": 1.5,
        },
        {
            "epoch": 2,
            "train_accuracy": 0.75,
            "test_accuracy": 0.5,
            "seconds": 1.25,
        },
    ),
    accuracy={"NR": 0.5, "R": 0.375},
)


def test_round_trip(tmp_path):
    path = write_record(RECORD, tmp_path / "sub" / "run.json")
    assert read_record(path) == RECORD
    # no temporary file left behind
    assert list(tmp_path.joinpath("sub").iterdir()) == [path]
    assert list(read_record(path).epochs_frame()["test_accuracy"]) == [
        0.25,
        0.5,
    ]


def test_final_table_has_one_column_per_condition():
    table = final_table([RECORD])
    assert table.loc[0, "NR/NR"] == 0.5 and table.loc[0, "NR/R"] == 0.375


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json", "not a JSON run record"),
        ('{"format": 2}', "format must be 1"),
        ('{"format": 1, "model": "planar"}', "lacks the field"),
    ],
)
def test_bad_records_are_named(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        read_record(path)


def test_shipped_records_are_found_through_the_package(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # never the working directory
    names = sorted(path.stem for path in RECORDS.glob("*.json"))
    assert names, f"no records in {RECORDS}"
    for record in read_records(names):
        assert record.command.startswith(
            "python -m dlnotes.sphere.experiments mnist"
        )
        assert all(0 <= value <= 1 for value in record.accuracy.values())
        assert [row["epoch"] for row in record.epochs] == list(
            range(1, record.settings["epochs"] + 1)
        )
        assert json.loads(record.to_json())["format"] == 1
