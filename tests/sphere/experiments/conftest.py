"""The spherical commands run in-process on the suite's thread count."""

import pytest
import torch

from dlnotes.sphere.experiments import cli


@pytest.fixture(autouse=True)
def _suite_threads(_seeded, monkeypatch) -> None:
    """``mnist`` without ``--threads`` keeps the suite's count (set by
    ``_seeded``), not :data:`~dlnotes.sphere.experiments.cli.DEFAULT_THREADS`:
    more threads than one stall a crowded machine."""
    monkeypatch.setattr(cli, "DEFAULT_THREADS", torch.get_num_threads())
