"""dlnotes.sphere.experiments.bench: the CLI checks its arguments before
timing, records the pages' comparisons, and the shipped record holds every
comparison the pages read."""

import json
from dataclasses import replace

import pytest

from dlnotes.bench import wording
from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import LoadMonitor
from dlnotes.bench.records import TimingRecord, packaged_record, read_record
from dlnotes.sphere.experiments import bench as sphere
from dlnotes.sphere.experiments.bench_layers import transform_ratios
from dlnotes.sphere.experiments.bench_transforms import s2_fft_vs_healpy


def thread_keys() -> list[str]:
    return [sphere.step_key(n) for n in sphere.THREAD_COUNTS] + [
        sphere.threads_key()
    ]


def page_keys() -> list[str]:
    keys = [sphere.healpy_key(ours) for ours in ("float32", "float64")] + [
        sphere.correlation_key()
    ]
    return (
        keys
        + [
            sphere.transform_key(d, b_in, b_out)
            for b_in, b_out in sphere.TRANSFORM_PAIRS
            for d in ("forward", "inverse")
        ]
        + thread_keys()
    )


def test_the_shipped_record_holds_what_the_pages_read():
    """The thread comparison may be missing (a record made before it): the
    page then leaves its sentence out."""
    record = packaged_record("dlnotes.sphere", "bench-idle.json")
    assert sorted(set(record.estimates) | set(thread_keys())) == sorted(
        page_keys()
    )
    assert record.command.startswith("python -m dlnotes.bench sphere --record")


def test_the_default_thread_count_follows_the_shipped_record():
    record = packaged_record("dlnotes.sphere", "bench-idle.json")
    if sphere.threads_key() not in record.estimates:
        pytest.skip("the shipped record predates the thread comparison")
    direction = wording.word(
        record.estimate(sphere.threads_key()), record.load_summary
    ).direction
    fewest, most = sphere.THREAD_COUNTS[0], sphere.THREAD_COUNTS[-1]
    if direction == wording.FASTER:
        assert sphere.DEFAULT_THREADS == most
    elif direction == wording.SLOWER:
        assert sphere.DEFAULT_THREADS == fewest


def made_up_record(ratio, low, high, busy=False) -> TimingRecord:
    return TimingRecord(
        "python -m dlnotes.bench sphere --record idle.json",
        "2026-12-07 08:00 UTC",
        {},
        {"busy": busy, "spread": 3.0 if busy else 1.1, "cpu_share": 0.99},
        {sphere.threads_key(): RatioEstimate(ratio, low, high, 15)},
        {},
    )


@pytest.mark.parametrize(
    "estimate, busy, words",
    [
        (
            (0.5, 0.45, 0.55),
            False,
            "interleaved. The step on 2 threads was faster than the step on 1"
            " thread: the step on 1 thread took 2.0× as long (95 % interval"
            " 1.82–2.2×).",
        ),
        ((1.25, 1.2, 1.3), False, "2 threads was slower than the step on"),
        ((1.0, 0.9, 1.1), False, "were indistinguishable"),
        ((0.5, 0.45, 0.55), True, "not quiet, so the book states no"),
    ],
)
def test_threads_sentence_words_the_record(estimate, busy, words):
    sentence = sphere.threads_sentence(made_up_record(*estimate, busy=busy))
    assert words in sentence
    assert sentence.startswith("The run recorded on ")
    assert sentence.endswith(
        f"runs on {sphere.DEFAULT_THREADS} threads unless `--threads` says"
        " otherwise."
    )


def test_threads_sentence_is_empty_without_the_comparison():
    record = made_up_record(0.5, 0.45, 0.55)
    assert sphere.threads_sentence(replace(record, estimates={})) == ""


def test_recorded_estimates_name_each_comparison(monkeypatch):
    monkeypatch.setattr(sphere, "CORRELATION_BANDWIDTHS", (2, 3))
    monkeypatch.setattr(sphere, "TRANSFORM_PAIRS", ((3, 2),))
    monkeypatch.setattr(
        sphere,
        "s2_fft_vs_healpy",
        lambda bandwidths, repeats, monitor: s2_fft_vs_healpy(
            (8,), fields=2, repeats=repeats, monitor=monitor
        ),
    )
    monkeypatch.setattr(
        sphere,
        "transform_ratios",
        lambda pairs, repeats, monitor: transform_ratios(
            pairs, maps=4, repeats=repeats, monitor=monitor
        ),
    )
    step_timings = sphere.bench_layers.step_timings
    monkeypatch.setattr(
        sphere.bench_layers,
        "step_timings",
        lambda counts, repeats, monitor: step_timings(
            counts, (6, 4, 2), 2, repeats, monitor
        ),
    )
    monitor = LoadMonitor()
    estimates = sphere.recorded_estimates(2, monitor)
    assert sorted(estimates) == sorted(page_keys())
    assert all(
        isinstance(e, RatioEstimate) and e.rounds == 2
        for e in estimates.values()
    )


def test_record_writes_a_readable_record(monkeypatch, tmp_path, capsys):
    fake = {key: RatioEstimate(2.0, 1.8, 2.2, 15) for key in page_keys()}
    monkeypatch.setattr(
        sphere, "recorded_estimates", lambda repeats, monitor: fake
    )
    path = tmp_path / "idle.json"
    sphere.main(["--record", str(path)])
    assert read_record(path).estimates == fake
    assert (
        json.loads(path.read_text())["command"]
        == f"python -m dlnotes.bench sphere --record {path}"
    )
    assert "slower, 2.0×" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--record", "idle.txt"], "must end in .json"),
        (["--repeats", "1"], "--repeats: must be an int >= 2"),
        (["--profile"], "add --part layers"),
        (
            ["--part", "layers", "--profile", "--record", "a.json"],
            "choose one",
        ),
        (["--part", "layers", "--profile", "--out", "p.json"], "end in .txt"),
        (["--part", "layers", "--profile", "--out", "/no/p.txt"], "not exist"),
        (["--out", "p.txt"], "use it with --profile"),
    ],
)
def test_bad_arguments_stop_before_any_timing(
    monkeypatch, capsys, argv, message
):
    monkeypatch.setattr(
        sphere,
        "recorded_estimates",
        lambda *a: pytest.fail("timed despite a bad argument"),
    )
    monkeypatch.setattr(
        sphere.bench_layers,
        "step_profile",
        lambda *a, **k: pytest.fail("profiled despite a bad argument"),
    )
    with pytest.raises(SystemExit):
        sphere.main(argv)
    assert message in capsys.readouterr().err


def test_profile_prints_and_writes_the_table(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(
        sphere.bench_layers,
        "step_profile",
        lambda sizes, steps: f"profile of {sizes}, {steps} step(s)",
    )
    out = tmp_path / "profile.txt"
    sphere.main(
        ["--part", "layers", "--profile", "--quick", "--out", str(out)]
    )
    assert out.read_text() == "profile of (16, 10, 6), 1 step(s)\n"
    assert "profile of (16, 10, 6)" in capsys.readouterr().out


def test_the_record_ships_with_the_package():
    import tomllib
    from fnmatch import fnmatch
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]["package-data"]["dlnotes.sphere"]
    assert any(fnmatch("records/bench-idle.json", g) for g in globs) and any(
        fnmatch("records/README.md", g) for g in globs
    )
