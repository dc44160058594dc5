"""Argument checks shared by the layers: the public functions validate, the
Functions trust."""

from __future__ import annotations

import numbers
import operator

import numpy as np
import torch


def require_floating(name: str, tensor: torch.Tensor | None) -> None:
    """Raise ``TypeError`` unless ``tensor`` is ``None`` or a floating-point
    tensor."""
    if tensor is None:
        return
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(tensor).__name__}"
        )
    if not tensor.is_floating_point():
        raise TypeError(
            f"{name} must have a floating-point dtype, got {tensor.dtype}"
        )


def require_channel_vector(
    name: str, tensor: torch.Tensor | None, channels: int
) -> None:
    """Raise ``ValueError`` unless ``tensor`` is ``None`` or has shape
    ``(channels,)``."""
    if tensor is not None and tuple(tensor.shape) != (channels,):
        raise ValueError(
            f"{name} must have shape ({channels},) for {channels} channels,"
            f" got {tuple(tensor.shape)}"
        )


def as_real(name: str, value: object) -> float:
    """``value`` as a float: a Python or NumPy real number, or a 0-d real
    tensor; ``TypeError`` otherwise.

    ``bool`` is refused (a flag is never meant as a number); NaN and infinities
    pass, for the caller to judge.
    """
    if (
        isinstance(value, torch.Tensor)
        and value.dim() == 0
        and not value.is_complex()
        and value.dtype != torch.bool
    ):
        return float(value.item())
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    return float(value)


def as_int(name: str, value: object, expected: str = "an int") -> int:
    """``value`` as an int, read as PyTorch reads an int argument;
    ``TypeError`` naming ``name`` otherwise.

    Accepted: Python and NumPy integers and one-element integer tensors
    (anything with ``__index__``). Refused: ``bool`` and boolean tensors (a
    flag is never meant as a size), floats, and tensors of more than one
    element.
    """
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, torch.Tensor) and value.dtype == torch.bool
    ):
        raise TypeError(f"{name} must be {expected}, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be {expected}, got {value!r}") from None
