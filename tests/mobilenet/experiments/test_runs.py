"""dlnotes.mobilenet.experiments.runs: records written atomically, read back,
resumed; the shipped ones load."""

import json
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
import torch

from dlnotes.mobilenet.experiments import runs
from dlnotes.mobilenet.experiments import tradeoffs as ex
from dlnotes.record_json import run_settings

TINY = ex.Settings(
    epochs=2, seeds=(0, 1), batch_size=16, schedule="cosine", task="mnist"
)
CONFIGS = (ex.Config("separable", 0.25, 16), ex.Config("shallow", 0.25, 16))


def test_record_round_trip_and_atomic_files(tmp_path, tiny_data):
    written = runs.record_runs(
        tmp_path, CONFIGS, TINY, "test command", weights=True
    )
    # seed by seed
    assert [(r.config, r.seed) for r in written] == [
        (c, s) for s in (0, 1) for c in CONFIGS
    ]
    names = sorted(p.name for p in tmp_path.iterdir())
    # no .tmp, no .ckpt
    assert names == sorted(
        f"{runs.run_name(c, s)}{ext}"
        for c in CONFIGS
        for s in (0, 1)
        for ext in (".json", ".pt")
    )
    record = runs.read_record(
        tmp_path / f"{runs.run_name(CONFIGS[0], 1)}.json"
    )
    assert record == written[2]
    assert (
        record.command == "test command"
        and record.settings == run_settings(TINY)
        and len(record.epochs) == 2
    )
    assert (
        record.accuracy == record.epochs[-1]["test_accuracy"]
        and "1 thread" in record.machine
    )
    model = runs.load_model(
        record, tmp_path / f"{runs.run_name(CONFIGS[0], 1)}.pt"
    )
    assert (
        tmp_path / f"{runs.run_name(CONFIGS[0], 1)}.pt"
    ).stat().st_size < 1_000_000
    assert model(torch.zeros(1, 1, 16, 16)).shape == (1, 10)


def test_resume_skips_finished_runs_and_refuses_other_settings(
    tmp_path, tiny_data
):
    runs.record_runs(tmp_path, CONFIGS[:1], TINY, "first")
    with pytest.raises(ValueError, match="--resume"):
        runs.record_runs(tmp_path, CONFIGS, TINY, "again")
    again = runs.record_runs(tmp_path, CONFIGS, TINY, "again", resume=True)
    assert [(r.config, r.seed) for r in again] == [
        (CONFIGS[1], 0),
        (CONFIGS[1], 1),
    ]
    other = ex.Settings(
        epochs=1, seeds=(0, 1), batch_size=16, schedule="cosine", task="mnist"
    )
    with pytest.raises(ValueError, match="made with settings"):
        runs.record_runs(tmp_path, CONFIGS, other, "other", resume=True)


def test_recorded_source_pairs_common_seeds(tmp_path, tiny_data):
    runs.record_runs(tmp_path, CONFIGS, TINY, "test")
    (tmp_path / f"{runs.run_name(CONFIGS[1], 1)}.json").unlink()
    source = runs.recorded(tmp_path)
    assert source.seeds == (0,)
    summary = source(CONFIGS[0])
    assert [r.seed for r in summary.runs] == [
        0
    ] and summary.mult_adds == CONFIGS[0].mult_adds
    with pytest.raises(KeyError, match="no recorded run"):
        source(ex.Config("full"))


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("not json", "not a JSON run record"),
        ('{"format": 2}', "format must be 1"),
        ('{"format": 1}', "lacks the field"),
        (
            (
                '{"format": 1, "command": "c", "config": {"variant": "wide"},'
                ' "seed": 0, "settings": {}, "accuracy": 0.5, "mult_adds": 1,'
                ' "params": 1, "machine": "m", "epochs": [{"test_accuracy":'
                ' 0.5, "seconds": 1}]}'
            ),
            "bad value",
        ),
        (
            (
                '{"format": 1, "command": "c", "config": {"variant": "full"},'
                ' "seed": 0, "settings": {}, "accuracy": 0.5, "mult_adds": 1,'
                ' "params": 1, "machine": "m", "epochs": [{"test_accuracy":'
                ' 0.4, "seconds": 1}]}'
            ),
            "last epoch",
        ),
    ],
)
def test_bad_records_are_named(tmp_path, text, match):
    path = tmp_path / "bad.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match):
        runs.read_record(path)


