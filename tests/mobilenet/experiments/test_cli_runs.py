"""The trade-off runs as a long run needs them: the checkpoint carries the
task, a leftover checkpoint resumes only with --resume, one run per folder,
bounds on threads and configurations, Ctrl-C in one line."""

import os
import subprocess
import sys

import pytest

from dlnotes.mobilenet.experiments import cli, runs
from dlnotes.mobilenet.experiments import tradeoffs as ex
from dlnotes.mobilenet.experiments.cli import main

TINY = ex.Settings(epochs=2, seeds=(0,), batch_size=16, task="mnist")
CONFIG = ex.Config("separable", 0.25, 16)


class _Killed(Exception):
    pass


def _kill_after_epoch_1(line):
    if "epoch 1/" in line:
        raise _Killed


def _leave_a_checkpoint(folder):
    with pytest.raises(_Killed):
        runs.record_runs(
            folder, [CONFIG], TINY, "first", say=_kill_after_epoch_1
        )
    assert sorted(p.suffix for p in folder.iterdir()) == [".ckpt"]


def test_a_checkpoint_of_another_task_is_not_resumed(tmp_path, tiny_data):
    _leave_a_checkpoint(tmp_path)
    other = ex.Settings(epochs=2, seeds=(0,), batch_size=16, task="cluttered")
    with pytest.raises(ValueError, match="task: 'mnist', now 'cluttered'"):
        runs.record_runs(tmp_path, [CONFIG], other, "other", resume=True)
    written = runs.record_runs(tmp_path, [CONFIG], TINY, "again", resume=True)
    assert len(written) == 1 and len(written[0].epochs) == 2


def test_a_leftover_checkpoint_is_resumed_only_with_resume(
    tmp_path, tiny_data
):
    _leave_a_checkpoint(tmp_path)
    with pytest.raises(ValueError, match="unfinished run; add --resume"):
        runs.record_runs(tmp_path, [CONFIG], TINY, "again")


def test_a_folder_in_use_is_refused(tmp_path, tiny_data):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    try:
        (tmp_path / ".lock").write_text(f"{holder.pid}\n")
        with pytest.raises(ValueError, match=f"process {holder.pid}"):
            runs.record_runs(tmp_path, [CONFIG], TINY, "second")
    finally:
        holder.kill()
        holder.wait()
    assert runs.record_runs(tmp_path, [CONFIG], TINY, "after")  # stale now


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--configs", "separable-a0.25-28px", "separable-a0.25-28px"],
            "names separable-a0.25-28px more than once",
        ),
        (["--threads", "100000"], f"this machine's {os.cpu_count()} CPUs"),
        (["--seeds", str(2**64)], "must be an int <= 2147483647"),
        (["--epochs", str(2**70)], "must be an int <= 2147483647"),
    ],
)
def test_bad_counts_are_refused_before_any_work(
    tmp_path, cli_error, arguments, message
):
    argv = ["tradeoffs", "--save", str(tmp_path / "out"), *arguments]
    assert message in cli_error(main, argv)
    assert not (tmp_path / "out").exists()


def test_ctrl_c_prints_what_was_kept_and_how_to_resume(
    tmp_path, cli_error, monkeypatch
):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "record_runs", interrupted)
    err = cli_error(main, ["tradeoffs", "--save", str(tmp_path)], code=130)
    assert f"kept in {tmp_path}" in err
    assert err.endswith(f"tradeoffs --save {tmp_path} --resume")
