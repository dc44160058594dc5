"""A small, seeded training and evaluation loop shared by every chapter.

Minibatch SGD-family training of a classifier with cross-entropy loss on
in-memory tensors (:class:`dlnotes.data.Dataset`). Batches are drawn from a
``torch.Generator`` seeded by ``seed`` and the model is (re)initialised by the
caller under the same seed, so a run is repeatable on a given machine and
thread count.

A progress bar (tqdm) is shown when the code runs interactively; the book build
sets ``DLNOTES_QUIET=1`` so that executed pages show no bars and their output
is deterministic.
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

from dlnotes._checks import check_count, check_positive
from dlnotes._io import load_state_dict, load_tensors, one_line, save_tensors
from dlnotes.data import Dataset

Transform = Callable[[torch.Tensor], torch.Tensor]
#: Learning-rate schedules :func:`fit` knows.
SCHEDULES = ("constant", "cosine", "hold-cosine")
#: The share of the steps that ``"hold-cosine"`` keeps at the peak rate.
HOLD_FRACTION = 0.75
#: What a checkpoint of :func:`fit` holds.
CHECKPOINT_KEYS = frozenset(
    {"settings", "model", "optimizer", "generator", "history"}
)


@dataclass(frozen=True)
class EpochStats:
    """What one epoch measured: mean training loss and accuracy, test loss and
    accuracy, seconds."""

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
        """One statistic over the epochs, e.g.
        ``history.column("test_accuracy")``."""
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
    """True when progress bars should be hidden (book build, or no terminal and
    no notebook)."""
    if os.environ.get("DLNOTES_QUIET"):
        return True
    return not (sys.stderr.isatty() or "ipykernel" in sys.modules)


def batches(
    data: Dataset, batch_size: int, generator: torch.Generator | None = None
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Minibatches of ``data``: shuffled with ``generator`` if given, in order
    otherwise."""
    n = len(data)
    order = (
        torch.randperm(n, generator=generator)
        if generator is not None
        else torch.arange(n)
    )
    for start in range(0, n, batch_size):
        index = order[start : start + batch_size]
        yield data.images[index], data.labels[index]


@torch.no_grad()
def predict(
    model: nn.Module,
    data: Dataset,
    batch_size: int = 500,
    transform: Transform | None = None,
    device: torch.device | str | None = None,
) -> torch.Tensor:
    """Logits ``[N, classes]`` (on the CPU) of ``model`` in eval mode on
    ``data``, batches moved to ``device``."""
    was_training = model.training
    model.eval()
    outputs = []
    for images, _ in batches(data, batch_size):
        images = images.to(device) if device is not None else images
        outputs.append(model(transform(images) if transform else images).cpu())
    model.train(was_training)
    return torch.cat(outputs)


def evaluate(
    model: nn.Module, data: Dataset, **options: Any
) -> tuple[float, float]:
    """Mean cross-entropy and accuracy of ``model`` on ``data``; ``options``
    are :func:`predict`'s (``batch_size``, ``transform``, ``device``)."""
    logits = predict(model, data, **options)
    loss = nn.functional.cross_entropy(logits, data.labels).item()
    accuracy = (logits.argmax(dim=1) == data.labels).float().mean().item()
    return loss, accuracy


