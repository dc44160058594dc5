"""Index packing shared by the sphere modules: packed coefficient positions and
FFT order layouts.

The packings are those of :mod:`dlnotes.sphere.conventions`.
"""

from __future__ import annotations

import torch

from dlnotes._cache import cached_tensors


@cached_tensors(maxsize=16)
def s2_indices(
    b: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """``(l, m)`` of each packed S² entry, two int64 tensors ``[b²]``."""
    l = torch.cat([torch.full((2 * k + 1,), k) for k in range(b)])
    m = torch.cat([torch.arange(-k, k + 1) for k in range(b)])
    return l.to(device), m.to(device)


@cached_tensors(maxsize=16)
def so3_indices(
    b: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """``(l, m, n)`` of each packed SO(3) entry, three int64 tensors
    ``[b(4b²-1)/3]``."""
    ls, ms, ns = [], [], []
    for k in range(b):
        r = torch.arange(-k, k + 1)
        ls.append(torch.full(((2 * k + 1) ** 2,), k))
        ms.append(r.repeat_interleave(2 * k + 1))
        ns.append(r.repeat(2 * k + 1))
    return (
        torch.cat(ls).to(device),
        torch.cat(ms).to(device),
        torch.cat(ns).to(device),
    )


def centre_orders(x: torch.Tensor, b: int, dim: int) -> torch.Tensor:
    """Orders ``-(b-1) .. b-1`` of an FFT axis (FFT layout: m ≥ 0 first, m < 0
    at the end), in order."""
    size = x.shape[dim]
    return torch.cat(
        [x.narrow(dim, size - (b - 1), b - 1), x.narrow(dim, 0, b)], dim
    )


def uncentre_orders(x: torch.Tensor, size: int, dim: int) -> torch.Tensor:
    """Inverse of :func:`centre_orders`: orders ``-(b-1) .. b-1`` placed on an
    FFT axis of ``size``, zeros elsewhere."""
    b = (x.shape[dim] + 1) // 2
    shape = list(x.shape)
    shape[dim] = size - (2 * b - 1)
    gap = x.new_zeros(shape)
    return torch.cat(
        [x.narrow(dim, b - 1, b), gap, x.narrow(dim, 0, b - 1)], dim
    )
