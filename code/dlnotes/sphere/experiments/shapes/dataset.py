"""A miniature of the perturbed SHREC17 split: procedural 3-D shapes in
random orientations, seen through :func:`dlnotes.sphere.mesh.mesh_to_sphere`.

SHREC17 (55 classes of ShapeNet models, 51,300 meshes) cannot be downloaded
here, so the book draws its own: ten classes of shapes built from trimesh's
primitives (:data:`CLASSES`), four plain solids and three pairs of mirror
images. A pair's two classes differ in handedness only, not in any radial
profile: an invariant of the full orthogonal group O(3), such as the power
spectrum of each channel, cannot separate them, while a network invariant to
rotations alone can. Each object has random proportions from its class's
ranges and then a random linear deformation ``I + 0.12 N`` (N with standard
normal entries, :data:`DEFORMATION`), so no two objects of a class are alike
(scale needs no jitter: the projection measures distances in units of the
bounding radius). Every object is projected twice at bandwidth ``b``: in its
class's own frame (the *canonical* orientation, the paper's unperturbed data)
and after a rotation drawn uniformly from SO(3) (the *perturbed* data).
Object ``i`` is drawn from ``numpy.random.default_rng([seed, i])`` alone, so
any object can be regenerated without the others (:func:`shape_object`).

The projections of :data:`DEFAULT` ship with the package
(``shapes/data/``, with a README) and are read by :func:`load_shapes`;
``python -m dlnotes.sphere.experiments shapes-data`` writes them again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import torch
import trimesh
from scipy.spatial.transform import Rotation

from dlnotes.data import Dataset
from dlnotes.sphere.mesh import mesh_to_sphere

#: The ten classes in label order. Four plain solids, then three pairs of
#: mirror images (chiral pairs), each the reflection of the other and not a
#: rotation of it.
CLASSES = (
    "box",
    "cone",
    "torus",
    "dumbbell",
    "corner-right",
    "corner-left",
    "twist-right",
    "twist-left",
    "propeller-right",
    "propeller-left",
)
#: Strength of each object's random linear deformation ``I + s N``.
DEFORMATION = 0.12


def _bar(extents, centre, transform=None) -> trimesh.Trimesh:
    bar = trimesh.creation.box(extents=extents)
    if transform is not None:
        bar.apply_transform(transform)
    bar.apply_translation(centre)
    return bar


def _corner(u) -> trimesh.Trimesh:
    """Three square arms along +x, +y, +z from one corner, short, middle and
    long in that order: a right-handed frame."""
    w = u(0.15, 0.25)
    lengths = u([0.35, 0.6, 0.95], [0.5, 0.8, 1.3])
    axes = np.eye(3)
    return trimesh.util.concatenate(
        [
            _bar(np.where(axis > 0, length, w), axis * length / 2)
            for axis, length in zip(axes, lengths, strict=True)
        ]
    )


def _twist(u) -> trimesh.Trimesh:
    """A flat bar along z twisted by 110-160 degrees, right-handed."""
    w, t, h = u(0.5, 0.8), u(0.12, 0.2), u(1.2, 1.8)
    bar = trimesh.creation.box(extents=[w, t, h]).subdivide_to_size(h / 8)
    x, y, z = bar.vertices.T
    angle = u(0.6, 0.9) * np.pi * z / h
    c, s = np.cos(angle), np.sin(angle)
    return trimesh.Trimesh(
        np.stack([x * c - y * s, x * s + y * c, z], 1), bar.faces
    )


def _propeller(u) -> trimesh.Trimesh:
    """A hub and three blades at 120 degrees, each pitched the same way
    about its own long axis."""
    r, length, w = u(0.15, 0.25), u(0.6, 0.9), u(0.25, 0.4)
    pitch = trimesh.transformations.rotation_matrix(u(0.4, 0.7), [1, 0, 0])
    parts = [trimesh.creation.cylinder(r, u(0.3, 0.5), 16)]
    for k in range(3):
        blade = _bar([length, w, 0.06], [r + length / 2 - 0.05, 0, 0], pitch)
        blade.apply_transform(
            trimesh.transformations.rotation_matrix(
                2 * np.pi * k / 3, [0, 0, 1]
            )
        )
        parts.append(blade)
    return trimesh.util.concatenate(parts)


def _mirrored(mesh: trimesh.Trimesh) -> trimesh.Trimesh:
    """The reflection x -> -x (faces reversed so normals stay outward)."""
    return trimesh.Trimesh(mesh.vertices * [-1, 1, 1], mesh.faces[:, ::-1])


_CHIRAL = {"corner": _corner, "twist": _twist, "propeller": _propeller}


def class_mesh(label: int, rng: np.random.Generator) -> trimesh.Trimesh:
    """One undeformed object of class ``CLASSES[label]``, in its canonical
    frame, with proportions drawn from ``rng``. A ``-left`` object is the
    mirror image of a ``-right`` one drawn from the same numbers."""
    if not 0 <= label < len(CLASSES):
        raise ValueError(
            f"label must lie in 0..{len(CLASSES) - 1}, got {label}"
        )
    u = rng.uniform
    name = CLASSES[label]
    if name == "box":
        return trimesh.creation.box(extents=u(0.4, 1.0, 3))
    if name == "cone":
        return trimesh.creation.cone(u(0.3, 0.6), u(0.6, 1.4), 20)
    if name == "torus":
        return trimesh.creation.torus(u(0.5, 0.8), u(0.12, 0.3), 20, 10)
    if name == "dumbbell":
        h = u(0.8, 1.4)
        ends = []
        for z in (-h / 2, h / 2):
            ball = trimesh.creation.icosphere(2, radius=u(0.2, 0.35))
            ball.apply_translation([0, 0, z])
            ends.append(ball)
        rod = trimesh.creation.cylinder(u(0.08, 0.15), h, 12)
        return trimesh.util.concatenate([rod, *ends])
    shape, hand = name.split("-")
    mesh = _CHIRAL[shape](u)
    return mesh if hand == "right" else _mirrored(mesh)


@dataclass(frozen=True)
class ShapeObject:
    """One object: its label, deformed mesh in the canonical frame, and the
    rotation (a 3×3 matrix) of its perturbed copy."""

    label: int
    mesh: trimesh.Trimesh
    rotation: np.ndarray

    def rotated(self) -> trimesh.Trimesh:
        """The mesh turned by ``rotation`` about the origin."""
        return trimesh.Trimesh(
            self.mesh.vertices @ self.rotation.T, self.mesh.faces
        )


def shape_object(index: int, n_classes: int, seed: int) -> ShapeObject:
    """Object ``index`` of a data set drawn with ``seed``: class ``index %
    n_classes``, everything random from ``default_rng([seed, index])``."""
    rng = np.random.default_rng([seed, index])
    label = index % n_classes
    mesh = class_mesh(label, rng)
    deformation = np.eye(3) + DEFORMATION * rng.normal(size=(3, 3))
    mesh = trimesh.Trimesh(mesh.vertices @ deformation.T, mesh.faces)
    rotation = Rotation.random(random_state=rng).as_matrix()
    return ShapeObject(label, mesh, rotation)


@dataclass(frozen=True)
class ShapeSettings:
    """What a shape data set is drawn with: bandwidth, objects per class
    (the last ``test_per_class`` of each class form the test set), seed."""

    b: int = 8
    per_class: int = 48
    test_per_class: int = 12
    seed: int = 0

    def check(self) -> None:
        """A clear ``ValueError`` for settings that cannot make a data set."""
        for name in ("b", "per_class", "test_per_class"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an int, got {value!r}")
        if self.b < 2:
            raise ValueError(f"b must be >= 2, got {self.b}")
        if not 1 <= self.test_per_class < self.per_class:
            raise ValueError(
                "test_per_class must lie in 1..per_class-1, got"
                f" {self.test_per_class} with per_class={self.per_class}"
            )
        if self.seed < 0:
            raise ValueError(f"seed must be >= 0, got {self.seed}")


#: The settings of the shipped data set.
DEFAULT = ShapeSettings()


@dataclass(frozen=True)
class ShapeSet:
    """Projected objects: ``canonical`` and ``rotated`` signals ``[n, 6, 2b,
    2b]`` (float16), ``labels [n]``, ``test [n]`` (bool), ``rotations [n, 3,
    3]``."""

    settings: ShapeSettings
    canonical: np.ndarray
    rotated: np.ndarray
    labels: np.ndarray
    test: np.ndarray
    rotations: np.ndarray

    def fingerprint(self) -> str:
        """SHA-256 (first 16 hex digits) of the signals and labels: names the
        exact data a model was trained on."""
        digest = hashlib.sha256()
        for array in (self.canonical, self.rotated, self.labels, self.test):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()[:16]

    def split(self, orientation: str, test: bool) -> Dataset:
        """The training or test objects, ``"canonical"`` or ``"rotated"``, as
        float32 tensors."""
        if orientation not in ("canonical", "rotated"):
            raise ValueError(
                "orientation must be 'canonical' or 'rotated', got"
                f" {orientation!r}"
            )
        signals = getattr(self, orientation)[self.test == test]
        return Dataset(
            torch.from_numpy(signals.astype(np.float32)),
            torch.from_numpy(self.labels[self.test == test].astype(np.int64)),
        )


def project_object(obj: ShapeObject, b: int) -> tuple[np.ndarray, ...]:
    """``(canonical, rotated)`` six-channel signals of ``obj`` at bandwidth
    ``b``, rounded to float16."""
    return tuple(
        mesh_to_sphere(mesh, b).astype(np.float16)
        for mesh in (obj.mesh, obj.rotated())
    )


def generate_shapes(
    settings: ShapeSettings = DEFAULT, indices=None
) -> ShapeSet:
    """Draw and project the objects of ``settings`` (or only ``indices``)."""
    settings.check()
    n = settings.per_class * len(CLASSES)
    indices = range(n) if indices is None else list(indices)
    objects = [shape_object(i, len(CLASSES), settings.seed) for i in indices]
    pairs = [project_object(obj, settings.b) for obj in objects]
    test_from = (settings.per_class - settings.test_per_class) * len(CLASSES)
    return ShapeSet(
        settings,
        np.stack([p[0] for p in pairs]),
        np.stack([p[1] for p in pairs]),
        np.array([obj.label for obj in objects], dtype=np.int64),
        np.array([i >= test_from for i in indices]),
        np.stack([obj.rotation for obj in objects]),
    )


#: Where the shipped projections live (inside the package).
DATA = Path(str(resources.files("dlnotes.sphere.experiments.shapes") / "data"))


def data_path(settings: ShapeSettings = DEFAULT) -> Path:
    """``shapes-b<b>-n<per_class>-seed<seed>.npz`` in :data:`DATA`."""
    return DATA / (
        f"shapes-b{settings.b}-n{settings.per_class}"
        f"-t{settings.test_per_class}-seed{settings.seed}.npz"
    )


def save_shapes(shapes: ShapeSet, path: str | Path) -> Path:
    """Write ``shapes`` as a compressed ``.npz`` (settings included)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    s = shapes.settings
    np.savez_compressed(
        path,
        canonical=shapes.canonical,
        rotated=shapes.rotated,
        labels=shapes.labels,
        test=shapes.test,
        rotations=shapes.rotations,
        settings=np.array([s.b, s.per_class, s.test_per_class, s.seed]),
    )
    return path


def load_shapes(path: str | Path | None = None) -> ShapeSet:
    """The shipped data set (:data:`DEFAULT`), or the one saved at ``path``.

    Raises:
        FileNotFoundError: no such file (regenerate it with ``python -m
            dlnotes.sphere.experiments shapes-data``).
    """
    path = data_path() if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist: write it with python -m"
            " dlnotes.sphere.experiments shapes-data"
        )
    with np.load(path) as data:
        b, per_class, test_per_class, seed = (int(v) for v in data["settings"])
        return ShapeSet(
            ShapeSettings(b, per_class, test_per_class, seed),
            data["canonical"],
            data["rotated"],
            data["labels"],
            data["test"],
            data["rotations"],
        )
