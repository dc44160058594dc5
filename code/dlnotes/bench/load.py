"""Is the machine busy? A fixed calibration kernel, timed before, between and
after a measurement.

Other processes on a shared machine slow a benchmark down unevenly, and a ratio
of two medians does not always see it. So a :class:`LoadMonitor` times one
fixed piece of work — a :data:`KERNEL_SIZE`-square float32 matrix product on
one thread, repeated :data:`KERNEL_PRODUCTS` times, a few milliseconds — at
every *checkpoint* (before the measurement, between its rounds, after it), a
few times each. Two signs of contention:

* **spread**: the slowest checkpoint's median over the fastest's. The kernel
  does the same work every time, so on a quiet machine the spread stays near 1;
  load that comes and goes raises it.
* **CPU share**: the thread's CPU time over the wall-clock time of the kernel.
  A thread that waits for a core (steady load from other processes) has a share
  below 1.

The machine counts as *busy* when the spread exceeds :data:`MAX_SPREAD` or the
share falls below :data:`MIN_CPU_SHARE`: a page built there draws no conclusion
from its own timings. A *recorded* run, the one number a page states, must
pass a stricter test, :func:`quiet`: a spread of at most :data:`QUIET_SPREAD`
and a share of at least :data:`QUIET_CPU_SHARE`, what one benchmark on the idle
build machine showed. Both clocks can be replaced (tests script them).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

import torch

KERNEL_SIZE = 192
"""Side of the calibration kernel's square float32 matrices."""
KERNEL_PRODUCTS = 10
"""Matrix products per run of the calibration kernel (a few milliseconds on one
core)."""
MAX_SPREAD = 2.0
"""Largest spread (slowest checkpoint's median kernel time over the fastest's)
of a quiet machine. On the book's two-core build machine one benchmark on an
idle machine spread by 1.1–1.22, and all the checkpoints of a whole chapter
(hundreds, some right after two-thread work) by up to 1.7 with the full CPU
share; beside two CPU-bound processes the spread was 2.1–2.3 at a share of 79
%, beside a training run 8–13 at 31–42 %. Steady contention shows in the CPU
share first."""
MIN_CPU_SHARE = 0.85
"""Smallest CPU time over wall-clock time of the kernel on a machine that is
not busy."""
QUIET_SPREAD = 1.25
"""Largest spread of a run that may be *recorded* and stated as a page's
result: one benchmark on the idle build machine spread by 1.1–1.22 (see
:data:`MAX_SPREAD`); a larger spread, even one a whole chapter reaches on an
idle machine, is not quiet enough for a record."""
QUIET_CPU_SHARE = 0.95
"""Smallest CPU share of a run that may be recorded (the idle runs of one
benchmark: 0.99–1.0)."""


def quiet(load: Load | LoadSummary) -> bool:
    """Whether a run was quiet enough to be recorded: spread at most
    :data:`QUIET_SPREAD` and CPU share at least :data:`QUIET_CPU_SHARE`."""
    return load.spread <= QUIET_SPREAD and load.cpu_share >= QUIET_CPU_SHARE


def _busy(spread: float, cpu_share: float) -> bool:
    return spread > MAX_SPREAD or cpu_share < MIN_CPU_SHARE


def calibration_kernel() -> Callable[[], None]:
    """The fixed work: :data:`KERNEL_PRODUCTS` products of two fixed square
    matrices of side :data:`KERNEL_SIZE`, one thread."""
    g = torch.Generator().manual_seed(0)
    a = torch.randn(KERNEL_SIZE, KERNEL_SIZE, generator=g)
    b = torch.randn(KERNEL_SIZE, KERNEL_SIZE, generator=g)
    out = torch.empty(KERNEL_SIZE, KERNEL_SIZE)

    def kernel() -> None:
        previous = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            for _ in range(KERNEL_PRODUCTS):
                torch.mm(a, b, out=out)
        finally:
            torch.set_num_threads(previous)

    return kernel


@dataclass(frozen=True)
class LoadSummary:
    """What a recorded run keeps of its :class:`Load`: the spread and the CPU
    share."""

    spread: float
    cpu_share: float

    @property
    def busy(self) -> bool:
        """Whether other work visibly competed with the measurement (see the
        module docstring)."""
        return _busy(self.spread, self.cpu_share)


@dataclass(frozen=True)
class Load:
    """What the calibration kernel saw: its times per checkpoint, spread, CPU
    share, verdict."""

    checkpoints: tuple[tuple[float, ...], ...]
    cpu_share: float

    @property
    def spread(self) -> float:
        """Slowest checkpoint's median kernel time over the fastest's (1 for a
        single checkpoint)."""
        medians = [statistics.median(c) for c in self.checkpoints]
        return max(medians) / min(medians)

    @property
    def busy(self) -> bool:
        """Whether other work visibly competed with the measurement (see the
        module docstring)."""
        return _busy(self.spread, self.cpu_share)

    def summary(self) -> LoadSummary:
        """The spread and CPU share alone."""
        return LoadSummary(self.spread, self.cpu_share)

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready summary (what a recorded run keeps)."""
        return {
            "spread": round(self.spread, 4),
            "cpu_share": round(self.cpu_share, 4),
            "busy": self.busy,
            "checkpoints": len(self.checkpoints),
            "kernel_seconds_median": statistics.median(
                t for c in self.checkpoints for t in c
            ),
        }


class LoadMonitor:
    """Times the calibration kernel at checkpoints; :meth:`load` summarises
    what it saw.

    Args:
        samples: kernel runs per checkpoint.
        kernel: the fixed work (default
            :func:`~dlnotes.bench.load.calibration_kernel`).
        wall, cpu: clocks in seconds (default ``time.perf_counter`` and
            ``time.thread_time``).
    """

    def __init__(
        self,
        samples: int = 3,
        kernel: Callable[[], None] | None = None,
        wall: Callable[[], float] = time.perf_counter,
        cpu: Callable[[], float] = time.thread_time,
    ) -> None:
        if samples < 1:
            raise ValueError(f"samples must be >= 1, got {samples}")
        self.samples = samples
        self.kernel = calibration_kernel() if kernel is None else kernel
        self.wall, self.cpu = wall, cpu
        self._checkpoints: list[tuple[float, ...]] = []
        # CPU seconds of each checkpoint's kernel runs
        self._cpu: list[float] = []

    def check(self) -> None:
        """One checkpoint: run the kernel ``samples`` times, recording
        wall-clock and CPU time."""
        times, cpu = [], 0.0
        for _ in range(self.samples):
            w0, c0 = self.wall(), self.cpu()
            self.kernel()
            times.append(self.wall() - w0)
            cpu += self.cpu() - c0
        self._checkpoints.append(tuple(times))
        self._cpu.append(cpu)

    def load(self, since: int = 0) -> Load:
        """What the checkpoints from number ``since`` on saw (all of them by
        default).

        Raises:
            ValueError: no checkpoint has been taken since ``since``.
        """
        checkpoints = self._checkpoints[since:]
        if not checkpoints:
            raise ValueError("no checkpoint taken yet: call check() first")
        share = sum(self._cpu[since:]) / sum(sum(c) for c in checkpoints)
        return Load(tuple(checkpoints), min(share, 1.0))

    @property
    def count(self) -> int:
        """How many checkpoints were taken so far."""
        return len(self._checkpoints)
