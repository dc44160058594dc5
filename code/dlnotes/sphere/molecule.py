"""A molecule as functions on spheres: the QM7 input of Cohen et al. (2018),
§5.4.

Around the position p_i of each atom i (charge Z_i) a sphere of radius r is
drawn. For each atom type z of :data:`ATOM_TYPES` one channel holds the
Coulomb-like potential that the *other* atoms of that type create on it::

    U_z(x) = Σ_{j ≠ i, Z_j = z} Z_i z / |x − p_j|,    x = p_i + r u,

sampled at the unit vectors u of the SOFT grid
(:func:`dlnotes.sphere.mesh.grid_directions`; conventions in
:mod:`dlnotes.sphere.conventions`). A molecule of n atoms becomes n signals
``[len(ATOM_TYPES), 2b, 2b]``. The paper takes r the same for all atoms and
molecules, as small as keeps the spheres of a data set from intersecting; for
one molecule that is half its shortest interatomic distance
(:func:`sphere_radius`).

Rotating the molecule rotates every sphere's signal, and reordering the
atoms reorders the signals: the paper's network therefore applies the same
spherical CNN to every atom's signal (rotation-invariant features through
∫_{SO(3)}) and sums the atoms' features in a DeepSet, ψ(Σ_i φ(features_i)),
which does not depend on the order of the atoms.
"""

from __future__ import annotations

import numpy as np

from dlnotes.sphere.mesh import grid_directions

#: The atom types of QM7 (H, C, N, O, S), one channel each, by atomic number.
ATOM_TYPES = (1, 6, 7, 8, 16)


def _check(positions: np.ndarray, numbers: np.ndarray) -> None:
    if positions.ndim != 2 or positions.shape[1] != 3:
        raise ValueError(
            f"positions must be [n, 3], got shape {positions.shape}"
        )
    if numbers.shape != (len(positions),):
        raise ValueError(
            f"numbers must be [n] with n = {len(positions)}, got"
            f" {numbers.shape}"
        )
    if len(positions) < 2:
        raise ValueError("a molecule needs at least two atoms")
    unknown = set(numbers.tolist()) - set(ATOM_TYPES)
    if unknown:
        raise ValueError(
            f"atomic numbers {sorted(unknown)} are not among {ATOM_TYPES}"
        )


def sphere_radius(positions: np.ndarray) -> float:
    """Half the shortest distance between two atoms: the largest radius at
    which no two atoms' spheres intersect."""
    positions = np.asarray(positions, dtype=np.float64)
    gaps = np.linalg.norm(positions[:, None] - positions[None], axis=-1)
    gaps[np.diag_indices(len(positions))] = np.inf
    return float(gaps.min() / 2)


def molecule_to_spheres(
    positions: np.ndarray,
    numbers: np.ndarray,
    b: int,
    radius: float | None = None,
) -> np.ndarray:
    """The signals ``[n_atoms, len(ATOM_TYPES), 2b, 2b]`` of the module
    docstring, for atoms at ``positions [n, 3]`` (Å) with atomic
    ``numbers [n]``; ``radius`` defaults to :func:`sphere_radius`.

    Raises:
        ValueError: shapes that do not match, fewer than two atoms, an atom
            type outside :data:`ATOM_TYPES`, or a radius that is not
            positive.
    """
    positions = np.asarray(positions, dtype=np.float64)
    numbers = np.asarray(numbers)
    _check(positions, numbers)
    radius = sphere_radius(positions) if radius is None else float(radius)
    if not radius > 0:
        raise ValueError(f"radius must be > 0, got {radius}")
    u = grid_directions(b)
    # points [n, 2b, 2b, 3] on the sphere of every atom
    points = positions[:, None, None] + radius * u
    # distance from each sphere's points to every atom: [n, 2b, 2b, n]
    distance = np.linalg.norm(
        points[..., None, :] - positions[None, None, None], axis=-1
    )
    n = len(positions)
    others = ~np.eye(n, dtype=bool)  # [i, j]: j ≠ i
    signals = np.zeros((n, len(ATOM_TYPES), 2 * b, 2 * b))
    for channel, z in enumerate(ATOM_TYPES):
        weight = (others & (numbers[None] == z)) * numbers[:, None] * z
        signals[:, channel] = np.einsum("ij,iabj->iab", weight, 1.0 / distance)
    return signals
