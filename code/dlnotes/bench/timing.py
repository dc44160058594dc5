"""Interleaved repeats: every candidate timed once per round, rounds repeated
until the ratios of interest are known well enough.

Round ``r`` calls every candidate once, in an order rotated by ``r`` so no
candidate is always first after a pause; untimed warm-up rounds come first.
With ``max_repeats`` above ``repeats``, :func:`measure` keeps adding rounds
until every ratio named in ``pairs`` has a bootstrap interval
(:func:`~dlnotes.bench.interval.ratio_interval`) narrower than ``precision``,
or ``max_repeats`` rounds or ``max_seconds`` have been spent. A
:class:`~dlnotes.bench.load.LoadMonitor` passed in times its calibration kernel
before the rounds, between them and after them.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypedDict

from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load, LoadMonitor


class Rounds(TypedDict, total=False):
    """How many rounds a benchmark may add, and who watches: the keyword
    options of :func:`measure` that the parts' benchmarks pass on
    (``**rounds: Unpack[Rounds]``)."""

    max_repeats: int | None
    max_seconds: float
    monitor: LoadMonitor | None


@dataclass(frozen=True)
class Timing:
    """All repeat times (seconds) of one callable, in round order, and their
    median."""

    name: str
    seconds: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


@dataclass(frozen=True)
class Measurement:
    """Interleaved timings of several callables (aligned by round) and the load
    seen meanwhile."""

    timings: dict[str, Timing]
    load: Load | None = None

    @property
    def rounds(self) -> int:
        """Number of timed rounds."""
        return len(next(iter(self.timings.values())).seconds)

    def ratio(self, candidate: str, reference: str) -> RatioEstimate:
        """Median time of ``candidate`` over ``reference``, with its paired
        bootstrap interval."""
        for name in (candidate, reference):
            if name not in self.timings:
                raise ValueError(
                    f"no candidate named {name!r}; measured:"
                    f" {', '.join(self.timings)}"
                )
        return ratio_interval(
            self.timings[candidate].seconds, self.timings[reference].seconds
        )


def _check_pairs(
    names: Sequence[str], pairs: Sequence[tuple[str, str]]
) -> None:
    for pair in pairs:
        if len(pair) != 2 or any(name not in names for name in pair):
            raise ValueError(
                "pairs must be (candidate, reference) names among"
                f" {list(names)}, got {pair!r}"
            )


def measure(
    candidates: Mapping[str, Callable[[], object]],
    repeats: int = 11,
    warmup: int = 2,
    *,
    pairs: Sequence[tuple[str, str]] = (),
    max_repeats: int | None = None,
    precision: float = 0.1,
    max_seconds: float = math.inf,
    monitor: LoadMonitor | None = None,
    clock: Callable[[], float] = time.perf_counter,
    inner: int = 1,
) -> Measurement:
    """Time the candidates in interleaved rounds; add rounds until ``pairs``
    are resolved.

    Args:
        candidates: name → callable.
        repeats: rounds always timed (all of them when ``max_repeats`` is
            ``None``).
        warmup: untimed rounds first.
        pairs: ``(candidate, reference)`` names whose time ratio should be
            known to ``precision``.
        max_repeats: at most this many rounds (``None``: exactly ``repeats``).
        precision: stop once every pair's interval has ``high / low − 1`` at
            most this.
        max_seconds: stop adding rounds after this much wall-clock time
            (warm-up included).
        monitor: times its calibration kernel before the rounds, between them
            (every ``(repeats + 1) // 2`` rounds) and after them; the
            measurement's the measurement's ``load`` is what it saw.
        clock: seconds, ``time.perf_counter`` unless a test scripts it.
        inner: calls of a candidate per timed repeat; its time is the
            repeat's over ``inner`` (for millisecond calls, whose single
            times the clock and the scheduler make noisy).

    Raises:
        ValueError: no candidates, ``repeats`` < 1, ``warmup`` < 0,
            ``max_repeats`` < ``repeats``, ``precision`` <= 0, ``max_seconds``
            <= 0, ``inner`` < 1, or a pair naming an unknown candidate.
    """
    if not candidates:
        raise ValueError("candidates must name at least one callable")
    if repeats < 1 or warmup < 0:
        raise ValueError(
            f"repeats must be >= 1 and warmup >= 0, got {repeats} and {warmup}"
        )
    if max_repeats is not None and max_repeats < repeats:
        raise ValueError(
            f"max_repeats must be >= repeats ({repeats}), got {max_repeats}"
        )
    if inner < 1:
        raise ValueError(f"inner must be >= 1, got {inner}")
    if not precision > 0 or not max_seconds > 0:
        raise ValueError(
            f"precision and max_seconds must be > 0, got {precision} and"
            f" {max_seconds}"
        )
    names = list(candidates)
    _check_pairs(names, pairs)
    cap = repeats if max_repeats is None else max_repeats
    every = (repeats + 1) // 2  # monitor checkpoints: at least one mid-way
    start = clock()
    first_checkpoint = monitor.count if monitor is not None else 0
    if monitor is not None:
        monitor.check()
    for _ in range(warmup):
        for name in names:
            candidates[name]()
    times: dict[str, list[float]] = {name: [] for name in names}

    def resolved() -> bool:
        return all(
            ratio_interval(times[c], times[r], resamples=1000).width
            <= precision
            for c, r in pairs
        )

    r = 0
    while r < repeats or (
        r < cap and clock() - start < max_seconds and not resolved()
    ):
        shift = r % len(names)
        for name in names[shift:] + names[:shift]:
            t0 = clock()
            for _ in range(inner):
                candidates[name]()
            times[name].append((clock() - t0) / inner)
        r += 1
        if monitor is not None and r % every == 0:
            monitor.check()
    if monitor is not None and r % every != 0:
        monitor.check()
    load = (
        monitor.load(since=first_checkpoint) if monitor is not None else None
    )
    return Measurement(
        {name: Timing(name, tuple(times[name])) for name in names}, load
    )


def time_interleaved(
    candidates: Mapping[str, Callable[[], object]],
    repeats: int = 11,
    warmup: int = 2,
    **options: object,
) -> dict[str, Timing]:
    """:func:`measure`'s timings alone (same arguments), for callers that need
    no load or interval."""
    return measure(candidates, repeats, warmup, **options).timings  # type: ignore[arg-type]
