"""Read back the printed output of a paper-scale run (``python -m dlnotes.sphere.experiments mnist``).

Runs at the paper's bandwidths take hours on a CPU, so the book does not re-execute them: their
printed output is committed under ``chapters/spherical/runs/`` and a cell reads the numbers it
quotes and plots from those files with :func:`read_run_log`, so that prose and figures cannot
drift from the recorded runs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

_EPOCH = re.compile(
    r"^(?P<model>\w+) trained on (?P<train_on>N?R), seed (?P<seed>\d+), epoch (?P<epoch>\d+): "
    r"train accuracy (?P<train_accuracy>[\d.]+), test \((?P=train_on)\) accuracy (?P<test_accuracy>[\d.]+), (?P<seconds>[\d.]+) s$"
)
_ROW = re.compile(r"^\s*(?P<model>\w+)\s+(?P<condition>N?R/N?R)\s+(?P<mean>[\d.]+)\s+(?P<std>[\d.]+|NaN)\s+(?P<paper>[\d.]+)\s*$")
_SETTINGS = re.compile(r"^MnistSettings\((?P<fields>.*)\)$")


@dataclass(frozen=True)
class RunLog:
    """What a recorded run printed.

    Attributes:
        epochs: one row per printed epoch: ``model``, ``train_on``, ``seed``, ``epoch``,
            ``train_accuracy``, ``test_accuracy`` (on the test set of the training condition),
            ``seconds``.
        table: the final table: ``model``, ``condition``, ``ours (mean)``, ``ours (std)``, ``paper``.
        settings: the printed ``MnistSettings`` fields as strings, e.g. ``{"lr": "0.01", ...}``.
    """

    epochs: pd.DataFrame
    table: pd.DataFrame
    settings: dict[str, str]

    def accuracy(self, condition: str) -> float:
        """Final test accuracy of the (single) model under ``condition``, e.g. ``"NR/R"``."""
        rows = self.table[self.table["condition"] == condition]
        if len(rows) != 1:
            raise ValueError(f"condition must be one of {list(self.table['condition'])}, got {condition!r}")
        return float(rows["ours (mean)"].iloc[0])


def _settings(line: str) -> dict[str, str]:
    fields = re.findall(r"(\w+)=(\([^)]*\)|'[^']*'|[^,]+)", _SETTINGS.match(line)["fields"])
    return {name: value.strip("'") for name, value in fields}


def parse_run_log(text: str) -> RunLog:
    """Parse the output of ``python -m dlnotes.sphere.experiments mnist --progress`` (any lines it
    does not recognise, such as warnings, are skipped)."""
    epochs, rows, settings = [], [], {}
    for line in text.splitlines():
        if match := _EPOCH.match(line):
            epochs.append(match.groupdict())
        elif match := _ROW.match(line):
            rows.append(match.groupdict())
        elif _SETTINGS.match(line):
            settings = _settings(line)
    if not epochs or not rows or not settings:
        raise ValueError("text must hold the per-epoch lines (--progress), the MnistSettings line and the final table of an mnist run")
    frame = pd.DataFrame(epochs).astype({"seed": int, "epoch": int, "train_accuracy": float, "test_accuracy": float, "seconds": float})
    table = pd.DataFrame(rows).astype({"mean": float, "std": float, "paper": float})
    table = table.rename(columns={"mean": "ours (mean)", "std": "ours (std)"})
    return RunLog(frame, table, settings)


def read_run_log(path: str | Path) -> RunLog:
    """:func:`parse_run_log` of the file at ``path``."""
    return parse_run_log(Path(path).read_text())
