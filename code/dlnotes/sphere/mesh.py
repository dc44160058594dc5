"""A triangle mesh as a function on the sphere: the ray casting of Cohen et
al. (2018), §5.3.

The mesh is put inside a bounding sphere of radius ``R`` about its centre
``c``. From every point ``c + R x`` of the SOFT grid
(:func:`dlnotes.sphere.grid.s2_grid`, with x(β, α) = (sin β cos α, sin β sin
α, cos β); conventions in :mod:`dlnotes.sphere.conventions`) a ray is cast
toward the centre, direction ``d = −x``. Per ray three numbers are kept:

* ``distance``: how far the ray travels before it first meets the surface,
  in units of ``R`` (0 on the bounding sphere, 2 for a ray that meets
  nothing);
* ``cos θ`` and ``sin θ``, θ ∈ [0, π/2] the angle between the ray and the
  line of the surface normal n at the hit, cos θ = ``|d · n|`` (0 and 0
  for a miss).

The same three are taken for the mesh's convex hull, which gives the
paper's six channels ``[6, 2b, 2b]`` (mesh, then hull).

**Equivariance.** The centre is the area-weighted centroid of the surface and
``R`` the largest distance of a vertex from it; both follow the mesh when it
is rotated about the origin. Rotating the mesh by ``R_g`` therefore rotates
the signal exactly: ``f_{R_g mesh}(x) = f_mesh(R_g⁻¹ x)`` at every direction
x (:func:`cast_rays` evaluates f at any directions, so this is tested
without any resampling). Only the sampling grid does not follow the
rotation.

Rays are intersected with every triangle by the Möller–Trumbore test in
NumPy (float64), in blocks of rays: exact for the meshes of a few thousand
faces used here, needs no spatial index, and gives the same bits on every
run.
"""

from __future__ import annotations

import numpy as np
import trimesh

from dlnotes.sphere.grid import s2_grid

#: The six channels of :func:`mesh_to_sphere`, in order.
CHANNELS = (
    "distance",
    "cos",
    "sin",
    "hull distance",
    "hull cos",
    "hull sin",
)
_EPSILON = 1e-12
_BLOCK = 256


def grid_directions(b: int) -> np.ndarray:
    """Unit vectors ``[2b, 2b, 3]`` of the SOFT grid points x(β_j, α_k)."""
    beta, alpha = (t.double().numpy() for t in s2_grid(b))
    beta, alpha = np.meshgrid(beta, alpha, indexing="ij")
    return np.stack(
        [
            np.sin(beta) * np.cos(alpha),
            np.sin(beta) * np.sin(alpha),
            np.cos(beta),
        ],
        axis=-1,
    )


def _check_mesh(mesh: trimesh.Trimesh) -> None:
    if not isinstance(mesh, trimesh.Trimesh):
        raise TypeError(
            f"mesh must be a trimesh.Trimesh, got {type(mesh).__name__}"
        )
    if len(mesh.faces) == 0:
        raise ValueError("mesh is empty: it has no faces to hit")
    if not np.all(np.isfinite(mesh.vertices)):
        raise ValueError("mesh has non-finite vertex coordinates")
    if not mesh.area > 0:
        raise ValueError("mesh has zero surface area")


def bounding_sphere(mesh: trimesh.Trimesh) -> tuple[np.ndarray, float]:
    """``(c, R)``: the area-weighted centroid of the surface and the largest
    distance of a vertex from it (both rotate with the mesh)."""
    _check_mesh(mesh)
    areas = mesh.area_faces
    centre = (mesh.triangles_center * areas[:, None]).sum(0) / areas.sum()
    radius = float(np.linalg.norm(mesh.vertices - centre, axis=1).max())
    return centre, radius


