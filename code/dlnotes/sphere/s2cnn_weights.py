"""Loading weights trained with ``s2cnn`` (github.com/jonas-koehler/s2cnn) as
the same function.

Our layers keep s2cnn's parameter names and shapes (``kernel [F_in, F_out,
N]``, ``bias [1, F_out, 1, 1, 1]``) and its kernel grids, and both compute the
correlation with point-mass filters (the layers' docstrings,
:mod:`dlnotes.sphere.layers`)

    y(R) = Σ_{k,i} c · kernel_{k,o,i} f̃_k(R x_i) + bias_o
        (S²: x_i a point; SO(3): R Q_i),

with f̃ the input band-limited to l < b_out. Only the constant c differs. Ours
is ``1/√(F_in N)``. Reading s2cnn's forward passes (``s2cnn/soft/s2_conv.py``,
``so3_conv.py`` and the transforms they call, with lie_learn's Wigner matrices
``conj(Dˡ_mn)`` in our convention (:mod:`dlnotes.sphere.conventions`) and its
SO(3) quadrature weights, which are ours):

* **S²** (``S2Convolution``): the kernel is multiplied by ``scaling = 1/√(N
  F_in b_out⁴/b_in²)``; its S² FFT weighs the grid with ``w_j · 2b_in`` (the
  sphere's area normalised to 1, ours divided by 4π); its filter transform
  ``s2_rft`` samples ``2b_out · Dˡ_{m0}(x_i)``; the inverse SO(3) FFT
  multiplies degree l by 2l + 1. The addition theorem ``Σ_m Yˡ_m(u)
  conj(Yˡ_m(v)) = (2l+1)/(4π) Pₗ(u·v)`` collapses the product to ``c = 2 b_out
  · scaling``, so s2cnn's output is ours times ``2 b_in / b_out``.
* **SO(3)** (``SO3Convolution``): ``scaling = 1/√(N F_in b_out³/b_in³)``; its
  SO(3) FFT uses the normalised Haar measure, its filter transform ``so3_rft``
  samples ``Dˡ_mn(Q_i)`` with no extra factor, and ``Σ_l (2l+1) χ_l``
  reproduces the band-limited input: ``c = scaling``, s2cnn's output is ours
  times ``(b_in / b_out)^{3/2}``.

So an s2cnn kernel loads as the same function once multiplied by
:func:`s2cnn_kernel_factor`; the bias is the same. (A transcription of s2cnn's
CPU forward pass with lie_learn's matrices agreed with ours, loaded this way,
to 1e-15; the tests check the formula above against a direct evaluation of the
correlation.)

Read an s2cnn checkpoint safely, as tensors only, never unpickling code::

    state = torch.load("s2cnn_model.pt", map_location="cpu", weights_only=True)
    load_s2cnn_state_dict(model, state)

or in one step, with one-line errors for a bad file,
``load_s2cnn_weights(model, "s2cnn_model.pt")``. A layer registered under two
names (weight tying) has its kernel in the file under both; each is rescaled.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import torch
from torch import nn

from dlnotes._io import load_tensors, one_line
from dlnotes.sphere.layers import S2Convolution, SO3Convolution


def s2cnn_kernel_factor(layer: S2Convolution | SO3Convolution) -> float:
    """Our kernel equals s2cnn's times this, for the same layer function.

    ``2 b_in / b_out`` for :class:`~dlnotes.sphere.layers.S2Convolution`,
    ``(b_in / b_out)^{3/2}`` for :class:`~dlnotes.sphere.layers.SO3Convolution`
    (see the module docstring).

    Raises:
        TypeError: ``layer`` is neither of our spherical layers.
    """
    if isinstance(layer, S2Convolution):
        return 2 * layer.b_in / layer.b_out
    if isinstance(layer, SO3Convolution):
        return (layer.b_in / layer.b_out) ** 1.5
    raise TypeError(
        "layer must be an S2Convolution or SO3Convolution, got"
        f" {type(layer).__name__}"
    )


def load_s2cnn_state_dict(
    module: nn.Module,
    state_dict: Mapping[str, torch.Tensor],
    strict: bool = True,
) -> object:
    """Load an s2cnn ``state_dict`` into ``module``, whose spherical layers are
    ours, as the same function.

    ``module`` is one of our layers or a model built from them with s2cnn's
    layout (the same attribute names, channels, bandwidths and grids); every
    ``<prefix>kernel`` of an :class:`~dlnotes.sphere.layers.S2Convolution` or
    :class:`~dlnotes.sphere.layers.SO3Convolution` is multiplied by
    :func:`s2cnn_kernel_factor`, every other entry loads as it is, through
    ``module.load_state_dict(..., strict=strict)`` (whose result is returned).
    ``state_dict`` itself is not changed.

    Raises:
        TypeError: ``module`` is not an ``nn.Module``, ``state_dict`` not a
            mapping, or a spherical layer's kernel in it not a tensor.
        RuntimeError: from ``load_state_dict``: missing or unexpected keys (if
            ``strict``), or shapes that differ.
    """
    if not isinstance(module, nn.Module):
        raise TypeError(
            f"module must be a torch.nn.Module, got {type(module).__name__}"
        )
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            "state_dict must be a mapping of names to tensors, got"
            f" {type(state_dict).__name__}"
        )
    converted = dict(state_dict)
    # a tied layer (one module under two names) appears under every name
    for name, layer in module.named_modules(remove_duplicate=False):
        if isinstance(layer, (S2Convolution, SO3Convolution)):
            key = f"{name}.kernel" if name else "kernel"
            if key in converted:
                kernel = converted[key]
                if not isinstance(kernel, torch.Tensor):
                    raise TypeError(
                        f"state_dict[{key!r}] must be a tensor, got"
                        f" {type(kernel).__name__}"
                    )
                converted[key] = kernel * s2cnn_kernel_factor(layer)
    return module.load_state_dict(converted, strict=strict)


def load_s2cnn_weights(
    module: nn.Module, path: str | os.PathLike[str], strict: bool = True
) -> object:
    """Read the s2cnn checkpoint ``path`` (``torch.load(path,
    weights_only=True)``: tensors and plain values only) and load it with
    :func:`load_s2cnn_state_dict`.

    Raises:
        ValueError: one line naming ``path``: missing, unreadable, truncated or
            not a torch file, not a state_dict, or keys and shapes that do not
            fit ``module``.
    """
    state = load_tensors(path, "s2cnn weights")
    if not isinstance(state, Mapping):
        raise ValueError(
            f"s2cnn weights {path} is not a state_dict (a mapping of names to"
            f" tensors), got {type(state).__name__}"
        )
    try:
        return load_s2cnn_state_dict(module, state, strict)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"s2cnn weights {path} do not fit {type(module).__name__}:"
            f" {one_line(error)}"
        ) from None
