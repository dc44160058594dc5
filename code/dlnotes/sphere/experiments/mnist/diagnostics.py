"""Why end-to-end training of the spherical CNN is slow at [0, 1] inputs: its
invariant features move together."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from dlnotes.data import Dataset, mnist_5k
from dlnotes.sphere.experiments.mnist.experiment import balanced_subset
from dlnotes.sphere.experiments.mnist.models import SphericalCNN
from dlnotes.sphere.experiments.mnist.projection import project


@dataclass(frozen=True)
class FeatureDiagnosis:
    """How much the invariant features of an untrained
    :class:`~dlnotes.sphere.experiments.mnist.models.SphericalCNN` tell the
    digits apart.

    Attributes:
        first_component_share: fraction of the across-digit variance of the
            ``f2`` invariant features that lies along their first principal
            direction.
        mass_correlation: correlation, across digits, of the first principal
            component with the digit's ink (the sum of its pixels).
        frozen_accuracy: test accuracy of a logistic regression fitted to
            convergence on the standardised invariant features of the untrained
            network.
    """

    first_component_share: float
    mass_correlation: float
    frozen_accuracy: float


@torch.no_grad()
def diagnose_invariant_features(
    b: int,
    b1: int,
    b2: int,
    n_train: int = 1000,
    n_test: int = 500,
    seed: int = 0,
) -> FeatureDiagnosis:
    """Why end-to-end training of the spherical CNN is slow: its invariant
    features move together.

    Builds :class:`~dlnotes.sphere.experiments.mnist.models.SphericalCNN` ``(b,
    b1, b2)`` under ``torch.manual_seed(seed)``, computes the ``so3_integrate``
    features of ``n_train`` / ``n_test`` upright digits (balanced subsets of
    ``mnist_5k``), and measures their principal spread and what a linear
    classifier can read from them when fitted to convergence (scikit-learn's
    ``LogisticRegression``).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    split = mnist_5k()
    train, test = (
        balanced_subset(split.train, n_train),
        balanced_subset(split.test, n_test),
    )
    torch.manual_seed(seed)
    model = SphericalCNN(b, b1, b2).double().eval()

    def features(data: Dataset) -> np.ndarray:
        signals = project(data.images, b).double()
        return torch.cat(
            [model.features(chunk) for chunk in signals.split(100)]
        ).numpy()

    train_x, test_x = features(train), features(test)
    centred = train_x - train_x.mean(0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    share = float(singular[0] ** 2 / (singular**2).sum())
    mass = train.images.flatten(1).sum(1).double().numpy()
    correlation = float(np.corrcoef(centred @ directions[0], mass)[0, 1])
    scaler = StandardScaler().fit(train_x)
    classifier = LogisticRegression(max_iter=5000).fit(
        scaler.transform(train_x), train.labels.numpy()
    )
    accuracy = float(
        classifier.score(scaler.transform(test_x), test.labels.numpy())
    )
    return FeatureDiagnosis(share, abs(correlation), accuracy)
