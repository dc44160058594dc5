"""Trained spherical-MNIST models on disk: weights beside their JSON record,
loaded without unpickling.

A finished run of ``python -m dlnotes.sphere.experiments mnist --save DIR``
leaves, per trained model (model, training set, seed), two files named by
:func:`run_name`:

* ``<name>.pt`` — the final ``state_dict`` (float32 tensors only), read back
  with ``torch.load(..., weights_only=True)``, which refuses anything but
  tensors and plain values;
* ``<name>.json`` — its
  :class:`~dlnotes.sphere.experiments.mnist.records.RunRecord`: the command,
  the settings, one row per epoch and the final accuracies on the upright and
  rotated test digits.

While it trains, ``<name>.ckpt`` holds the whole training state (see
:func:`dlnotes.train.fit`); it is removed when the run ends. The checkpoints of
the paper-scale runs ship with the package in :data:`TABLE1` (found through the
package, never the working directory).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from torch import nn

from dlnotes._io import (
    check_memory,
    load_state_dict,
    load_tensors,
    save_tensors,
)
from dlnotes.data import Dataset
from dlnotes.sphere.experiments.mnist.models import MODELS, build_model
from dlnotes.sphere.experiments.mnist.projection import projection_bytes
from dlnotes.sphere.experiments.mnist.records import (
    RECORDS,
    RunRecord,
    read_record,
)
from dlnotes.train import predict

#: The shipped checkpoints of the paper-scale runs (both models × NR and R ×
#: seeds).
TABLE1 = RECORDS / "table1"
TRAIN_SETS = ("NR", "R")


def run_name(
    model: str,
    train_on: str,
    seed: int,
    models: tuple[str, ...] = MODELS,
    train_sets: tuple[str, ...] = TRAIN_SETS,
) -> str:
    """``"<model>-<train_on>-seed<seed>"``, e.g. ``"spherical-NR-seed0"``;
    ``model`` and ``train_on`` checked against ``models`` and ``train_sets``
    (those of spherical MNIST unless an experiment names its own)."""
    if model not in models:
        raise ValueError(f"model must be one of {models}, got {model!r}")
    if train_on not in train_sets:
        raise ValueError(
            f"train_on must be one of {train_sets}, got {train_on!r}"
        )
    return f"{model}-{train_on}-seed{seed}"


def save_weights(model: nn.Module, path: str | Path) -> Path:
    """Write ``model.state_dict()`` to ``path`` atomically
    (``dlnotes._io.atomic_write``)."""
    return save_tensors(
        path,
        {
            key: value.detach().cpu()
            for key, value in model.state_dict().items()
        },
    )


def model_from_record(record: RunRecord, weights: str | Path) -> nn.Module:
    """The model ``record`` describes, with the weights in ``weights``, in eval
    mode on the CPU.

    Raises:
        ValueError: ``weights`` is missing, unreadable, not a torch file, or
            its tensors do not fit the model, or the record's sizes need more
            memory than is available (one line naming the file).
    """
    settings = record.settings
    # the model reads n_test digits projected at b: refuse sizes that cannot
    # fit before allocating anything
    check_memory(
        projection_bytes(settings["n_test"], settings["b"]),
        f"the run of {weights} (b = {settings['b']})",
    )
    state = load_tensors(weights, "weights")
    model = build_model(
        record.model,
        settings["b"],
        settings["b1"],
        settings["b2"],
        settings["input_scale"],
    )
    load_state_dict(model, state, weights)
    return model.eval()


def load_checkpoint(
    model: str, train_on: str, seed: int, folder: str | Path = TABLE1
) -> tuple[nn.Module, RunRecord]:
    """A trained model and its record: ``<folder>/<run_name>.pt`` and ``.json``
    (the shipped ones by default).

    Raises:
        ValueError: an unknown ``model`` or ``train_on``.
        FileNotFoundError: no such run in ``folder``.
    """
    name = run_name(model, train_on, seed)
    folder = Path(folder)
    if not (folder / f"{name}.json").is_file():
        available = sorted(path.stem for path in folder.glob("*.json"))
        raise FileNotFoundError(
            f"no run {name!r} in {folder}; available: {available}"
        )
    record = read_record(folder / f"{name}.json")
    return model_from_record(record, folder / f"{name}.pt"), record


def shipped_runs(folder: str | Path = TABLE1) -> list[tuple[str, str, int]]:
    """(model, train_on, seed) of every run in ``folder``, sorted."""
    runs = []
    for path in sorted(Path(folder).glob("*.json")):
        record = read_record(path)
        runs.append((record.model, record.train_on, record.seed))
    return sorted(
        runs,
        key=lambda run: (
            MODELS.index(run[0]),
            TRAIN_SETS.index(run[1]),
            run[2],
        ),
    )


def predict_labels(
    model: nn.Module, data: Dataset, device: torch.device | str | None = None
) -> np.ndarray:
    """Predicted classes of ``model`` on ``data``: eval mode, batches of 100,
    on ``device``."""
    return (
        predict(model, data, batch_size=100, device=device).argmax(1).numpy()
    )


def accuracies(
    model: nn.Module,
    test_sets: dict[str, Dataset],
    device: torch.device | str | None = None,
) -> dict[str, float]:
    """Accuracy of ``model`` on each named test set, e.g. ``{"NR": ..., "R":
    ...}`` — the numbers a run records at its end (:func:`predict_labels`, the
    same computation)."""
    return {
        name: float(
            np.mean(predict_labels(model, data, device) == data.labels.numpy())
        )
        for name, data in test_sets.items()
    }
