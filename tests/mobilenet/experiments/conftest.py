"""Shared fixtures of the trade-off tests: a tiny random split in place of the
real digits."""

import pytest
import torch

from dlnotes.data import Dataset, Split
from dlnotes.mobilenet.experiments import tradeoffs


@pytest.fixture
def tiny_data(monkeypatch):
    """Forty random 28×28 'digits' instead of the real split (the loop, not the
    accuracy, is tested)."""
    g = torch.Generator().manual_seed(0)
    split = Split(
        Dataset(torch.rand(40, 1, 28, 28, generator=g), torch.arange(40) % 10),
        Dataset(torch.rand(20, 1, 28, 28, generator=g), torch.arange(20) % 10),
    )
    monkeypatch.setattr(tradeoffs, "task_split", lambda task: split)
