"""dlnotes.backprop.bench: rows for every layer and implementation, and the CLI
prints them."""

import torch

from dlnotes.backprop import bench


def test_run_tiny(capsys):
    rows = bench.run(
        bn_shapes=[(4, 3, 2, 2)],
        conv_cases=[(1, 2, 2, 5, 2)],
        dropout_numel=64,
        dtypes=[torch.float32],
        repeats=1,
    )
    implementations = {(r.layer, r.implementation) for r in rows}
    assert implementations == {
        ("BatchNorm2d", "staged"),
        ("BatchNorm2d", "primitives"),
        ("BatchNorm2d", "ours"),
        ("Conv2d", "ours"),
        ("Conv2d", "ours, literal dx"),
        ("Dropout", "ours"),
    }
    assert all(r.ratio > 0 and r.seconds > 0 for r in rows)
    bn_ours = next(
        r
        for r in rows
        if r.layer == "BatchNorm2d" and r.implementation == "ours"
    )
    assert bn_ours.saved_bytes <= bn_ours.native_saved_bytes
    assert "BatchNorm2d" in bench.format_rows(rows)


def test_main_quick_parses(monkeypatch, capsys):
    calls = {}
    monkeypatch.setattr(
        bench, "run", lambda *a, **k: calls.setdefault("args", (a, k)) and []
    )
    bench.main(["--quick", "--repeats", "2"])
    args, kwargs = calls["args"]
    assert args[0] == bench.QUICK_BN_SHAPES and kwargs["repeats"] == 2
    assert "one thread" in capsys.readouterr().out


def test_rows_carry_their_interval_and_key():
    rows = bench.run(
        bn_shapes=[(4, 3, 2, 2)],
        conv_cases=[],
        dropout_numel=None,
        dtypes=[torch.float32],
        repeats=3,
    )
    for r in rows:
        assert (
            r.estimate is not None
            and r.estimate.low <= r.ratio <= r.estimate.high
            and r.estimate.rounds == 3
        )
    assert bench.row_key(rows[0]) == "BatchNorm2d/(4, 3, 2, 2)/float32/staged"


def test_record_is_checked_then_written(tmp_path, monkeypatch, capsys):
    import pytest

    from dlnotes.bench.interval import RatioEstimate
    from dlnotes.bench.records import read_record

    with pytest.raises(SystemExit):
        bench.main(["--record", str(tmp_path / "x.txt")])
    assert ".json" in capsys.readouterr().err
    row = bench.Row(
        "Dropout",
        "(64)",
        "float32",
        "ours",
        1e-3,
        1.5,
        8,
        8,
        estimate=RatioEstimate(1.5, 1.3, 1.7, 11),
    )
    seen = {}
    monkeypatch.setattr(bench, "run", lambda *a, **k: seen.update(k) or [row])
    dx = {
        bench.dx_key(2, "literal", "polyphase"): RatioEstimate(2, 1.9, 2.1, 9)
    }
    monkeypatch.setattr(bench, "dx_estimates", lambda *a, **k: dx)
    bench.main(["--record", str(tmp_path / "bp.json")])
    back = read_record(tmp_path / "bp.json")
    assert back.estimate(
        "Conv2d dx/(4,128→256,28²,s2)/float32/literal over polyphase"
    ) == RatioEstimate(2, 1.9, 2.1, 9)
    assert back.estimate("Dropout/(64)/float32/ours") == RatioEstimate(
        1.5, 1.3, 1.7, 11
    )
    assert seen["max_repeats"] >= 31 and seen["monitor"] is not None
    assert "slower, 1.50× (1.30–1.70×)" in capsys.readouterr().out


def test_against_native_tallies_live_and_recorded_rows(tmp_path):
    import pytest

    from dlnotes.bench.interval import RatioEstimate
    from dlnotes.bench.load import Load
    from dlnotes.bench.records import read_record, write_record

    rows = [
        bench.Row(
            "Dropout",
            f"({n})",
            "float32",
            "ours",
            1e-3,
            r,
            8,
            8,
            estimate=RatioEstimate(r, lo, hi, 9),
        )
        for n, (r, lo, hi) in enumerate(
            [(1.5, 1.3, 1.7), (1.0, 0.9, 1.2), (2.0, 1.8, 2.2)]
        )
    ]
    assert (
        bench.against_native(rows, "ours")
        == "slower in 2 of 3 settings, indistinguishable in 1"
    )
    busy = Load(((0.01,), (0.03,)), cpu_share=0.5)
    assert (
        bench.against_native(rows, "ours", busy)
        == "no conclusion, as the machine was busy"
    )
    rows[0] = bench.Row(
        *[
            getattr(rows[0], f)
            for f in (
                "layer",
                "shape",
                "dtype",
                "implementation",
                "seconds",
                "ratio",
                "saved_bytes",
                "native_saved_bytes",
            )
        ],
        estimate=rows[0].estimate,
        load=busy,
    )
    assert (
        bench.against_native(rows, "ours")
        == "slower in 1 of 3 settings, indistinguishable in 1, no conclusion"
        " (busy machine) in 1"
    )
    write_record(
        tmp_path / "r.json",
        "cmd",
        Load(((0.01,), (0.0101,)), 0.99),
        {bench.row_key(rows[0]): RatioEstimate(0.5, 0.4, 0.6, 11)},
    )
    assert (
        bench.against_native(
            rows, "ours", record=read_record(tmp_path / "r.json")
        )
        == "faster in 1 of 1 setting"
    )
    with pytest.raises(ValueError, match="staged"):
        bench.against_native(rows, "staged")


def test_the_shipped_record_has_every_quick_row():
    from dlnotes.bench.records import packaged_record

    record = packaged_record("dlnotes.backprop", "bench-idle.json")
    keys = set(record.estimates)
    for dtype in ("float32", "float64"):
        for shape in bench.QUICK_BN_SHAPES:
            layer = "BatchNorm1d" if len(shape) == 2 else "BatchNorm2d"
            assert {
                f"{layer}/{shape}/{dtype}/{name}"
                for name in ("staged", "primitives", "ours")
            } <= keys
        assert f"Dropout/({bench.QUICK_DROPOUT_NUMEL:,})/{dtype}/ours" in keys
        assert (
            sum(k.startswith("Conv2d/") and f"/{dtype}/" in k for k in keys)
            == 3
        )


def test_dx_estimates_name_every_stride_and_pair():
    with bench.threads(1):
        out = bench.dx_estimates(repeats=1)
    assert set(out) == {
        bench.dx_key(s, a, b)
        for s in bench.DX_STRIDES
        for a, b in [
            ("literal", "conv_transpose2d"),
            ("polyphase", "conv_transpose2d"),
            ("literal", "polyphase"),
        ]
    }
    assert all(e.rounds == 1 and e.ratio > 0 for e in out.values())