def learning_rate(
    schedule: str, lr: float, step: int, total_steps: int
) -> float:
    """The learning rate of step ``step`` (0, 1, ..., T − 1) of a run of T =
    ``total_steps``.

    ``"constant"``: ``lr`` throughout. ``"cosine"``: η_t = lr · (1 + cos(π t /
    T)) / 2 (Loshchilov & Hutter, 2017, SGDR without restarts): lr at the
    start, lr/2 halfway, close to 0 at the end, so the last steps settle into a
    minimum instead of rattling around it with the minibatch noise of a
    constant step. ``"hold-cosine"``: ``lr`` for the first
    :data:`HOLD_FRACTION` of the steps (H = ⌊0.75 T⌋), then the same cosine
    over the remaining ones,
    η_t = lr · (1 + cos(π (t − H) / (T − H))) / 2: a long phase at a fixed rate
    in which a learning curve can be seen to flatten, then a settling one.

    Raises:
        ValueError: an unknown ``schedule`` (one of :data:`SCHEDULES`).
    """
    if schedule not in SCHEDULES:
        raise ValueError(
            f"schedule must be one of {SCHEDULES}, got {schedule!r}"
        )
    if schedule == "constant":
        return lr
    if schedule == "hold-cosine":
        hold = math.floor(HOLD_FRACTION * total_steps)
        if step < hold:
            return lr
        step, total_steps = step - hold, total_steps - hold
    return (
        lr
        * (
            1.0
            + math.cos(math.pi * min(step, total_steps) / max(total_steps, 1))
        )
        / 2.0
    )


@dataclass(frozen=True)
class Recipe:
    """How :func:`fit` trains: ``epochs`` passes of Adam with peak learning
    rate ``lr`` over minibatches of ``batch_size``, the rate following
    ``schedule`` (see :func:`learning_rate`). Checked when made, so an
    experiment can refuse a bad recipe before it loads any data."""

    epochs: int
    lr: float
    batch_size: int
    schedule: str = "constant"

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size"):
            check_count(getattr(self, name), name)
        check_positive(self.lr, "lr")
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"schedule must be one of {SCHEDULES}, got {self.schedule!r}"
            )

    def fit(
        self,
        model: nn.Module,
        train: Dataset | Callable[[int], Dataset],
        test: Dataset,
        seed: int = 0,
        **options: Any,
    ) -> History:
        """:func:`fit` with this recipe (``seed``: the minibatch order;
        ``options``: the rest of :func:`fit`'s keywords, e.g. ``transform``
        or ``checkpoint``)."""
        return fit(
            model,
            train,
            test,
            epochs=self.epochs,
            lr=self.lr,
            batch_size=self.batch_size,
            seed=seed,
            schedule=self.schedule,
            **options,
        )


