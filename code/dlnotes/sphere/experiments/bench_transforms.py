"""Cost of the transforms: ``python -m dlnotes.bench sphere --part transforms
[--quick]``.

One thread, medians of interleaved repeats (``dlnotes.bench``). Six
measurements, each a
function returning numbers that the chapter plots:

* :func:`wigner_table_costs`: time and size of the SO(3) FFT's Wigner-d table
  (float32), built once per bandwidth;
* :func:`s2_fft_vs_healpy`: ``s2_fft`` of 16 real fields against healpy's
  ``map2alm`` (``iter=0``) of the same band-limited functions on HEALPix maps
  with ``lmax = b - 1 ≤ 2 nside``;
* :func:`s2_fft_vs_torch_harmonics`: ``s2_fft`` against torch-harmonics'
  ``RealSHT`` on the same 2b × 2b equiangular grid, float64, batch 32, when
  torch-harmonics is installed (the optional extra ``harmonics``);
* :func:`s2_fft_memory`: time and memory (peak and retained resident set) of
  ``s2_fft`` and ``s2_ifft`` on one float64 map, tables built in the call, each
  bandwidth in a fresh process;
* :func:`so3_fft_scaling`: ``so3_fft`` time over bandwidths and the fitted
  log–log slope (O(b⁴));
* :func:`correlation_scaling`: SO(3) correlation by the FFT route against the
  naive quadrature (O(b⁶) evaluations of a cheap filter), both slopes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import healpy as hp
import numpy as np
import torch
from scipy import stats

from dlnotes.bench import threads, time_interleaved
from dlnotes.bench.comparison import compare
from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load, LoadMonitor
from dlnotes.bench.timing import Measurement, measure
from dlnotes.bench.wording import cell
from dlnotes.sphere.correlation import naive_so3_correlation, so3_correlation
from dlnotes.sphere.healpix import to_healpy_alm
from dlnotes.sphere.rotation import so3_grid_rotations
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.testing import random_s2
from dlnotes.sphere.wigner import so3_size, so3_wigner_table


def fit_slope(sizes: list[int], seconds: list[float]) -> float:
    """Least-squares slope of log(seconds) against log(size): the exponent k in
    time ∝ size^k."""
    x, y = np.log(np.asarray(sizes, float)), np.log(np.asarray(seconds, float))
    return float(stats.linregress(x, y).slope)


@dataclass(frozen=True)
class TableCost:
    """Median build time (s) and size (MiB) of the float32 Wigner-d table at
    bandwidth ``b``."""

    b: int
    seconds: float
    mebibytes: float


def wigner_table_costs(
    bandwidths: tuple[int, ...] = (16, 32, 64), repeats: int = 3
) -> list[TableCost]:
    """Build the SO(3) FFT's Wigner-d table from scratch (cache cleared)
    ``repeats`` times per b."""
    out = []
    cpu = torch.device("cpu")
    for b in bandwidths:
        times = []
        for _ in range(repeats):
            so3_wigner_table.cache_clear()
            start = time.perf_counter()
            table = so3_wigner_table(b, torch.float32, cpu)
            times.append(time.perf_counter() - start)
        size = sum(t.numel() * t.element_size() for t in table) / 2**20
        del table
        so3_wigner_table.cache_clear()
        out.append(TableCost(b, float(np.median(times)), size))
    return out


@dataclass(frozen=True)
class S2Timing:
    """``s2_fft`` of the same fields in float32 and float64 (named
    ``"float32"`` and ``"float64"``) and healpy's ``map2alm`` (``"healpy"``) at
    bandwidth ``b``, timed in interleaved rounds."""

    b: int
    measured: Measurement

    def milliseconds(self, name: str) -> float:
        """The median time of ``name`` in milliseconds."""
        return 1e3 * self.measured.timings[name].median

    def healpy_over(self, ours: str) -> RatioEstimate:
        """healpy's time over ``s2_fft``'s in ``ours`` (``"float32"`` or
        ``"float64"``), with its 95 % interval (paired rounds)."""
        return self.measured.ratio("healpy", ours)


def s2_fft_vs_healpy(
    bandwidths: tuple[int, ...] = (32, 64, 128),
    fields: int = 16,
    repeats: int = 7,
    monitor: LoadMonitor | None = None,
) -> list[S2Timing]:
    """``s2_fft`` of ``fields`` real signals vs ``healpy.map2alm(iter=0)`` of
    the same functions.

    healpy (double precision) gets each function sampled exactly at the HEALPix
    pixel centres with ``nside = b / 2`` (so ``lmax = b - 1 ≤ 2 nside``) and
    ``lmax = b - 1``; ours runs on the SOFT grid in float32 (torch's default)
    and in float64, all three interleaved.
    """
    out = []
    for b in bandwidths:
        x64 = random_s2(b, fields)
        x32 = x64.float()
        nside = max(1, b // 2)
        maps = np.stack(
            [
                hp.alm2map(a, nside, lmax=b - 1)
                for a in to_healpy_alm(s2_fft(x64))
            ]
        )
        s2_fft(x32)  # build the tables outside the timing

        def healpy_call(maps: np.ndarray = maps, lmax: int = b - 1) -> object:
            return hp.map2alm(
                maps,
                lmax=lmax,
                iter=0,
                pol=False,
                use_pixel_weights=False,
                use_weights=False,
            )

        measured = measure(
            {
                "float32": lambda x=x32: s2_fft(x),
                "float64": lambda x=x64: s2_fft(x),
                "healpy": healpy_call,
            },
            repeats=repeats,
            monitor=monitor,
        )
        out.append(S2Timing(b, measured))
    return out


def s2_fft_vs_torch_harmonics(
    bandwidths: tuple[int, ...] = (16, 32, 64, 128),
    batch: int = 32,
    repeats: int = 7,
    monitor: LoadMonitor | None = None,
) -> dict[int, RatioEstimate] | None:
    """``s2_fft``'s time over torch-harmonics' ``RealSHT`` (``lmax = mmax =
    b``, its ``"equiangular"`` grid of the same 2b × 2b samples), ``batch``
    float64 signals, interleaved rounds, per bandwidth (below 1: ``s2_fft`` is
    faster); ``None`` where torch-harmonics is not installed (it is optional:
    ``pip install -e ".[harmonics]"``)."""
    try:
        import torch_harmonics
    except ImportError:
        return None
    out = {}
    for b in bandwidths:
        x = random_s2(b, batch)
        sht = torch_harmonics.RealSHT(
            2 * b, 2 * b, lmax=b, mmax=b, grid="equiangular"
        ).double()
        out[b] = compare(
            lambda x=x: s2_fft(x),
            lambda x=x, sht=sht: sht(x),
            repeats=repeats,
            warmup=1,
            monitor=monitor,
        ).estimate
    return out


@dataclass(frozen=True)
class S2Memory:
    """``s2_fft`` then ``s2_ifft`` of one random float64 map at bandwidth
    ``b``, in a fresh process.

    Seconds of each call (the first builds the tables), the process's resident
    set (MiB) before the calls (interpreter, torch, the map), its peak during
    each call, what it keeps after ``s2_fft`` and after both (minus the
    baseline), and the round trip's largest error relative to the largest
    coefficient (``s2_fft`` of the synthesised map against the coefficients).
    """

    b: int
    fft_seconds: float
    ifft_seconds: float
    baseline_mib: float
    fft_peak_mib: float
    peak_mib: float
    kept_after_fft_mib: float
    kept_mib: float
    round_trip_error: float


def _resident_mib() -> float:
    with open("/proc/self/statm") as statm:
        return (
            int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        )


def _peak_mib() -> float:
    import resource

    # kilobytes on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**10


def _memory_probe(b: int) -> None:
    """Run in a fresh process by :func:`s2_fft_memory`: print its measurements
    as JSON."""
    torch.set_num_threads(1)
    x = torch.randn(
        2 * b,
        2 * b,
        dtype=torch.float64,
        generator=torch.Generator().manual_seed(b),
    )
    baseline = _resident_mib()
    start = time.perf_counter()
    coeffs = s2_fft(x)
    fft_seconds = time.perf_counter() - start
    fft_peak, kept_after_fft = _peak_mib(), _resident_mib() - baseline
    start = time.perf_counter()
    y = s2_ifft(coeffs).real
    ifft_seconds = time.perf_counter() - start
    peak, kept = _peak_mib(), _resident_mib() - baseline
    # s2_fft projects: exact on y
    error = ((s2_fft(y) - coeffs).abs().max() / coeffs.abs().max()).item()
    fields = (
        b,
        fft_seconds,
        ifft_seconds,
        baseline,
        fft_peak,
        peak,
        kept_after_fft,
        kept,
        error,
    )
    print(
        json.dumps(
            dict(zip(S2Memory.__dataclass_fields__, fields, strict=True))
        )
    )


def s2_fft_memory(
    bandwidths: tuple[int, ...] = (128, 256, 512),
) -> list[S2Memory]:
    """:class:`S2Memory` per bandwidth, each measured in its own Python process
    (Linux: ``/proc`` and ``getrusage``)."""
    package_root = str(Path(__file__).resolve().parents[2])
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(
            filter(None, [package_root, os.environ.get("PYTHONPATH")])
        ),
    }
    out = []
    for b in bandwidths:
        code = f"from {__name__} import _memory_probe; _memory_probe({int(b)})"
        result = subprocess.run(
            [sys.executable, "-c", code],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        out.append(
            S2Memory(**json.loads(result.stdout.strip().splitlines()[-1]))
        )
    return out


@dataclass(frozen=True)
class Scaling:
    """Median seconds per bandwidth and the fitted log–log slope."""

    bandwidths: tuple[int, ...]
    seconds: tuple[float, ...]
    rounds: tuple[tuple[float, ...], ...] = ()
    """All repeat times per bandwidth, in round order (empty when not kept)."""
    load: Load | None = None

    @property
    def slope(self) -> float:
        """Fitted exponent k in time ∝ b^k."""
        return fit_slope(list(self.bandwidths), list(self.seconds))


def so3_fft_scaling(
    bandwidths: tuple[int, ...] = (8, 16, 32, 64), repeats: int = 5
) -> Scaling:
    """Median time of ``so3_fft`` of one real float32 signal per bandwidth
    (tables built beforehand)."""
    seconds = []
    for b in bandwidths:
        g = torch.Generator().manual_seed(b)
        x = so3_ifft(
            torch.view_as_complex(torch.randn(so3_size(b), 2, generator=g))
        ).real
        so3_fft(x)
        seconds.append(
            time_interleaved(
                {"so3_fft": lambda x=x: so3_fft(x)}, repeats=repeats
            )["so3_fft"].median
        )
        so3_wigner_table.cache_clear()
    return Scaling(tuple(bandwidths), tuple(seconds))


def polynomial_filter(g: torch.Tensor) -> torch.Tensor:
    """A cheap band-limited filter on SO(3): ``ψ(G) = G_00² + G_12 - G_21
    G_22`` (degree ≤ 2), ``[..., 1, 1]``."""
    return (g[..., 0, 0] ** 2 + g[..., 1, 2] - g[..., 2, 1] * g[..., 2, 2])[
        ..., None, None
    ]


def correlation_scaling(
    bandwidths: tuple[int, ...] = (2, 4, 6, 8, 10, 12),
    repeats: int = 3,
    monitor: LoadMonitor | None = None,
) -> tuple[Scaling, Scaling, float]:
    """SO(3) correlation of one real signal with :func:`polynomial_filter`, FFT
    route vs naive.

    Returns ``(fft, naive, worst)``: the two scalings and the largest
    difference between the two results over all bandwidths (both are exact
    here, so it is rounding error).
    """
    fast, slow, worst = [], [], 0.0
    fast_rounds, slow_rounds = [], []
    first = monitor.count if monitor is not None else 0
    for b in bandwidths:
        g = torch.Generator().manual_seed(b)
        f = so3_ifft(
            torch.view_as_complex(
                torch.randn(
                    1, so3_size(b), 2, generator=g, dtype=torch.float64
                )
            )
        ).real
        psi = (
            polynomial_filter(so3_grid_rotations(b))
            .reshape(2 * b, 2 * b, 2 * b, 1, 1)
            .permute(3, 4, 0, 1, 2)
        )
        results: dict[str, torch.Tensor] = {}

        def fast_call(
            f: torch.Tensor = f,
            psi: torch.Tensor = psi,
            results: dict = results,
        ) -> None:
            results["fft"] = so3_correlation(f, psi)

        def naive_call(f: torch.Tensor = f, results: dict = results) -> None:
            results["naive"] = naive_so3_correlation(f, polynomial_filter)

        fast_call()  # build the Wigner tables outside the timing
        # a warm-up round of the naive method costs seconds beyond b = 8
        warmup = 1 if b <= 8 else 0
        timings = measure(
            {"fft": fast_call, "naive": naive_call},
            repeats=repeats,
            warmup=warmup,
            monitor=monitor,
        ).timings
        fast.append(timings["fft"].median)
        slow.append(timings["naive"].median)
        fast_rounds.append(timings["fft"].seconds)
        slow_rounds.append(timings["naive"].seconds)
        worst = max(
            worst, (results["fft"] - results["naive"]).abs().max().item()
        )
    load = monitor.load(since=first) if monitor is not None else None
    return (
        Scaling(tuple(bandwidths), tuple(fast), tuple(fast_rounds), load),
        Scaling(tuple(bandwidths), tuple(slow), tuple(slow_rounds), load),
        worst,
    )


def ratio_at(candidate: Scaling, reference: Scaling, b: int) -> RatioEstimate:
    """``candidate``'s time over ``reference``'s at bandwidth ``b``, with its
    interval over the paired rounds (both scalings from one interleaved run,
    e.g. :func:`correlation_scaling`).

    Raises:
        ValueError: ``b`` not measured, or the rounds were not kept.
    """
    if b not in candidate.bandwidths or b not in reference.bandwidths:
        raise ValueError(f"bandwidth {b} was not measured")
    if not candidate.rounds or not reference.rounds:
        raise ValueError(
            "the scalings kept no rounds: measure them with"
            " correlation_scaling"
        )
    return ratio_interval(
        candidate.rounds[candidate.bandwidths.index(b)],
        reference.rounds[reference.bandwidths.index(b)],
    )


def crossover(fft: Scaling, naive: Scaling) -> int | None:
    """The smallest measured bandwidth from which on the FFT route is faster at
    every larger one, or ``None``. With rounds kept, "faster" means that the
    whole 95 % interval of the naive method's time over the FFT route's lies
    above 1; without, that its median is smaller."""
    found = None
    for b, f, n in zip(
        fft.bandwidths, fft.seconds, naive.seconds, strict=True
    ):
        faster = (
            ratio_at(naive, fft, b).low > 1
            if fft.rounds and naive.rounds
            else f < n
        )
        found = (found or b) if faster else None
    return found


def main(quick: bool = False) -> None:
    """Print the four tables (one thread); ``quick`` uses fewer sizes and
    repeats."""
    with threads(1):
        print("Wigner-d table of the SO(3) FFT (float32, built from scratch)")
        print(f"{'b':>4} {'seconds':>9} {'MiB':>8}")
        for cost in wigner_table_costs(
            (16, 32) if quick else (16, 32, 64), repeats=1 if quick else 3
        ):
            print(f"{cost.b:>4} {cost.seconds:>9.3f} {cost.mebibytes:>8.1f}")

        print(
            "\ns2_fft of 16 real fields vs healpy map2alm(iter=0) (healpy"
            " against s2_fft, 95 % interval)"
        )
        print(
            f"{'b':>4} {'lmax':>5} {'f32 ms':>8} {'f64 ms':>8}"
            f" {'healpy ms':>10}  {'healpy vs f32':<26} healpy vs f64"
        )
        for v in s2_fft_vs_healpy(
            (32, 64) if quick else (32, 64, 128), repeats=3 if quick else 7
        ):
            print(
                f"{v.b:>4} {v.b - 1:>5} {v.milliseconds('float32'):>8.2f}"
                f" {v.milliseconds('float64'):>8.2f}"
                f" {v.milliseconds('healpy'):>10.2f} "
                f" {cell(v.healpy_over('float32'), v.measured.load):<26}"
                f" {cell(v.healpy_over('float64'), v.measured.load)}"
            )

        versus = s2_fft_vs_torch_harmonics(
            (16, 32) if quick else (16, 32, 64, 128), repeats=3 if quick else 7
        )
        if versus is None:
            print("\ntorch-harmonics is not installed: no comparison with it")
        else:
            print(
                "\ns2_fft's time over torch-harmonics' RealSHT, the same 2b x"
                " 2b grid, 32 float64 signals (95 % interval):"
            )
            for b, ratio in versus.items():
                print(f"{b:>4} {cell(ratio)}")

        print(
            "\ns2_fft then s2_ifft of one float64 map, tables built in the"
            " call, a fresh process per b (MiB: resident set)"
        )
        print(
            f"{'b':>4} {'base MiB':>9} {'fft s':>7} {'peak':>7} {'kept':>7}"
            f" {'ifft s':>7} {'peak':>7} {'kept':>7} {'round trip':>11}"
        )
        for m in s2_fft_memory((64, 128) if quick else (128, 256, 512)):
            print(
                f"{m.b:>4} {m.baseline_mib:>9.0f} {m.fft_seconds:>7.2f}"
                f" {m.fft_peak_mib:>7.0f} {m.kept_after_fft_mib:>7.0f}"
                f" {m.ifft_seconds:>7.2f} {m.peak_mib:>7.0f}"
                f" {m.kept_mib:>7.0f} {m.round_trip_error:>11.1e}"
            )

        scaling = so3_fft_scaling(
            (8, 16, 32) if quick else (8, 16, 32, 64),
            repeats=3 if quick else 5,
        )
        print("\nso3_fft of one real float32 signal")
        for b, s in zip(scaling.bandwidths, scaling.seconds, strict=True):
            print(f"{b:>4} {1e3 * s:>10.2f} ms")
        print(f"fitted slope: {scaling.slope:.2f} (asymptotically 4, O(b^4))")

        fft, naive, worst = correlation_scaling(
            (2, 4, 6, 8) if quick else (2, 4, 6, 8, 10, 12),
            repeats=1 if quick else 3,
        )
        print(
            "\nSO(3) correlation, one channel: FFT route vs naive quadrature"
            " (float64)"
        )
        print(f"{'b':>4} {'fft ms':>10} {'naive ms':>10} {'naive/fft':>10}")
        for b, f, n in zip(
            fft.bandwidths, fft.seconds, naive.seconds, strict=True
        ):
            print(f"{b:>4} {1e3 * f:>10.2f} {1e3 * n:>10.2f} {n / f:>10.1f}")
        print(
            f"slopes: fft {fft.slope:.2f}, naive {naive.slope:.2f}; FFT faster"
            f" from b = {crossover(fft, naive)}"
        )
        print(f"largest difference between the two: {worst:.1e}")
