"""The shape miniature of SHREC17: the spherical CNN, the planar CNN and the
power-spectrum baseline, trained on canonical or on rotated objects, tested
on rotated ones.

A run is one (model, training orientation, seed). With a folder to save in,
it leaves there (names from :func:`run_name`):

* ``<name>.ckpt`` while it trains: :func:`dlnotes.train.fit`'s training
  state after each epoch (atomic), with every setting that determines the run
  (model, orientation, seed, bandwidth, the data set's settings and
  fingerprint, the recipe) as its identity: a ``--resume`` of other settings
  is refused;
* at the end ``<name>.pt`` (the ``state_dict``, loaded with
  ``weights_only=True``) and ``<name>.json`` (settings, one row per epoch,
  final accuracies); the checkpoint is removed.

The shipped runs live in :data:`SHIPPED` and are evaluated live by the book
(:func:`evaluate_runs`).
"""

from __future__ import annotations

import json
import shlex
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch
import trimesh
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from torch import nn

from dlnotes._io import write_text
from dlnotes.record_json import record_json
from dlnotes.sphere.experiments.mnist.checkpoints import (
    run_name as checked_run_name,
)
from dlnotes.sphere.experiments.mnist.checkpoints import save_weights
from dlnotes.sphere.experiments.mnist.records import this_machine
from dlnotes.sphere.experiments.shapes.dataset import (
    DATA,
    ShapeObject,
    ShapeSet,
    load_shapes,
)
from dlnotes.sphere.experiments.shapes.models import (
    MODELS,
    build_model,
    power_spectrum,
)
from dlnotes.sphere.experiments.shapes.retrieval import (
    METRICS,
    retrieval_metrics,
)
from dlnotes.sphere.mesh import mesh_to_sphere
from dlnotes.train import SCHEDULES, EpochStats, Recipe, fit, predict

#: Training orientations.
TRAIN_ON = ("canonical", "rotated")
#: The shipped runs.
SHIPPED = DATA / "runs"
FORMAT = 1


def run_name(model: str, train_on: str, seed: int) -> str:
    """``"<model>-<train_on>-seed<seed>"``, e.g. ``"spherical-rotated-seed0"``
    (checked, as the MNIST runs' names)."""
    return checked_run_name(model, train_on, seed, MODELS, TRAIN_ON)


@dataclass(frozen=True)
class ShapeRunSettings:
    """Everything that determines one run."""

    model: str
    train_on: str
    seed: int
    b: int
    data: dict
    fingerprint: str
    epochs: int
    lr: float
    batch_size: int
    schedule: str


def check_runs(
    models, train_on, seeds, save: Path | None, resume: bool
) -> None:
    """A clear ``ValueError`` for selections that cannot run, before any
    data is read."""
    for name, values, allowed in (
        ("models", models, MODELS),
        ("train_on", train_on, TRAIN_ON),
    ):
        if not values or len(set(values)) != len(values):
            raise ValueError(f"{name} must be distinct and non-empty")
        for value in values:
            if value not in allowed:
                raise ValueError(
                    f"{name} must be drawn from {allowed}, got {value!r}"
                )
    if not seeds or len(set(seeds)) != len(seeds) or min(seeds) < 0:
        raise ValueError(
            f"seeds must be distinct non-negative ints, got {seeds}"
        )
    if save is not None and save.exists() and not save.is_dir():
        raise ValueError(f"save must be a folder, got the file {save}")
    if resume and save is None:
        raise ValueError("resume needs a folder to resume from (save)")


