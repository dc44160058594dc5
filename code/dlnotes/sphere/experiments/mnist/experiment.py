"""Table 1 of Cohen et al. (2018) on our digits: each model trained on NR and
on R, tested on NR and R."""

from __future__ import annotations

import contextlib
import functools
import importlib.metadata
import math
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from dlnotes._checks import check_count
from dlnotes._io import (
    FolderLock,
    check_folder,
    check_memory,
    remove_temporaries,
)
from dlnotes.data import MNIST_COUNT, MNIST_TEST_SIZE, Dataset, Split, mnist_5k
from dlnotes.mnist_idx import mnist_idx, mnist_idx_sizes
from dlnotes.record_json import run_settings
from dlnotes.sphere.experiments import paper
from dlnotes.sphere.experiments.mnist.checkpoints import (
    model_from_record,
    predict_labels,
    run_name,
    save_weights,
)
from dlnotes.sphere.experiments.mnist.models import (
    MODELS,
    build_model,
    parameter_count,
)
from dlnotes.sphere.experiments.mnist.projection import (
    projection_bytes,
    spherical_mnist,
)
from dlnotes.sphere.experiments.mnist.records import (
    RunRecord,
    read_record,
    this_machine,
    write_record,
)
from dlnotes.train import EpochStats, History, Recipe, fit

#: Test accuracy by model and (train, test) condition in Table 1 of the paper
#: (quoted in :mod:`dlnotes.sphere.experiments.paper`).
PAPER_ACCURACY = paper.TABLE_1
CONDITIONS = paper.TABLE_1_CONDITIONS


@dataclass(frozen=True)
class MnistSettings:
    """What one :func:`mnist_experiment` ran with (the paper: b = 30, b1 = 10,
    b2 = 6, all of MNIST); the training recipe (epochs, learning rate, batch
    size, schedule) is a :class:`~dlnotes.train.Recipe`, checked when made."""

    b: int
    b1: int
    b2: int
    recipe: Recipe
    n_train: int
    n_test: int
    seeds: tuple[int, ...]
    input_scale: float

    def check(
        self,
        models: tuple[str, ...],
        train_on: tuple[str, ...],
        available: tuple[int, int],
    ) -> None:
        """Raise a clear ``ValueError`` for any setting that could not train,
        before anything runs.

        ``available`` is (training digits, test digits) of the data source.
        """
        for name in ("b", "b1", "b2", "n_train", "n_test"):
            check_count(getattr(self, name), name)
        if not self.b >= self.b1 >= self.b2:
            raise ValueError(
                "bandwidths must satisfy b >= b1 >= b2 (each layer can only"
                f" drop frequencies), got b={self.b}, b1={self.b1},"
                f" b2={self.b2}"
            )
        if "planar" in models and self.b < 9:
            raise ValueError(
                "the planar model needs b >= 9 (two 5x5 stride-3 convolutions"
                f" on 2b x 2b), got b={self.b}"
            )
        if not (math.isfinite(self.input_scale) and self.input_scale > 0):
            raise ValueError(
                "input_scale must be a positive finite number, got"
                f" {self.input_scale}"
            )
        if self.n_train > available[0] or self.n_test > available[1]:
            raise ValueError(
                f"n_train and n_test must not exceed the {available[0]}"
                f" training and {available[1]} test digits available, got"
                f" {self.n_train} and {self.n_test}"
            )
        if (
            not self.seeds
            or len(set(self.seeds)) != len(self.seeds)
            or any(seed < 0 for seed in self.seeds)
        ):
            raise ValueError(
                "seeds must be distinct non-negative ints, at least one, got"
                f" {self.seeds}"
            )
        if (
            not models
            or any(name not in MODELS for name in models)
            or len(set(models)) != len(models)
        ):
            raise ValueError(
                f"models must be distinct names drawn from {MODELS}, got"
                f" {models!r}"
            )
        if (
            not train_on
            or any(condition not in ("NR", "R") for condition in train_on)
            or len(set(train_on)) != len(train_on)
        ):
            raise ValueError(
                "train_on must be a non-empty selection of ('NR', 'R'), got"
                f" {train_on!r}"
            )


