"""Argument checks shared by the layers: the public functions validate, the Functions trust."""

from __future__ import annotations

import torch


def require_floating(name: str, tensor: torch.Tensor | None) -> None:
    """Raise ``TypeError`` unless ``tensor`` is ``None`` or a floating-point tensor."""
    if tensor is None:
        return
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(tensor).__name__}")
    if not tensor.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype, got {tensor.dtype}")


def require_channel_vector(name: str, tensor: torch.Tensor | None, channels: int) -> None:
    """Raise ``ValueError`` unless ``tensor`` is ``None`` or has shape ``(channels,)``."""
    if tensor is not None and tuple(tensor.shape) != (channels,):
        raise ValueError(f"{name} must have shape ({channels},) for {channels} channels, got {tuple(tensor.shape)}")
