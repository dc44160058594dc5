"""The numbers Howard et al. (2017) print, as quoted data — **not** reproduced by this package.

Every table of the paper that the chapter uses is here, transcribed from arXiv 1704.04861v1,
with the paper's units: accuracy in percent (ImageNet top-1 unless stated), Mult-Adds in millions,
parameters in millions. The chapter puts our own counts and measurements beside them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Row:
    """One printed row: model name, accuracy (%), million Mult-Adds, million parameters."""

    model: str
    accuracy: float | None
    mult_adds: float | None
    params: float | None


def quoted_frame(rows: list[Row], accuracy: str = "ImageNet top-1 %") -> pd.DataFrame:
    """A quoted table as a frame indexed by model: the accuracy (column ``accuracy``), million
    Mult-Adds and million parameters."""
    return pd.DataFrame(
        [{"model": r.model, accuracy: r.accuracy, "M Mult-Adds": r.mult_adds, "M params": r.params} for r in rows]
    ).set_index("model")


TABLE_2_SHARES = {
    "Conv 1×1": (94.86, 74.59),
    "Conv DW 3×3": (3.06, 1.06),
    "Conv 3×3": (1.19, 0.02),
    "Fully Connected": (0.18, 24.33),
}
"""Table 2 (resource per layer type) of 1.0 MobileNet-224, as (% of Mult-Adds, % of parameters)."""

TABLE_3 = (
    Row("Convolution", None, 462, 2.36),
    Row("Depthwise Separable Conv", None, 52.3, 0.27),
    Row("α = 0.75", None, 29.6, 0.15),
    Row("ρ = 0.714", None, 15.1, 0.15),
)
"""Table 3, one layer with D_K = 3, M = N = 512, D_F = 14, and its modifications."""

TABLE_4 = (Row("Conv MobileNet", 71.7, 4866, 29.3), Row("MobileNet", 70.6, 569, 4.2))
"""Table 4, depthwise separable vs full convolution MobileNet (ImageNet)."""

TABLE_5 = (Row("0.75 MobileNet", 68.4, 325, 2.6), Row("Shallow MobileNet", 65.3, 307, 2.9))
"""Table 5, narrow vs shallow MobileNet (ImageNet)."""

TABLE_6 = (
    Row("1.0 MobileNet-224", 70.6, 569, 4.2),
    Row("0.75 MobileNet-224", 68.4, 325, 2.6),
    Row("0.5 MobileNet-224", 63.7, 149, 1.3),
    Row("0.25 MobileNet-224", 50.6, 41, 0.5),
)
"""Table 6, the width multiplier α (ImageNet)."""

TABLE_6_ALPHAS = (1.0, 0.75, 0.5, 0.25)

TABLE_7 = (
    Row("1.0 MobileNet-224", 70.6, 569, 4.2),
    Row("1.0 MobileNet-192", 69.1, 418, 4.2),
    Row("1.0 MobileNet-160", 67.2, 290, 4.2),
    Row("1.0 MobileNet-128", 64.4, 186, 4.2),
)
"""Table 7, the resolution multiplier ρ (ImageNet)."""

TABLE_7_RESOLUTIONS = (224, 192, 160, 128)

TABLE_8 = (
    Row("1.0 MobileNet-224", 70.6, 569, 4.2),
    Row("GoogleNet", 69.8, 1550, 6.8),
    Row("VGG 16", 71.5, 15300, 138),
)
"""Table 8, MobileNet against popular models (ImageNet)."""

TABLE_9 = (
    Row("0.50 MobileNet-160", 60.2, 76, 1.32),
    Row("Squeezenet", 57.5, 1700, 1.25),
    Row("AlexNet", 57.2, 720, 60),
)
"""Table 9, smaller MobileNet against popular models (ImageNet)."""

TABLE_10 = (
    Row("Inception V3", 84.0, 5000, 23.2),
    Row("1.0 MobileNet-224", 83.3, 569, 3.3),
    Row("0.75 MobileNet-224", 81.9, 325, 1.9),
    Row("1.0 MobileNet-192", 81.9, 418, 3.3),
    Row("0.75 MobileNet-192", 80.5, 239, 1.9),
)
"""Table 10, fine-grained recognition on Stanford Dogs (top-1 %)."""

TABLE_11 = {
    "Continent (2500 km)": (51.9, 77.6, 79.3),
    "Country (750 km)": (35.4, 64.0, 60.3),
    "Region (200 km)": (32.1, 51.1, 45.2),
    "City (25 km)": (21.9, 31.7, 31.7),
    "Street (1 km)": (2.5, 11.0, 11.4),
}
"""Table 11, geolocalisation on Im2GPS, % of photos located within each scale, as
(Im2GPS, PlaNet, PlaNet MobileNet)."""

TABLE_12 = (
    ("1.0 MobileNet-224", 88.7, 568, 3.2),
    ("0.5 MobileNet-224", 88.1, 149, 0.8),
    ("0.25 MobileNet-224", 87.2, 45, 0.2),
    ("1.0 MobileNet-128", 88.1, 185, 3.2),
    ("0.5 MobileNet-128", 87.7, 48, 0.8),
    ("0.25 MobileNet-128", 86.4, 15, 0.2),
    ("Baseline", 86.9, 1600, 7.5),
)
"""Table 12, face attribute classification by distillation, (model, mean AP %, million
Mult-Adds, million parameters)."""

TABLE_13 = (
    ("SSD 300", "deeplab-VGG", 21.1, 34.9, 33.1),
    ("SSD 300", "Inception V2", 22.0, 3.8, 13.7),
    ("SSD 300", "MobileNet", 19.3, 1.2, 6.8),
    ("Faster-RCNN 300", "VGG", 22.9, 64.3, 138.5),
    ("Faster-RCNN 300", "Inception V2", 15.4, 118.2, 13.3),
    ("Faster-RCNN 300", "MobileNet", 16.4, 25.2, 6.1),
    ("Faster-RCNN 600", "VGG", 25.7, 149.6, 138.5),
    ("Faster-RCNN 600", "Inception V2", 21.9, 129.6, 13.3),
    ("Faster-RCNN 600", "MobileNet", 19.8, 30.5, 6.1),
)
"""Table 13, COCO object detection, (framework and resolution, model, mAP %, **billion**
Mult-Adds, million parameters)."""

TABLE_14 = (
    ("FaceNet", 83.0, 1600, 7.5),
    ("1.0 MobileNet-160", 79.4, 286, 4.9),
    ("1.0 MobileNet-128", 78.3, 185, 5.5),
    ("0.75 MobileNet-128", 75.2, 166, 3.4),
    ("0.75 MobileNet-128", 72.5, 108, 3.8),
)
"""Table 14, MobileNet distilled from FaceNet, (model, 1e-4 accuracy %, million Mult-Adds,
million parameters). The last two rows carry the same name in the paper, as printed."""
