"""dlnotes.mnist_idx: the standard IDX files read back exactly; malformed files
get clear errors."""

import gzip
import struct

import numpy as np
import pytest

from dlnotes.mnist_idx import (
    FILES,
    idx_shape,
    mnist_idx,
    mnist_idx_sizes,
    read_idx,
)


def write_idx(path, array: np.ndarray, compress: bool = False) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + struct.pack(
        f">{array.ndim}I", *array.shape
    )
    data = header + array.astype(np.uint8).tobytes()
    if compress:
        with gzip.open(f"{path}.gz", "wb") as handle:
            handle.write(data)
    else:
        path.write_bytes(data)


def write_mnist(folder, n_train=6, n_test=4, compress=True):
    rng = np.random.default_rng(0)
    parts = {"train": n_train, "test": n_test}
    arrays = {}
    for (part, what), name in FILES.items():
        n = parts[part]
        arrays[part, what] = (
            rng.integers(0, 256, (n, 28, 28))
            if what == "images"
            else rng.integers(0, 10, n)
        )
        write_idx(folder / name, arrays[part, what], compress)
    return arrays


@pytest.mark.parametrize("compress", [False, True])
def test_reads_back_what_was_written(tmp_path, compress, assert_close):
    arrays = write_mnist(tmp_path, compress=compress)
    split = mnist_idx(tmp_path)
    assert split.train.images.shape == (6, 1, 28, 28) and len(split.test) == 4
    assert_close(
        split.train.images[:, 0].numpy() * 255,
        arrays["train", "images"].astype(np.float32),
    )
    assert (split.test.labels.numpy() == arrays["test", "labels"]).all()
    assert mnist_idx_sizes(tmp_path) == (6, 4)


def test_the_header_alone_gives_the_shape(tmp_path):
    write_idx(tmp_path / "x", np.zeros((3, 5, 7)))
    assert idx_shape(tmp_path / "x") == (3, 5, 7)
    assert read_idx(tmp_path / "x").shape == (3, 5, 7)


def test_a_missing_file_is_named(tmp_path):
    write_mnist(tmp_path)
    (tmp_path / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="t10k-labels-idx1-ubyte"):
        mnist_idx(tmp_path)


@pytest.mark.parametrize(
    ("data", "match"),
    [
        (
            b"\x00\x00\x0d\x01" + struct.pack(">I", 2) + b"ab",
            "not an IDX file of unsigned bytes",
        ),
        (b"\x00\x00\x08\x02" + struct.pack(">I", 2), "truncated"),
        (
            b"\x00\x00\x08\x01" + struct.pack(">I", 5) + b"abc",
            "holds 3 data bytes",
        ),
        (b"", "not an IDX file"),
    ],
)
def test_malformed_files_get_clear_errors(tmp_path, data, match):
    (tmp_path / "bad").write_bytes(data)
    with pytest.raises(ValueError, match=match):
        read_idx(tmp_path / "bad")


def test_labels_and_images_must_agree(tmp_path):
    write_mnist(tmp_path)
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(5), compress=True)
    with pytest.raises(ValueError, match="must hold images"):
        mnist_idx(tmp_path)


def test_corrupt_gzip_and_unreadable_files_are_one_line(tmp_path, monkeypatch):
    path = tmp_path / "train-images-idx3-ubyte.gz"
    noise = np.random.default_rng(0).integers(0, 256, (50, 28, 28))
    write_idx(tmp_path / "train-images-idx3-ubyte", noise, True)
    data = bytearray(path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 64] = bytes(64)  # damaged deflate
    path.write_bytes(bytes(data))
    not_gzip = tmp_path / "test-images-idx3-ubyte.gz"
    not_gzip.write_bytes(b"not gzip data at all")
    for read, bad in ((read_idx, path), (idx_shape, not_gzip)):
        with pytest.raises(ValueError, match="cannot be read") as raised:
            read(bad)
        assert str(bad) in str(raised.value)
        assert "\n" not in str(raised.value)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(gzip, "open", refuse)  # root reads every file
    with pytest.raises(ValueError, match="Permission denied"):
        read_idx(path)
