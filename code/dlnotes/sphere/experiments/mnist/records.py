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
     "machine": "x86_64 Linux, 2 CPUs, 1 thread, 1 process, torch 2.13.0+cpu",
     "data": "3f1c0e9a2b7d4c51"}

``epochs[i].test_accuracy`` is measured on the test set of the training
condition; ``accuracy`` holds the final model's accuracy on the upright
(``"NR"``) and rotated (``"R"``) test digits (a key is absent when that test
set was not evaluated); ``machine`` says where it ran (empty in records older
than the field); ``data`` is the fingerprint of the digits it was trained and
tested on (:meth:`dlnotes.data.Split.fingerprint`; empty in older records,
which were all made from the shipped digits unless their command names
``--data``). Records are checked against this layout when written and when
read (:meth:`RunRecord.check`). The records shipped with the package live in
:data:`RECORDS` (``dlnotes/sphere/experiments/records/``, with a README giving
the commands, machine and date).
"""

from __future__ import annotations

import math
import os
import platform
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

import pandas as pd
import torch

from dlnotes._io import read_record_json, write_text
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
    data: str = ""

    def epochs_frame(self) -> pd.DataFrame:
        """One row per epoch: ``epoch``, ``train_accuracy``, ``test_accuracy``,
        ``seconds``."""
        return pd.DataFrame(list(self.epochs))

    def to_json(self) -> str:
        """The record as JSON text (``format`` first, one line per epoch),
        checked first (:meth:`check`)."""
        self.check()
        return record_json(FORMAT, asdict(self))

    def check(self) -> None:
        """Raise a one-line ``ValueError`` naming the first field that does
        not fit the layout of the module docstring."""
        _expect(isinstance(self.command, str), "command must be text")
        _expect(
            self.model in ("planar", "spherical"),
            f"model must be planar or spherical, got {self.model!r}",
        )
        _expect(
            self.train_on in ("NR", "R"),
            f"train_on must be NR or R, got {self.train_on!r}",
        )
        _expect(
            _count(self.seed, 0),
            f"seed must be an int >= 0, got {self.seed!r}",
        )
        _expect(
            _count(self.parameters, 1),
            f"parameters must be an int >= 1, got {self.parameters!r}",
        )
        _expect(isinstance(self.settings, dict), "settings must be an object")
        for name in ("b", "b1", "b2", "n_test"):
            value = self.settings.get(name)
            _expect(
                _count(value, 1),
                f"settings.{name} must be an int >= 1, got {value!r}",
            )
        _expect(
            self.settings["b"] >= self.settings["b1"] >= self.settings["b2"],
            "settings must have b >= b1 >= b2",
        )
        scale = self.settings.get("input_scale")
        _expect(
            _number(scale) and scale > 0,
            f"settings.input_scale must be a positive number, got {scale!r}",
        )
        _expect(
            isinstance(self.epochs, tuple)
            and all(isinstance(row, dict) for row in self.epochs),
            "epochs must be a list of objects",
        )
        for row in self.epochs:
            for key in ("train_accuracy", "test_accuracy"):
                value = row.get(key)
                _expect(
                    _number(value) and 0 <= value <= 1,
                    f"epochs: {key} must lie in [0, 1], got {value!r}",
                )
        _expect(
            isinstance(self.accuracy, dict)
            and set(self.accuracy) <= {"NR", "R"}
            and all(
                _number(v) and 0 <= v <= 1 for v in self.accuracy.values()
            ),
            f"accuracy must map NR and R to [0, 1], got {self.accuracy!r}",
        )
        _expect(isinstance(self.machine, str), "machine must be text")
        _expect(isinstance(self.data, str), "data must be text")


def _expect(condition: bool, problem: str) -> None:
    if not condition:
        raise ValueError(problem)


def _count(value: object, minimum: int) -> bool:
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and value >= minimum
    )


def _number(value: object) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


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
    """Write ``record`` to ``path`` atomically
    (``dlnotes._io.atomic_write``), after checking it
    (:meth:`RunRecord.check`)."""
    return write_text(path, record.to_json())


def read_record(path: str | Path) -> RunRecord:
    """Read a record written by :func:`write_record`.

    Raises:
        ValueError: the file is not JSON, or lacks a field, or has another
            ``format``.
    """
    data = read_record_json(
        path,
        "run record",
        FORMAT,
        (
            "command",
            "model",
            "train_on",
            "seed",
            "parameters",
            "settings",
            "epochs",
        ),
    )
    record = RunRecord(
        command=data["command"],
        model=data["model"],
        train_on=data["train_on"],
        seed=data["seed"],
        parameters=data["parameters"],
        settings=data["settings"],
        epochs=(
            tuple(data["epochs"])
            if isinstance(data["epochs"], list)
            else data["epochs"]
        ),
        accuracy=data.get("accuracy", {}),
        machine=data.get("machine", ""),
        data=data.get("data", ""),
    )
    try:
        record.check()
    except ValueError as error:
        raise ValueError(
            f"{path} is not a valid run record: {error}"
        ) from None
    return record


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
