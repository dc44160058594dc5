"""dlnotes.record_json: format first, one field and one epoch per line, and it
reads back as the same dict; a record keeps the settings but the list of
seeds."""

import json
from dataclasses import dataclass

import pytest

from dlnotes.record_json import record_json, run_settings


def test_one_line_per_field_and_per_epoch_and_it_round_trips():
    fields = {
        "model": "planar",
        "settings": {"b": 30},
        "epochs": [{"epoch": 1, "seconds": 2.5}, {"epoch": 2, "seconds": 2.4}],
    }
    text = record_json(1, fields)
    assert json.loads(text) == {"format": 1} | fields
    lines = text.splitlines()
    assert lines[1] == ' "format": 1,' and lines[2] == ' "model": "planar",'
    assert (
        '  {"epoch": 1, "seconds": 2.5},' in lines
        and '  {"epoch": 2, "seconds": 2.4}' in lines
    )


def test_run_settings_keep_all_but_the_seeds():
    @dataclass(frozen=True)
    class Settings:
        epochs: int
        seeds: tuple[int, ...]

    assert run_settings(Settings(3, (0, 1))) == {"epochs": 3}
    with pytest.raises(TypeError):
        run_settings({"epochs": 3, "seeds": (0,)})


def test_a_diverged_run_is_valid_json_marked_diverged():
    """JSON has no NaN: a diverged loss is written as null, and the record
    says it diverged."""
    nan = float("nan")
    text = record_json(
        1,
        {"epochs": [{"epoch": 1, "train_loss": nan, "test_loss": 2.0}]},
    )
    assert "NaN" not in text
    data = json.loads(text)
    assert data["diverged"] is True
    assert data["epochs"] == [
        {"epoch": 1, "train_loss": None, "test_loss": 2.0}
    ]
    assert "diverged" not in json.loads(record_json(1, {"epochs": []}))
