"""dlnotes.sphere.experiments.mnist.projection: digits projected onto the
sphere, rotated exactly per digit, the four data sets and the HEALPix view."""

import math

import numpy as np
import pytest
import torch

from dlnotes.data import Dataset, Split
from dlnotes.sphere.experiments.mnist import (
    project,
    project_to_healpix,
    spherical_mnist,
)
from dlnotes.sphere.grid import s2_grid


def angles(
    alpha: float, beta: float, gamma: float, n: int = 3
) -> tuple[torch.Tensor, ...]:
    return tuple(
        torch.full((n,), v, dtype=torch.float64) for v in (alpha, beta, gamma)
    )


def test_projection_lies_on_the_northern_hemisphere_and_centres_the_image(
    images,
):
    b = 10
    x = project(images(), b)
    assert x.shape == (3, 1, 20, 20) and x.dtype == torch.float32
    beta, _ = s2_grid(b, dtype=torch.float64)
    assert x[..., beta > math.pi / 2, :].abs().max() == 0
    # the image fills the polar cap
    assert x[..., beta < math.pi / 4, :].abs().min() > 0
    # A single bright pixel at the image centre lights the rings nearest the
    # pole.
    dot = torch.zeros(1, 1, 28, 28)
    dot[..., 13:15, 13:15] = 1
    y = project(dot, 16)[0, 0]
    assert y[0].min() > 0.5 and y[8:].abs().max() == 0


def test_rotation_about_the_pole_by_a_grid_step_is_a_shift_in_alpha(
    images, assert_close
):
    b = 8
    x = project(images(), b)
    shift = 3
    rotated = project(
        images(), b, angles(2 * math.pi * shift / (2 * b), 0.0, 0.0)
    )
    assert_close(rotated, torch.roll(x, shift, dims=-1))


def test_half_turn_about_y_maps_the_north_cap_to_the_south(
    images, assert_close
):
    # R_y(π) sends (β, α) to (π − β, π − α): the rotated signal is the original
    # read backwards in β.
    b = 8
    x = project(images(), b)
    rotated = project(images(), b, angles(0.0, math.pi, 0.0))
    k = torch.arange(2 * b)
    expected = x.flip(-2)[..., (b - k) % (2 * b)]
    assert_close(rotated, expected)


def test_rotation_is_per_digit(images, assert_close):
    b = 6
    first = project(
        images(2),
        b,
        (
            torch.tensor([0.0, 1.0], dtype=torch.float64),
            torch.tensor([0.0, 2.0], dtype=torch.float64),
            torch.zeros(2, dtype=torch.float64),
        ),
    )
    assert_close(first[:1], project(images(2)[:1], b))
    assert not torch.allclose(first[1:], project(images(2)[1:], b))


def test_spherical_mnist_has_four_sets_with_independent_rotations(images):
    split = Split(
        Dataset(images(4), torch.arange(4)),
        Dataset(images(2, seed=1), torch.arange(2)),
    )
    data = spherical_mnist(split, 6, seed=0)
    assert data.train_nr.images.shape == (
        4,
        1,
        12,
        12,
    ) and data.test_r.images.shape == (2, 1, 12, 12)
    torch.testing.assert_close(data.train_nr.labels, data.train_r.labels)
    assert not torch.allclose(data.train_nr.images, data.train_r.images)
    again = spherical_mnist(split, 6, seed=0)
    torch.testing.assert_close(again.train_r.images, data.train_r.images)


def test_sympy_stereographic_radius_is_tan_half_beta():
    import sympy as sp

    b, a = sp.symbols("beta alpha", positive=True)
    x1, x2, x3 = sp.sin(b) * sp.cos(a), sp.sin(b) * sp.sin(a), sp.cos(b)
    r2 = (x1 / (1 + x3)) ** 2 + (x2 / (1 + x3)) ** 2
    assert sp.simplify((r2 - sp.tan(b / 2) ** 2).rewrite(sp.tan)) == 0
    assert sp.simplify(r2.subs(b, sp.pi / 2)) == 1


def test_healpix_view_is_the_same_function(images):
    import healpy as hp

    nside = 8
    maps = project_to_healpix(images(2), nside)
    assert maps.shape == (2, hp.nside2npix(nside))
    z = hp.pix2vec(nside, np.arange(hp.nside2npix(nside)))[2]
    assert np.abs(maps[:, z < 0]).max() == 0 and maps[:, z > 0.9].min() > 0
    flipped = project_to_healpix(
        images(2), nside, angles(0.0, math.pi, 0.0, n=2)
    )
    assert np.abs(flipped[:, z > 0]).max() == 0


def test_bad_input(images):
    with pytest.raises(
        ValueError, match=r"images must have shape \[N, 1, H, W\]"
    ):
        project(torch.zeros(2, 28, 28), 4)
    with pytest.raises(
        ValueError, match="rotations must be three tensors of shape"
    ):
        project(images(3), 4, angles(0.0, 0.0, 0.0, n=2))
