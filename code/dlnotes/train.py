"""A small, seeded training and evaluation loop shared by every chapter.

Minibatch SGD-family training of a classifier with cross-entropy loss on in-memory tensors
(:class:`dlnotes.data.Dataset`). Batches are drawn from a ``torch.Generator`` seeded by ``seed``
and the model is (re)initialised by the caller under the same seed, so a run is repeatable on a
given machine and thread count.

A progress bar (tqdm) is shown when the code runs interactively; the book build sets
``DLNOTES_QUIET=1`` so that executed pages show no bars and their output is deterministic.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import torch
from torch import nn

from dlnotes.data import Dataset

Transform = Callable[[torch.Tensor], torch.Tensor]
#: Learning-rate schedules :func:`fit` knows.
SCHEDULES = ("constant", "cosine")


@dataclass(frozen=True)
class EpochStats:
    """What one epoch measured: mean training loss and accuracy, test loss and accuracy, seconds."""

    epoch: int
    train_loss: float
    train_accuracy: float
    test_loss: float
    test_accuracy: float
    seconds: float


@dataclass
class History:
    """Per-epoch statistics of one :func:`fit` run."""

    epochs: list[EpochStats] = field(default_factory=list)

    def column(self, name: str) -> list[float]:
        """One statistic over the epochs, e.g. ``history.column("test_accuracy")``."""
        return [getattr(stats, name) for stats in self.epochs]

    @property
    def final(self) -> EpochStats:
        """The statistics of the last epoch."""
        if not self.epochs:
            raise ValueError("the history is empty: fit ran for zero epochs")
        return self.epochs[-1]

    @property
    def seconds_per_epoch(self) -> float:
        """Mean wall-clock seconds of one epoch (training plus evaluation)."""
        return sum(self.column("seconds")) / max(len(self.epochs), 1)


def quiet() -> bool:
    """True when progress bars should be hidden (book build, or no terminal and no notebook)."""
    if os.environ.get("DLNOTES_QUIET"):
        return True
    return not (sys.stderr.isatty() or "ipykernel" in sys.modules)


def batches(data: Dataset, batch_size: int, generator: torch.Generator | None = None) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Minibatches of ``data``: shuffled with ``generator`` if given, in order otherwise."""
    n = len(data)
    order = torch.randperm(n, generator=generator) if generator is not None else torch.arange(n)
    for start in range(0, n, batch_size):
        index = order[start : start + batch_size]
        yield data.images[index], data.labels[index]


@torch.no_grad()
def predict(model: nn.Module, data: Dataset, batch_size: int = 500, transform: Transform | None = None) -> torch.Tensor:
    """Logits ``[N, classes]`` of ``model`` (in eval mode) on ``data``."""
    was_training = model.training
    model.eval()
    outputs = []
    for images, _ in batches(data, batch_size):
        outputs.append(model(transform(images) if transform else images))
    model.train(was_training)
    return torch.cat(outputs)


def evaluate(model: nn.Module, data: Dataset, batch_size: int = 500, transform: Transform | None = None) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``data``."""
    logits = predict(model, data, batch_size, transform)
    loss = nn.functional.cross_entropy(logits, data.labels).item()
    accuracy = (logits.argmax(dim=1) == data.labels).float().mean().item()
    return loss, accuracy


def learning_rate(schedule: str, lr: float, step: int, total_steps: int) -> float:
    """The learning rate of step ``step`` (0, 1, ..., T − 1) of a run of T = ``total_steps``.

    ``"constant"``: ``lr`` throughout. ``"cosine"``: η_t = lr · (1 + cos(π t / T)) / 2
    (Loshchilov & Hutter, 2017, SGDR without restarts): lr at the start, lr/2 halfway, close to
    0 at the end, so the last steps settle into a minimum instead of rattling around it with
    the minibatch noise of a constant step.
    """
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}, got {schedule!r}")
    if schedule == "constant":
        return lr
    return lr * (1.0 + math.cos(math.pi * min(step, total_steps) / max(total_steps, 1))) / 2.0


def fit(
    model: nn.Module,
    train: Dataset,
    test: Dataset,
    epochs: int = 5,
    lr: float = 1e-3,
    batch_size: int = 64,
    seed: int = 0,
    weight_decay: float = 0.0,
    transform: Transform | None = None,
    progress: bool | None = None,
    on_epoch: Callable[[EpochStats], None] | None = None,
    schedule: str = "constant",
) -> History:
    """Train ``model`` with Adam on ``train`` and evaluate on ``test`` after every epoch.

    Args:
        model: a classifier mapping images to logits; trained in place.
        train, test: the data (see :mod:`dlnotes.data`).
        epochs, lr, batch_size, weight_decay: the usual; Adam with peak learning rate ``lr``.
        seed: seeds the order of the minibatches (seed the model's initialisation yourself,
            e.g. with ``torch.manual_seed(seed)`` before building it).
        transform: applied to every batch of images before the model (e.g. a projection to the
            sphere, or a resize for the resolution multiplier ρ).
        progress: show a tqdm bar; by default only when interactive (see :func:`quiet`).
        on_epoch: called with each epoch's :class:`EpochStats` as soon as it is measured (e.g. to
            print progress of a long run).
        schedule: the learning rate over the steps, see :func:`learning_rate`.

    Returns:
        A :class:`History` with one :class:`EpochStats` per epoch.
    """
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if lr <= 0:
        raise ValueError(f"lr must be > 0, got {lr}")
    show = (not quiet()) if progress is None else progress
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=weight_decay)
    total_steps = epochs * math.ceil(len(train) / batch_size)
    scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda step: learning_rate(schedule, 1.0, step, total_steps))
    history = History()
    epoch_range = range(1, epochs + 1)
    if show:
        from tqdm.auto import tqdm

        epoch_range = tqdm(epoch_range, desc="epochs", leave=False)
    for epoch in epoch_range:
        start = time.perf_counter()
        model.train()
        total_loss, total_correct = 0.0, 0
        for images, labels in batches(train, batch_size, generator):
            logits = model(transform(images) if transform else images)
            loss = nn.functional.cross_entropy(logits, labels)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            scheduler.step()
            total_loss += loss.item() * len(labels)
            total_correct += int((logits.argmax(dim=1) == labels).sum())
        test_loss, test_accuracy = evaluate(model, test, transform=transform)
        stats = EpochStats(
            epoch=epoch,
            train_loss=total_loss / len(train),
            train_accuracy=total_correct / len(train),
            test_loss=test_loss,
            test_accuracy=test_accuracy,
            seconds=time.perf_counter() - start,
        )
        history.epochs.append(stats)
        if on_epoch is not None:
            on_epoch(stats)
    return history
