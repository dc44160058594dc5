"""dlnotes.train: the loop learns, is repeatable under a seed, and refuses bad
arguments."""

import math

import pytest
import torch
from torch import nn

from dlnotes.data import Dataset
from dlnotes.train import History, Recipe, evaluate, fit, learning_rate, quiet


def _blobs(n: int, seed: int) -> Dataset:
    """Two separable classes of 4×4 'images': bright top half or bright bottom
    half."""
    g = torch.Generator().manual_seed(seed)
    labels = torch.randint(0, 2, (n,), generator=g)
    images = 0.3 * torch.rand(n, 1, 4, 4, generator=g)
    images[labels == 0, :, :2] += 0.7
    images[labels == 1, :, 2:] += 0.7
    return Dataset(images, labels)


def _model(seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Flatten(), nn.Linear(16, 2))


def _fit(model_seed: int = 0, sizes=(64, 32), **settings) -> History:
    """Train a fresh ``_model(model_seed)`` on blobs of ``sizes`` (train,
    test) examples without a progress bar; ``settings`` go to ``fit``."""
    n_train, n_test = sizes
    train, test = _blobs(n_train, 0), _blobs(n_test, 1)
    return fit(_model(model_seed), train, test, progress=False, **settings)


def test_fit_learns_and_records_every_epoch():
    train, test = _blobs(256, 0), _blobs(128, 1)
    model = _model(0)
    history = fit(
        model,
        train,
        test,
        epochs=3,
        lr=0.05,
        batch_size=32,
        seed=0,
        progress=False,
    )
    assert [e.epoch for e in history.epochs] == [1, 2, 3]
    assert history.final.test_accuracy == 1.0
    assert evaluate(model, test) == (
        history.final.test_loss,
        history.final.test_accuracy,
    )
    assert history.epochs[-1].train_loss < history.epochs[0].train_loss
    assert (
        all(e.seconds > 0 for e in history.epochs)
        and history.seconds_per_epoch > 0
    )


def test_on_epoch_sees_each_epoch_as_it_ends():
    seen = []
    history = _fit(epochs=2, lr=0.05, batch_size=32, on_epoch=seen.append)
    assert seen == history.epochs


def test_fit_is_repeatable_under_a_seed():
    runs = [
        _fit(3, (256, 64), epochs=2, lr=0.01, batch_size=16, seed=seed)
        for seed in (5, 5, 6)
    ]
    losses = [run.column("train_loss") for run in runs]
    assert losses[0] == losses[1]
    assert losses[2] != losses[0]


def test_transform_is_applied_to_train_and_test():
    seen = []

    def transform(images):
        seen.append(images.shape[0])
        return images

    _fit(sizes=(40, 10), epochs=1, batch_size=20, transform=transform)
    assert seen == [20, 20, 10]


def test_constant_schedule_keeps_the_rate():
    assert [learning_rate("constant", 0.1, t, 10) for t in (0, 5, 10)] == [
        0.1,
        0.1,
        0.1,
    ]


def test_cosine_schedule_follows_its_formula():
    total = 8
    for t in range(total + 1):
        assert learning_rate("cosine", 0.1, t, total) == pytest.approx(
            0.05 * (1 + math.cos(math.pi * t / total))
        )
    assert learning_rate("cosine", 0.1, 0, total) == pytest.approx(0.1)
    assert learning_rate("cosine", 0.1, total // 2, total) == pytest.approx(
        0.05
    )
    assert learning_rate("cosine", 0.1, total, total) == pytest.approx(
        0.0, abs=1e-15
    )