def fit(
    model: nn.Module,
    train: Dataset | Callable[[int], Dataset],
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
    checkpoint: str | Path | None = None,
    device: torch.device | str | None = None,
    identity: Mapping[str, object] | None = None,
) -> History:
    """Train ``model`` with Adam on ``train`` and evaluate on ``test`` after
    every epoch.

    Args:
        model: a classifier mapping images to logits; trained in place. Under
            ``torch.distributed`` pass it wrapped in
            ``DistributedDataParallel`` (see below).
        train, test: the data (see :mod:`dlnotes.data`). ``train`` may also
            be a function of the epoch (1, 2, ...) that returns that epoch's
            training set, all of the same size: fresh random augmentations
            every epoch, so that nothing can be memorised. It must return the
            same set for the same epoch (seed it by the epoch), so that a
            resumed run sees the data an uninterrupted one would.
        epochs, lr, batch_size, weight_decay: the usual; Adam with peak
            learning rate ``lr``.
        seed: seeds the order of the minibatches (seed the model's
            initialisation yourself, e.g. with ``torch.manual_seed(seed)``
            before building it).
        transform: applied to every batch of images before the model (e.g. a
            projection to the sphere, or a resize for the resolution multiplier
            ρ).
        progress: show a tqdm bar over the steps, with its ETA; by default only
            when interactive (see :func:`quiet`).
        on_epoch: called with each epoch's :class:`EpochStats` as soon as it is
            measured (e.g. to print progress of a long run).
        schedule: the learning rate over the steps, see :func:`learning_rate`.
        checkpoint: a file that receives the whole training state after every
            epoch (weights, Adam's moments, the step count, the minibatch
            generator, the history so far), written atomically: a temporary
            file in the same folder, then a rename, so a run killed at any
            moment leaves the last complete epoch. If the file exists when
            ``fit`` starts, training resumes from it and ends with the same
            weights as a run that was never interrupted; a checkpoint of other
            settings is refused.
        device: where to train (default: where the model's parameters are);
            batches move there.
        identity: whatever else determines the run and ``fit`` cannot see
            (the model's name and sizes, the data's fingerprint, ...), as
            JSON-like values; kept in ``checkpoint``, whose resumption is
            refused when it differs.

    **Distributed.** When ``torch.distributed`` is initialised (e.g. under
    ``torchrun``) with W processes, every process draws the same global batch
    of ``batch_size`` digits and trains on its share (process r takes the r-th
    of W contiguous pieces). The loss of a share of n_r digits is Σ ℓ_i · W / B
    over its digits, B the global batch, so the average of the gradients that
    ``DistributedDataParallel`` takes is the gradient of the global batch's
    mean
    loss: the same step as one process with the same batch. Only rank 0 writes
    ``checkpoint``.

    Returns:
        A :class:`History` with one :class:`EpochStats` per epoch.

    Raises:
        ValueError: a negative ``epochs``, a ``batch_size`` below 1, a ``lr``
            that is not a positive finite number (an infinite or NaN step turns
            every weight into NaN), an empty ``train`` or ``test`` (no loss to
            average, no accuracy to measure), an unknown ``schedule``, a
            ``checkpoint`` written with other settings, or a ``train``
            function whose sets differ in size.
    """
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {epochs}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a positive finite number, got {lr}")
    per_epoch = callable(train)
    first = train(1) if per_epoch else train
    for name, data in (("train", first), ("test", test)):
        if len(data) == 0:
            raise ValueError(
                f"{name} must hold at least one example, got an empty data set"
            )
    if schedule not in SCHEDULES:
        raise ValueError(
            f"schedule must be one of {SCHEDULES}, got {schedule!r}"
        )
    n_train = len(first)
    # the model itself when wrapped in DistributedDataParallel
    core = getattr(model, "module", model)
    device = (
        torch.device(device)
        if device is not None
        else next(core.parameters()).device
    )
    rank, world = _process_group()
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(
        model.parameters(), lr=lr, weight_decay=weight_decay
    )
    steps_per_epoch = math.ceil(n_train / batch_size)
    total_steps = epochs * steps_per_epoch
    settings = {
        "epochs": epochs,
        "lr": lr,
        "batch_size": batch_size,
        "seed": seed,
        "weight_decay": weight_decay,
        "schedule": schedule,
        "n_train": n_train,
    }
    if per_epoch:  # only then, so that older checkpoints still resume
        settings["fresh_train_each_epoch"] = True
    if identity is not None:
        settings["run"] = dict(identity)
    history = History()
    kept = (
        _Checkpoint(
            Path(checkpoint), settings, core, optimizer, generator, history
        )
        if checkpoint is not None
        else None
    )
    if kept is not None and kept.path.exists():
        kept.resume()
    show = (not quiet()) if progress is None else progress
    bar = None
    if show and rank == 0:
        from tqdm.auto import tqdm

        bar = tqdm(
            total=total_steps,
            initial=len(history.epochs) * steps_per_epoch,
            desc="steps",
            unit="step",
            leave=False,
        )
    for epoch in range(len(history.epochs) + 1, epochs + 1):
        start = time.perf_counter()
        model.train()
        # summed loss and correct predictions over the epoch
        totals = torch.zeros(2, dtype=torch.float64)
        data = train(epoch) if per_epoch and epoch > 1 else first
        if len(data) != n_train:
            raise ValueError(
                f"train({epoch}) holds {len(data)} examples, but train(1)"
                f" held {n_train}; every epoch's set must have the same size"
            )
        for step, (images, labels) in enumerate(
            batches(data, batch_size, generator),
            start=(epoch - 1) * steps_per_epoch,
        ):
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(schedule, lr, step, total_steps)
            global_batch = len(labels)
            share = slice(*_share(global_batch, rank, world))
            images, labels = images[share].to(device), labels[share].to(device)
            logits = model(transform(images) if transform else images)
            losses = nn.functional.cross_entropy(
                logits, labels, reduction="none"
            )
            loss = losses.sum() * (world / global_batch)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            totals += torch.stack(
                [
                    losses.detach().sum().double().cpu(),
                    (logits.argmax(dim=1) == labels).sum().double().cpu(),
                ]
            )
            if bar is not None:
                bar.update()
        if world > 1:
            torch.distributed.all_reduce(totals)
        test_loss, test_accuracy = evaluate(
            core, test, transform=transform, device=device
        )
        stats = EpochStats(
            epoch=epoch,
            train_loss=totals[0].item() / n_train,
            train_accuracy=totals[1].item() / n_train,
            test_loss=test_loss,
            test_accuracy=test_accuracy,
            seconds=time.perf_counter() - start,
        )
        history.epochs.append(stats)
        if kept is not None and rank == 0:
            kept.save()
        if on_epoch is not None:
            on_epoch(stats)
    if bar is not None:
        bar.close()
    return history


