"""Drawings of the ideas the derivations are about, made by code.

One function per drawing, each returning a matplotlib ``Figure`` (not
registered with pyplot, so a notebook shows it once), drawn from the package's
own objects where they exist, in the book's figure style, at most 5.2 inches
wide with labels of 13 pt so that it reads at phone width. ``ALT_TEXT`` maps
each drawing's name to its alt text, which the page's cell repeats for screen
readers.

* Part I (:mod:`dlnotes.diagrams.backprop`):
  :func:`~dlnotes.diagrams.backprop.batchnorm_graph`,
  :func:`~dlnotes.diagrams.backprop.conv2d_backward`.
* Part II (:mod:`dlnotes.diagrams.mobilenet`):
  :func:`~dlnotes.diagrams.mobilenet.separable_filters`,
  :func:`~dlnotes.diagrams.mobilenet.mobilenet_body`.
* Part III (:mod:`dlnotes.diagrams.sphere`):
  :func:`~dlnotes.diagrams.sphere.euler_angles`,
  :func:`~dlnotes.diagrams.sphere.kernel_grids`,
  :func:`~dlnotes.diagrams.sphere.spherical_cnn_pipeline`.
"""

from dlnotes.diagrams._draw import ALT_TEXT
from dlnotes.diagrams.backprop import batchnorm_graph, conv2d_backward
from dlnotes.diagrams.mobilenet import (
    body_rows,
    filter_costs,
    mobilenet_body,
    separable_filters,
)
from dlnotes.diagrams.sphere import (
    euler_angles,
    kernel_grids,
    spherical_cnn_pipeline,
)

__all__ = [
    "ALT_TEXT",
    "batchnorm_graph",
    "body_rows",
    "conv2d_backward",
    "euler_angles",
    "filter_costs",
    "kernel_grids",
    "mobilenet_body",
    "separable_filters",
    "spherical_cnn_pipeline",
]
