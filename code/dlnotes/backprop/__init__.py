"""Backward passes by hand (Part I): BatchNorm, Dropout and Conv2d as drop-ins
for PyTorch.

Each layer is a ``torch.autograd.Function`` whose backward is the derived
closed form, written in differentiable tensor operations on saved inputs (so
double backward works). ``forward`` and ``setup_context`` are kept apart and
each Function has a vmap rule, so ``torch.func.grad``, ``vjp``, ``jacrev`` and
``vmap`` work on them as on PyTorch's layers (forward-mode ``jvp`` does
not: no ``jvp`` rule is written).

* ``batch_norm``, ``dropout``, ``conv2d``: functional, the signatures of
  ``torch.nn.functional``;
* ``BatchNorm1d``, ``BatchNorm2d``, ``Dropout``, ``Conv2d``: modules, the
  constructors and ``state_dict`` of ``torch.nn``;
* ``dlnotes.backprop.proofs``: the SymPy proofs of the backward formulas;
* ``dlnotes.backprop.bench``: ``python -m dlnotes.bench backprop``.
"""

from dlnotes.backprop.batchnorm import (
    BatchNormEvalFunction,
    BatchNormFunction,
    batch_norm,
)
from dlnotes.backprop.conv import Conv2dFunction, conv2d
from dlnotes.backprop.dropout import DropoutFunction, dropout
from dlnotes.backprop.modules import BatchNorm1d, BatchNorm2d, Conv2d, Dropout

__all__ = [
    "BatchNorm1d",
    "BatchNorm2d",
    "BatchNormEvalFunction",
    "BatchNormFunction",
    "Conv2d",
    "Conv2dFunction",
    "Dropout",
    "DropoutFunction",
    "batch_norm",
    "conv2d",
    "dropout",
]
