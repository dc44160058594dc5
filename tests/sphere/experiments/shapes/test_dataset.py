"""Tests of the shape data set: the shipped file is what its command draws,
bit for bit; the objects are what their classes say."""

import numpy as np
import pytest

from dlnotes.sphere.experiments.shapes.dataset import (
    CLASSES,
    DEFAULT,
    ShapeSettings,
    class_mesh,
    generate_shapes,
    load_shapes,
    shape_object,
)
from dlnotes.sphere.experiments.shapes.models import power_spectrum
from dlnotes.sphere.mesh import mesh_to_sphere


@pytest.fixture(scope="module")
def shipped():
    return load_shapes()


def test_shipped_data_set_has_its_size_and_split(shipped, assert_close):
    n = DEFAULT.per_class * len(CLASSES)
    assert shipped.settings == DEFAULT
    assert shipped.canonical.shape == (n, 6, 2 * DEFAULT.b, 2 * DEFAULT.b)
    assert shipped.rotated.shape == shipped.canonical.shape
    assert shipped.canonical.dtype == np.float16
    assert np.bincount(shipped.labels).tolist() == [DEFAULT.per_class] * 10
    test_labels = shipped.labels[shipped.test]
    assert np.bincount(test_labels).tolist() == [DEFAULT.test_per_class] * 10
    assert_close(
        shipped.rotations @ shipped.rotations.transpose(0, 2, 1),
        np.broadcast_to(np.eye(3), (n, 3, 3)),
    )


@pytest.mark.parametrize("indices", [[0, 7, 468, 479]])
def test_regenerated_objects_equal_the_shipped_ones_bit_for_bit(
    shipped, indices
):
    again = generate_shapes(DEFAULT, indices)
    for name in ("canonical", "rotated", "labels", "test", "rotations"):
        np.testing.assert_array_equal(
            getattr(again, name), getattr(shipped, name)[indices]
        )


def test_objects_are_drawn_from_their_own_seed():
    a = shape_object(5, 10, seed=0)
    b = shape_object(5, 10, seed=0)
    c = shape_object(5, 10, seed=1)
    assert a.label == 5 and CLASSES[a.label] == "corner-left"
    np.testing.assert_array_equal(a.mesh.vertices, b.mesh.vertices)
    assert not np.array_equal(a.rotation, c.rotation)


@pytest.mark.parametrize("shape", ["corner", "twist", "propeller"])
def test_a_left_object_is_the_mirror_image_of_a_right_one(shape):
    """Same numbers, x -> -x; an invariant of O(3) such as the power spectrum
    cannot tell the two apart (the SOFT grid maps to itself under the
    reflection, up to the rounding of the ray casting), although the signals
    differ."""
    right, left = (
        class_mesh(CLASSES.index(f"{shape}-{hand}"), np.random.default_rng(3))
        for hand in ("right", "left")
    )
    np.testing.assert_array_equal(left.vertices, right.vertices * [-1, 1, 1])
    signals = np.stack([mesh_to_sphere(m, 8) for m in (right, left)])
    assert np.abs(signals[0] - signals[1]).max() > 0.5
    spectra = power_spectrum(signals)
    np.testing.assert_allclose(spectra[0], spectra[1], rtol=1e-4, atol=1e-9)


def test_an_unknown_label_is_refused():
    with pytest.raises(ValueError, match="label must lie"):
        class_mesh(len(CLASSES), np.random.default_rng(0))


@pytest.mark.parametrize(
    "settings",
    [
        ShapeSettings(b=1),
        ShapeSettings(per_class=4, test_per_class=4),
        ShapeSettings(test_per_class=0),
        ShapeSettings(seed=-1),
        ShapeSettings(b=8.0),
    ],
)
def test_bad_settings_are_refused(settings):
    with pytest.raises(ValueError):
        generate_shapes(settings, [0])


def test_missing_file_says_how_to_make_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="shapes-data"):
        load_shapes(tmp_path / "none.npz")


def test_split_refuses_an_unknown_orientation(shipped):
    with pytest.raises(ValueError, match="orientation"):
        shipped.split("upside-down", test=True)
