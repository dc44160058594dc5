"""Tests of the SHREC17 retrieval scores, against scikit-learn where it has
the same metric."""

import numpy as np
import pytest
from sklearn.metrics import average_precision_score, ndcg_score

from dlnotes.sphere.experiments.shapes.retrieval import (
    METRICS,
    query_scores,
    retrieval_lists,
    retrieval_metrics,
)


def test_full_lists_match_sklearn_average_precision_and_ndcg():
    """When every object is predicted in one class, each list ranks all
    objects: AP and NDCG are then sklearn's."""
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, 40)
    probabilities = rng.uniform(0.5, 1.0, (40, 3))
    probabilities[:, 0] += 1.0  # everything predicted as class 0
    lists = retrieval_lists(probabilities)
    score = probabilities[:, 0]
    for query in range(5):
        assert len(lists[query]) == 40
        scores = query_scores(lists[query], labels[query], labels)
        relevant = labels == labels[query]
        assert scores["mAP"] == pytest.approx(
            average_precision_score(relevant, score)
        )
        assert scores["NDCG"] == pytest.approx(
            ndcg_score(relevant[None].astype(float), score[None])
        )
        assert scores["R@N"] == 1.0
        assert scores["P@N"] == pytest.approx(relevant.mean())


def test_a_hand_worked_query():
    labels = np.array([0, 0, 1, 0])
    # the list holds objects 2 and 0; objects 1 and 3, also relevant, are
    # not retrieved
    scores = query_scores(np.array([2, 0]), 0, labels)
    assert scores["P@N"] == 0.5
    assert scores["R@N"] == pytest.approx(1 / 3)
    assert scores["F1@N"] == pytest.approx(2 * 0.5 / 3 / (0.5 + 1 / 3))
    # object 0 is relevant at rank 2: precision 1/2, over 3 relevant
    assert scores["mAP"] == pytest.approx(0.5 / 3)
    ideal = 1 + 1 / np.log2(3) + 1 / np.log2(4)
    assert scores["NDCG"] == pytest.approx((1 / np.log2(3)) / ideal)


def test_perfect_classifier_scores_one_and_macro_weighs_classes_equally():
    labels = np.array([0, 0, 0, 0, 1])
    perfect = np.eye(2)[labels]
    table = retrieval_metrics(perfect, labels)
    assert list(table.columns) == list(METRICS)
    np.testing.assert_allclose(table.to_numpy(), 1.0)
    # everything called class 0: every list holds all five objects, so the
    # lone class-1 query has precision 1/5, the others 4/5
    wrong = np.tile([0.9, 0.1], (5, 1))
    table = retrieval_metrics(wrong, labels)
    assert table.loc["micro", "P@N"] == pytest.approx((4 * 0.8 + 0.2) / 5)
    assert table.loc["macro", "P@N"] == pytest.approx((0.8 + 0.2) / 2)


def test_bad_shapes_are_refused():
    with pytest.raises(ValueError, match="one entry per row"):
        retrieval_metrics(np.ones((3, 2)), np.zeros(4))
    with pytest.raises(ValueError, match=r"\[n, classes\]"):
        retrieval_lists(np.ones(3))