def train_run(
    settings: ShapeRunSettings,
    shapes: ShapeSet,
    save: Path | None = None,
    resume: bool = False,
    on_epoch: Callable[[EpochStats], None] | None = None,
    command: str = "",
) -> nn.Module:
    """Train (or, when ``resume`` finds it finished, load) one run; return the
    model in eval mode."""
    stem = (
        save / run_name(settings.model, settings.train_on, settings.seed)
        if save is not None
        else None
    )
    identity = asdict(settings)
    if stem is not None:
        checkpoint, record = (
            stem.with_suffix(".ckpt"),
            stem.with_suffix(".json"),
        )
        if (checkpoint.exists() or record.exists()) and not resume:
            raise ValueError(
                f"{stem} exists: pass --resume to continue or reuse it, or"
                " choose another folder"
            )
        if record.exists():
            stored = json.loads(record.read_text())["settings"]
            if json.dumps(stored, sort_keys=True) != json.dumps(
                identity, sort_keys=True
            ):
                raise ValueError(
                    f"{record} was made with other settings; refusing to"
                    " resume it (choose another folder)"
                )
            return load_run(stem)[0]
    torch.manual_seed(settings.seed)
    model = build_model(settings.model, settings.b)
    recipe = ("epochs", "lr", "batch_size", "seed", "schedule")
    history = fit(
        model,
        shapes.split(settings.train_on, test=False),
        shapes.split("rotated", test=True),
        **{name: identity[name] for name in recipe},
        on_epoch=on_epoch,
        checkpoint=stem.with_suffix(".ckpt") if stem is not None else None,
        identity=identity,
    )
    model.eval()
    if stem is not None:
        record = {
            "command": command,
            "settings": asdict(settings),
            "parameters": sum(p.numel() for p in model.parameters()),
            "accuracy": {
                orientation: accuracy(model, shapes, orientation)
                for orientation in ("canonical", "rotated")
            },
            "machine": this_machine(),
            "epochs": [
                {
                    "epoch": e.epoch,
                    "train_accuracy": round(e.train_accuracy, 4),
                    "test_accuracy": round(e.test_accuracy, 4),
                    "seconds": round(e.seconds, 1),
                }
                for e in history.epochs
            ],
        }
        save_weights(model, stem.with_suffix(".pt"))
        write_text(stem.with_suffix(".json"), record_json(FORMAT, record))
        stem.with_suffix(".ckpt").unlink(missing_ok=True)
    return model


def probabilities(
    model: nn.Module, shapes: ShapeSet, orientation: str = "rotated"
) -> np.ndarray:
    """Class probabilities ``[n_test, classes]`` on the test objects."""
    logits = predict(model, shapes.split(orientation, test=True), 100)
    return torch.softmax(logits, 1).numpy()


def accuracy(model: nn.Module, shapes: ShapeSet, orientation: str) -> float:
    """Test accuracy on the ``orientation`` test objects."""
    p = probabilities(model, shapes, orientation)
    return float((p.argmax(1) == shapes.labels[shapes.test]).mean())


def load_run(stem: Path) -> tuple[nn.Module, dict]:
    """The model (eval mode) and record saved at ``<stem>.pt``/``.json``."""
    record = json.loads(stem.with_suffix(".json").read_text())
    if record.get("format") != FORMAT:
        raise ValueError(f"{stem}.json: format must be {FORMAT}")
    settings = record["settings"]
    model = build_model(settings["model"], settings["b"])
    model.load_state_dict(
        torch.load(
            stem.with_suffix(".pt"), map_location="cpu", weights_only=True
        )
    )
    return model.eval(), record


def shipped_runs(folder: Path = SHIPPED) -> list[Path]:
    """Stems of the finished runs in ``folder`` (sorted)."""
    return sorted(path.with_suffix("") for path in folder.glob("*-seed*.pt"))


def spectrum_baseline(shapes: ShapeSet, train_on: str) -> np.ndarray:
    """The non-learned invariant baseline: the logarithm of the
    :func:`~dlnotes.sphere.experiments.shapes.models.power_spectrum`
    features, standardised, and a multinomial logistic regression trained on
    the ``train_on`` training objects; probabilities on the rotated test
    objects."""
    train = power_spectrum(getattr(shapes, train_on)[~shapes.test])
    test = power_spectrum(shapes.rotated[shapes.test])
    classifier = make_pipeline(
        StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)
    )
    classifier.fit(np.log(train + 1e-6), shapes.labels[~shapes.test])
    return classifier.predict_proba(np.log(test + 1e-6))


def _scores(name: str, train_on: str, seed, p, labels) -> dict:
    metrics = retrieval_metrics(p, labels)
    row = {
        "model": name,
        "train_on": train_on,
        "seed": seed,
        "accuracy": float((p.argmax(1) == labels).mean()),
    }
    for average in ("micro", "macro"):
        for metric, value in metrics.loc[average].items():
            row[f"{metric} {average}"] = float(value)
    return row


