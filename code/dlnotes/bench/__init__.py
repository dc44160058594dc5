"""Timing against a reference measured in the same run: warm-up first, interleaved, medians.

Benchmarks in this book are scripts, not timed tests: ``python -m dlnotes.bench <topic>`` runs
``dlnotes.bench.<topic>.main`` (topics: ``backprop``, ``mobilenet``, ``sphere``), which prints
ratios such as *ours / native*. Absolute times depend on the machine; a ratio measured with both
sides interleaved in one run (A, B, A, B, ...) is far less sensitive to frequency scaling, other
processes and cache state than two separate runs.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Timing:
    """All repeat times (seconds) of one callable and their median."""

    name: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def time_interleaved(
    candidates: Mapping[str, Callable[[], object]], repeats: int = 11, warmup: int = 2
) -> dict[str, Timing]:
    """Time each callable ``repeats`` times, interleaving them, after ``warmup`` untimed rounds.

    Round ``r`` calls every candidate once, in an order rotated by ``r`` so no candidate is
    always first after a pause.
    """
    if not candidates:
        raise ValueError("candidates must name at least one callable")
    if repeats < 1 or warmup < 0:
        raise ValueError(f"repeats must be >= 1 and warmup >= 0, got {repeats} and {warmup}")
    names = list(candidates)
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for r in range(repeats):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            start = time.perf_counter()
            candidates[name]()
            times[name].append(time.perf_counter() - start)
    return {name: Timing(name, tuple(times[name])) for name in names}


@dataclass(frozen=True)
class Comparison:
    """A candidate's median time against a reference's, measured in the same run."""

    candidate: Timing
    reference: Timing

    @property
    def ratio(self) -> float:
        """How many times longer the candidate takes than the reference (medians)."""
        return self.candidate.median / self.reference.median


def compare(
    candidate: Callable[[], object], reference: Callable[[], object], repeats: int = 11, warmup: int = 2
) -> Comparison:
    """Time ``candidate`` against ``reference``, interleaved (see :func:`time_interleaved`)."""
    timings = time_interleaved({"candidate": candidate, "reference": reference}, repeats, warmup)
    return Comparison(timings["candidate"], timings["reference"])


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(n)``, restoring the previous count after."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