def _first_hits(
    origins: np.ndarray, directions: np.ndarray, triangles: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Möller–Trumbore: for rays ``origin + t·direction`` (``[N, 3]`` each,
    unit directions) and triangles ``[F, 3, 3]``, the smallest ``t ≥ 0`` of a
    hit (``inf`` if none) and the index of the triangle hit (−1 if none)."""
    v0 = triangles[:, 0]
    edge1 = triangles[:, 1] - v0
    edge2 = triangles[:, 2] - v0
    t_best = np.full(len(origins), np.inf)
    face_best = np.full(len(origins), -1)
    for start in range(0, len(origins), _BLOCK):
        o = origins[start : start + _BLOCK, None, :]
        d = directions[start : start + _BLOCK, None, :]
        p = np.cross(d, edge2)
        det = (edge1 * p).sum(-1)
        parallel = np.abs(det) < _EPSILON
        inv = 1.0 / np.where(parallel, 1.0, det)
        s = o - v0
        u = (s * p).sum(-1) * inv
        q = np.cross(s, edge1)
        v = (d * q).sum(-1) * inv
        t = (edge2 * q).sum(-1) * inv
        hit = (~parallel) & (u >= 0) & (v >= 0) & (u + v <= 1) & (t >= 0)
        t = np.where(hit, t, np.inf)
        face = t.argmin(1)
        t_min = t[np.arange(len(t)), face]
        t_best[start : start + _BLOCK] = t_min
        face_best[start : start + _BLOCK] = np.where(
            np.isfinite(t_min), face, -1
        )
    return t_best, face_best


def cast_rays(
    mesh: trimesh.Trimesh,
    directions: np.ndarray,
    centre: np.ndarray | None = None,
    radius: float | None = None,
) -> np.ndarray:
    """The three ray channels ``[3, ...]`` (distance / R, cos θ, sin θ) of
    rays cast from ``centre + radius·x`` toward ``centre``, for unit vectors
    ``directions [..., 3]``.

    ``centre`` and ``radius`` default to :func:`bounding_sphere`; ``radius``
    must reach beyond every vertex, or rays would start inside the mesh.

    Raises:
        TypeError: ``mesh`` is not a ``trimesh.Trimesh``.
        ValueError: an empty or degenerate mesh, directions that are not unit
            3-vectors, or a sphere that does not enclose the mesh.
    """
    _check_mesh(mesh)
    directions = np.asarray(directions, dtype=np.float64)
    if directions.ndim < 1 or directions.shape[-1] != 3:
        raise ValueError(
            f"directions must have shape [..., 3], got {directions.shape}"
        )
    if not np.allclose(np.linalg.norm(directions, axis=-1), 1.0):
        raise ValueError("directions must be unit vectors")
    default_centre, default_radius = bounding_sphere(mesh)
    centre = default_centre if centre is None else np.asarray(centre, float)
    if radius is None:
        radius = default_radius
    reach = np.linalg.norm(mesh.vertices - centre, axis=1).max()
    if not radius >= reach:
        raise ValueError(
            f"radius {radius} does not enclose the mesh (a vertex lies at"
            f" {reach} from the centre)"
        )
    x = directions.reshape(-1, 3)
    rays = -x
    t, face = _first_hits(centre + radius * x, rays, mesh.triangles)
    missed = face < 0
    normals = mesh.face_normals[np.where(missed, 0, face)]
    cos = np.abs((normals * rays).sum(-1)).clip(0.0, 1.0)
    sin = np.sqrt(1.0 - cos**2)
    distance = np.where(missed, 2.0, t / radius)
    cos = np.where(missed, 0.0, cos)
    sin = np.where(missed, 0.0, sin)
    return np.stack([distance, cos, sin]).reshape(3, *directions.shape[:-1])


def mesh_to_sphere(mesh: trimesh.Trimesh, b: int) -> np.ndarray:
    """The paper's six spherical channels ``[6, 2b, 2b]`` (float64) of
    ``mesh`` on the SOFT grid of bandwidth ``b``: :func:`cast_rays` on the
    mesh and on its convex hull, in the order of :data:`CHANNELS`, with the
    mesh's :func:`bounding_sphere` for both.

    Raises:
        TypeError, ValueError: as :func:`cast_rays`; a bandwidth that is not
            an int >= 1.
    """
    directions = grid_directions(b)
    centre, radius = bounding_sphere(mesh)
    surface = cast_rays(mesh, directions, centre, radius)
    hull = cast_rays(mesh.convex_hull, directions, centre, radius)
    return np.concatenate([surface, hull])
