"""Run records as JSON text that reads well in a diff: the fields one per line,
``format`` first, then the epochs one per line (used by the spherical-MNIST and
the MobileNet trade-off records)."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import asdict


def run_settings(settings: object) -> dict[str, object]:
    """The settings one run record keeps: every field of the dataclass
    ``settings`` but ``seeds`` (a sweep's list of seeds; each record holds its
    own seed).

    A ``recipe`` field (a :class:`dlnotes.train.Recipe`) is kept by its
    fields' names in its place, ``schedule`` last: the keys and order records
    had before the settings held a recipe, so old and new records read alike.
    """
    fields = asdict(settings)
    del fields["seeds"]
    if "recipe" in fields:
        flat: dict[str, object] = {}
        for name, value in fields.items():
            flat.update(value if name == "recipe" else {name: value})
        flat["schedule"] = flat.pop("schedule")
        fields = flat
    return fields


def record_json(fmt: int, fields: Mapping[str, object]) -> str:
    """``{"format": fmt, **fields}`` as JSON text, with ``fields["epochs"]`` (a
    list of rows) last, one row per line; every other field on its own line.

    JSON has no NaN or infinity: a non-finite number (the loss of a diverged
    run) is written as ``null`` and the record gains ``"diverged": true``, so
    the text is always valid JSON.
    """
    fields = dict(fields)
    epochs = fields.pop("epochs")
    finite = _finite(fields)
    rows = [_finite(row) for row in epochs]
    if _diverged(fields) or _diverged(epochs):
        finite["diverged"] = True
    lines = [
        f"{json.dumps(key, allow_nan=False)}:"
        f" {json.dumps(value, allow_nan=False)}"
        for key, value in ({"format": fmt} | finite).items()
    ]
    text = ",\n  ".join(json.dumps(row, allow_nan=False) for row in rows)
    lines.append(f'"epochs": [\n  {text}\n ]')
    return "{\n " + ",\n ".join(lines) + "\n}\n"


def _finite(value: object) -> object:
    """``value`` with every non-finite float (at any depth) replaced by
    None."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Mapping):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _diverged(value: object) -> bool:
    """Whether ``value`` holds a non-finite float at any depth."""
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Mapping):
        return any(_diverged(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_diverged(item) for item in value)
    return False
