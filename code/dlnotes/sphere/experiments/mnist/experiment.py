"""Table 1 of Cohen et al. (2018) on our digits: each model trained on NR and on R, tested on NR and R."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from dlnotes.data import Dataset, Split, mnist_5k
from dlnotes.sphere.experiments.mnist.models import MODELS, build_model, parameter_count
from dlnotes.sphere.experiments.mnist.projection import spherical_mnist
from dlnotes.train import EpochStats, History, fit, predict

#: Test accuracy by model and (train, test) condition in Table 1 of the paper.
PAPER_ACCURACY = {
    "planar": {"NR/NR": 0.98, "R/R": 0.23, "NR/R": 0.11},
    "spherical": {"NR/NR": 0.96, "R/R": 0.95, "NR/R": 0.94},
}
CONDITIONS = ("NR/NR", "R/R", "NR/R")


@dataclass(frozen=True)
class MnistSettings:
    """What one :func:`mnist_experiment` ran with (the paper: b = 30, b1 = 10, b2 = 6, all of MNIST)."""

    b: int
    b1: int
    b2: int
    epochs: int
    lr: float
    batch_size: int
    n_train: int
    n_test: int
    seeds: tuple[int, ...]
    input_scale: float
    schedule: str


@dataclass(frozen=True)
class MnistRun:
    """One trained model: its training history and its predictions on both test sets."""

    model: str
    train_on: str
    seed: int
    history: History
    predictions: dict[str, np.ndarray]
    seconds: float

    def accuracy(self, test_on: str, labels: np.ndarray) -> float:
        """Test accuracy on the ``"NR"`` or ``"R"`` test set."""
        return float((self.predictions[test_on] == labels).mean())


@dataclass(frozen=True)
class MnistResult:
    """Every run of :func:`mnist_experiment`, with the test labels and the models' sizes."""

    settings: MnistSettings
    runs: tuple[MnistRun, ...]
    labels: np.ndarray
    parameters: dict[str, int]

    def accuracies(self, model: str, condition: str) -> np.ndarray:
        """Accuracy of ``model`` under ``condition`` (``"NR/NR"``, ``"R/R"``, ``"NR/R"``, ``"R/NR"``), one per seed."""
        train_on, test_on = condition.split("/")
        return np.array([run.accuracy(test_on, self.labels) for run in self.runs if run.model == model and run.train_on == train_on])

    def table(self) -> pd.DataFrame:
        """Mean and standard deviation over seeds of the three conditions, beside the paper's numbers."""
        rows = []
        for model in sorted({run.model for run in self.runs}, key=MODELS.index):
            for condition in CONDITIONS:
                values = self.accuracies(model, condition)
                if len(values) == 0:
                    continue
                rows.append(
                    {
                        "model": model,
                        "condition": condition,
                        "ours (mean)": values.mean(),
                        "ours (std)": values.std(ddof=1) if len(values) > 1 else float("nan"),
                        "paper": PAPER_ACCURACY[model][condition],
                    }
                )
        return pd.DataFrame(rows)

    def confusion(self, model: str, condition: str) -> np.ndarray:
        """Confusion matrix ``[true, predicted]`` of ``model`` under ``condition``, summed over seeds."""
        train_on, test_on = condition.split("/")
        matrix = np.zeros((10, 10), dtype=np.int64)
        for run in self.runs:
            if run.model == model and run.train_on == train_on:
                np.add.at(matrix, (self.labels, run.predictions[test_on]), 1)
        return matrix

    def seconds_per_epoch(self, model: str) -> float:
        """Mean wall-clock seconds of one training epoch (with its evaluation) of ``model``."""
        return float(np.mean([run.history.seconds_per_epoch for run in self.runs if run.model == model]))


