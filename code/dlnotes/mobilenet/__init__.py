"""MobileNetV1 (Howard et al., 2017, arXiv 1704.04861) and its cost model (Part
II).

Modules, one idea each:

* ``blocks`` — the depthwise separable block of the paper's Figure 3, and the
  full 3×3 block;
* ``model`` — MobileNetV1 (Table 1) with the width multiplier α and its
  variants, and the compact 28×28 variant used for the trained trade-offs;
* ``vgg`` — VGG16, defined only to be counted the same way (Table 8);
* ``counting`` — parameters and Mult-Adds of a model, layer by layer, under a
  stated convention;
* ``cost`` — the paper's cost expressions (equations 2–7) in SymPy;

The book's studies of the paper (quoted tables, our counts beside them, trained
trade-offs, CPU speed) are built on this library in
:mod:`dlnotes.mobilenet.experiments`; the benchmark is ``python -m
dlnotes.bench mobilenet``.
"""

from dlnotes.mobilenet.blocks import ConvBNReLU, DepthwiseSeparableConv
from dlnotes.mobilenet.counting import (
    LayerCount,
    count_mult_adds,
    count_params,
    layer_table,
)
from dlnotes.mobilenet.model import MobileNet, MobileNetDigits, MobileNetV1

__all__ = [
    "ConvBNReLU",
    "DepthwiseSeparableConv",
    "LayerCount",
    "MobileNet",
    "MobileNetDigits",
    "MobileNetV1",
    "count_mult_adds",
    "count_params",
    "layer_table",
]
