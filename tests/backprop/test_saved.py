"""dlnotes.backprop.saved: counts what autograd saves, once per storage."""

import torch

from dlnotes.backprop.saved import saved_bytes


def test_counts_distinct_storages():
    x = torch.randn(100, requires_grad=True)
    assert saved_bytes(lambda: x * x) == 400  # x saved twice, counted once
    # exp saves its result, sin saves the same tensor
    assert saved_bytes(lambda: torch.exp(x).sin()) == 400
    assert saved_bytes(lambda: torch.exp(x) * x) == 800  # exp's result and x
    assert saved_bytes(lambda: x + 1) == 0