def balanced_subset(data: Dataset, count: int | None) -> Dataset:
    """``count`` digits taken class by class in turn (``mnist_5k`` is sorted by label), all if None.

    Digit order is round-robin over the classes: the first of each class, then the second of
    each class, and so on, so any prefix is balanced to within one digit per class.
    """
    if count is None:
        return data
    if not 1 <= count <= len(data):
        raise ValueError(f"count must lie in 1..{len(data)}, got {count}")
    labels = data.labels
    rank = torch.empty_like(labels)
    for label in labels.unique():
        members = torch.nonzero(labels == label)[:, 0]
        rank[members] = torch.arange(len(members))
    order = torch.argsort(rank * (int(labels.max()) + 1) + labels, stable=True)[:count]
    return Dataset(data.images[order], labels[order])


def mnist_experiment(
    b: int = 30,
    b1: int = 10,
    b2: int = 6,
    epochs: int = 20,
    seeds: tuple[int, ...] = (0, 1),
    lr: float = 5e-3,
    batch_size: int = 32,
    n_train: int | None = None,
    n_test: int | None = None,
    models: tuple[str, ...] = MODELS,
    train_on: tuple[str, ...] = ("NR", "R"),
    on_epoch: Callable[[str, str, int, EpochStats], None] | None = None,
    input_scale: float = 255.0,
    schedule: str = "constant",
) -> MnistResult:
    """Table 1 of the paper on ``dlnotes.data.mnist_5k``: train on NR and on R, test on NR and R.

    For each seed: the digits are projected at bandwidth ``b`` and rotated with that seed
    (:func:`spherical_mnist`); each model is initialised under ``torch.manual_seed(seed)`` and
    trained with :func:`dlnotes.train.fit` (Adam, ``lr``, ``batch_size``, ``epochs``) on the NR
    and on the R training digits, recording its test accuracy after each epoch on the test set of
    its own condition; the final model predicts both test sets.

    Args:
        b, b1, b2: bandwidths of the input and of the spherical model's two layers.
        epochs, lr, batch_size: training.
        seeds: one run of every model and condition per seed.
        n_train, n_test: use only this many digits of the 4,000 / 1,000 split, balanced over the
            classes (:func:`balanced_subset`; all by default).
        models: which of ``"planar"``, ``"spherical"`` to train.
        train_on: which training sets, ``"NR"`` and/or ``"R"`` (both by default; the table then
            holds only the conditions these give).
        on_epoch: called as ``on_epoch(model, train_on, seed, stats)`` after every epoch of every
            run (progress of long runs).
        input_scale: the spherical model's :class:`SphericalCNN` ``input_scale`` (255: the
            pixel scale of the authors' code; the planar model reads the [0, 1] signals).
        schedule: :func:`dlnotes.train.fit`'s learning-rate schedule (the paper: constant).

    Returns:
        A :class:`MnistResult`; ``result.table()`` is the NR/NR, R/R, NR/R table.
    """
    for name in models:
        if name not in MODELS:
            raise ValueError(f"models must be drawn from {MODELS}, got {name!r}")
    if not train_on or any(condition not in ("NR", "R") for condition in train_on):
        raise ValueError(f"train_on must be a non-empty selection of ('NR', 'R'), got {train_on!r}")
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    split = mnist_5k()
    split = Split(balanced_subset(split.train, n_train), balanced_subset(split.test, n_test))
    runs = []
    for seed in seeds:
        data = spherical_mnist(split, b, seed)
        train = {"NR": data.train_nr, "R": data.train_r}
        test = {"NR": data.test_nr, "R": data.test_r}
        for name in models:
            for condition in train_on:
                torch.manual_seed(seed)
                model = build_model(name, b, b1, b2, input_scale)
                report = None if on_epoch is None else functools.partial(on_epoch, name, condition, seed)
                start = time.perf_counter()
                history = fit(model, train[condition], test[condition], epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, on_epoch=report, schedule=schedule)
                predictions = {key: predict(model, test[key], batch_size=100).argmax(1).numpy() for key in ("NR", "R")}
                runs.append(MnistRun(name, condition, seed, history, predictions, time.perf_counter() - start))
    settings = MnistSettings(b, b1, b2, epochs, lr, batch_size, len(split.train), len(split.test), tuple(seeds), input_scale, schedule)
    parameters = {name: parameter_count(build_model(name, b, b1, b2, input_scale)) for name in models}
    return MnistResult(settings, tuple(runs), split.test.labels.numpy(), parameters)
