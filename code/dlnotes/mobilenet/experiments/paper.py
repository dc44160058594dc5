"""The numbers Howard et al. (2017) print, as quoted data — **not** reproduced
by this package.

Every table of the paper that the chapter uses is transcribed, from arXiv
1704.04861v1, into the data file ``howard2017.json`` beside this module, with
the paper's units: accuracy in percent (ImageNet top-1 unless stated),
Mult-Adds in millions, parameters in millions. This module reads it and names
each table; the chapter puts our own counts and measurements beside them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources

import pandas as pd


@dataclass(frozen=True)
class Row:
    """One printed row: model name, accuracy (%), million Mult-Adds, million
    parameters."""

    model: str
    accuracy: float | None
    mult_adds: float | None
    params: float | None


def quoted_frame(
    rows: list[Row], accuracy: str = "ImageNet top-1 %"
) -> pd.DataFrame:
    """A quoted table as a frame indexed by model: the accuracy (column
    ``accuracy``), million Mult-Adds and million parameters."""
    return pd.DataFrame(
        [
            {
                "model": r.model,
                accuracy: r.accuracy,
                "M Mult-Adds": r.mult_adds,
                "M params": r.params,
            }
            for r in rows
        ]
    ).set_index("model")


_PRINTED = json.loads(
    resources.files(__package__)
    .joinpath("howard2017.json")
    .read_text(encoding="utf-8")
)


def _rows(table: str) -> tuple[Row, ...]:
    return tuple(Row(*row) for row in _PRINTED[table])


def _tuples(table: str) -> tuple[tuple, ...]:
    return tuple(tuple(row) for row in _PRINTED[table])


def _shares(table: str) -> dict[str, tuple[float, ...]]:
    return {name: tuple(values) for name, values in _PRINTED[table].items()}


TABLE_2_SHARES = _shares("table_2")
"""Table 2 (resource per layer type) of 1.0 MobileNet-224, as (% of Mult-Adds,
% of parameters)."""

TABLE_3 = _rows("table_3")
"""Table 3, one layer with D_K = 3, M = N = 512, D_F = 14, and its
modifications."""

TABLE_4 = _rows("table_4")
"""Table 4, depthwise separable vs full convolution MobileNet (ImageNet)."""

TABLE_5 = _rows("table_5")
"""Table 5, narrow vs shallow MobileNet (ImageNet)."""

TABLE_6 = _rows("table_6")
"""Table 6, the width multiplier α (ImageNet)."""

TABLE_6_ALPHAS = (1.0, 0.75, 0.5, 0.25)

TABLE_7 = _rows("table_7")
"""Table 7, the resolution multiplier ρ (ImageNet)."""

TABLE_7_RESOLUTIONS = (224, 192, 160, 128)

TABLE_8 = _rows("table_8")
"""Table 8, MobileNet against popular models (ImageNet)."""

TEXT_VGG16_TIMES: dict[str, int] = dict(_PRINTED["text_vgg16_times"])
"""What Section 4.2 says of Table 8, that MobileNet is "32 times smaller and 27
times less compute intensive" than VGG16 (keys ``"params"`` and
``"mult_adds"``)."""

TABLE_9 = _rows("table_9")
"""Table 9, smaller MobileNet against popular models (ImageNet)."""

TABLE_10 = _rows("table_10")
"""Table 10, fine-grained recognition on Stanford Dogs (top-1 %)."""

TABLE_11 = _shares("table_11")
"""Table 11, geolocalisation on Im2GPS, % of photos located within each scale,
as (Im2GPS, PlaNet, PlaNet MobileNet)."""

TABLE_12 = _tuples("table_12")
"""Table 12, face attribute classification by distillation, (model, mean AP %,
million Mult-Adds, million parameters)."""

TABLE_13 = _tuples("table_13")
"""Table 13, COCO object detection, (framework and resolution, model, mAP %,
**billion** Mult-Adds, million parameters)."""

TABLE_14 = _tuples("table_14")
"""Table 14, MobileNet distilled from FaceNet, (model, 1e-4 accuracy %, million
Mult-Adds, million parameters). The last two rows carry the same name in the
paper, as printed."""
