"""dlnotes.bench.backprop: rows for every layer and implementation, and the CLI prints them."""

import torch
from dlnotes.bench import backprop as bench


def test_run_tiny(capsys):
    rows = bench.run(bn_shapes=[(4, 3, 2, 2)], conv_cases=[(1, 2, 2, 5, 2)], dropout_numel=64, dtypes=[torch.float32], repeats=1)
    implementations = {(r.layer, r.implementation) for r in rows}
    assert implementations == {
        ("BatchNorm2d", "staged"), ("BatchNorm2d", "primitives"), ("BatchNorm2d", "ours"),
        ("Conv2d", "ours"), ("Conv2d", "ours, literal dx"), ("Dropout", "ours"),
    }
    assert all(r.ratio > 0 and r.seconds > 0 for r in rows)
    bn_ours = next(r for r in rows if r.layer == "BatchNorm2d" and r.implementation == "ours")
    assert bn_ours.saved_bytes <= bn_ours.native_saved_bytes
    assert "BatchNorm2d" in bench.format_rows(rows)


def test_main_quick_parses(monkeypatch, capsys):
    calls = {}
    monkeypatch.setattr(bench, "run", lambda *a, **k: calls.setdefault("args", (a, k)) and [])
    bench.main(["--quick", "--repeats", "2"])
    args, kwargs = calls["args"]
    assert args[0] == bench.QUICK_BN_SHAPES and kwargs["repeats"] == 2
    assert "one thread" in capsys.readouterr().out
