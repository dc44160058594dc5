"""dlnotes.sphere.haar: rotations are Haar-uniform, reproducible per index, and
proper."""

import math

import pytest
import torch

from dlnotes.sphere.haar import random_rotations
from dlnotes.sphere.rotation import euler_to_matrix


def test_angles_lie_in_their_ranges():
    alpha, beta, gamma = random_rotations(500, seed=3)
    assert alpha.dtype == torch.float64 and alpha.shape == (500,)
    for angle, upper in (
        (alpha, 2 * math.pi),
        (beta, math.pi),
        (gamma, 2 * math.pi),
    ):
        assert angle.min() >= 0 and angle.max() <= upper


def test_each_rotation_depends_only_on_seed_stream_and_index():
    first = random_rotations(3, seed=7, stream=1)
    longer = random_rotations(6, seed=7, stream=1)
    for a, b in zip(first, longer, strict=True):
        torch.testing.assert_close(a, b[:3])
    other = random_rotations(3, seed=7, stream=0)
    assert not torch.allclose(first[0], other[0])


def test_distribution_is_haar():
    # For Haar-random R the mean matrix is 0 and the rotation angle θ has
    # density (1 - cos θ)/π, so E[cos θ] = -1/2 (i.e. E[trace R] = 0). 4000
    # draws: standard errors about 0.01.
    r = euler_to_matrix(*random_rotations(4000, seed=0))
    assert r.mean(0).abs().max() < 0.05
    cos_theta = (r.diagonal(dim1=-2, dim2=-1).sum(-1) - 1) / 2
    assert cos_theta.mean().item() == pytest.approx(-0.5, abs=0.04)


def test_bad_arguments():
    with pytest.raises(ValueError, match="count must be >= 0"):
        random_rotations(-1, seed=0)
    with pytest.raises(ValueError, match="stream must be >= 0"):
        random_rotations(1, seed=0, stream=-2)


def test_sympy_uniform_cos_beta_is_the_haar_marginal():
    import sympy as sp

    beta, a, g = sp.symbols("beta a g", positive=True)
    # density of beta when cos(beta) ~ U(-1, 1)
    from_cos = sp.Rational(1, 2) * sp.sin(beta)
    haar = sp.integrate(
        sp.sin(beta) / (8 * sp.pi**2), (a, 0, 2 * sp.pi), (g, 0, 2 * sp.pi)
    )
    assert sp.simplify(from_cos - haar) == 0
    assert sp.integrate(haar, (beta, 0, sp.pi)) == 1
