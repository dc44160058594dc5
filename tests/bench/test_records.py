"""dlnotes.bench.records: a recorded run written atomically and read back, bad
records refused."""

import json

import pytest

from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import Load
from dlnotes.bench.records import (
    SHIPPED,
    audit,
    check_destination,
    main,
    packaged_record,
    read_record,
    table_rows,
    timed_rounds,
    topic_parser,
    write_record,
)

LOAD = Load(((0.010, 0.0101), (0.0100, 0.0102)), cpu_share=0.99)


def test_round_trip(tmp_path):
    path = tmp_path / "run.json"
    written = write_record(
        path,
        "python -m dlnotes.bench x --record run.json",
        LOAD,
        {"a/b": RatioEstimate(3.0, 2.8, 3.3, 9)},
        {"theory": 8.56},
    )
    back = read_record(path)
    assert back == written
    assert back.estimate("a/b") == RatioEstimate(3.0, 2.8, 3.3, 9)
    assert back.values["theory"] == 8.56 and not back.busy
    assert back.label == f"recorded on a quiet machine, {back.date}"
    assert back.quiet and back.cell("a/b") == "slower, 3.0× (2.8–3.3×)"
    assert back.cell("c") == "not recorded"
    assert back.note.startswith(
        "Recorded by `python -m dlnotes.bench x --record run.json` on"
    ) and back.note.endswith("% of a core, quiet.")
    assert (
        back.load_summary.spread == pytest.approx(LOAD.spread, abs=1e-4)
        and not back.load_summary.busy
    )
    assert back.date.endswith("UTC") and back.machine["torch"]
    # no temporary file left
    assert [p.name for p in tmp_path.iterdir()] == ["run.json"]
    with pytest.raises(KeyError, match="no estimate 'c'"):
        back.estimate("c")


def test_a_record_that_was_not_quiet_is_not_stated(tmp_path):
    # spread 1.69 at 93 % of a core: not busy, but not quiet
    load = Load(((0.010, 0.010), (0.0169, 0.0169)), cpu_share=0.93)
    record = write_record(
        tmp_path / "run.json",
        "cmd",
        load,
        {
            "a": RatioEstimate(3, 2.9, 3.1, 9),
            "w": RatioEstimate(913, 43.2, 1441, 15),  # a failed measurement
        },
    )
    line = audit(record)
    assert "calibration spread 1.69, 93 % of a core, NOT QUIET" in line
    assert line.endswith("2 estimates, 1 too uncertain (w)")
    assert not record.busy and not record.quiet
    assert record.label.startswith("recorded on a machine that was not quiet")
    assert record.cell("a") == "not stated: the run was not quiet"
    assert "calibration spread 1.69, 93 % of a core." in record.note


def test_destination_is_checked_first(tmp_path):
    with pytest.raises(ValueError, match=r"\.json"):
        check_destination(tmp_path / "run.txt")
    with pytest.raises(ValueError, match="does not exist"):
        check_destination(tmp_path / "missing" / "run.json")


@pytest.mark.parametrize(
    ("edit", "match"),
    [
        (lambda d: d.update(format=2), "format"),
        (lambda d: d.pop("command"), "lacks the field 'command'"),
        (lambda d: d["load"].pop("busy"), "busy"),
        (lambda d: d["estimates"]["a"].update(low=5.0), "low <= ratio"),
        (lambda d: d["estimates"]["a"].pop("high"), "ratio, low, high"),
        (lambda d: d["estimates"]["a"].update(ratio=-1.0), "finite positive"),
    ],
)
def test_bad_records_are_refused(tmp_path, edit, match):
    path = tmp_path / "run.json"
    write_record(path, "cmd", LOAD, {"a": RatioEstimate(3.0, 2.8, 3.3, 9)})
    data = json.loads(path.read_text())
    edit(data)
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=match):
        read_record(path)


def test_not_json(tmp_path):
    path = tmp_path / "run.json"
    path.write_text("{")
    with pytest.raises(ValueError, match="not a JSON timing record"):
        read_record(path)


def test_packaged_record_is_found():
    with pytest.raises(FileNotFoundError):
        packaged_record("dlnotes.bench", "no-such-record.json")


def test_table_rows_state_the_record_and_one_build_column(tmp_path):
    record = write_record(
        tmp_path / "run.json",
        "cmd",
        LOAD,
        {"a": RatioEstimate(3.0, 2.8, 3.3, 9), "b": RatioEstimate(2, 1, 9, 9)},
    )
    busy = Load(((0.010, 0.010), (0.030, 0.030)), cpu_share=0.6)
    rows = table_rows(
        record,
        {"a": {"setting": "A"}, "b": {"setting": "B"}, "c": {"setting": "C"}},
        {"a": RatioEstimate(3.1, 3.0, 3.2, 9)},
        busy,
    )
    built = (
        "on the machine that built this page (calibration spread 3.00, 60 %"
        " of a core, busy)"
    )
    assert rows == [
        {
            "setting": "A",
            record.label: "slower, 3.0× (2.8–3.3×)",
            built: "busy: no conclusion",
        },
        {"setting": "B", record.label: "too uncertain", built: "not measured"},
        {"setting": "C", record.label: "not recorded", built: "not measured"},
    ]


def test_audit_of_a_quiet_record(tmp_path):
    quiet_record = write_record(
        tmp_path / "q.json", "cmd", LOAD, {"b": RatioEstimate(2, 1.9, 2.1, 9)}
    )
    assert audit(quiet_record).endswith("quiet; 1 estimates, 0 too uncertain")


def test_every_shipped_record_is_audited(capsys):
    main()
    out = capsys.readouterr().out
    for topic in SHIPPED:
        assert f"\n{topic}: " in "\n" + out
        assert f"python -m dlnotes.bench {topic} --record " in out


@pytest.mark.parametrize("text", ["1", "0", "-3", "2.5", "two"])
def test_repeats_below_two_or_not_an_int_are_the_parsers_error(text, capsys):
    parser = topic_parser("t", "Doc.", "quick", "record", repeats=5)
    with pytest.raises(SystemExit):
        parser.parse_args(["--repeats", text])
    assert (
        "--repeats: must be an int >= 2 (an interval needs two rounds), got"
        f" {text!r}" in capsys.readouterr().err
    )


def test_repeats_of_two_or_more_are_kept():
    parser = topic_parser("t", "Doc.", "quick", "record", repeats=5)
    assert parser.parse_args([]).repeats == 5
    assert timed_rounds("2") == 2
    assert parser.parse_args(["--repeats", "7"]).repeats == 7
