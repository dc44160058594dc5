"""dlnotes.sphere.kernel_grids: the four s2cnn kernel grids match their
definitions."""

import math

import numpy as np
import pytest

from dlnotes.sphere.kernel_grids import (
    s2_equatorial_grid,
    s2_near_identity_grid,
    so3_equatorial_grid,
    so3_near_identity_grid,
)


def zyz(alpha: float, beta: float, gamma: float) -> np.ndarray:
    def rz(t):
        return np.array(
            [
                [math.cos(t), -math.sin(t), 0],
                [math.sin(t), math.cos(t), 0],
                [0, 0, 1],
            ]
        )

    ry = np.array(
        [
            [math.cos(beta), 0, math.sin(beta)],
            [0, 1, 0],
            [-math.sin(beta), 0, math.cos(beta)],
        ]
    )
    return rz(alpha) @ ry @ rz(gamma)


def angle(r: np.ndarray) -> float:
    return math.acos(np.clip((np.trace(r) - 1) / 2, -1, 1))


def test_s2_near_identity_defaults_are_three_rings_of_eight():
    grid = np.array(s2_near_identity_grid())
    assert grid.shape == (24, 2)
    np.testing.assert_allclose(
        np.unique(grid[:, 0]), [math.pi / 24, math.pi / 12, math.pi / 8]
    )
    np.testing.assert_allclose(grid[:8, 1], 2 * math.pi * np.arange(8) / 8)
    assert np.all(grid[:8, 0] == grid[0, 0])  # beta varies slowest


def test_s2_equatorial_grid():
    grid = np.array(s2_equatorial_grid(max_beta=0.2, n_alpha=4, n_beta=3))
    assert grid.shape == (12, 2)
    np.testing.assert_allclose(
        np.unique(grid[:, 0]),
        [math.pi / 2 - 0.2, math.pi / 2, math.pi / 2 + 0.2],
    )
    assert np.array(s2_equatorial_grid()).shape == (32, 2)


def test_so3_near_identity_paper_grid_has_72_points_gamma_offset_by_alpha():
    grid = np.array(so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3))
    assert grid.shape == (72, 3)
    beta, alpha, gamma = grid.T
    # rounded to 12 digits to group equal offsets: compared at that rounding
    np.testing.assert_allclose(
        np.unique(np.round(gamma + alpha, 12)),
        [-math.pi / 8, 0, math.pi / 8],
        atol=1e-12,
    )
    # n_gamma defaults to n_alpha
    assert np.array(so3_near_identity_grid()).shape == (3 * 8 * 8, 3)


def test_so3_near_identity_rings_are_equally_far_from_the_identity():
    grid = so3_near_identity_grid(
        max_beta=math.pi / 6,
        max_gamma=math.pi / 5,
        n_alpha=5,
        n_beta=2,
        n_gamma=3,
    )
    by_ring: dict[tuple[float, float], list[float]] = {}
    for beta, alpha, gamma in grid:
        by_ring.setdefault(
            (round(beta, 9), round(gamma + alpha, 9)), []
        ).append(angle(zyz(alpha, beta, gamma)))
    assert len(by_ring) == 2 * 3
    for (beta, pre_gamma), angles in by_ring.items():
        # rotation angles from arccos of a trace, ill-conditioned near 0: a
        # bound on that, not on one rounding
        np.testing.assert_allclose(angles, angles[0], atol=1e-9)
        if pre_gamma == 0:
            assert angles[0] == pytest.approx(beta)


def test_so3_equatorial_grid():
    grid = np.array(so3_equatorial_grid())
    assert grid.shape == (64, 3)
    np.testing.assert_allclose(grid[:, 0], math.pi / 2)
    np.testing.assert_allclose(
        np.unique(grid[:, 2]), [-math.pi / 8, math.pi / 8]
    )


@pytest.mark.parametrize(
    "grid, name, value, error, rule",
    [
        (s2_near_identity_grid, "n_alpha", 0, ValueError, "be >= 1"),
        (s2_near_identity_grid, "n_beta", 2.5, TypeError, "be an int"),
        (s2_near_identity_grid, "max_beta", 4.0, ValueError, "lie in"),
        (s2_equatorial_grid, "max_beta", 2.0, ValueError, "lie in"),
        (so3_near_identity_grid, "n_gamma", 0, ValueError, "be >= 1"),
        (so3_near_identity_grid, "max_gamma", -1.0, ValueError, "lie in"),
        (so3_equatorial_grid, "n_beta", True, TypeError, "be an int"),
    ],
)
def test_bad_arguments(grid, name, value, error, rule):
    """Each grid refuses a bad argument by name: ``<name> must <rule>``."""
    with pytest.raises(error, match=f"{name} must {rule}"):
        grid(**{name: value})


def test_sympy_ring_points_are_conjugates_of_one_rotation():
    import sympy as sp

    a, b, g = sp.symbols("alpha beta gamma", real=True)

    def rz(t):
        return sp.Matrix(
            [[sp.cos(t), -sp.sin(t), 0], [sp.sin(t), sp.cos(t), 0], [0, 0, 1]]
        )

    ry = sp.Matrix(
        [[sp.cos(b), 0, sp.sin(b)], [0, 1, 0], [-sp.sin(b), 0, sp.cos(b)]]
    )
    ring_point = rz(a) * ry * rz(g - a)
    assert sp.simplify(ring_point - rz(a) * (ry * rz(g)) * rz(-a)) == sp.zeros(
        3, 3
    )
    assert sp.simplify(sp.diff(ring_point.trace(), a)) == 0
