"""dlnotes.mobilenet.experiments.tradeoffs: configurations, the ρ transform,
the fits, paired intervals, and one tiny training run."""

import numpy as np
import pytest
import torch

from dlnotes import verdicts
from dlnotes.data import Dataset
from dlnotes.mobilenet.experiments import tradeoffs as ex


def test_config_counts_and_rho():
    base, small = ex.Config(), ex.Config("separable", 1.0, 16)
    assert small.rho == pytest.approx(4 / 7)
    assert small.mult_adds < base.mult_adds
    assert small.params == base.params  # ρ changes compute, not parameters
    assert ex.Config("full").mult_adds > 5 * base.mult_adds


def test_matched_width_is_closest():
    target = ex.Config("shallow").mult_adds
    alpha = ex.matched_width(target)
    error = abs(ex.Config("separable", alpha).mult_adds - target)
    assert all(
        error <= abs(ex.Config("separable", a).mult_adds - target)
        for a in (0.5, 0.75, 1.0)
    )


def test_resize_is_the_rho_knob():
    images = torch.rand(2, 1, 28, 28)
    out = ex.resize(images, 20)
    assert out.shape == (2, 1, 20, 20)
    assert torch.allclose(
        ex.resize(torch.ones(1, 1, 28, 28), 20), torch.ones(1, 1, 20, 20)
    )


def test_log_linear_fit_recovers_a_line():
    x = np.array([1e5, 1e6, 1e7])
    fit = ex.log_linear_fit(x, 0.5 + 0.1 * np.log10(x))
    assert (
        fit.slope == pytest.approx(0.1)
        and fit.intercept == pytest.approx(0.5)
        and fit.r_squared == pytest.approx(1.0)
    )


def test_one_epoch_trains_and_is_cached():
    config = ex.Config("separable", 0.25, 16)
    run = ex.train(config, 0, 1, 1e-2, 256)
    assert 0.0 <= run.test_accuracy <= 1.0 and len(run.curve) == 1
    assert ex.train(config, 0, 1, 1e-2, 256) is run


