"""The spherical experiments' CLI as a long run needs it: outputs checked and
locked before any work, bounds on threads and sizes, Ctrl-C in one line, and
records that score only on their own digits."""

import json
import os
import subprocess
import sys

import pytest

from dlnotes.sphere.experiments import cli
from dlnotes.sphere.experiments.cli import main

TINY = (
    "--bandwidth 10 --b1 3 --b2 2 --seeds 0 --n-train 24 --n-test 10"
    " --epochs 1 --models planar --train-on NR"
).split()


@pytest.fixture
def no_data(forbid):
    forbid(
        "dlnotes.sphere.experiments.mnist.experiment.mnist_5k",
        why="data was loaded before the check",
    )


def test_resume_without_save_is_an_error(cli_error, no_data):
    assert "--resume needs --save" in cli_error(
        main, ["mnist", *TINY, "--resume"]
    )


@pytest.mark.parametrize("command", ["mnist", "mnist-eval"])
def test_more_threads_than_cpus_is_an_error(cli_error, command):
    err = cli_error(main, [command, "--threads", "100000"])
    assert f"at most this machine's {os.cpu_count()} CPUs" in err


def test_equivariance_at_bandwidth_1_and_huge_sizes_are_errors(cli_error):
    assert "must be an int >= 2" in cli_error(
        main, ["equivariance", "--bandwidths", "1"]
    )
    err = cli_error(main, "equivariance --bandwidths 4 5000 --depth 1".split())
    assert "b = 5000" in err and "needs about" in err


def test_huge_seeds_and_projection_sizes_are_errors(cli_error, monkeypatch):
    assert "must be an int <=" in cli_error(
        main, ["mnist", "--seeds", str(2**70)]
    )
    assert "must be an int <= 2147483647" in cli_error(
        main, ["mnist", "--batch-size", str(2**62)]
    )
    err = cli_error(main, ["mnist", *TINY, "--bandwidth", "100000"])
    assert "projecting 34 digits at b = 100000 needs about" in err


def test_save_under_a_file_is_refused_before_any_data(
    tmp_path, cli_error, no_data
):
    (tmp_path / "file").write_text("")
    err = cli_error(main, ["mnist", *TINY, "--save", str(tmp_path / "file/x")])
    assert "is a file, not a folder" in err


def test_a_folder_in_use_is_refused_in_one_line(tmp_path, cli_error, no_data):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    try:
        (tmp_path / ".lock").write_text(f"{holder.pid}\n")
        err = cli_error(main, ["mnist", *TINY, "--save", str(tmp_path)])
        assert f"in use by process {holder.pid}" in err
    finally:
        holder.kill()
        holder.wait()


def test_ctrl_c_prints_what_was_kept_and_how_to_resume(
    tmp_path, cli_error, monkeypatch
):
    def interrupted(**kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "mnist_experiment", interrupted)
    err = cli_error(main, ["mnist", *TINY, "--save", str(tmp_path)], code=130)
    assert f"kept in {tmp_path}" in err
    assert err.endswith(f"--save {tmp_path} --resume")
    err = cli_error(main, ["mnist", *TINY], code=130)
    assert "nothing was saved" in err


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    """One tiny trained run, saved (its record, weights)."""
    folder = tmp_path_factory.mktemp("run")
    main(["mnist", *TINY, "--save", str(folder)])
    return folder


def test_a_run_is_scored_only_on_its_own_digits(
    one_run, tmp_path, capsys, cli_error
):
    record = json.loads((one_run / "planar-NR-seed0.json").read_text())
    assert len(record["data"]) == 16
    main(["mnist-eval", "--folder", str(one_run)])  # its own: fine
    capsys.readouterr()
    for name in ("planar-NR-seed0.json", "planar-NR-seed0.pt"):
        (tmp_path / name).write_bytes((one_run / name).read_bytes())
    changed = record | {"data": "0123456789abcdef"}
    (tmp_path / "planar-NR-seed0.json").write_text(json.dumps(changed))
    err = cli_error(main, ["mnist-eval", "--folder", str(tmp_path)])
    assert "trained on other digits than the shipped digits" in err
    # an older record without a fingerprint, made with --data
    older = record | {"command": record["command"] + " --data /x"}
    del older["data"]
    (tmp_path / "planar-NR-seed0.json").write_text(json.dumps(older))
    err = cli_error(main, ["mnist-eval", "--folder", str(tmp_path)])
    assert "pass that folder with --data" in err


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (None, "holds no run records"),
        ("[1, 2]", "not a run record (a JSON object)"),
        ('{"format": 1, "command": "x"}', "lacks the field 'model'"),
        ("weights", "not a readable torch file"),
    ],
)
def test_bad_folders_of_runs_are_one_line(
    one_run, tmp_path, cli_error, content, match
):
    if content == "weights":
        for name in ("planar-NR-seed0.json", "planar-NR-seed0.pt"):
            (tmp_path / name).write_bytes((one_run / name).read_bytes())
        (tmp_path / "planar-NR-seed0.pt").write_bytes(b"PK\x03\x04broken")
    elif content is not None:
        (tmp_path / "planar-NR-seed0.json").write_text(content)
    assert match in cli_error(main, ["mnist-eval", "--folder", str(tmp_path)])


def test_a_run_removes_leftover_temporaries_and_its_lock(
    one_run, tmp_path, capsys
):
    (tmp_path / "planar-NR-seed0.ckpt.x1y2.tmp").write_bytes(b"partial")
    main(["mnist", *TINY, "--save", str(tmp_path)])
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".json", ".pt"]


def test_a_record_of_huge_sizes_is_refused_before_allocating(
    one_run, tmp_path, cli_error
):
    record = json.loads((one_run / "planar-NR-seed0.json").read_text())
    record["settings"] |= {"b": 100_000, "b1": 50_000}
    (tmp_path / "planar-NR-seed0.json").write_text(json.dumps(record))
    (tmp_path / "planar-NR-seed0.pt").write_bytes(
        (one_run / "planar-NR-seed0.pt").read_bytes()
    )
    err = cli_error(main, ["mnist-eval", "--folder", str(tmp_path)])
    assert "(b = 100000) needs about" in err
