"""Shared by the spherical MNIST tests: random 'digits' to project."""

import pytest
import torch


@pytest.fixture
def images():
    """``images(n=3, seed=0)``: ``n`` seeded random 28×28 images in [0, 1),
    ``[n, 1, 28, 28]`` float32, standing in for MNIST digits."""

    def draw(n: int = 3, seed: int = 0) -> torch.Tensor:
        generator = torch.Generator().manual_seed(seed)
        return torch.rand(n, 1, 28, 28, generator=generator)

    return draw
