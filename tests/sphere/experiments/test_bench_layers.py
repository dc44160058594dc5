"""dlnotes.sphere.experiments.bench_layers: the benchmark's functions run and
report sensible numbers (not timed)."""

from dlnotes.sphere.experiments.bench_layers import (
    StepRatios,
    epoch_seconds,
    layer_timings,
    print_step_ratios,
    step_profile,
    step_ratios,
    transform_ratios,
)


def test_layer_timings_table():
    table = layer_timings(((10, 4, 2),), batch=2, repeats=1)
    assert list(table["layer"]) == ["S2Convolution", "SO3Convolution"]
    assert (table["forward+backward (ms)"] > 0).all()
    assert table[["b_in", "b_out"]].values.tolist() == [[10, 4], [4, 2]]


def test_transform_ratios_and_epoch_seconds():
    (ratio,) = transform_ratios(((3, 2),), maps=4, repeats=2)
    assert (
        ratio.forward.ratio > 0
        and ratio.inverse.low <= ratio.inverse.ratio <= ratio.inverse.high
    )
    assert ratio.forward.rounds == 2
    assert (
        epoch_seconds("planar", (10, 4, 2), digits=64, batch=32, repeats=1) > 0
    )


def test_step_ratios_per_thread_count(capsys):
    rows = step_ratios((1, 2), sizes=(6, 4, 2), batch=2, repeats=3)
    assert [r.threads for r in rows] == [1, 2]
    assert all(
        len(r.forward) == len(r.backward) == len(r.step) == 3
        and r.matmul_seconds > 0
        for r in rows
    )
    assert all(min(r.forward) > 0 and min(r.step) > 0 for r in rows)
    print_step_ratios(rows, sizes=(6, 4, 2), batch=2)
    out = capsys.readouterr().out
    assert "1024x1024" in out and [
        line.split()[0] for line in out.splitlines()[2:]
    ] == ["1", "2"]
    assert (
        StepRatios.summary((1.0, 2.0, 3.0, 4.0, 5.0)) == " 3.00 [2.00, 4.00]"
    )


def test_step_profile_lists_operators_by_self_time():
    table = step_profile((6, 4, 2), batch=2, steps=1, rows=5)
    assert "b = 6 -> 4 -> 2" in table and "Self CPU" in table
    assert "aten::" in table
