"""dlnotes._io: atomic writes that leave no temporary file on any way out,
destinations checked before any work, one run per folder, one-line errors for
bad torch files, bounds on threads and memory."""

import errno
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import torch

from dlnotes import _io


def _names(folder):
    return sorted(path.name for path in folder.iterdir())


def test_atomic_write_replaces_the_file_and_leaves_nothing_else(tmp_path):
    path = tmp_path / "run.json"
    _io.write_text(path, "old")
    _io.write_text(path, "new")
    assert path.read_text() == "new" and _names(tmp_path) == ["run.json"]
    assert path.stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize(
    "failure",
    [
        OSError(errno.ENOSPC, "No space left on device"),
        KeyboardInterrupt(),
        RuntimeError("bug"),
    ],
)
def test_a_failed_write_removes_its_temporary_file_and_keeps_the_old(
    tmp_path, failure
):
    path = tmp_path / "run.ckpt"
    _io.write_text(path, "old")

    def write(handle):
        handle.write(b"half")
        raise failure

    with pytest.raises(type(failure)) as raised:
        _io.atomic_write(path, write)
    assert _names(tmp_path) == ["run.ckpt"] and path.read_text() == "old"
    if isinstance(failure, OSError):  # a full disk names the file
        assert str(path) in str(raised.value)
        assert "No space left" in str(raised.value)


def test_sigterm_during_a_write_removes_the_temporary_file(tmp_path):
    script = textwrap.dedent(
        f"""
        import time, sys
        from dlnotes import _io
        def slow(handle):
            handle.write(b"x")
            print("writing", flush=True)
            time.sleep(30)
        try:
            with _io.signals_as_interrupts():
                _io.atomic_write({str(tmp_path / "a.ckpt")!r}, slow)
        except KeyboardInterrupt as stop:
            sys.exit(_io.exit_code(stop))
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout.readline() == "writing\n"
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 128 + signal.SIGTERM
    assert _names(tmp_path) == []


def test_temporaries_of_a_killed_writer_are_removed(tmp_path):
    (tmp_path / "run.ckpt.abc123.tmp").write_bytes(b"partial")
    (tmp_path / "run.json").write_text("{}")
    assert _io.remove_temporaries(tmp_path) == [
        tmp_path / "run.ckpt.abc123.tmp"
    ]
    assert _names(tmp_path) == ["run.json"]


def test_a_folder_under_a_file_or_unwritable_is_refused(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="is a file, not a folder"):
        _io.check_folder(tmp_path / "file" / "runs")
    # root writes everywhere, so an unwritable folder is simulated
    monkeypatch.setattr(
        _io.tempfile,
        "mkstemp",
        lambda **kw: (_ for _ in ()).throw(PermissionError(13, "Read-only")),
    )
    with pytest.raises(ValueError, match="cannot be written: Read-only"):
        _io.check_folder(tmp_path / "runs")


def test_a_full_disk_is_refused_before_any_work(tmp_path, monkeypatch):
    class Usage:
        free = 1024

    monkeypatch.setattr(_io.shutil, "disk_usage", lambda path: Usage)
    with pytest.raises(ValueError, match="1.0 KiB free on its disk"):
        _io.check_folder(tmp_path, nbytes=10 * 2**20)


def test_a_record_path_naming_a_folder_is_refused(tmp_path):
    (tmp_path / "D.json").mkdir()
    with pytest.raises(ValueError, match="is a folder, not a file"):
        _io.check_file(tmp_path / "D.json", suffix=".json")
    with pytest.raises(ValueError, match="does not exist"):
        _io.check_file(tmp_path / "no" / "x.json")
    assert _io.check_file(tmp_path / "x.json") == tmp_path / "x.json"


def test_a_second_run_in_a_folder_is_refused_and_stale_locks_recovered(
    tmp_path,
):
    with _io.FolderLock(tmp_path):
        assert (tmp_path / ".lock").read_text() == f"{os.getpid()}\n"
    assert _names(tmp_path) == []
    alive = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"]
    )
    try:
        (tmp_path / ".lock").write_text(f"{alive.pid}\n")
        with pytest.raises(ValueError, match=f"in use by process {alive.pid}"):
            with _io.FolderLock(tmp_path):
                pass
    finally:
        alive.kill()
        alive.wait()
    # the holder died: its lock is taken over
    with _io.FolderLock(tmp_path):
        assert (tmp_path / ".lock").read_text() == f"{os.getpid()}\n"
    # a garbled lock file, old enough, is stale too
    (tmp_path / ".lock").write_text("garbage")
    old = time.time() - 60
    os.utime(tmp_path / ".lock", (old, old))
    with _io.FolderLock(tmp_path):
        pass


class _Payload:
    def __reduce__(self):
        return (print, ("executed",))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (None, "does not exist"),
        (b"", "is empty"),
        (b"garbage, not a zip", "not a readable torch file"),
        ("truncated", "not a readable torch file"),
        ("payload", "objects other than tensors"),
    ],
)
def test_bad_torch_files_are_one_line_naming_the_file(
    tmp_path, capsys, content, match
):
    path = tmp_path / "x.pt"
    if content == "truncated":
        torch.save({"w": torch.zeros(1000)}, path)
        path.write_bytes(path.read_bytes()[:300])
    elif content == "payload":
        torch.save({"w": _Payload()}, path)
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as raised:
        _io.load_tensors(path, "checkpoint")
    message = str(raised.value)
    assert str(path) in message and "\n" not in message
    assert "executed" not in capsys.readouterr().out


def test_weights_that_do_not_fit_are_one_line(tmp_path):
    model = torch.nn.Linear(2, 3)
    with pytest.raises(ValueError, match="do not fit Linear") as raised:
        _io.load_state_dict(model, {"weight": torch.zeros(3, 3)}, "w.pt")
    assert "\n" not in str(raised.value)
    with pytest.raises(ValueError, match="not a state_dict"):
        _io.load_state_dict(model, [1, 2], "w.pt")


def test_threads_and_memory_are_bounded():
    cpus = os.cpu_count()
    assert _io.check_threads(cpus) == cpus and _io.check_threads(None) is None
    with pytest.raises(ValueError, match=f"at most this machine's {cpus}"):
        _io.check_threads(100_000)
    _io.check_memory(1024, "a small table")
    with pytest.raises(ValueError, match="a huge table needs about"):
        _io.check_memory(2**70, "a huge table")


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("{", "is not a JSON run record"),
        ("[1]", r"not a run record \(a JSON object\), got a list"),
        ('{"format": 2}', "format must be 1, got 2"),
        ('{"format": 1}', "lacks the field 'seed' of a run record"),
    ],
)
def test_read_record_json_refuses_in_one_line_naming_the_file(
    tmp_path, text, match
):
    path = tmp_path / "run.json"
    path.write_text(text)
    with pytest.raises(ValueError, match=match) as caught:
        _io.read_record_json(path, "run record", 1, ("seed",))
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)


def test_read_record_json_returns_the_object(tmp_path):
    path = tmp_path / "run.json"
    path.write_text('{"format": 1, "seed": 3}')
    data = _io.read_record_json(path, "run record", 1, ("seed",))
    assert data == {"format": 1, "seed": 3}
    with pytest.raises(FileNotFoundError):
        _io.read_record_json(tmp_path / "none.json", "run record", 1)