def test_records_of_other_settings_are_not_mixed(tmp_path):
    record = runs.TradeoffRecord(
        "c",
        ex.Config(),
        0,
        {"epochs": 1},
        0.5,
        1,
        1,
        "m",
        ({"test_accuracy": 0.5, "seconds": 1.0},),
    )
    other = runs.TradeoffRecord(
        "c",
        ex.Config(),
        1,
        {"epochs": 2},
        0.5,
        1,
        1,
        "m",
        ({"test_accuracy": 0.5, "seconds": 1.0},),
    )
    with pytest.raises(ValueError, match="different settings"):
        runs.Recorded([record, other])
    with pytest.raises(FileNotFoundError, match="no folder"):
        runs.read_records(tmp_path / "missing")


def test_shipped_records_cover_every_configuration_with_recorded_settings():
    source = runs.recorded()
    assert source.settings == run_settings(ex.RECORDED)
    assert len(source.seeds) >= 2
    assert {r.config for r in source.records} == set(ex.claim_configs())
    for record in source.records:
        assert (
            record.mult_adds == record.config.mult_adds
            and len(record.epochs) == ex.RECORDED.epochs
        )
        assert json.loads(record.to_json())["command"].startswith(
            "python -m dlnotes.mobilenet.experiments tradeoffs"
        )


def _assert_installed(folder, readme, suffixes=None):
    """Every file of the records ``folder`` (of those ``suffixes``), its
    ``readme`` among them, matches a package-data glob of ``pyproject.toml``:
    it installs with the package."""
    root = Path(__file__).resolve().parents[3]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]["package-data"]["dlnotes.mobilenet.experiments"]
    package = root / "code" / "dlnotes" / "mobilenet" / "experiments"
    shipped = [
        p.relative_to(package).as_posix()
        for p in folder.iterdir()
        if suffixes is None or p.suffix in suffixes
    ]
    assert readme in shipped and all(
        any(fnmatch(name, g) for g in globs) for name in shipped
    )


def test_shipped_records_install_with_the_package():
    _assert_installed(runs.RECORDS, "records/tradeoffs/README.md")


def test_names_and_dates_of_records_with_a_channel_floor(tmp_path):
    config = ex.plateau_design().shallow
    assert runs.run_name(config, 2) == "shallow-a1.6-28px-min16-seed2"
    record = runs.TradeoffRecord(
        "c",
        config,
        2,
        {"epochs": 1},
        0.5,
        1,
        1,
        "m",
        ({"test_accuracy": 0.5, "train_accuracy": 0.6, "seconds": 1.0},),
        date="2026-12-06 07:30 UTC",
    )
    path = runs.write_record(record, tmp_path / "r.json")
    back = runs.read_record(path)
    assert back == record and back.run.train_curve == (0.6,)
    # a record without a date (the first records) still reads
    data = json.loads(path.read_text())
    del data["date"]
    path.write_text(json.dumps(data))
    assert runs.read_record(path).date == ""


def test_plateau_records_so_far_are_of_the_plateau_study():
    folder = runs.PLATEAU_RECORDS
    readme = "records/tradeoffs-plateau/README.md"
    _assert_installed(folder, readme, suffixes=(".json", ".md"))
    configs = set(ex.plateau_design().configs)
    for record in runs.read_records(folder):
        assert record.settings == run_settings(ex.PLATEAU)
        assert record.config in configs and record.date
        assert "--study plateau" in record.command


def _write_plateau_records(folder, seeds):
    for config in ex.plateau_design().configs:
        for seed in seeds:
            row = {"test_accuracy": 0.5, "train_accuracy": 0.6, "seconds": 1.0}
            record = runs.TradeoffRecord(
                "c",
                config,
                seed,
                run_settings(ex.PLATEAU),
                0.5,
                1,
                1,
                "m",
                (row,),
                "d",
            )
            runs.write_record(
                record, folder / f"{runs.run_name(config, seed)}.json"
            )


def test_the_chapter_uses_the_plateau_records_and_refuses_a_gap(
    tmp_path, monkeypatch
):
    source, design = runs.pairs_source()  # the shipped records
    assert design == ex.plateau_design() and runs.covers(
        source, design.configs, ex.PLATEAU
    )
    monkeypatch.setattr(runs, "PLATEAU_RECORDS", tmp_path)
    _write_plateau_records(tmp_path, ex.PLATEAU.seeds[:-1])
    with pytest.raises(ValueError, match="every network"):
        runs.pairs_source()
    _write_plateau_records(tmp_path, ex.PLATEAU.seeds[-1:])
    source, design = runs.pairs_source()
    assert not runs.covers(source, design.configs, ex.RECORDED)
