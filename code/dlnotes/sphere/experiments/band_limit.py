"""What a spherical CNN can see of a digit: the degrees l < b₁ that its first
layer keeps.

``S2Convolution(b_in, b_out=b₁)`` transforms its input with ``s2_fft(x,
b_out=b₁)`` (paper eq. 7): everything of degree l ≥ b₁ is discarded before any
filter acts. The network therefore sees only the band-limited digit ``f̃ =
Σ_{l<b₁} Σ_{|m|≤l} f̂ˡ_m Yˡ_m``, however fine the input grid.
:func:`band_limit` computes f̃ on the input grid, and
:func:`band_limit_ceiling` trains the *planar* CNN on upright band-limited
digits: an upper reference for what any classifier of that budget can read from
degrees l < b₁ (the planar model needs no rotation invariance, so it has the
easier task).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import torch

from dlnotes._checks import check_signal
from dlnotes.data import Dataset, Split, mnist_5k
from dlnotes.sphere.experiments.mnist import (
    PlanarCNN,
    balanced_subset,
    project,
)
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.train import Recipe


def band_limit(data: Dataset, degrees: int) -> Dataset:
    """The signals of ``data`` (``[N, 1, 2b, 2b]`` on the SOFT grid) with only
    degrees l < ``degrees`` kept.

    Computed in float64 (``s2_fft`` to ``degrees``, ``s2_ifft`` back to the
    grid of bandwidth b) and returned in the signals' dtype; ``degrees = b``
    keeps every degree the grid resolves.

    Raises:
        ValueError: ``degrees`` outside 1..b, or signals not on a SOFT grid.
    """
    b = check_signal(data.images, "data.images", 2)
    if not 1 <= degrees <= b:
        raise ValueError(
            f"degrees must lie in 1..{b} (the grid's bandwidth), got {degrees}"
        )
    coefficients = s2_fft(data.images.to(torch.float64), b_out=degrees)
    smooth = s2_ifft(coefficients, b).real.to(data.images.dtype)
    return Dataset(smooth, data.labels)


def band_limit_ceiling(
    b: int = 12,
    degrees: Sequence[int] = (4, 6, 8, 10, 12),
    n_train: int = 1500,
    n_test: int = 500,
    recipe: Recipe = Recipe(epochs=6, lr=5e-3, batch_size=16),
    seed: int = 0,
) -> pd.DataFrame:
    """Test accuracy of the planar CNN trained and tested on upright digits
    keeping only degrees l < L.

    The digits of ``mnist_5k`` (``n_train`` / ``n_test`` of them,
    :func:`~dlnotes.sphere.experiments.mnist.experiment.balanced_subset`) are
    projected at bandwidth ``b`` without rotation, band-limited to each L in
    ``degrees`` (:func:`band_limit`), and a fresh
    :class:`~dlnotes.sphere.experiments.mnist.models.PlanarCNN` (seeded) is
    trained on each with ``recipe`` (:class:`dlnotes.train.Recipe`).

    Returns:
        A frame with one row per L and the columns ``degrees`` (L) and ``test
        accuracy``.
    """
    split = mnist_5k()
    split = Split(
        balanced_subset(split.train, n_train),
        balanced_subset(split.test, n_test),
    )
    train = Dataset(project(split.train.images, b), split.train.labels)
    test = Dataset(project(split.test.images, b), split.test.labels)
    rows = []
    for limit in degrees:
        torch.manual_seed(seed)
        model = PlanarCNN(b)
        history = recipe.fit(
            model, band_limit(train, limit), band_limit(test, limit), seed
        )
        rows.append(
            {"degrees": limit, "test accuracy": history.final.test_accuracy}
        )
    return pd.DataFrame(rows)
