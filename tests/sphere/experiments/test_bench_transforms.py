"""dlnotes.sphere.experiments.bench_transforms: the measurement functions run
and return sensible numbers (not timed)."""

import math

import pytest

from dlnotes.bench.timing import Measurement, Timing
from dlnotes.sphere.experiments import bench_transforms as bt


def test_fit_slope_recovers_a_power_law():
    sizes = [2, 4, 8, 16]
    assert bt.fit_slope(sizes, [3.0 * s**4 for s in sizes]) == pytest.approx(
        4.0
    )


def test_crossover():
    fast = bt.Scaling((2, 3, 4), (1.0, 1.0, 1.0))
    assert bt.crossover(fast, bt.Scaling((2, 3, 4), (0.5, 2.0, 3.0))) == 3
    assert bt.crossover(fast, bt.Scaling((2, 3, 4), (0.5, 0.5, 0.5))) is None
    # faster from 4 on, not from 2
    assert bt.crossover(fast, bt.Scaling((2, 3, 4), (2.0, 0.5, 3.0))) == 4


def test_crossover_with_rounds_needs_the_interval_above_one():
    fast = bt.Scaling((2, 3, 4), (1.0, 1.0, 1.0), ((1.0, 1.0, 1.0),) * 3)
    naive = bt.Scaling(
        (2, 3, 4),
        (1.0, 1.5, 3.0),
        ((0.5, 1.5, 2.0), (1.4, 1.5, 1.6), (3.0, 2.9, 3.1)),
    )
    # noisy at b = 2: the median says 1.5x, the interval includes 1
    assert bt.ratio_at(naive, fast, 2).low < 1
    assert bt.crossover(fast, naive) == 3
    with pytest.raises(ValueError, match="not measured"):
        bt.ratio_at(naive, fast, 5)
    with pytest.raises(ValueError, match="rounds"):
        bt.ratio_at(bt.Scaling((2,), (1.0,)), bt.Scaling((2,), (1.0,)), 2)


def test_small_runs():
    (cost,) = bt.wigner_table_costs((4,), repeats=1)
    assert cost.b == 4 and cost.mebibytes == pytest.approx(
        8 * 4 * (4 * 16 - 1) / 3 * 4 / 2**20
    )
    (row,) = bt.s2_fft_vs_healpy((8,), fields=2, repeats=1)
    assert (
        min(
            row.milliseconds(name) for name in ("float32", "float64", "healpy")
        )
        > 0
    )
    assert row.healpy_over("float64").rounds == 1
    assert len(bt.so3_fft_scaling((2, 4), repeats=1).seconds) == 2
    fft, naive, worst = bt.correlation_scaling((2, 3), repeats=1)
    assert worst < 1e-12 and len(fft.seconds) == len(naive.seconds) == 2
    assert not math.isnan(naive.slope)


def test_memory_probe_runs_in_a_fresh_process():
    (m,) = bt.s2_fft_memory((4,))
    assert m.b == 4 and m.fft_seconds > 0 and m.ifft_seconds > 0
    assert m.peak_mib >= m.fft_peak_mib >= m.baseline_mib > 0
    assert m.round_trip_error < 1e-13


def test_main_quick_prints_all_tables(capsys, monkeypatch):
    monkeypatch.setattr(
        bt, "wigner_table_costs", lambda *a, **k: [bt.TableCost(4, 0.1, 1.0)]
    )
    monkeypatch.setattr(
        bt,
        "s2_fft_vs_healpy",
        lambda *a, **k: [
            bt.S2Timing(
                8,
                Measurement(
                    {
                        name: Timing(name, (t, t))
                        for name, t in (
                            ("float32", 1e-3),
                            ("float64", 2e-3),
                            ("healpy", 3e-3),
                        )
                    }
                ),
            )
        ],
    )
    monkeypatch.setattr(
        bt,
        "s2_fft_memory",
        lambda *a, **k: [
            bt.S2Memory(
                512, 4.0, 0.5, 280.0, 1900.0, 1950.0, 600.0, 610.0, 1e-13
            )
        ],
    )
    monkeypatch.setattr(
        bt,
        "so3_fft_scaling",
        lambda *a, **k: bt.Scaling((2, 4), (1e-3, 1.6e-2)),
    )
    monkeypatch.setattr(
        bt,
        "correlation_scaling",
        lambda *a, **k: (
            bt.Scaling((2, 4), (1.0, 2.0)),
            bt.Scaling((2, 4), (0.5, 32.0)),
            1e-15,
        ),
    )
    bt.main(quick=True)
    out = capsys.readouterr().out
    assert (
        "Wigner-d table" in out
        and "healpy" in out
        and "fitted slope: 4.00" in out
        and "FFT faster from b = 4" in out
    )
    assert " 512       280    4.00    1900     600" in out


def test_s2_fft_against_torch_harmonics_when_installed():
    ratios = bt.s2_fft_vs_torch_harmonics((4,), batch=2, repeats=2)
    try:
        import torch_harmonics  # noqa: F401
    except ImportError:
        assert ratios is None
        pytest.skip("torch-harmonics (optional) is not installed")
    (ratio,) = ratios.values()
    assert list(ratios) == [4] and ratio.low <= ratio.ratio <= ratio.high
