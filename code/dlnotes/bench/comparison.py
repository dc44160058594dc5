"""A candidate against a reference measured in the same interleaved run: the
ratio of medians, its bootstrap interval, and whether the machine was busy
meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load
from dlnotes.bench.timing import Timing, measure


@dataclass(frozen=True)
class Comparison:
    """A candidate's median time against a reference's, measured in the same
    run."""

    candidate: Timing
    reference: Timing
    load: Load | None = None

    @property
    def ratio(self) -> float:
        """How many times longer the candidate takes than the reference
        (medians)."""
        return self.candidate.median / self.reference.median

    @cached_property
    def estimate(self) -> RatioEstimate:
        """:attr:`ratio` with its 95 % bootstrap interval over the interleaved
        rounds."""
        return ratio_interval(self.candidate.seconds, self.reference.seconds)

    @property
    def busy(self) -> bool:
        """Whether the load monitor saw other work competing (``False`` when
        none watched)."""
        return self.load is not None and self.load.busy


def compare(
    candidate: Callable[[], object],
    reference: Callable[[], object],
    **options: object,
) -> Comparison:
    """Time ``candidate`` against ``reference``, interleaved, until the ratio
    is known to the requested precision or a cap is hit. ``options`` are those
    of :func:`~dlnotes.bench.timing.measure` (``repeats``, ``warmup``,
    ``max_repeats``, ``precision``, ``max_seconds``, ``monitor``,
    ``clock``)."""
    m = measure(
        {"candidate": candidate, "reference": reference},
        pairs=(("candidate", "reference"),),
        **options,
    )
    return Comparison(m.timings["candidate"], m.timings["reference"], m.load)
