"""Recorded runs of spherical MNIST, as data: one JSON record per trained
model.

A paper-scale run (``python -m dlnotes.sphere.experiments mnist ... --save
DIR``) takes far longer than a book build, so its outcome is committed and read
back when the book is built. Each trained model — one (model, training set,
seed) — has a record ``<name>.json``::

    {"format": 1, "command": "python -m dlnotes.sphere.experiments mnist ...",
     "model": "spherical", "train_on": "R", "seed": 0, "parameters": 58550,
     "settings": {"b": 30, "b1": 10, "b2": 6, "epochs": 40, "lr": 0.01, ...},
     "epochs": [{"epoch": 1, "train_accuracy": 0.237, "test_accuracy": 0.369,
     "seconds": 60.0}, ...], "accuracy": {"NR": 0.903, "R": 0.907},
     "machine": "x86_64 Linux, 2 CPUs, 1 thread, 1 process, torch 2.13.0+cpu"}

``epochs[i].test_accuracy`` is measured on the test set of the training
condition; ``accuracy`` holds the final model's accuracy on the upright
(``"NR"``) and rotated (``"R"``) test digits (a key is absent when that test
set was not evaluated); ``machine`` says where it ran (empty in records older
than the field). The records shipped with the package live in :data:`RECORDS`
(``dlnotes/sphere/experiments/records/``, with a README giving the commands,
machine and date).
"""

from __future__ import annotations

import json
import os
import platform
import tempfile
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import torch

from dlnotes.record_json import record_json

#: The folder of recorded runs shipped inside the package (found through the
#: package, never the cwd).
RECORDS = Path(str(resources.files("dlnotes.sphere.experiments") / "records"))
FORMAT = 1


@dataclass(frozen=True)
class RunRecord:
    """One trained model of a spherical MNIST run (see the module docstring for
    the JSON layout)."""

    command: str
    model: str
    train_on: str
    seed: int
    parameters: int
    settings: dict[str, object]
    epochs: tuple[dict[str, float], ...]
    accuracy: dict[str, float] = field(default_factory=dict)
    machine: str = ""

    def epochs_frame(self) -> pd.DataFrame:
        """One row per epoch: ``epoch``, ``train_accuracy``, ``test_accuracy``,
        ``seconds``."""
        return pd.DataFrame(list(self.epochs))

    def to_json(self) -> str:
        """The record as JSON text (``format`` first, one line per epoch)."""
        return record_json(FORMAT, asdict(self))


def this_machine() -> str:
    """A one-line description of where a run happens: processor, system, CPUs,
    threads, processes, torch."""
    processes = (
        torch.distributed.get_world_size()
        if torch.distributed.is_available()
        and torch.distributed.is_initialized()
        else 1
    )
    return (
        f"{platform.machine()} {platform.system()}, {os.cpu_count()} CPUs,"
        f" {torch.get_num_threads()}"
        f" thread{'s' if torch.get_num_threads() > 1 else ''} per process,"
        f" {processes} process{'es' if processes > 1 else ''}, torch"
        f" {torch.__version__}"
    )


def write_record(record: RunRecord, path: str | Path) -> Path:
    """Write ``record`` to ``path`` atomically (a temporary file in the same
    folder, then a rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(record.to_json())
    os.chmod(handle.name, 0o644)  # readable like any other file of the package
    os.replace(handle.name, path)
    return path


def read_record(path: str | Path) -> RunRecord:
    """Read a record written by :func:`write_record`.

    Raises:
        ValueError: the file is not JSON, or lacks a field, or has another
            ``format``.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path} is not a JSON run record: {error}") from None
    if data.get("format") != FORMAT:
        raise ValueError(
            f"{path}: format must be {FORMAT}, got {data.get('format')!r}"
        )
    try:
        return RunRecord(
            command=data["command"],
            model=data["model"],
            train_on=data["train_on"],
            seed=int(data["seed"]),
            parameters=int(data["parameters"]),
            settings=dict(data["settings"]),
            epochs=tuple(data["epochs"]),
            accuracy={
                key: float(value)
                for key, value in data.get("accuracy", {}).items()
            },
            machine=str(data.get("machine", "")),
        )
    except KeyError as error:
        raise ValueError(
            f"{path} lacks the field {error.args[0]!r} of a run record"
        ) from None


def read_records(
    names: Iterable[str], folder: str | Path = RECORDS
) -> list[RunRecord]:
    """The records ``<folder>/<name>.json`` (by default the ones shipped with
    the package)."""
    return [read_record(Path(folder) / f"{name}.json") for name in names]


def final_table(records: Iterable[RunRecord]) -> pd.DataFrame:
    """Final accuracies, one row per record: ``model``, ``train_on``, ``seed``
    and one column per condition ``"<train>/<test>"`` that the record holds."""
    rows = [
        {"model": r.model, "train_on": r.train_on, "seed": r.seed}
        | {
            f"{r.train_on}/{test_on}": value
            for test_on, value in r.accuracy.items()
        }
        for r in records
    ]
    return pd.DataFrame(rows)
