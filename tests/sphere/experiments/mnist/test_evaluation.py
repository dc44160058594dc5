"""dlnotes.sphere.experiments.mnist.evaluation: Table 1 from evaluated runs,
and one digit's class probabilities under rotations (``evaluate_runs`` on
shipped and fresh checkpoints: test_checkpoints.py)."""

import math

import numpy as np
import pandas as pd
import pytest
import torch

from dlnotes.sphere.experiments.mnist import SphericalCNN, project
from dlnotes.sphere.experiments.mnist.evaluation import (
    probabilities_under_rotations,
    table1,
)
from dlnotes.sphere.experiments.mnist.experiment import PAPER_ACCURACY


def runs(accuracy: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    """Rows shaped like ``evaluate_runs``': ``accuracy[(model, train_on)]``
    lists ``(test NR, test R)`` per seed in turn."""
    rows = []
    for (model, train_on), values in accuracy.items():
        for seed, (nr, r) in enumerate(
            zip(values[::2], values[1::2], strict=True)
        ):
            rows.append(
                {
                    "model": model,
                    "train_on": train_on,
                    "seed": seed,
                    "test NR": nr,
                    "test R": r,
                }
            )
    return pd.DataFrame(rows)


def test_table1_averages_over_seeds_per_condition():
    table = table1(
        runs(
            {
                ("spherical", "NR"): [0.9, 0.8, 0.7, 0.6],
                ("spherical", "R"): [0.5, 0.4],
            }
        )
    )
    assert list(table["condition"]) == ["NR/NR", "R/R", "NR/R"]
    row = table.set_index("condition").loc["NR/R"]
    assert row["mean"] == pytest.approx(0.7) and row["seeds"] == 2
    assert row["std"] == pytest.approx(np.std([0.8, 0.6], ddof=1))
    assert row["paper"] == PAPER_ACCURACY["spherical"]["NR/R"]
    # one seed: no spread to estimate
    assert math.isnan(table.set_index("condition").loc["R/R"]["std"])


def test_probabilities_under_rotations_start_from_the_upright_digit(
    assert_close,
):
    torch.manual_seed(0)
    model = SphericalCNN(6, 4, 2).eval()
    image = torch.rand(1, 28, 28, generator=torch.Generator().manual_seed(0))
    probabilities = probabilities_under_rotations(model, image, 6, 4, seed=1)
    assert probabilities.shape == (4, 10)
    # sums of ten probabilities
    assert_close(probabilities.sum(axis=1), np.ones(4, np.float32), k=10)
    with torch.no_grad():
        upright = torch.softmax(model(project(image[None], 6)), dim=1)
    assert_close(probabilities[0], upright[0].numpy(), k=10)
    np.testing.assert_array_equal(
        probabilities_under_rotations(model, image, 6, 4, seed=1),
        probabilities,
    )


def test_probabilities_under_rotations_refuse_a_batch_or_no_rotation():
    model = SphericalCNN(6, 4, 2)
    with pytest.raises(ValueError, match=r"image must be one digit \[1, H"):
        probabilities_under_rotations(model, torch.zeros(2, 1, 28, 28), 6, 3)
    with pytest.raises(ValueError, match="count must be >= 1, got 0"):
        probabilities_under_rotations(model, torch.zeros(1, 28, 28), 6, 0)
