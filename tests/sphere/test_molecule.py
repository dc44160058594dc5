"""Tests of dlnotes.sphere.molecule: Coulomb-like potentials on spheres
around atoms (§5.4)."""

import numpy as np
import pytest
from ase.build import molecule
from scipy.spatial.transform import Rotation

from dlnotes.sphere.mesh import grid_directions
from dlnotes.sphere.molecule import (
    ATOM_TYPES,
    molecule_to_spheres,
    sphere_radius,
)


def test_two_atoms_give_the_coulomb_potential_of_the_other():
    positions = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 2.0]])
    numbers = np.array([1, 8])
    signals = molecule_to_spheres(positions, numbers, 4)
    assert signals.shape == (2, len(ATOM_TYPES), 8, 8)
    assert sphere_radius(positions) == 1.0
    u = grid_directions(4)
    distance = np.linalg.norm(u - [0.0, 0.0, 2.0], axis=-1)
    oxygen = ATOM_TYPES.index(8)
    np.testing.assert_allclose(signals[0, oxygen], 1 * 8 / distance)
    # the hydrogen sees no other hydrogen; no atom sees itself
    assert np.all(signals[0, ATOM_TYPES.index(1)] == 0)
    assert np.all(signals[1, oxygen] == 0)


def test_rotating_the_molecule_rotates_each_signal(assert_close):
    water = molecule("H2O")
    rotation = Rotation.random(random_state=0).as_matrix()
    u = grid_directions(4)
    turned = water.positions @ rotation.T
    # the rotated molecule's signals equal the potentials of the unrotated
    # one sampled at R⁻¹u on each atom's sphere
    r = sphere_radius(water.positions)
    direct = molecule_to_spheres(turned, water.numbers, 4)
    for i, p in enumerate(water.positions):
        points = p + r * (u @ rotation)
        distance = np.linalg.norm(
            points[..., None, :] - water.positions, axis=-1
        )
        expected = np.zeros_like(direct[i])
        for j, z in enumerate(water.numbers):
            if j != i:
                expected[ATOM_TYPES.index(z)] += (
                    water.numbers[i] * z / distance[..., j]
                )
        assert_close(direct[i], expected)


def test_bad_molecules_are_refused():
    with pytest.raises(ValueError, match=r"\[n, 3\]"):
        molecule_to_spheres(np.zeros((2, 2)), np.array([1, 1]), 4)
    with pytest.raises(ValueError, match="two atoms"):
        molecule_to_spheres(np.zeros((1, 3)), np.array([1]), 4)
    with pytest.raises(ValueError, match="not among"):
        molecule_to_spheres(np.eye(3), np.array([1, 1, 26]), 4)
    with pytest.raises(ValueError, match="radius"):
        molecule_to_spheres(np.eye(3), np.array([1, 1, 1]), 4, radius=0)
