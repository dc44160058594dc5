"""Keep freed memory in the process instead of handing it back to the OS.

A training step of the spherical CNN allocates and frees tensors of some
20 MB each, over and over. glibc's ``malloc`` serves a block that large with
its own ``mmap`` and returns it to the kernel with ``munmap`` when freed (above
``M_MMAP_THRESHOLD``), and it trims the top of the heap back to the kernel once
more than ``M_TRIM_THRESHOLD`` bytes are free there: each new tensor then
starts as fresh pages, and the step spends much of its time in page faults.
:func:`keep_freed_memory` raises both thresholds for the current
process through ``mallopt(3)``, as the environment variables
``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_`` would at start-up, so
that freed blocks are reused. The process keeps up to its peak memory mapped.

The training commands (``python -m dlnotes.sphere.experiments``, ``python -m
dlnotes.mobilenet.experiments``) call it first, and so does ``python -m
dlnotes.bench``, so that the benchmarks time what training runs.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import platform

#: ``mallopt`` parameters, from glibc's ``<malloc.h>``.
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
#: glibc's largest ``M_MMAP_THRESHOLD`` on a 64-bit machine (32 MiB): blocks
#: up to this size come from the heap and are reused once freed.
MMAP_THRESHOLD = 32 * 2**20
#: Free memory at the top of the heap kept rather than trimmed (1 GiB).
TRIM_THRESHOLD = 2**30


def keep_freed_memory() -> bool:
    """Raise glibc's mmap and trim thresholds for this process (to
    :data:`MMAP_THRESHOLD` and :data:`TRIM_THRESHOLD`); return whether they
    were set: ``False`` (nothing done) anywhere but Linux with glibc."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    mallopt = ctypes.CDLL(name).mallopt
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        and mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    )