def _process_group() -> tuple[int, int]:
    """(rank, world size) of the initialised ``torch.distributed`` group, (0,
    1) without one."""
    if torch.distributed.is_available() and torch.distributed.is_initialized():
        return torch.distributed.get_rank(), torch.distributed.get_world_size()
    return 0, 1


def _share(n: int, rank: int, world: int) -> tuple[int, int]:
    """Start and stop of process ``rank``'s contiguous piece of a batch of
    ``n`` (sizes differ by ≤ 1)."""
    return rank * n // world, (rank + 1) * n // world


@dataclass
class _Checkpoint:
    """A :func:`fit` run's training state and the file that keeps it."""

    path: Path
    settings: dict
    model: nn.Module
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    history: History

    def save(self) -> None:
        """Write the training state to :attr:`path` atomically
        (``dlnotes._io.atomic_write``)."""
        state = {
            "settings": self.settings,
            "model": self.model.state_dict(),
            "optimizer": self.optimizer.state_dict(),
            "generator": self.generator.get_state(),
            "history": [asdict(stats) for stats in self.history.epochs],
        }
        save_tensors(self.path, state)

    def resume(self) -> None:
        """Restore the state :meth:`save` wrote (tensors and plain values
        only: ``weights_only=True``); a file that is not such a state is
        refused in one line naming it."""
        path = self.path
        state = load_tensors(path, "checkpoint")
        missing = (
            sorted(CHECKPOINT_KEYS - state.keys())
            if isinstance(state, dict)
            else sorted(CHECKPOINT_KEYS)
        )
        if missing:
            raise ValueError(
                f"checkpoint {path} is not a training state of"
                f" dlnotes.train.fit (it lacks {', '.join(missing)})"
            )
        if state["settings"] != self.settings:
            raise ValueError(
                f"checkpoint {path} was written with other settings"
                f" ({_differences(state['settings'], self.settings)}); remove"
                " it or use another file"
            )
        load_state_dict(self.model, state["model"], path, "checkpoint")
        try:
            self.optimizer.load_state_dict(state["optimizer"])
            self.generator.set_state(state["generator"])
            epochs = [EpochStats(**stats) for stats in state["history"]]
        except (KeyError, TypeError, ValueError, RuntimeError) as error:
            raise ValueError(
                f"checkpoint {path} holds a damaged training state:"
                f" {one_line(error)}"
            ) from None
        self.history.epochs.extend(epochs)


def _differences(old: Mapping, new: Mapping) -> str:
    """The settings in which ``old`` and ``new`` differ, one ``name: old, now
    new`` each (the entries of ``run`` by their own names)."""
    flat_old = {**old, **old.get("run", {})} if "run" in old else dict(old)
    flat_new = {**new, **new.get("run", {})} if "run" in new else dict(new)
    flat_old.pop("run", None)
    flat_new.pop("run", None)
    names = sorted(
        name
        for name in flat_old.keys() | flat_new.keys()
        if flat_old.get(name, "missing") != flat_new.get(name, "missing")
    )
    return "; ".join(
        f"{name}: {flat_old.get(name, 'missing')!r},"
        f" now {flat_new.get(name, 'missing')!r}"
        for name in names
    )
