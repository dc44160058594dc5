"""In-memory caches of tensors that stay usable for training.

A tensor made under ``torch.inference_mode()`` is an *inference tensor*:
autograd refuses to save it for a backward pass. A table cached the first time
it is needed would therefore break every later training step at that size if
that first time happened under inference mode. :func:`cached_tensors` builds
its values with inference mode switched off (``inference_mode(False)``), so
any order of inference, ``no_grad`` and training works;
:func:`clear_caches` empties every such cache of the package at once.
"""

from __future__ import annotations

import functools
import math
import threading
from collections.abc import Callable
from typing import TypeVar

import torch

Build = TypeVar("Build", bound=Callable)

_CACHES: list = []


def cached_tensors(maxsize: int | None = 32) -> Callable[[Build], Build]:
    """``functools.lru_cache(maxsize)`` for a function that builds tensors
    from hashable arguments, building them outside inference mode; the cache
    is registered with :func:`clear_caches`."""

    def decorate(build: Build) -> Build:
        @functools.wraps(build)
        def outside_inference_mode(*args, **kwargs):
            with torch.inference_mode(False):
                return build(*args, **kwargs)

        cached = functools.lru_cache(maxsize=maxsize)(outside_inference_mode)
        _CACHES.append(cached)
        return cached  # type: ignore[return-value]

    return decorate


def clear_caches() -> None:
    """Empty every cache made by :func:`cached_tensors`, and the scratch
    buffers of :func:`workspace`."""
    for cache in _CACHES:
        cache.cache_clear()
    _WORKSPACES.clear()


_WORKSPACES: dict[tuple, torch.Tensor] = {}


def workspace(
    slot: int, shape: tuple[int, ...], like: torch.Tensor
) -> torch.Tensor:
    """A scratch tensor of ``shape`` for intermediate ``slot`` (0, 1, ...) of a
    computation, kept per thread, dtype and device and reused by later calls.

    For intermediates that never leave the computation (its results are fresh
    tensors): the SO(3) transforms of a layer-sized batch have grid-sized ones
    (tens of MB), and allocating them afresh on every call costs more in page
    faults than the products that fill them. :func:`clear_caches` frees them.
    """
    key = (slot, threading.get_ident(), like.dtype, like.device)
    size = math.prod(shape)
    buffer = _WORKSPACES.get(key)
    if buffer is None or buffer.numel() < size:
        with torch.inference_mode(False):  # usable in and out of it
            buffer = torch.empty(size, dtype=like.dtype, device=like.device)
        _WORKSPACES[key] = buffer
    return buffer[:size].view(shape)
