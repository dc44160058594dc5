"""Tests of dlnotes.sphere.mesh: the paper's ray casting of a mesh onto the
sphere (§5.3)."""

import numpy as np
import pytest
import torch
import trimesh
from scipy.spatial.transform import Rotation

from dlnotes.sphere.mesh import (
    CHANNELS,
    bounding_sphere,
    cast_rays,
    grid_directions,
    mesh_to_sphere,
)
from dlnotes.sphere.rotation import matrix_to_euler, s2_rotate


def _ellipsoid() -> trimesh.Trimesh:
    mesh = trimesh.creation.icosphere(3)
    mesh.apply_scale([1.0, 0.7, 0.5])
    return mesh


def test_sphere_of_radius_r_gives_a_constant_distance():
    r = 0.5
    sphere = trimesh.creation.icosphere(4, radius=r)
    x = cast_rays(sphere, grid_directions(8), np.zeros(3), 1.0)
    # the icosphere is a polyhedron: its faces lie inside the sphere by at
    # most 1 - cos(edge angle / 2), about 1e-3 at 4 subdivisions
    assert np.abs(x[0] - (1 - r)).max() < 2e-3
    # a ray toward the centre meets the sphere head on
    assert x[1].min() > 0.99 and x[2].max() < 0.13


def test_six_channels_on_the_soft_grid():
    signal = mesh_to_sphere(_ellipsoid(), 4)
    assert signal.shape == (len(CHANNELS), 8, 8)
    # the ellipsoid is convex: its hull gives the same distances
    # two ray casts (mesh and hull) meet the surface at the same points to the
    # intersection routine's accuracy, not to one rounding
    np.testing.assert_allclose(signal[3], signal[0], atol=1e-9)
    assert np.all(signal[[1, 2, 4, 5]] >= 0)
    np.testing.assert_allclose(signal[1] ** 2 + signal[2] ** 2, 1.0)


def test_a_miss_reads_two_radii_and_no_angle():
    torus = trimesh.creation.torus(0.7, 0.1)
    north = cast_rays(torus, np.array([0.0, 0.0, 1.0]))
    np.testing.assert_array_equal(north, [2.0, 0.0, 0.0])


def test_rotating_the_mesh_rotates_the_signal_exactly(assert_close):
    """f_{R mesh}(x) = f_mesh(R⁻¹x) at every grid direction x: no
    resampling, so equal to rounding."""
    rotation = Rotation.random(random_state=1).as_matrix()
    mesh = _ellipsoid()
    turned = trimesh.Trimesh(mesh.vertices @ rotation.T, mesh.faces)
    x = grid_directions(8)
    centre, radius = bounding_sphere(mesh)
    turned_centre, turned_radius = bounding_sphere(turned)
    # a centre near 0 computed from vertices of size ~radius
    assert_close(turned_centre, rotation @ centre, scale=radius)
    assert turned_radius == pytest.approx(radius, abs=1e-12)
    direct = cast_rays(turned, x)
    pulled_back = cast_rays(mesh, x @ rotation)  # rows R⁻¹x = Rᵀx
    assert np.abs(direct - pulled_back).max() < 1e-9


def grid_rotation_error(mesh: trimesh.Trimesh, b: int, seed: int) -> float:
    """Relative L2 error between the signal of the rotated mesh and the
    signal of the mesh rotated on the grid (s2_rotate, exact for band-limited
    signals): what sampling costs."""
    rotation = Rotation.random(random_state=seed).as_matrix()
    turned = trimesh.Trimesh(mesh.vertices @ rotation.T, mesh.faces)
    signal = torch.from_numpy(mesh_to_sphere(mesh, b)[:3])
    alpha, beta, gamma = matrix_to_euler(torch.from_numpy(rotation))
    resampled = s2_rotate(signal, alpha, beta, gamma).numpy()
    direct = mesh_to_sphere(turned, b)[:3]
    return float(np.linalg.norm(resampled - direct) / np.linalg.norm(direct))


def test_grid_rotation_error_of_a_smooth_shape_falls_with_the_bandwidth():
    errors = [grid_rotation_error(_ellipsoid(), b, seed=0) for b in (8, 16)]
    assert errors[1] < errors[0] < 0.1


@pytest.mark.parametrize(
    "mesh, error",
    [
        ("not a mesh", TypeError),
        (trimesh.Trimesh(np.zeros((0, 3)), np.zeros((0, 3), int)), ValueError),
    ],
)
def test_bad_meshes_are_refused(mesh, error):
    with pytest.raises(error):
        mesh_to_sphere(mesh, 4)


def test_bad_directions_and_radius_are_refused():
    mesh = _ellipsoid()
    with pytest.raises(ValueError, match="unit"):
        cast_rays(mesh, np.array([[0.0, 0.0, 2.0]]))
    with pytest.raises(ValueError, match=r"\[\.\.\., 3\]"):
        cast_rays(mesh, np.array([1.0, 0.0]))
    with pytest.raises(ValueError, match="enclose"):
        cast_rays(mesh, np.array([0.0, 0.0, 1.0]), np.zeros(3), 0.5)
    with pytest.raises(ValueError):
        mesh_to_sphere(mesh, 0)
