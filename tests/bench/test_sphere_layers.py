"""dlnotes.bench.sphere_layers: the benchmark's functions run and report sensible numbers (not timed)."""

from dlnotes.bench.sphere_layers import epoch_seconds, layer_timings, transform_ratios


def test_layer_timings_table():
    table = layer_timings(((10, 4, 2),), batch=2, repeats=1)
    assert list(table["layer"]) == ["S2Convolution", "SO3Convolution"]
    assert (table["forward+backward (ms)"] > 0).all()
    assert table[["b_in", "b_out"]].values.tolist() == [[10, 4], [4, 2]]


def test_transform_ratios_and_epoch_seconds():
    (ratio,) = transform_ratios(((3, 2),), maps=4, repeats=1)
    assert ratio.forward_ratio > 0 and ratio.inverse_ratio > 0
    assert epoch_seconds("planar", 10, 4, 2, digits=64, batch=32, repeats=1) > 0