def test_bad_input():
    with pytest.raises(ValueError, match="variant"):
        ex.Config("wide")
    with pytest.raises(ValueError, match="width_mult"):
        ex.Config("separable", 0.0)
    with pytest.raises(ValueError, match="side"):
        ex.Config("separable", 1.0, 12)
    with pytest.raises(ValueError, match="epochs"):
        ex.Settings(epochs=0)
    with pytest.raises(ValueError, match="seeds"):
        ex.Settings(seeds=())
    with pytest.raises(ValueError, match="seeds must be distinct"):
        ex.Settings(seeds=(1, 1))
    with pytest.raises(ValueError, match="lr must be a positive finite"):
        ex.Settings(lr=float("inf"))
    with pytest.raises(ValueError, match="schedule must be one of"):
        ex.Settings(schedule="step")
    with pytest.raises(ValueError, match="task must be one of"):
        ex.Settings(task="imagenet")
    with pytest.raises(ValueError, match="same length"):
        ex.log_linear_fit([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="> 0"):
        ex.log_linear_fit([0, 1, 2], [0.1, 0.2, 0.3])


def _summary(config, accuracies, mult_adds=None):
    runs = tuple(
        ex.Run(config, seed, (acc,), 1.0)
        for seed, acc in enumerate(accuracies)
    )
    return ex.Summary(
        config, runs, mult_adds or config.mult_adds, config.params
    )


def test_pair_interval_is_paired_over_seeds():
    a = _summary(ex.Config("separable"), [0.80, 0.70, 0.90])
    b = _summary(ex.Config("full"), [0.81, 0.71, 0.91])
    interval = ex.Pair(a, b).interval
    assert interval.mean == pytest.approx(
        -0.01
    ) and interval.stderr == pytest.approx(0.0, abs=1e-12)
    with pytest.raises(ValueError, match="same seeds"):
        ex.Pair(a, _summary(ex.Config("full"), [0.8, 0.7]))


def test_slope_interval_recovers_per_seed_slopes():
    sweep = [
        _summary(
            ex.Config("separable", a),
            [0.5 + 0.1 * k + s for s in (0.0, 0.01, -0.01)],
            mult_adds=10**k,
        )
        for k, a in zip((5, 6, 7), (0.25, 0.5, 1.0), strict=True)
    ]
    interval = ex.slope_interval(sweep)
    assert interval.mean == pytest.approx(0.1) and interval.n == 3
    with pytest.raises(ValueError, match="at least 2"):
        ex.slope_interval(sweep[:1])


def test_claim_configs_cover_every_experiment():
    configs = ex.claim_configs()
    assert len(configs) == len(set(configs)) == 10
    assert ex.Config("full") in configs and ex.Config("shallow") in configs
    assert {ex.Config("separable", a) for a in ex.ALPHAS} <= set(configs)
    assert {ex.Config("separable", 1.0, side) for side in ex.SIDES} <= set(
        configs
    )


def test_experiments_read_any_source():
    seen = []

    def source(config):
        seen.append(config)
        return _summary(config, [0.5, 0.6])

    assert ex.separable_vs_full(source).a.config == ex.Config("separable")
    assert [s.config.side for s in ex.resolution_sweep(source)] == list(
        ex.SIDES
    )
    assert len(seen) == 2 + len(ex.SIDES)


def test_claims_from_a_source_and_their_verdicts():
    # full and shallow 2 points better, accuracy rising 10 points per decade
    def source(config):
        base = 0.6 + 0.1 * np.log10(config.mult_adds / ex.Config().mult_adds)
        bonus = 0.02 if config.variant in ("full", "shallow") else 0.0
        return _summary(
            config,
            [
                base + bonus + noise
                for noise in (0.0, 0.004, -0.003, 0.002, -0.001)
            ],
        )

    claims = ex.claims(source)
    assert claims["sf"].paper == pytest.approx(-1.1) and claims[
        "ns"
    ].paper == pytest.approx(3.1)
    ratio = ex.Config("full").mult_adds / ex.Config().mult_adds
    assert claims["sf"].ours.mean == pytest.approx(
        -(2.0 + 10 * np.log10(ratio))
    )
    # shallow better here, against the paper
    assert claims["ns"].verdict == verdicts.CONTRADICTED
    assert claims["alpha"].ours.mean == pytest.approx(10.0) and claims[
        "rho"
    ].ours.mean == pytest.approx(10.0)
    # a slope is judged by its ratio to the paper's fitted slope
    paper_alpha = ex.paper_slope(ex.paper.TABLE_6).slope
    assert claims["alpha"].ratio.value == pytest.approx(10.0 / paper_alpha)
    assert claims["alpha"].verdict == verdicts.SAME_DIRECTION
    # a failed check makes every claim "not tested faithfully"
    failed = [verdicts.Check("convergence", False, "still rising")]
    checked = ex.claims(source, {k: failed for k in claims})
    assert {c.verdict for c in checked.values()} == {verdicts.NOT_TESTED}
    assert ex.paper_slope(ex.paper.TABLE_6).slope > 0
    row = ex.table_row(source(ex.Config()), ex.paper.TABLE_4[1])
    assert row["paper: ImageNet %"] == 70.6 and row[
        "test accuracy %"
    ].startswith("60.")


def test_main_prints_each_table_with_paired_intervals(monkeypatch, capsys):
    # wider nets score higher; seeds differ by half a point
    def fake_run(config, seed, settings):
        return ex.Run(
            config, seed, (0.5 + 0.3 * config.width_mult + 0.005 * seed,), 1.0
        )

    monkeypatch.setattr(ex, "_cached_run", fake_run)
    ex.main([])
    out = capsys.readouterr().out
    assert "separable − full: +0.0 points (95 % interval +0.0 to +0.0)" in out
    assert (
        "narrow − shallow: -11.3 points (95 % interval -11.3 to -11.3)" in out
        and "points per decade" in out
    )


def test_plateau_design_has_no_layer_below_16_and_matches_mult_adds():
    design = ex.plateau_design()
    assert len(design.configs) == 3 and design.narrow == design.separable
    assert all(c.narrowest >= ex.MIN_CHANNELS for c in design.configs)
    assert design.full.variant == "full" and design.full.width_mult == 1
    ratio = design.shallow.mult_adds / design.narrow.mult_adds
    assert design.shallow.width_mult > 1 and abs(ratio - 1) < 0.01
    # the first records' narrow network starves its first layer
    assert ex.thinned_design().narrow.narrowest == 5
    with pytest.raises(ValueError, match="min_channels"):
        ex.Config(min_channels=0)


def test_a_fresh_task_run_keeps_its_training_curve(monkeypatch):
    calls = []
    g = torch.Generator().manual_seed(0)
    test = Dataset(
        torch.rand(20, 1, 28, 28, generator=g), torch.arange(20) % 10
    )

    def train(epoch):
        calls.append(epoch)
        return Dataset(
            torch.rand(40, 1, 28, 28, generator=g), torch.arange(40) % 10
        )

    monkeypatch.setattr(ex, "task_data", lambda task, seed: (train, test))
    settings = ex.Settings(
        epochs=2,
        batch_size=20,
        seeds=(0,),
        schedule="hold-cosine",
        task="fresh",
    )
    run, history, _ = ex.fit_run(ex.Config("separable", 0.25), 0, settings)
    assert calls == [1, 2] and len(run.train_curve) == 2
    assert run.train_curve == tuple(history.column("train_accuracy"))


def test_learning_curve_is_the_mean_with_a_t_interval_per_epoch():
    config = ex.Config()
    runs = tuple(
        ex.Run(config, seed, (0.1 + d, 0.5 + d), 1.0, (0.2, 0.6 + d))
        for seed, d in enumerate((-0.01, 0.0, 0.01))
    )
    summary = ex.Summary(config, runs, 1, 1)
    test = ex.learning_curve(summary)
    assert list(test.epochs) == [1, 2]
    assert test.mean == pytest.approx([0.1, 0.5])
    half = verdicts.t_quantile(2) * 0.01 / np.sqrt(3)
    assert test.high - test.mean == pytest.approx([half, half])
    train = ex.learning_curve(summary, "train")
    assert train.low[0] == pytest.approx(0.2) == train.high[0]
    one = ex.Summary(config, runs[:1], 1, 1)
    assert np.array_equal(ex.learning_curve(one).low, runs[0].curve)
    with pytest.raises(ValueError, match="which"):
        ex.learning_curve(summary, "valid")
