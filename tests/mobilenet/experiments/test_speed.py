"""dlnotes.mobilenet.experiments.speed: the timing helpers return consistent
numbers (not a timed test)."""

import pytest

from dlnotes.mobilenet.experiments import speed


def test_layer_result_theory_is_the_mult_add_ratio():
    r = speed.time_layer((8, 16, 32), repeats=1, warmup=0)
    assert r.theory == pytest.approx(1 / (1 / 32 + 1 / 9))
    assert r.mult_adds["depthwise"] == 8 * 8 * 16 * 9
    assert set(r.seconds) == {
        "separable block",
        "full block",
        "depthwise",
        "pointwise",
        "full conv",
    }
    assert r.speedup > 0 and r.gmacs("pointwise") > 0
    assert (
        r.intensity["depthwise"]
        < r.intensity["pointwise"]
        < r.intensity["full conv"]
    )


@pytest.mark.parametrize("layout", speed.LAYOUTS)
def test_backward_and_layouts_run(layout):
    r = speed.time_layer(
        (8, 8, 8), batch=2, layout=layout, backward=True, repeats=1, warmup=0
    )
    assert all(s > 0 for s in r.seconds.values())


def test_network_result_theory_matches_counts():
    r = speed.time_network(resolution=32, width_mult=0.25, repeats=1, warmup=0)
    assert r.theory > 5
    assert r.efficiency == pytest.approx(r.speedup / r.theory)


def test_peaks():
    peaks = speed.measure_peaks(size=128, megabytes=1, repeats=1)
    assert peaks.gmacs > 0 and peaks.bandwidth_gbs > 0 and peaks.ridge > 0


def test_bad_input():
    with pytest.raises(ValueError, match="layout"):
        speed.time_layer((8, 8, 8), layout="nhwc")
    with pytest.raises(ValueError, match="batch"):
        speed.time_network(batch=0)
    with pytest.raises(ValueError, match="threads"):
        speed.measure_peaks(threads=0)


def test_settings_are_interleaved_and_give_thread_and_layout_effects():
    settings = ((1, "nchw"), (2, "nchw"), (1, "channels_last"))
    r = speed.time_settings(
        settings, resolution=32, width_mult=0.25, repeats=3, warmup=0
    )
    assert set(r.seconds) == set(settings) and all(
        len(s) == 3 for s in r.seconds.values()
    )
    assert set(speed.effects(r)) == {"threads/nchw", "layout/1"}
    assert set(speed.effects(r, prefix="-training")) == {
        "threads-training/nchw",
        "layout-training/1",
    }
    with pytest.raises(ValueError, match="not measured"):
        r.effect((2, "channels_last"), (1, "nchw"))


def test_effects_are_ratios_of_paired_rounds():
    r = speed.SettingsResult(
        224,
        1,
        False,
        ((1, "nchw"), (2, "nchw")),
        {(1, "nchw"): (2.0, 4.0, 2.0), (2, "nchw"): (1.0, 2.0, 1.0)},
    )
    e = speed.effects(r)["threads/nchw"]
    assert (e.ratio, e.low, e.high) == (0.5, 0.5, 0.5)
    assert r.median(1, "nchw") == 2.0


def test_results_carry_the_speedup_interval():
    r = speed.time_network(resolution=32, width_mult=0.25, repeats=3, warmup=0)
    e = r.speedup_estimate
    assert (
        r.speedup == pytest.approx(e.ratio)
        and e.low <= e.ratio <= e.high
        and e.rounds == 3
    )


def test_bad_settings_and_study_arguments():
    with pytest.raises(ValueError, match="settings"):
        speed.time_settings(())
    with pytest.raises(ValueError, match="layout"):
        speed.time_settings(((1, "nhwc"),))
    with pytest.raises(ValueError, match="threads"):
        speed.study(threads=())
    with pytest.raises(ValueError, match="rounds"):
        speed.study(rounds=5, max_rounds=3)


def test_the_shipped_record_holds_what_the_chapter_reads():
    from dlnotes.bench.records import packaged_record

    record = packaged_record(
        "dlnotes.mobilenet.experiments", "speed-idle.json"
    )
    assert record.command.startswith(
        "python -m dlnotes.bench mobilenet --record"
    )
    for key in (
        "network/fwd/1/nchw",
        "layout/1",
        "layout/2",
        "layout-training/2",
        "threads/nchw",
        "threads/channels_last",
    ):
        assert (
            record.estimate(key).low
            <= record.estimate(key).ratio
            <= record.estimate(key).high
        )
    assert record.values["theory/network"] == pytest.approx(
        4866 / 569, rel=0.01
    )
    shapes = {f"{d}²×{m}→{n}" for d, m, n in speed.LAYER_SHAPES}
    assert {
        k.split("/")[1] for k in record.estimates if k.startswith("layer/")
    } == shapes
    assert all(f"theory/{s}" in record.values for s in shapes)