@dataclass(frozen=True)
class MnistRun:
    """One trained model: its training history and its predictions on both test
    sets."""

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
    """Every run of :func:`mnist_experiment`, with the test labels and the
    models' sizes."""

    settings: MnistSettings
    runs: tuple[MnistRun, ...]
    labels: np.ndarray
    parameters: dict[str, int]

    def accuracies(self, model: str, condition: str) -> np.ndarray:
        """Accuracy of ``model`` under ``condition`` (``"NR/NR"``, ``"R/R"``,
        ``"NR/R"``, ``"R/NR"``), one per seed."""
        train_on, test_on = condition.split("/")
        return np.array(
            [
                run.accuracy(test_on, self.labels)
                for run in self.runs
                if run.model == model and run.train_on == train_on
            ]
        )

    def table(self) -> pd.DataFrame:
        """Mean and standard deviation over seeds of the three conditions,
        beside the paper's numbers."""
        rows = []
        for model in sorted(
            {run.model for run in self.runs}, key=MODELS.index
        ):
            for condition in CONDITIONS:
                values = self.accuracies(model, condition)
                if len(values) == 0:
                    continue
                rows.append(
                    {
                        "model": model,
                        "condition": condition,
                        "ours (mean)": values.mean(),
                        "ours (std)": (
                            values.std(ddof=1)
                            if len(values) > 1
                            else float("nan")
                        ),
                        "paper": PAPER_ACCURACY[model][condition],
                    }
                )
        return pd.DataFrame(rows)

    def confusion(self, model: str, condition: str) -> np.ndarray:
        """Confusion matrix ``[true, predicted]`` of ``model`` under
        ``condition``, summed over seeds."""
        train_on, test_on = condition.split("/")
        matrix = np.zeros((10, 10), dtype=np.int64)
        for run in self.runs:
            if run.model == model and run.train_on == train_on:
                np.add.at(matrix, (self.labels, run.predictions[test_on]), 1)
        return matrix

    def seconds_per_epoch(self, model: str) -> float:
        """Mean wall-clock seconds of one training epoch (with its evaluation)
        of ``model``."""
        return float(
            np.mean(
                [
                    run.history.seconds_per_epoch
                    for run in self.runs
                    if run.model == model
                ]
            )
        )


