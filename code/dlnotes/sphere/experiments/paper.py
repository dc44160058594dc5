"""The numbers Cohen et al. (2018) print, as quoted data — **not** reproduced
by this package.

Transcribed from the text of *Spherical CNNs* (ICLR 2018, arXiv 1801.10130),
the final version (the double-blind submission printed a different Table 1).
Accuracies are fractions, as printed. What the paper gives only as a picture
(Figure 3, the equivariance error) or only in words is kept as words: no number
is read off a plot.
"""

from __future__ import annotations

from dataclasses import dataclass

TABLE_1_CONDITIONS = ("NR/NR", "R/R", "NR/R")
"""The columns of Table 1, "trained on X / tested on Y" with R for rotated and
NR for not rotated."""

TABLE_1 = {
    "planar": {"NR/NR": 0.98, "R/R": 0.23, "NR/R": 0.11},
    "spherical": {"NR/NR": 0.96, "R/R": 0.95, "NR/R": 0.94},
}
"""Table 1, test accuracy on spherical MNIST (§5.2)."""

TABLE_1_PARAMETERS = {"planar": 68_000, "spherical": 58_000}
"""Parameter counts of the two Table 1 models, "≈ 68K" and "≈ 58K" in the text
of §5.2."""

TABLE_1_BANDWIDTHS = (30, 10, 6)
"""The bandwidths of the spherical CNN of Table 1, at the input, after the S²
layer and after the SO(3) layer."""

SPHERICAL_CNN = "spherical CNN (Cohen et al.)"
"""The name of the paper's own model in Tables 2 and 3, which the paper prints
as "Ours"; a table of this book would read that as the book's own result."""

TABLE_2_METRICS = ("P@N", "R@N", "F1@N", "mAP", "NDCG")
"""The five retrieval scores of Table 2, in the order of its columns."""


@dataclass(frozen=True)
class RetrievalRow:
    """One row of Table 2: a SHREC17 entry and its five retrieval scores, in
    :data:`TABLE_2_METRICS` order."""

    method: str
    scores: tuple[float, float, float, float, float]


TABLE_2 = (
    RetrievalRow("Tatsuma_ReVGG", (0.705, 0.769, 0.719, 0.696, 0.783)),
    RetrievalRow("Furuya_DLAN", (0.814, 0.683, 0.706, 0.656, 0.754)),
    RetrievalRow("SHREC16-Bai_GIFT", (0.678, 0.667, 0.661, 0.607, 0.735)),
    RetrievalRow("Deng_CM-VGG5-6DB", (0.412, 0.706, 0.472, 0.524, 0.624)),
    RetrievalRow(SPHERICAL_CNN, (0.701, 0.711, 0.699, 0.676, 0.756)),
)
"""Table 2, SHREC17 3D-shape retrieval on the rotated ("perturbed") data set
(§5.3), with the best competing entries. The paper prints one set of the five
metrics and does not say whether they are micro- or macro-averaged (the
competition reports both); only this set is quoted."""

TABLE_2_RANKS = {"P@N": 3, "R@N": 2, "F1@N": 3, "mAP": 2, "NDCG": 2}
"""The rank printed beside each of the spherical CNN's
(:data:`SPHERICAL_CNN`) scores in Table 2."""

TABLE_2_MODEL = {
    "bandwidths": (128, 32, 22, 7),
    "features": (50, 70, 350),
    "parameters": 1_400_000,
}
"""The SHREC17 network of §5.3, with the bandwidth of the input and after each
of its three layers, the features of the S² and the two SO(3) layers, and its
"≈ 1.4M parameters"."""


@dataclass(frozen=True)
class RegressionRow:
    """One row of Table 3 (left): a method, who reported it, and its test RMSE
    as printed."""

    method: str
    source: str
    rmse: float


TABLE_3 = (
    RegressionRow("MLP / random CM", "Montavon et al. (2012)", 5.96),
    RegressionRow("LGIKA (RF)", "Raj et al. (2016)", 10.82),
    RegressionRow("RBF kernels / random CM", "Montavon et al. (2012)", 11.40),
    RegressionRow("RBF kernels / sorted CM", "Montavon et al. (2012)", 12.59),
    RegressionRow("MLP / sorted CM", "Montavon et al. (2012)", 16.06),
    RegressionRow(SPHERICAL_CNN, "Cohen et al. (2018)", 8.47),
)
"""The left half of Table 3, the test RMSE of QM7 atomization-energy regression
(§5.4). The paper prints no unit. CM stands for Coulomb matrix."""

TABLE_3_ARCHITECTURE = (
    ("Input", None, 5),
    ("ResBlock", 10, 20),
    ("ResBlock", 8, 40),
    ("ResBlock", 6, 60),
    ("ResBlock", 4, 80),
    ("ResBlock", 2, 160),
)
"""The right half of Table 3, the QM7 spherical CNN as (layer, bandwidth,
features), followed by a DeepSet whose MLPs φ and ψ have 160/150 and 100/50
inputs/hidden units; "about 1.4M parameters"."""

QM7_ATOM_COUNT_MLP_RMSE = 19
"""The RMSE of an MLP on the counts of each atom type alone, "∼ 19" in §5.4;
the spherical CNN is trained on the residual of that MLP."""

FIGURE_3 = (
    (
        "although the approximation error ∆ grows with the resolution and the"
        " number of layers, it stays manageable for the range of resolutions"
        " of interest"
    ),
    "the error is higher but stays flat",
)
"""The paper's words on Figure 3 (§5.1), first for linear stacks of SO(3)
correlation layers, then with a ReLU after each correlation (n = 500 random
rotations and inputs, K = 10 channels). The figure's values are a plot and are
not quoted."""

NAIVE_SO3_CORRELATION = "O(n^6)"
"""The cost of naive SO(3) correlation in §1, "SO(3) is a three-dimensional
manifold, so a naive implementation of SO(3) correlation is O(n⁶)". The paper
states no exponent for the FFT route; §4 says only that the generalized FFT
makes it efficient, as the FFT (O(n log n)) beats the naive O(n²) planar
correlation."""
