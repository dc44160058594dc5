"""The in-memory cache of the S² transforms' tables, with a memory budget.

:func:`~dlnotes.sphere.s2_fft.s2_fft` and
:func:`~dlnotes.sphere.s2_fft.s2_ifft` contract with tables of ``N_l
d^l_{m0}(β_j)`` (and index maps) that cost O(b³) to build, so they are built
once per size and kept in memory (never on disk). The cache holds at most
:func:`table_cache_info`'s ``budget`` bytes: the least recently used tables are
dropped to make room, and a table larger than the whole budget is not kept at
all (each call then builds it again, one block of orders at a time, so the peak
memory stays low). The default budget, 256 MiB, keeps every table up to b = 256
in float64. Tables are always built outside ``torch.inference_mode()``, so a
first call under inference mode never leaves a table that a later backward
pass refuses.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from dlnotes._cache import clear_caches
from dlnotes._checks import check_int

DEFAULT_BUDGET = 256 * 2**20


@dataclass(frozen=True)
class CacheInfo:
    """What the cache holds: number of tables, their size in bytes, and the
    budget in bytes."""

    entries: int
    nbytes: int
    budget: int


class TableCache:
    """A least-recently-used mapping whose values' sizes (in bytes, given by
    the caller) sum to at most ``budget``."""

    def __init__(self, budget: int = DEFAULT_BUDGET) -> None:
        self._entries: OrderedDict[Hashable, tuple[object, int]] = (
            OrderedDict()
        )
        self._nbytes = 0
        self.budget = budget

    @property
    def budget(self) -> int:
        """The most bytes the cache holds; setting it drops least recently used
        tables to fit."""
        return self._budget

    @budget.setter
    def budget(self, nbytes: int) -> None:
        self._budget = check_int(nbytes, "nbytes", 0, "number of bytes")
        self._shrink(self._budget)

    def get(self, key: Hashable) -> object | None:
        """The value stored under ``key`` (now the most recently used), or
        ``None``."""
        if key not in self._entries:
            return None
        self._entries.move_to_end(key)
        return self._entries[key][0]

    def fits(self, nbytes: int) -> bool:
        """Whether a value of ``nbytes`` would be kept (it is not larger than
        the budget)."""
        return nbytes <= self._budget

    def put(self, key: Hashable, value: object, nbytes: int) -> None:
        """Store ``value`` if it fits the budget, dropping least recently used
        values to make room."""
        if key in self._entries:
            self._nbytes -= self._entries.pop(key)[1]
        if not self.fits(nbytes):
            return
        self._shrink(self._budget - nbytes)
        self._entries[key] = (value, nbytes)
        self._nbytes += nbytes

    def clear(self) -> None:
        """Drop every stored value."""
        self._entries.clear()
        self._nbytes = 0

    def info(self) -> CacheInfo:
        """Entries, bytes held and budget."""
        return CacheInfo(len(self._entries), self._nbytes, self._budget)

    def _shrink(self, limit: int) -> None:
        while self._entries and self._nbytes > limit:
            _, (_, nbytes) = self._entries.popitem(last=False)
            self._nbytes -= nbytes


TABLES = TableCache()


def clear_table_cache() -> None:
    """Free the memory held by every cached table of the package: the S²
    transforms' tables and the layers' filter DFTs, Wigner tables and index
    maps (``dlnotes._cache.clear_caches``); they are rebuilt when next
    needed."""
    TABLES.clear()
    clear_caches()


def set_table_cache_budget(nbytes: int) -> None:
    """Let the S² transforms keep at most ``nbytes`` of tables in memory
    (default 256 MiB).

    A larger budget saves rebuilding large tables on every call (at b = 512 the
    float64 table takes about 0.6 GB); a smaller one, or 0, frees memory at the
    cost of rebuilding.

    Raises:
        TypeError: ``nbytes`` is not an int.
        ValueError: ``nbytes`` is negative.
    """
    TABLES.budget = nbytes


def table_cache_info() -> CacheInfo:
    """How many tables the S² transforms keep, their total size and the budget,
    in bytes."""
    return TABLES.info()