def balanced_subset(data: Dataset, count: int | None) -> Dataset:
    """``count`` digits taken class by class in turn (``mnist_5k`` is sorted by
    label), all if None.

    Digit order is round-robin over the classes: the first of each class, then
    the second of each class, and so on, so any prefix is balanced to within
    one digit per class. A count of all the digits returns ``data`` as it is
    (same order, hence the same rotation per digit).
    """
    if count is None or count == len(data):
        return data
    if not 1 <= count <= len(data):
        raise ValueError(f"count must lie in 1..{len(data)}, got {count}")
    labels = data.labels
    rank = torch.empty_like(labels)
    for label in labels.unique():
        members = torch.nonzero(labels == label)[:, 0]
        rank[members] = torch.arange(len(members))
    order = torch.argsort(
        rank * (int(labels.max()) + 1) + labels, stable=True
    )[:count]
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
    save: str | Path | None = None,
    resume: bool = False,
    device: torch.device | str = "cpu",
    data: str | Path | None = None,
    command: str | None = None,
) -> MnistResult:
    """Table 1 of the paper on our digits: train on NR and on R, test on NR and
    R.

    Every setting is checked first (:meth:`MnistSettings.check`), before any
    data is loaded or any model built. Then, for each seed: the digits are
    projected at bandwidth ``b`` and rotated with that seed
    (:func:`~dlnotes.sphere.experiments.mnist.projection.spherical_mnist`);
    each model is initialised under ``torch.manual_seed(seed)`` and trained
    with :func:`dlnotes.train.fit` (Adam, ``lr``, ``batch_size``, ``epochs``)
    on the NR and on the R training digits, recording its test accuracy after
    each epoch on the test set of its own condition; the final model is
    evaluated on both test sets
    (:func:`~dlnotes.sphere.experiments.mnist.checkpoints.accuracies`).

    Args:
        b, b1, b2: bandwidths of the input and of the spherical model's two
            layers.
        epochs, lr, batch_size: training.
        seeds: one run of every model and condition per seed.
        n_train, n_test: use only this many digits of the data, balanced over
            the classes (:func:`balanced_subset`; all by default).
        models: which of ``"planar"``, ``"spherical"`` to train.
        train_on: which training sets, ``"NR"`` and/or ``"R"`` (both by
            default; the table then holds only the conditions these give).
        on_epoch: called as ``on_epoch(model, train_on, seed, stats)`` after
            every epoch of every run (progress of long runs).
        input_scale: the spherical model's
            :class:`~dlnotes.sphere.experiments.mnist.models.SphericalCNN`
            ``input_scale`` (255: the pixel scale of the authors' code; the
            planar model reads the [0, 1] signals).
        schedule: :func:`dlnotes.train.fit`'s learning-rate schedule (the
            paper: constant).
        save: a folder that receives, per run, a checkpoint after every epoch
            (``<name>.ckpt``, atomic) and at the end the weights and record
            (``<name>.pt``, ``<name>.json``; see
            :mod:`~dlnotes.sphere.experiments.mnist.checkpoints`).
        resume: continue the runs whose checkpoint is in ``save`` and skip the
            finished ones (without it, existing files for a run are an error,
            never overwritten).
        device: where to train and evaluate.
        data: a folder with the four MNIST IDX files
            (:func:`dlnotes.mnist_idx.mnist_idx`), instead of the 5,000 shipped
            digits.
        command: the command line to keep in each record (default:
            ``sys.argv``).

    Under ``torch.distributed`` (``torchrun``) each model is wrapped in
    ``DistributedDataParallel`` and every process trains on a share of every
    batch (see :func:`dlnotes.train.fit`); only rank 0 writes files.

    Returns:
        A :class:`MnistResult`; ``result.table()`` is the NR/NR, R/R, NR/R
        table.
    """
    available = (
        mnist_idx_sizes(data)
        if data is not None
        else (MNIST_COUNT - MNIST_TEST_SIZE, MNIST_TEST_SIZE)
    )
    settings = MnistSettings(
        b,
        b1,
        b2,
        Recipe(epochs, lr, batch_size, schedule),
        n_train or available[0],
        n_test or available[1],
        tuple(seeds),
        input_scale,
    )
    settings.check(tuple(models), tuple(train_on), available)
    check_memory(
        projection_bytes(settings.n_train + settings.n_test, b),
        f"projecting {settings.n_train + settings.n_test} digits at b = {b}",
    )
    device = torch.device(device)
    folder = Path(save) if save is not None else None
    parameters = {
        name: parameter_count(build_model(name, b, b1, b2, input_scale))
        for name in models
    }
    lock = contextlib.nullcontext()
    if folder is not None:
        check_folder(folder, checkpoint_bytes(max(parameters.values())))
        if _rank() == 0:
            lock = FolderLock(folder)
    with lock:
        if folder is not None:
            _check_folder(folder, settings, models, train_on, resume)
            if _rank() == 0:
                remove_temporaries(folder)
        command = (
            command
            if command is not None
            else shlex.join(
                ["python", "-m", "dlnotes.sphere.experiments", *sys.argv[1:]]
            )
        )
        split = mnist_idx(data) if data is not None else mnist_5k()
        split = Split(
            balanced_subset(split.train, n_train),
            balanced_subset(split.test, n_test),
        )
        # what a checkpoint must match to be resumed, besides fit's own
        # settings
        identity = {
            **run_settings(settings),
            "data": split.fingerprint(),
            "dlnotes": importlib.metadata.version("dlnotes"),
        }
        runs = []
        for seed in settings.seeds:
            digits = spherical_mnist(split, b, seed)
            train = {"NR": digits.train_nr, "R": digits.train_r}
            test = {"NR": digits.test_nr, "R": digits.test_r}
            for name in models:
                for condition in train_on:
                    report = (
                        None
                        if on_epoch is None
                        else functools.partial(on_epoch, name, condition, seed)
                    )
                    runs.append(
                        _run(
                            settings,
                            name,
                            condition,
                            seed,
                            train,
                            test,
                            folder,
                            device,
                            report,
                            command,
                            identity | {"model": name, "train_on": condition},
                        )
                    )
    return MnistResult(
        settings, tuple(runs), split.test.labels.numpy(), parameters
    )


