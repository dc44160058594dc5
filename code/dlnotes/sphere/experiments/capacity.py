"""Can a model fit a small training set? The memorisation probe of the
spherical MNIST models.

When a model's test accuracy stays low, two causes look alike: too little data
(the model fits its training digits but does not generalise) and too little
fitting (the model cannot even learn the digits it is trained on). The probe
tells them apart by making the data problem vanish: train on a very small set,
``n_train`` rotated digits (the "R" condition of
:func:`~dlnotes.sphere.experiments.mnist.projection.spherical_mnist`), for many
epochs, and measure the accuracy *on those same digits* after training. A model
with enough capacity and a working optimiser drives it to 1; a model that stays
far below 1 on a few hundred digits is limited by what it can represent or by
how its training moves, not by the size of the data set.
"""

from __future__ import annotations

import math

import pandas as pd
import torch

from dlnotes.data import Split, mnist_5k
from dlnotes.sphere.experiments.mnist import (
    MODELS,
    balanced_subset,
    build_model,
    spherical_mnist,
)
from dlnotes.train import Recipe, evaluate


def memorisation_probe(
    b: int = 12,
    b1: int = 6,
    b2: int = 4,
    n_train: int = 200,
    n_test: int = 500,
    recipe: Recipe = Recipe(epochs=60, lr=5e-3, batch_size=16),
    seed: int = 0,
    models: tuple[str, ...] = MODELS,
) -> pd.DataFrame:
    """Train each model on ``n_train`` rotated digits with ``recipe``; accuracy
    on them and on test digits.

    The digits are a balanced subset of ``mnist_5k`` projected at bandwidth
    ``b`` and rotated with ``seed``
    (:func:`~dlnotes.sphere.experiments.mnist.projection.spherical_mnist`);
    each model (:func:`~dlnotes.sphere.experiments.mnist.models.build_model`
    with ``b, b1, b2``) is initialised under ``torch.manual_seed(seed)`` and
    trained with ``recipe`` (:class:`dlnotes.train.Recipe`).

    Returns:
        A frame with one row per model and the columns ``model``, ``training
        digits``, ``steps`` (Adam steps taken), ``train accuracy`` (the trained
        model on its own training digits) and ``test accuracy`` (on ``n_test``
        rotated test digits).
    """
    for name in models:
        if name not in MODELS:
            raise ValueError(
                f"models must be drawn from {MODELS}, got {name!r}"
            )
    split = mnist_5k()
    data = spherical_mnist(
        Split(
            balanced_subset(split.train, n_train),
            balanced_subset(split.test, n_test),
        ),
        b,
        seed,
    )
    rows = []
    for name in models:
        torch.manual_seed(seed)
        model = build_model(name, b, b1, b2)
        recipe.fit(model, data.train_r, data.test_r, seed)
        rows.append(
            {
                "model": name,
                "training digits": n_train,
                "steps": (
                    recipe.epochs * math.ceil(n_train / recipe.batch_size)
                ),
                "train accuracy": evaluate(model, data.train_r)[1],
                "test accuracy": evaluate(model, data.test_r)[1],
            }
        )
    return pd.DataFrame(rows)
