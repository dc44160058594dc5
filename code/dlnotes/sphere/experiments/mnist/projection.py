"""Spherical MNIST (Cohen et al., 2018, §5.2): digits projected onto the
sphere, rotated or not.

**Projection.** A digit image is placed on the plane tangent to the north pole
and lifted onto the sphere by the inverse stereographic projection from the
south pole: the point x = (x₁, x₂, x₃) of the unit sphere sees the plane point
(u, v) = (x₁, x₂) / (1 + x₃), so u² + v² = tan²(β/2) and the northern
hemisphere (β ≤ π/2) is the unit disk. The 28×28 image fills the square [−1/√2,
1/√2]², inscribed in that disk, so the digit lies on the northern hemisphere;
the image is read by bilinear interpolation between pixel centres (zero outside
the square), which makes the projected digit a continuous function f on the
whole sphere. Image columns run along +x₁, rows downwards along −x₂, so the
digit reads upright when the sphere is seen from above the north pole.

**Rotation.** A rotation R acts actively (:mod:`dlnotes.sphere.conventions`), f
↦ f(R⁻¹·). We apply it *exactly* to the continuous projected digit by
evaluating f at R⁻¹x for every point x of the SOFT grid, so no resampling of an
already sampled signal is involved. R is drawn uniformly from SO(3) (Haar
measure): α, γ ~ U(0, 2π), cos β ~ U(−1, 1), one independent rotation per
digit, seeded per digit (see :func:`~dlnotes.sphere.haar.random_rotations`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from dlnotes._io import check_memory
from dlnotes.data import Dataset, Split
from dlnotes.sphere.grid import s2_grid
from dlnotes.sphere.haar import random_rotations
from dlnotes.sphere.rotation import euler_to_matrix

#: Half-width of the image square on the tangent plane, in units of tan(β/2);
#: 1/√2 puts the square's corners on the equator.
IMAGE_HALF_WIDTH = 1 / math.sqrt(2)
#: Seed streams of :func:`~dlnotes.sphere.haar.random_rotations`, so training
#: digits, test digits and the rotations of a figure never share a rotation
#: sequence.
STREAMS = {"train": 0, "test": 1, "figure": 2}


def _grid_points(b: int) -> torch.Tensor:
    """Unit vectors x(β_j, α_k) of the SOFT grid, ``[2b, 2b, 3]`` float64."""
    beta, alpha = s2_grid(b, dtype=torch.float64)
    beta, alpha = torch.meshgrid(beta, alpha, indexing="ij")
    return torch.stack(
        [beta.sin() * alpha.cos(), beta.sin() * alpha.sin(), beta.cos()],
        dim=-1,
    )


def sample_projection(
    images: torch.Tensor,
    points: torch.Tensor,
    rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None,
) -> torch.Tensor:
    """The stereographic projections of ``images [N, 1, H, W]`` sampled at the
    unit vectors ``points [P, 3]`` (float64), image n rotated by its R_n (ZYZ
    ``rotations``, each ``[N]``, or None): ``[N, P]``.

    Raises:
        ValueError: ``images`` not ``[N, 1, H, W]``, or rotations not ``[N]``.
    """
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(
            f"images must have shape [N, 1, H, W], got {tuple(images.shape)}"
        )
    n = images.shape[0]
    points = points.reshape(1, -1, 3).expand(n, -1, -1)  # [N, P, 3]
    if rotations is not None:
        if any(angle.shape != (n,) for angle in rotations):
            raise ValueError(
                f"rotations must be three tensors of shape [{n}], got"
                f" {[tuple(a.shape) for a in rotations]}"
            )
        # [N, 3, 3]
        matrices = euler_to_matrix(
            *(angle.to(torch.float64) for angle in rotations)
        )
        # row vector x times R equals (R^T x)^T = (R^-1 x)^T
        points = points @ matrices
    x1, x2, x3 = points.unbind(-1)
    north = x3 >= 0
    denominator = torch.where(north, 1 + x3, torch.ones_like(x3))
    u = (
        torch.where(north, x1 / denominator, torch.full_like(x1, 2.0))
        / IMAGE_HALF_WIDTH
    )
    v = (
        torch.where(north, x2 / denominator, torch.full_like(x2, 2.0))
        / IMAGE_HALF_WIDTH
    )
    # [N, 1, P, 2] as (column, row)
    sample_at = torch.stack([u, -v], dim=-1).unsqueeze(1).to(images.dtype)
    values = nn.functional.grid_sample(
        images,
        sample_at,
        mode="bilinear",
        padding_mode="zeros",
        align_corners=False,
    )
    return values[:, 0, 0]


def projection_bytes(count: int, b: int) -> int:
    """About the memory :func:`spherical_mnist` needs for ``count`` digits at
    bandwidth ``b``: the float32 signals upright and rotated (2 × 4 bytes per
    grid point) and, while one set is projected, its grid points and
    interpolation weights in float64 (about 48 bytes per point)."""
    return count * (2 * b) ** 2 * (2 * 4 + 48)


def project(
    images: torch.Tensor,
    b: int,
    rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> torch.Tensor:
    """Project planar images onto the sphere's SOFT grid, optionally rotating
    each one.

    Args:
        images: ``[N, 1, H, W]`` images (float).
        b: bandwidth of the SOFT grid; the result is sampled on 2b × 2b points
            (β, α).
        rotations: ZYZ angles ``(alpha, beta, gamma)``, each ``[N]``; image n
            is rotated by R_n, i.e. its projection f_n is sampled at R_n⁻¹x
            (exact for the continuous f_n).

    Returns:
        ``[N, 1, 2b, 2b]`` float32 signals on the sphere.

    Raises:
        ValueError: ``images`` not ``[N, 1, H, W]``, ``b`` below 1, or
            rotations of the wrong length.
    """
    if b < 1:
        raise ValueError(f"b must be >= 1, got {b}")
    check_memory(
        projection_bytes(len(images), b) / 2,
        f"projecting {len(images)} images at b = {b}",
    )
    values = sample_projection(images, _grid_points(b), rotations)
    return values.reshape(-1, 1, 2 * b, 2 * b).to(torch.float32)


def project_to_healpix(
    images: torch.Tensor,
    nside: int,
    rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> np.ndarray:
    """The same projected (and rotated) digits sampled at HEALPix pixel
    centres, ``[N, 12 nside²]``.

    For pictures with ``healpy.orthview`` / ``mollview``: the exact projected
    function, not a band-limited approximation of it (HEALPix θ = β, φ = α).
    """
    import healpy as hp

    vectors = np.stack(
        hp.pix2vec(nside, np.arange(hp.nside2npix(nside))), axis=-1
    )
    return sample_projection(
        images, torch.from_numpy(vectors), rotations
    ).numpy()


@dataclass(frozen=True)
class SphericalMNIST:
    """The four data sets of Table 1 at bandwidth ``b``: train/test, not
    rotated (NR) or rotated (R)."""

    b: int
    train_nr: Dataset
    train_r: Dataset
    test_nr: Dataset
    test_r: Dataset


def project_both(
    data: Dataset, b: int, seed: int, stream: str
) -> tuple[Dataset, Dataset]:
    """``data`` projected at bandwidth ``b``, upright (NR) and rotated (R), as
    in :func:`spherical_mnist`.

    Each digit of the R set gets its own Haar-random rotation
    (:func:`~dlnotes.sphere.haar.random_rotations` with this ``seed`` and the
    ``stream`` of :data:`STREAMS`, ``"train"`` or ``"test"``).
    """
    rotations = random_rotations(len(data), seed, STREAMS[stream])
    return Dataset(project(data.images, b), data.labels), Dataset(
        project(data.images, b, rotations), data.labels
    )


def spherical_mnist(split: Split, b: int, seed: int = 0) -> SphericalMNIST:
    """Project ``split`` (e.g. :func:`dlnotes.data.mnist_5k`) at bandwidth
    ``b``, with and without rotations.

    The R sets rotate every digit by its own Haar-random rotation
    (:func:`project_both`: one stream of rotations for the training digits and
    one for the test digits).
    """
    train_nr, train_r = project_both(split.train, b, seed, "train")
    test_nr, test_r = project_both(split.test, b, seed, "test")
    return SphericalMNIST(b, train_nr, train_r, test_nr, test_r)