def checkpoint_bytes(parameters: int) -> int:
    """About the size of one checkpoint of a model with ``parameters``
    float32 parameters: the weights and Adam's two moments, plus 1 MiB for the
    rest (history, generator, pickling)."""
    return 3 * 4 * parameters + 2**20


def _check_folder(
    folder: Path, settings: MnistSettings, models, train_on, resume: bool
) -> None:
    """Refuse to overwrite earlier runs, and to resume runs of other
    settings."""
    if folder.exists() and not folder.is_dir():
        raise ValueError(f"save must be a folder, got the file {folder}")
    for seed in settings.seeds:
        for name in models:
            for condition in train_on:
                stem = folder / run_name(name, condition, seed)
                existing = [
                    path
                    for path in (
                        stem.with_suffix(".ckpt"),
                        stem.with_suffix(".json"),
                    )
                    if path.exists()
                ]
                if existing and not resume:
                    raise ValueError(
                        f"{existing[0]} exists: pass resume=True (--resume) to"
                        " continue or reuse it, or choose another folder"
                    )
                if stem.with_suffix(".json").exists() and read_record(
                    stem.with_suffix(".json")
                ).settings != run_settings(settings):
                    raise ValueError(
                        f"{stem.with_suffix('.json')} was made with other"
                        " settings; choose another folder"
                    )


def _run(
    settings: MnistSettings,
    name: str,
    condition: str,
    seed: int,
    train: dict[str, Dataset],
    test: dict[str, Dataset],
    folder: Path | None,
    device: torch.device,
    report: Callable[[EpochStats], None] | None,
    command: str,
    identity: dict[str, object],
) -> MnistRun:
    """Train (or, when resuming a finished run, load) one model and evaluate it
    on both test sets; ``identity`` goes into the checkpoint (see
    :func:`dlnotes.train.fit`)."""
    stem = (
        folder / run_name(name, condition, seed)
        if folder is not None
        else None
    )
    start = time.perf_counter()
    # finished earlier: reuse
    if stem is not None and stem.with_suffix(".json").exists():
        record = read_record(stem.with_suffix(".json"))
        model = model_from_record(record, stem.with_suffix(".pt")).to(device)
        history = History(
            [
                EpochStats(
                    **{"train_loss": math.nan, "test_loss": math.nan} | row
                )
                for row in record.epochs
            ]
        )
    else:
        torch.manual_seed(seed)
        model = build_model(
            name, settings.b, settings.b1, settings.b2, settings.input_scale
        ).to(device)
        trained = model
        if (
            torch.distributed.is_available()
            and torch.distributed.is_initialized()
        ):
            trained = torch.nn.parallel.DistributedDataParallel(
                model,
                device_ids=[device.index] if device.type == "cuda" else None,
            )
        history = fit(
            trained,
            train[condition],
            test[condition],
            epochs=settings.recipe.epochs,
            lr=settings.recipe.lr,
            batch_size=settings.recipe.batch_size,
            seed=seed,
            on_epoch=report,
            schedule=settings.recipe.schedule,
            checkpoint=stem.with_suffix(".ckpt") if stem is not None else None,
            device=device,
            identity=identity,
        )
    predictions = {
        key: predict_labels(model, data, device) for key, data in test.items()
    }
    final = {
        key: float(np.mean(predictions[key] == data.labels.numpy()))
        for key, data in test.items()
    }
    if (
        stem is not None
        and not stem.with_suffix(".json").exists()
        and _rank() == 0
    ):
        epochs = tuple(
            {
                "epoch": e.epoch,
                "train_accuracy": e.train_accuracy,
                "test_accuracy": e.test_accuracy,
                "seconds": e.seconds,
            }
            for e in history.epochs
        )
        record = RunRecord(
            command,
            name,
            condition,
            seed,
            parameter_count(model),
            run_settings(settings),
            epochs,
            final,
            this_machine(),
            identity["data"],
        )
        save_weights(model, stem.with_suffix(".pt"))
        write_record(record, stem.with_suffix(".json"))
        stem.with_suffix(".ckpt").unlink(missing_ok=True)
    return MnistRun(
        name,
        condition,
        seed,
        history,
        predictions,
        time.perf_counter() - start,
    )


def _rank() -> int:
    return (
        torch.distributed.get_rank()
        if torch.distributed.is_available()
        and torch.distributed.is_initialized()
        else 0
    )
