"""dlnotes.mobilenet.experiments.bench: the CLI parses its options and is
reachable from the dispatcher."""

import importlib

import pytest

from dlnotes.mobilenet.experiments import bench


def test_help_and_dispatch(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--help"])
    assert "python -m dlnotes.bench mobilenet" in capsys.readouterr().out
    assert (
        importlib.import_module("dlnotes.mobilenet.experiments.bench").main
        is bench.main
    )


def test_bad_option():
    with pytest.raises(SystemExit):
        bench.main(["--threads", "two"])


def test_record_path_is_checked_before_timing(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(
        bench,
        "study",
        lambda *a, **k: pytest.fail("timed before checking the path"),
    )
    for path, message in (
        (tmp_path / "run.txt", ".json"),
        (tmp_path / "no" / "run.json", "does not exist"),
    ):
        with pytest.raises(SystemExit):
            bench.main(["--record", str(path)])
        assert message in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--threads", "0"])


def test_record_writes_what_the_study_measured(tmp_path, capsys, monkeypatch):
    from dlnotes.bench.interval import RatioEstimate
    from dlnotes.bench.load import Load
    from dlnotes.bench.records import read_record

    class FakeStudy:
        load = Load(((0.01, 0.01), (0.0101, 0.0102)), cpu_share=0.99)

        def estimates(self):
            return {"network/fwd/1/nchw": RatioEstimate(3.0, 2.8, 3.2, 11)}

        def values(self):
            return {"theory/network": 8.56}

    calls = []
    monkeypatch.setattr(
        bench, "study", lambda *a, **k: calls.append((a, k)) or FakeStudy()
    )
    path = tmp_path / "speed.json"
    bench.main(["--record", str(path), "--threads", "1", "2"])
    back = read_record(path)
    assert back.estimate(
        "network/fwd/1/nchw"
    ).ratio == 3.0 and back.values == {"theory/network": 8.56}
    assert back.command.startswith(
        "python -m dlnotes.bench mobilenet --record"
    )
    assert (
        calls[0][0] == ((1, 2),)
        and calls[0][1]["max_rounds"] > calls[0][1]["rounds"]
    )
    assert "slower, 3.0× (2.8–3.2×)" in capsys.readouterr().out


def test_a_record_path_that_is_a_folder_and_too_many_threads_fail_first(
    tmp_path, capsys, monkeypatch
):
    monkeypatch.setattr(
        bench,
        "study",
        lambda *a, **k: pytest.fail("timed before checking the path"),
    )
    (tmp_path / "D.json").mkdir()
    with pytest.raises(SystemExit):
        bench.main(["--record", str(tmp_path / "D.json")])
    assert "is a folder, not a file" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        bench.main(["--threads", "1", "100000"])
    assert "at most this machine's" in capsys.readouterr().err
