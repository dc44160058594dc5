"""The retrieval scores of SHREC17 (Savva et al., 2017), as the spherical
CNN paper reports them (Cohen et al., 2018, Table 2).

**Retrieval by classification** (the paper's §5.3): every test object is a
query; its retrieval list holds every test object (itself included) whose
predicted class is the query's predicted class c, ordered by their predicted
probability of c, highest first (:func:`retrieval_lists`).

For one query of true class t, with list L of length N and the set T of the
test objects of class t (at least one), writing ``|S|`` for the size of a
set S::

    P@N  = |L ∩ T| / N               (how clean the list is)
    R@N  = |L ∩ T| / |T|             (how complete it is)
    F1@N = 2 P R / (P + R)           (0 when P = R = 0)
    AP   = (1/|T|) Σ_{k: L_k ∈ T} P@k
    NDCG = DCG / IDCG,  DCG = Σ_k rel_k / log₂(k + 1)

AP averages the precision at each relevant rank k over all relevant objects
(one never retrieved counts 0); mAP is its mean over queries. In NDCG, rel_k
is 1 if L_k ∈ T and 0 otherwise, and IDCG is the DCG of the ideal list (the
relevant objects first). SHREC17 grades relevance 0/1/2 with subcategories;
our classes have none, so relevance is 0 or 1.

**Micro** averages over all queries; **macro** averages within each true
class, then over classes, so every class weighs the same whatever its size.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The five scores, in the order of the paper's Table 2.
METRICS = ("P@N", "R@N", "F1@N", "mAP", "NDCG")


def retrieval_lists(probabilities: np.ndarray) -> list[np.ndarray]:
    """For each query (row of ``probabilities [n, classes]``), the indices of
    the objects predicted in its predicted class, by falling probability of
    that class (ties by index)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or len(probabilities) == 0:
        raise ValueError(
            "probabilities must be [n, classes] with n >= 1, got shape"
            f" {probabilities.shape}"
        )
    predicted = probabilities.argmax(1)
    lists = {}
    for c in np.unique(predicted):
        members = np.flatnonzero(predicted == c)
        order = np.argsort(-probabilities[members, c], kind="stable")
        lists[c] = members[order]
    return [lists[c] for c in predicted]


def query_scores(
    retrieved: np.ndarray, query_label: int, labels: np.ndarray
) -> dict[str, float]:
    """P@N, R@N, F1@N, AP and NDCG of one query (see the module docstring)."""
    relevant = labels[retrieved] == query_label
    total = int((labels == query_label).sum())
    if total == 0:
        raise ValueError(f"no object has the query's label {query_label}")
    hits = int(relevant.sum())
    n = len(retrieved)
    precision = hits / n if n else 0.0
    recall = hits / total
    f1 = (
        2 * precision * recall / (precision + recall)
        if precision + recall > 0
        else 0.0
    )
    ranks = np.arange(1, n + 1)
    average_precision = float(
        (np.cumsum(relevant) / ranks)[relevant].sum() / total
    )
    discount = 1.0 / np.log2(ranks + 1)
    ideal = (1.0 / np.log2(np.arange(1, total + 1) + 1)).sum()
    ndcg = float((relevant * discount).sum() / ideal)
    return {
        "P@N": precision,
        "R@N": recall,
        "F1@N": f1,
        "mAP": average_precision,
        "NDCG": ndcg,
    }


def retrieval_metrics(
    probabilities: np.ndarray, labels: np.ndarray
) -> pd.DataFrame:
    """The five scores, micro and macro: a frame with index ``["micro",
    "macro"]`` and columns :data:`METRICS`.

    Raises:
        ValueError: shapes that do not match.
    """
    labels = np.asarray(labels)
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if labels.shape != probabilities.shape[:1]:
        raise ValueError(
            f"labels {labels.shape} must have one entry per row of"
            f" probabilities {probabilities.shape}"
        )
    lists = retrieval_lists(probabilities)
    rows = pd.DataFrame(
        [
            query_scores(retrieved, label, labels)
            for retrieved, label in zip(lists, labels, strict=True)
        ]
    )
    micro = rows.mean()
    macro = rows.groupby(labels).mean().mean()
    return pd.DataFrame([micro, macro], index=["micro", "macro"])[
        list(METRICS)
    ]