def test_fit_applies_the_cosine_schedule_step_by_step():
    """With a rate annealed to ~0, the last step barely moves the weights; a
    constant one does not."""
    train, test = _blobs(64, 0), _blobs(32, 1)
    moves = {}
    for schedule in ("constant", "cosine"):
        model = _model(0)
        snapshots = []

        def record(stats, model=model, snapshots=snapshots):
            snapshots.append(model[1].weight.detach().clone())

        fit(
            model,
            train,
            test,
            epochs=2,
            lr=0.05,
            batch_size=64,
            seed=0,
            progress=False,
            on_epoch=record,
            schedule=schedule,
        )
        moves[schedule] = (snapshots[1] - snapshots[0]).norm().item()
    # one step per epoch (batch = all 64 digits): the cosine rate of the second
    # step is lr/2
    assert moves["cosine"] == pytest.approx(moves["constant"] / 2, rel=1e-5)


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"epochs": -1}, "epochs"),
        ({"batch_size": 0}, "batch_size"),
        ({"lr": 0.0}, "lr must be a positive finite number, got 0.0"),
        ({"lr": -1e-3}, "lr must be a positive finite number"),
        ({"lr": math.inf}, "lr must be a positive finite number, got inf"),
        ({"lr": math.nan}, "lr must be a positive finite number, got nan"),
        ({"schedule": "linear"}, "schedule"),
    ],
)
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        _fit(sizes=(8, 8), **kwargs)


@pytest.mark.parametrize("which", ["train", "test"])
def test_empty_data_set_is_refused(which):
    """An empty data set has no loss to average and no accuracy to measure:
    refused by name."""
    empty = Dataset(torch.zeros(0, 1, 4, 4), torch.zeros(0, dtype=torch.int64))
    data = {"train": _blobs(8, 0), "test": _blobs(8, 1), which: empty}
    with pytest.raises(
        ValueError, match=f"{which} must hold at least one example"
    ):
        fit(_model(0), data["train"], data["test"], epochs=1, progress=False)


def test_empty_history_has_no_final():
    with pytest.raises(ValueError, match="empty"):
        _ = History().final


def test_quiet_under_the_book_build(monkeypatch):
    monkeypatch.setenv("DLNOTES_QUIET", "1")
    assert quiet()


def test_a_recipe_is_checked_when_made_and_trains_as_fit_does():
    for bad, match in (
        ({"epochs": 0}, "epochs"),
        ({"batch_size": 2.0}, "batch_size"),
        ({"lr": float("nan")}, "lr"),
        ({"schedule": "step"}, "schedule"),
    ):
        with pytest.raises(ValueError, match=match):
            Recipe(**({"epochs": 1, "lr": 1e-2, "batch_size": 4} | bad))
    data = Dataset(torch.rand(12, 1, 4, 4), torch.arange(12) % 3)
    histories = []
    for use_recipe in (True, False):
        torch.manual_seed(0)
        model = nn.Sequential(nn.Flatten(), nn.Linear(16, 3))
        recipe = Recipe(epochs=2, lr=1e-2, batch_size=4, schedule="cosine")
        history = (
            recipe.fit(model, data, data, seed=3)
            if use_recipe
            else fit(
                model,
                data,
                data,
                epochs=2,
                lr=1e-2,
                batch_size=4,
                seed=3,
                schedule="cosine",
            )
        )
        histories.append(history.column("train_loss"))
    assert histories[0] == histories[1]


def test_hold_cosine_schedule_holds_then_anneals():
    total = 8  # H = 6 steps at the peak, then a cosine over 2
    rates = [learning_rate("hold-cosine", 0.1, t, total) for t in range(9)]
    assert rates[:6] == [0.1] * 6
    assert rates[7] == pytest.approx(0.05)
    assert rates[8] == pytest.approx(0.0, abs=1e-15)


def test_fit_draws_a_fresh_training_set_each_epoch():
    """``train`` as a function of the epoch: called once per epoch, and the
    training accuracy is measured on that epoch's set."""
    asked = []

    def train(epoch):
        asked.append(epoch)
        return _blobs(32, 10 + epoch)

    history = fit(
        _model(0), train, _blobs(16, 1), epochs=3, batch_size=8, progress=False
    )
    assert asked == [1, 2, 3] and len(history.epochs) == 3

    def ragged(epoch):
        return _blobs(32 if epoch == 1 else 31, epoch)

    with pytest.raises(ValueError, match="same size"):
        fit(_model(0), ragged, _blobs(16, 1), epochs=2, progress=False)
