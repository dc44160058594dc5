"""dlnotes.mobilenet.experiments.cluttered: the warped, cluttered digits are
seeded, in range and harder."""

import pytest
import torch

from dlnotes.data import Dataset
from dlnotes.mobilenet.experiments import cluttered as cl


def _tiny(n=6):
    images = torch.zeros(n, 1, 28, 28)
    images[:, :, 10:18, 12:16] = 1.0  # a bar in the middle of each canvas
    return Dataset(images, torch.arange(n) % 10)


def test_distort_is_seeded_keeps_labels_and_range():
    data = _tiny()
    a, b, c = cl.distort(data, 0), cl.distort(data, 0), cl.distort(data, 1)
    assert torch.equal(a.images, b.images) and not torch.equal(
        a.images, c.images
    )
    assert (
        torch.equal(a.labels, data.labels)
        and a.images.shape == data.images.shape
    )
    assert a.images.min() >= 0 and a.images.max() <= 1
    assert not torch.equal(a.images, data.images)


@pytest.fixture
def identity_ranges(monkeypatch):
    """No rotation, shear, scaling or shift: every random affine map is the
    identity."""
    monkeypatch.setattr(cl, "ROTATION_DEGREES", 0.0)
    monkeypatch.setattr(cl, "SHEAR", 0.0)
    monkeypatch.setattr(cl, "SCALE", (1.0, 1.0))
    monkeypatch.setattr(cl, "SHIFT_PIXELS", 0.0)


def test_warp_with_the_identity_range_is_the_identity(
    identity_ranges, assert_close
):
    images = torch.rand(3, 1, 28, 28)
    assert_close(cl.warp(images, torch.Generator().manual_seed(0)), images)


def test_the_identity_warp_does_not_blur_a_single_pixel(identity_ranges):
    images = torch.zeros(1, 1, 28, 28)
    images[0, 0, 5, 7] = 1.0
    out = cl.warp(images, torch.Generator().manual_seed(0))
    assert out[0, 0, 5, 7] == pytest.approx(1.0, abs=1e-5)


def test_clutter_only_adds_pieces_of_other_digits():
    images = torch.zeros(5, 1, 28, 28)
    sources = torch.stack(
        [torch.full((1, 28, 28), (i + 1) / 10) for i in range(5)]
    )
    out = cl.clutter(images, sources, torch.Generator().manual_seed(0))
    for i in range(5):
        values = {round(v, 4) for v in out[i].unique().tolist()} - {0.0}
        # never a piece of itself
        assert values and round((i + 1) / 10, 4) not in values
        assert (out[i] > 0).sum() <= cl.PIECES * cl.PIECE_SIDE**2


def test_cluttered_mnist_is_the_split_distorted_and_fresh():
    split = cl.cluttered_mnist()
    assert split.train.images.shape == (
        4000,
        1,
        28,
        28,
    ) and split.test.images.shape == (1000, 1, 28, 28)
    split.train.images.zero_()
    # the cache is not touched
    assert cl.cluttered_mnist().train.images.abs().sum() > 0


def test_task_split_and_bad_input():
    assert cl.task_split("mnist").train.images.shape == (4000, 1, 28, 28)
    with pytest.raises(ValueError, match="task must be one of"):
        cl.task_split("imagenet")
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        cl.cluttered_mnist(-1)
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        cl.distort(_tiny(), 1.5)
    with pytest.raises(ValueError, match="at least 2 digits"):
        cl.distort(_tiny(1), 0)


def test_fresh_clutter_differs_by_epoch_and_seed_and_repeats_exactly():
    a, b = cl.FreshClutter(0), cl.FreshClutter(1)
    first, again = a.train(1), cl.FreshClutter(0).train(1)
    assert torch.equal(first.images, again.images)
    assert not torch.equal(first.images, a.train(2).images)
    assert not torch.equal(first.images, b.train(1).images)
    # the labels stay those of the 4,000 training digits
    assert torch.equal(first.labels, cl.mnist_5k().train.labels)
    test = a.test
    assert len(test) == cl.TEST_DRAWS * 1000 and torch.equal(
        test.images, b.test.images
    )
    assert not torch.equal(test.images[:1000], test.images[1000:])
    assert len({cl.stream_seed(0, e) for e in range(1, 50)}) == 49


def test_fresh_clutter_bad_input():
    with pytest.raises(ValueError, match="seed must be an int >= 0"):
        cl.FreshClutter(-1)
    with pytest.raises(ValueError, match="epoch must be an int >= 1"):
        cl.FreshClutter(0).train(0)
    with pytest.raises(ValueError, match="use FreshClutter"):
        cl.task_split("fresh")
