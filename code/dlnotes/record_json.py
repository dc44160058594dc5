"""Run records as JSON text that reads well in a diff: the fields one per line,
``format`` first, then the epochs one per line (used by the spherical-MNIST and
the MobileNet trade-off records)."""

from __future__ import annotations

import json
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
    list of rows) last, one row per line; every other field on its own line."""
    fields = dict(fields)
    epochs = fields.pop("epochs")
    lines = [
        f"{json.dumps(key)}: {json.dumps(value)}"
        for key, value in ({"format": fmt} | fields).items()
    ]
    rows = ",\n  ".join(json.dumps(row) for row in epochs)
    lines.append(f'"epochs": [\n  {rows}\n ]')
    return "{\n " + ",\n ".join(lines) + "\n}\n"
