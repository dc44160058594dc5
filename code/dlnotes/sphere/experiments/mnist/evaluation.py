"""Table 1 from trained models: every checkpoint evaluated on the upright and
the rotated test digits.

The paper-scale runs take far longer than a book build, so their trained
weights ship with the package
(:data:`~dlnotes.sphere.experiments.mnist.checkpoints.TABLE1`); this module
evaluates them live — the same computation that recorded their accuracies when
they finished training
(:func:`~dlnotes.sphere.experiments.mnist.checkpoints.accuracies`), so the
numbers it prints are measured, not read back.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import torch
from torch import nn

from dlnotes.data import Split, mnist_5k
from dlnotes.mnist_idx import mnist_idx
from dlnotes.sphere.experiments.mnist.checkpoints import (
    TABLE1,
    accuracies,
    load_checkpoint,
    run_name,
    shipped_runs,
)
from dlnotes.sphere.experiments.mnist.experiment import (
    CONDITIONS,
    PAPER_ACCURACY,
    balanced_subset,
)
from dlnotes.sphere.experiments.mnist.projection import (
    STREAMS,
    project,
    project_both,
)
from dlnotes.sphere.experiments.mnist.records import RunRecord
from dlnotes.sphere.haar import random_rotations


def evaluate_runs(
    folder: str | Path = TABLE1,
    data: str | Path | None = None,
    device: torch.device | str = "cpu",
) -> pd.DataFrame:
    """One row per checkpoint in ``folder``: ``model``, ``train_on``, ``seed``,
    the number of test digits (``n test``), the accuracy on the upright (``test
    NR``) and rotated (``test R``) test digits, and the accuracies its record
    holds (``recorded NR``, ``recorded R``).

    The test digits are those the run was tested on: the first ``n_test``
    (balanced) of the split, projected at the run's bandwidth and rotated with
    the run's seed. ``data``: the MNIST IDX folder the runs were trained from,
    if not the shipped digits.

    Raises:
        ValueError: ``folder`` holds no runs, a file there is not a valid
            record or weights, or a run was made from other digits than
            ``data`` gives (:func:`check_same_digits`).
    """
    split = mnist_idx(data) if data is not None else mnist_5k()
    runs = shipped_runs(folder)
    if not runs:
        raise ValueError(f"{folder} holds no run records (<name>.json)")
    projected: dict[tuple[int, int, int], dict] = {}
    rows = []
    for model_name, train_on, seed in runs:
        model, record = load_checkpoint(model_name, train_on, seed, folder)
        check_same_digits(record, split, data, folder)
        b, n_test = record.settings["b"], record.settings["n_test"]
        key = (b, n_test, seed)
        if key not in projected:
            nr, r = project_both(
                balanced_subset(split.test, n_test), b, seed, "test"
            )
            projected[key] = {"NR": nr, "R": r}
        measured = accuracies(model.to(device), projected[key], device)
        rows.append(
            {
                "model": model_name,
                "train_on": train_on,
                "seed": seed,
                "n test": n_test,
            }
            | {f"test {k}": v for k, v in measured.items()}
            | {
                f"recorded {k}": record.accuracy.get(k, np.nan)
                for k in ("NR", "R")
            }
        )
    return pd.DataFrame(rows)


def check_same_digits(
    record: RunRecord, split: Split, data: str | Path | None, folder
) -> None:
    """Refuse to score ``record``'s run on ``split`` (from ``data``, the
    shipped digits if None) when it was trained on other digits.

    A record names its digits by their fingerprint (``record.data``); an older
    record without one was made from the shipped digits unless its command
    names ``--data``.
    """
    source = f"--data {data}" if data is not None else "the shipped digits"
    name = run_name(record.model, record.train_on, record.seed)
    if record.data:
        n_train = record.settings.get("n_train", len(split.train))
        n_test = record.settings["n_test"]
        if n_train > len(split.train) or n_test > len(split.test):
            used = "other"
        else:
            used = Split(
                balanced_subset(split.train, n_train),
                balanced_subset(split.test, n_test),
            ).fingerprint()
        if used != record.data:
            raise ValueError(
                f"{folder}/{name} was trained on other digits than"
                f" {source} (fingerprint {record.data}); pass the --data"
                " folder it was trained from"
            )
    elif data is None and "--data" in record.command.split():
        raise ValueError(
            f"{folder}/{name} was trained on the digits of an MNIST folder"
            f" ({record.command!r}); pass that folder with --data"
        )


def table1(runs: pd.DataFrame) -> pd.DataFrame:
    """The paper's Table 1 from :func:`evaluate_runs`: one row per (model,
    condition) with ``mean`` and ``std`` over seeds (``std`` with ddof = 1; NaN
    for one seed), ``seeds`` and ``paper``."""
    rows = []
    for model in runs["model"].unique():
        for condition in CONDITIONS:
            train_on, test_on = condition.split("/")
            values = runs[
                (runs["model"] == model) & (runs["train_on"] == train_on)
            ][f"test {test_on}"].to_numpy()
            if len(values) == 0:
                continue
            rows.append(
                {
                    "model": model,
                    "condition": condition,
                    "mean": float(values.mean()),
                    "std": (
                        float(values.std(ddof=1))
                        if len(values) > 1
                        else float("nan")
                    ),
                    "seeds": len(values),
                    "paper": PAPER_ACCURACY[model][condition],
                }
            )
    return pd.DataFrame(rows)


@torch.no_grad()
def probabilities_under_rotations(
    model: nn.Module, image: torch.Tensor, b: int, count: int, seed: int = 0
) -> np.ndarray:
    """Class probabilities ``[count, classes]`` of ``model`` for one digit
    under ``count`` rotations.

    ``image`` is one ``[1, H, W]`` digit; row 0 is the upright digit, rows 1…
    the digit under Haar-random rotations
    (:func:`~dlnotes.sphere.haar.random_rotations`, stream ``"figure"`` of
    ``seed``), each applied exactly to the projected digit
    (:func:`~dlnotes.sphere.experiments.mnist.projection.project`) at bandwidth
    ``b``.
    """
    if image.dim() != 3 or image.shape[0] != 1:
        raise ValueError(
            "image must be one digit [1, H, W], got shape"
            f" {tuple(image.shape)}"
        )
    if count < 1:
        raise ValueError(f"count must be >= 1, got {count}")
    alpha, beta, gamma = (
        torch.cat([torch.zeros(1, dtype=a.dtype), a])
        for a in random_rotations(count - 1, seed, STREAMS["figure"])
    )
    signals = project(image.expand(count, -1, -1, -1), b, (alpha, beta, gamma))
    return torch.softmax(model.eval()(signals), dim=1).numpy()
