"""Files that outlive a run: written atomically, destinations checked before
any work, one run per folder, and one-line errors for files that cannot be
read.

Every file the package writes goes through :func:`atomic_write`: the bytes go
to a temporary file beside the destination, are flushed to the disk
(``fsync``), the temporary file is renamed over the destination and the folder
itself is flushed, so after a crash or a power cut the destination holds either
the old or the new content, never a mixture. The temporary file is removed on
every way out (an exception, a full disk, Ctrl-C, and SIGTERM inside
:func:`signals_as_interrupts`); a SIGKILL can leave one, which
:func:`remove_temporaries` clears when the folder is next used.
"""

from __future__ import annotations

import contextlib
import json
import os
import pickle
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO

import torch

#: The suffix of :func:`atomic_write`'s temporary files.
TEMPORARY = ".tmp"
#: The lock file :class:`FolderLock` keeps in a folder in use.
LOCK = ".lock"


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[IO], None],
    mode: str = "wb",
) -> Path:
    """Write a file atomically: ``write(handle)`` into a temporary file in the
    same folder, ``fsync`` it, rename it to ``path``, ``fsync`` the folder.

    The file is readable by everyone (0o644), like the package's other files.
    The temporary file (``<name>.<random>.tmp``) is removed whatever happens.

    Raises:
        OSError: the folder cannot be written or the disk is full; the message
            names ``path``.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f"{path.name}.", suffix=TEMPORARY
        )
    except OSError as error:
        raise _naming(error, path) from None
    try:
        with os.fdopen(descriptor, mode) as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(error, OSError):
            raise _naming(error, path) from None
        raise
    fsync_folder(path.parent)
    return path


def _naming(error: OSError, path: Path) -> OSError:
    """``error`` again, its message naming ``path`` (e.g. "cannot write
    run.json: No space left on device")."""
    reason = error.strerror or str(error)
    return type(error)(error.errno, f"cannot write {path}: {reason}")


def fsync_folder(folder: str | os.PathLike[str]) -> None:
    """Flush a folder's entries (a rename in it) to the disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """:func:`atomic_write` of ``text`` (UTF-8)."""
    return atomic_write(
        path, lambda handle: handle.write(text.encode("utf-8")), "wb"
    )


def read_record_json(
    path: str | os.PathLike[str],
    what: str,
    format: int,
    fields: Iterable[str] = (),
) -> dict:
    """The JSON object of the ``what`` (e.g. ``"run record"``) at ``path``,
    checked to have ``"format": format`` and every key of ``fields``.

    Raises:
        FileNotFoundError: there is no file at ``path``.
        ValueError: the file cannot be read, is not JSON, is not a JSON object,
            has another ``format`` or lacks a field; the message names
            ``path``.
    """
    try:
        data = json.loads(Path(path).read_text())
    except FileNotFoundError:
        raise
    except OSError as error:
        raise ValueError(
            f"cannot read {what} {path}: {error.strerror or error}"
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"{path} is not a JSON {what}: {error}") from None
    if not isinstance(data, dict):
        raise ValueError(
            f"{path} is not a {what} (a JSON object), got a"
            f" {type(data).__name__}"
        )
    if data.get("format") != format:
        raise ValueError(
            f"{path}: format must be {format}, got {data.get('format')!r}"
        )
    missing = [name for name in fields if name not in data]
    if missing:
        raise ValueError(f"{path} lacks the field {missing[0]!r} of a {what}")
    return data


def save_tensors(path: str | os.PathLike[str], state: object) -> Path:
    """:func:`atomic_write` of ``torch.save(state)``."""
    return atomic_write(path, lambda handle: torch.save(state, handle), "wb")


def remove_temporaries(folder: str | os.PathLike[str]) -> list[Path]:
    """Remove the temporary files a killed :func:`atomic_write` left in
    ``folder`` (call it only while holding the folder's :class:`FolderLock`,
    so that no writer is using them); returns what was removed."""
    removed = []
    for path in Path(folder).glob(f"*.*{TEMPORARY}"):
        if path.is_file():
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def check_folder(
    folder: str | os.PathLike[str], nbytes: int = 0, what: str = "--save"
) -> Path:
    """Check, before any work, that files can be written into ``folder``
    (created, with its parents, if missing) and that ``nbytes`` fit there.

    Raises:
        ValueError: ``folder`` or one of its parents is a file, the folder is
            not writable, or the disk has less than ``nbytes`` free; the
            message names the folder.
    """
    folder = Path(folder)
    for existing in (folder, *folder.parents):
        if existing.exists():
            break
    if not existing.is_dir():
        raise ValueError(
            f"{what} {folder}: {existing} is a file, not a folder"
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        descriptor, probe = tempfile.mkstemp(dir=folder, suffix=TEMPORARY)
        os.close(descriptor)
        os.unlink(probe)
    except OSError as error:
        raise ValueError(
            f"{what} {folder} cannot be written: {error.strerror or error}"
        ) from None
    check_free_space(folder, nbytes, what)
    return folder


def check_file(
    path: str | os.PathLike[str],
    nbytes: int = 0,
    what: str = "--record",
    suffix: str | None = None,
) -> Path:
    """Check, before any work, that the file ``path`` can be written: its name
    ends in ``suffix`` (if given), it is not a folder, its folder exists and is
    writable, and ``nbytes`` fit there.

    Raises:
        ValueError: naming ``path`` and the problem.
    """
    path = Path(path)
    if suffix is not None and path.suffix != suffix:
        raise ValueError(f"{what} {path}: the name must end in {suffix}")
    if path.is_dir():
        raise ValueError(f"{what} {path} is a folder, not a file")
    if not path.parent.is_dir():
        raise ValueError(
            f"{what} {path}: the folder {path.parent} does not exist"
        )
    check_folder(path.parent, nbytes, what)
    return path


def check_free_space(
    folder: str | os.PathLike[str], nbytes: int, what: str = "--save"
) -> None:
    """Raise a ``ValueError`` when ``folder``'s disk has less than ``nbytes``
    free."""
    free = shutil.disk_usage(folder).free
    if free < nbytes:
        raise ValueError(
            f"{what} {folder}: only {_size(free)} free on its disk, and one"
            f" checkpoint needs about {_size(nbytes)}"
        )


def _size(nbytes: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if nbytes < 1024 or unit == "GiB":
            return (
                f"{nbytes:.0f} {unit}"
                if unit == "B"
                else f"{nbytes:.1f} {unit}"
            )
        nbytes /= 1024
    raise AssertionError("unreachable")


class FolderLock:
    """One run at a time per folder: ``with FolderLock(folder): ...`` holds
    ``folder/.lock`` (holding this process's id) and refuses, in one line, a
    folder another live process holds. A lock left by a process that no longer
    runs (killed) is taken over."""

    def __init__(self, folder: str | os.PathLike[str], what: str = "--save"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK
        self.what = what

    def __enter__(self) -> FolderLock:
        for _ in range(3):
            try:
                descriptor = os.open(
                    self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644
                )
            except FileExistsError:
                holder = _holder(self.path)
                if holder is not None:
                    raise ValueError(
                        f"{self.what} {self.folder} is in use by process"
                        f" {holder} (its lock {self.path}); wait for it to"
                        " end or choose another folder"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its process died
                continue
            with os.fdopen(descriptor, "w") as handle:
                handle.write(f"{os.getpid()}\n")
            return self
        raise ValueError(f"{self.what} {self.folder}: cannot take {self.path}")

    def __exit__(self, *exc: object) -> None:
        if _pid(self.path) == os.getpid():
            self.path.unlink(missing_ok=True)


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _holder(path: Path) -> int | None:
    """The live process holding the lock ``path``, or None if it is stale."""
    pid = _pid(path)
    if pid is None:
        # being written this instant, or garbage: stale once a little old
        try:
            age = time.time() - path.stat().st_mtime
        except FileNotFoundError:
            return None
        return -1 if age < 5 else None
    if pid == os.getpid():
        return pid
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP), raised like Ctrl-C so that ``finally`` clauses and
    :func:`atomic_write`'s clean-up run; ``signum`` says which."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise :class:`Terminated` (a
    ``KeyboardInterrupt``) instead of ending the process on the spot; the old
    handlers come back after it. Outside the main thread, a no-op."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum: int, frame: object) -> None:
        raise Terminated(signum)

    kinds = (signal.SIGTERM, signal.SIGHUP)
    previous = {kind: signal.signal(kind, interrupt) for kind in kinds}
    try:
        yield
    finally:
        for kind, handler in previous.items():
            signal.signal(kind, handler)


def exit_code(interrupt: KeyboardInterrupt) -> int:
    """The shell's exit status for a run stopped by ``interrupt``: 130 for
    Ctrl-C, 128 + N for signal N."""
    return 128 + getattr(interrupt, "signum", signal.SIGINT)


def load_tensors(path: str | os.PathLike[str], what: str = "checkpoint"):
    """``torch.load(path, weights_only=True)`` on the CPU, with every failure
    one line naming the file and the problem.

    Raises:
        ValueError: the file is missing, unreadable, empty, truncated, not a
            torch file, or holds more than tensors and plain values (which
            ``weights_only`` refuses to unpickle).
    """
    path = Path(path)
    if path.is_file() and path.stat().st_size == 0:
        raise ValueError(f"{what} {path} is empty")
    try:
        return torch.load(path, map_location="cpu", weights_only=True)
    except FileNotFoundError:
        raise ValueError(f"{what} {path} does not exist") from None
    except OSError as error:
        raise ValueError(
            f"cannot read {what} {path}: {error.strerror or error}"
        ) from None
    except pickle.UnpicklingError as error:
        if "Unsupported global" not in str(error):  # not a pickle at all
            raise ValueError(
                f"{what} {path} is not a readable torch file (truncated or"
                f" corrupt): {first_line(error)}"
            ) from None
        found = re.search(r"GLOBAL (\S+)", str(error))
        raise ValueError(
            f"{what} {path} holds objects other than tensors and plain values"
            f" ({found.group(1) if found else 'code'}; refused, not"
            " unpickled: weights_only=True)"
        ) from None
    except Exception as error:  # torch's zip reader: RuntimeError, EOFError...
        raise ValueError(
            f"{what} {path} is not a readable torch file (truncated or"
            f" corrupt): {first_line(error)}"
        ) from None


def load_state_dict(
    model: torch.nn.Module,
    state: object,
    path: str | os.PathLike[str],
    what: str = "weights",
) -> None:
    """``model.load_state_dict(state)``, a mismatch being one line naming
    ``path`` (missing or unexpected keys, shapes)."""
    if not isinstance(state, dict) or not all(
        isinstance(value, torch.Tensor) for value in state.values()
    ):
        raise ValueError(f"{what} {path} is not a state_dict of tensors")
    try:
        model.load_state_dict(state)
    except RuntimeError as error:
        raise ValueError(
            f"{what} {path} do not fit {type(model).__name__}:"
            f" {one_line(error)}"
        ) from None


def first_line(error: BaseException) -> str:
    """The first non-empty line of ``error``'s message."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return lines[0] if lines else type(error).__name__


def one_line(error: BaseException) -> str:
    """``error``'s message with its lines joined by "; "."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return "; ".join(lines) if lines else type(error).__name__


def available_memory() -> int:
    """Bytes of memory available to a new allocation (``MemAvailable`` of
    /proc/meminfo; the physical memory where that is missing)."""
    try:
        with open("/proc/meminfo") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")


def check_memory(nbytes: float, what: str) -> None:
    """Refuse, before allocating, a computation estimated to need ``nbytes``
    when less memory is available.

    Raises:
        ValueError: naming ``what``, the estimate and what is available.
    """
    available = available_memory()
    if nbytes > available:
        raise ValueError(
            f"{what} needs about {_size(nbytes)} of memory, and only"
            f" {_size(available)} is available"
        )


def check_threads(threads: int | None) -> int | None:
    """``threads`` if it is None or at most this machine's CPU count.

    Raises:
        ValueError: more threads than CPUs.
    """
    cpus = os.cpu_count() or 1
    if threads is not None and threads > cpus:
        raise ValueError(
            f"--threads must be at most this machine's {cpus} CPUs, got"
            f" {threads}"
        )
    return threads
