"""How many bytes autograd keeps for the backward pass, measured with
saved-tensor hooks."""

from __future__ import annotations

from collections.abc import Callable

import torch


def saved_bytes(forward: Callable[[], object]) -> int:
    """Bytes of the distinct storages that autograd saves for backward while
    ``forward()`` runs.

    Every tensor that a graph node (native or a custom ``autograd.Function``)
    saves passes through ``torch.autograd.graph.saved_tensors_hooks``; tensors
    sharing a storage (the input saved by two nodes, say) count once. Call it
    on a closure whose inputs require grad.
    """
    storages: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        storages[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        result = forward()
    del result
    return sum(storages.values())
