"""dlnotes.memory: glibc's thresholds raised where there is glibc, nothing
done elsewhere."""

import platform

import pytest

from dlnotes import memory


@pytest.mark.skipif(
    platform.libc_ver()[0] != "glibc", reason="needs Linux with glibc"
)
def test_raises_the_thresholds_under_glibc():
    assert memory.keep_freed_memory()
    assert memory.keep_freed_memory()  # idempotent


@pytest.mark.parametrize(
    "system, libc", [("Darwin", ("", "")), ("Linux", ("musl", "1.2"))]
)
def test_is_a_no_op_elsewhere(monkeypatch, system, libc):
    monkeypatch.setattr(memory.platform, "system", lambda: system)
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: libc)
    monkeypatch.setattr(
        memory.ctypes,
        "CDLL",
        lambda *a: pytest.fail("called into a C library"),
    )
    assert memory.keep_freed_memory() is False


def test_is_a_no_op_without_a_c_library(monkeypatch):
    monkeypatch.setattr(memory.platform, "system", lambda: "Linux")
    monkeypatch.setattr(memory.platform, "libc_ver", lambda: ("glibc", "2"))
    monkeypatch.setattr(memory.ctypes.util, "find_library", lambda name: None)
    assert memory.keep_freed_memory() is False
