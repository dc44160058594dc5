"""Haar-random rotations: uniformly distributed elements of SO(3), reproducible
one by one.

The normalised Haar measure in the Euler angles of
:mod:`dlnotes.sphere.conventions` is dR = sin β dα dβ dγ / 8π², so a uniform
rotation has α, γ ~ U(0, 2π) and cos β ~ U(−1, 1), independently. Rotation i of
a stream is drawn from its own generator, seeded by (seed, stream, i): it does
not depend on how many rotations are drawn, or in which order.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def random_rotations(
    count: int, seed: int, stream: int = 0
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Haar-uniform ZYZ angles ``(alpha, beta, gamma)``, each ``[count]``
    float64.

    Rotation i uses ``numpy.random.default_rng((seed, stream, i))``; different
    ``stream`` values give independent sequences (e.g. training and test
    digits).

    Raises:
        ValueError: ``count``, ``seed`` or ``stream`` below 0.
    """
    for name, value in (("count", count), ("seed", seed), ("stream", stream)):
        if value < 0:
            raise ValueError(f"{name} must be >= 0, got {value}")
    draws = np.array(
        [
            np.random.default_rng((seed, stream, i)).random(3)
            for i in range(count)
        ]
    ).reshape(count, 3)
    alpha = torch.tensor(2 * math.pi * draws[:, 0])
    beta = torch.tensor(np.arccos(1 - 2 * draws[:, 1]))
    gamma = torch.tensor(2 * math.pi * draws[:, 2])
    return alpha, beta, gamma