def evaluate_runs(
    folder: Path = SHIPPED, shapes: ShapeSet | None = None
) -> pd.DataFrame:
    """One row per saved run in ``folder`` and per baseline orientation:
    accuracy and the ten retrieval scores on the rotated test objects,
    computed now, and for the saved runs the accuracy their record kept when
    training ended (``recorded``; NaN for the baseline)."""
    shapes = load_shapes() if shapes is None else shapes
    labels = shapes.labels[shapes.test]
    rows = []
    for train_on in TRAIN_ON:
        p = spectrum_baseline(shapes, train_on)
        rows.append(_scores("power spectrum", train_on, None, p, labels))
    for stem in shipped_runs(folder):
        model, record = load_run(stem)
        s = record["settings"]
        p = probabilities(model, shapes, "rotated")
        row = _scores(s["model"], s["train_on"], s["seed"], p, labels)
        row["recorded"] = record["accuracy"]["rotated"]
        rows.append(row)
    return pd.DataFrame(rows)


def shapes_experiment(
    models: tuple[str, ...] = MODELS,
    train_on: tuple[str, ...] = TRAIN_ON,
    seeds: tuple[int, ...] = (0, 1, 2),
    epochs: int = 30,
    lr: float = 5e-3,
    batch_size: int = 32,
    schedule: str = "cosine",
    save: str | Path | None = None,
    resume: bool = False,
    data: str | Path | None = None,
    on_epoch: Callable[[str, str, int, EpochStats], None] | None = None,
) -> pd.DataFrame:
    """Train every (model, orientation, seed) of the selection, each tested
    on the rotated test objects; every setting checked before anything runs.

    Returns :func:`evaluate_runs`-like rows for the runs trained or reused.
    """
    Recipe(epochs, lr, batch_size, schedule)
    if schedule not in SCHEDULES:
        raise ValueError(f"schedule must be one of {SCHEDULES}")
    folder = Path(save) if save is not None else None
    check_runs(tuple(models), tuple(train_on), tuple(seeds), folder, resume)
    shapes = load_shapes(data)
    command = shlex.join(
        ["python", "-m", "dlnotes.sphere.experiments", *sys.argv[1:]]
    )
    labels = shapes.labels[shapes.test]
    rows = []
    for seed in seeds:
        for name in models:
            for orientation in train_on:
                settings = ShapeRunSettings(
                    name,
                    orientation,
                    seed,
                    shapes.settings.b,
                    asdict(shapes.settings),
                    shapes.fingerprint(),
                    epochs,
                    lr,
                    batch_size,
                    schedule,
                )
                report = (
                    None
                    if on_epoch is None
                    else (
                        lambda stats, n=name, o=orientation, s=seed: on_epoch(
                            n, o, s, stats
                        )
                    )
                )
                start = time.perf_counter()
                model = train_run(
                    settings, shapes, folder, resume, report, command
                )
                p = probabilities(model, shapes, "rotated")
                row = _scores(name, orientation, seed, p, labels)
                row["seconds"] = time.perf_counter() - start
                rows.append(row)
    return pd.DataFrame(rows)


def results_table(rows: pd.DataFrame, average: str = "micro") -> pd.DataFrame:
    """:func:`evaluate_runs` rows summarised per (model, orientation): the
    number of seeds, mean and standard deviation of the accuracy, and the
    mean of each retrieval score (``average``: ``"micro"`` or
    ``"macro"``)."""
    if average not in ("micro", "macro"):
        raise ValueError(f"average must be micro or macro, got {average!r}")
    scores = [f"{metric} {average}" for metric in METRICS]
    grouped = rows.groupby(["model", "train_on"], sort=False)
    table = grouped["accuracy"].agg(["count", "mean", "std"])
    table.columns = ["seeds", "accuracy", "accuracy std"]
    table = table.join(grouped[scores].mean())
    table.columns = [column.replace(f" {average}", "") for column in table]
    return table.reset_index()


def probabilities_under_rotations(
    model: nn.Module, obj: ShapeObject, rotations: np.ndarray, b: int
) -> np.ndarray:
    """Class probabilities ``[len(rotations), classes]`` of ``model`` for
    the object ``obj`` turned by each rotation matrix and projected again
    (:func:`~dlnotes.sphere.mesh.mesh_to_sphere`)."""
    signals = np.stack(
        [
            mesh_to_sphere(
                trimesh.Trimesh(obj.mesh.vertices @ r.T, obj.mesh.faces), b
            )
            for r in rotations
        ]
    ).astype(np.float16)
    with torch.no_grad():
        logits = model(torch.from_numpy(signals.astype(np.float32)))
    return torch.softmax(logits, 1).numpy()
