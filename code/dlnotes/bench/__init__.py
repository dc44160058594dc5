"""Timing against a reference measured in the same run: warm-up first,
interleaved, medians.

Benchmarks in this book are scripts, not timed tests: ``python -m dlnotes.bench
<topic>`` (topics: ``backprop``, ``mobilenet``, ``sphere``) runs the
benchmark kept beside its part (:mod:`dlnotes.backprop.bench`,
:mod:`dlnotes.mobilenet.experiments.bench`,
:mod:`dlnotes.sphere.experiments.bench`), which prints ratios such as *ours /
native*. This package is the toolkit they share and imports none of them.
Absolute times depend on the machine; a ratio measured with both sides
interleaved in one run (A, B, A, B, ...) is far less sensitive to frequency
scaling, other processes and cache state than two separate runs.

The pieces, one module each: :mod:`~dlnotes.bench.timing` (interleaved rounds,
repeated until a ratio is known well enough), :mod:`~dlnotes.bench.interval`
(ratio of medians and its bootstrap interval), :mod:`~dlnotes.bench.load` (is
the machine busy?), :mod:`~dlnotes.bench.comparison` (one candidate against one
reference), :mod:`~dlnotes.bench.wording` (sentences that say only what an
interval supports) and :mod:`~dlnotes.bench.records` (runs recorded on an idle
machine).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch

# The names pages and benchmarks import; each is documented in its own module.
from dlnotes.bench.comparison import Comparison, compare
from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load, LoadMonitor
from dlnotes.bench.timing import Measurement, Timing, measure, time_interleaved

__all__ = [
    "Comparison",
    "Load",
    "LoadMonitor",
    "Measurement",
    "RatioEstimate",
    "Timing",
    "compare",
    "measure",
    "ratio_interval",
    "threads",
    "time_interleaved",
]


@contextlib.contextmanager
def threads(n: int) -> Iterator[None]:
    """Run the block with ``torch.set_num_threads(n)``, restoring the previous
    count after."""
    if n < 1:
        raise ValueError(f"n must be >= 1, got {n}")
    previous = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(previous)
