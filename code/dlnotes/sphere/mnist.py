"""Spherical MNIST (Cohen et al., 2018, §5.2): digits on the sphere, rotated or not, and the two models.

**Projection.** A digit image is placed on the plane tangent to the north pole and lifted onto
the sphere by the inverse stereographic projection from the south pole: the point x = (x₁, x₂, x₃)
of the unit sphere sees the plane point (u, v) = (x₁, x₂) / (1 + x₃), so u² + v² = tan²(β/2) and
the northern hemisphere (β ≤ π/2) is the unit disk. The 28×28 image fills the square
[−1/√2, 1/√2]², inscribed in that disk, so the digit lies on the northern hemisphere; the image
is read by bilinear interpolation between pixel centres (zero outside the square), which makes
the projected digit a continuous function f on the whole sphere. Image columns run along +x₁,
rows downwards along −x₂, so the digit reads upright when the sphere is seen from above the
north pole.

**Rotation.** A rotation R acts actively, (L_R f)(x) = f(R⁻¹x). We apply it *exactly* to the
continuous projected digit by evaluating f at R⁻¹x for every point x of the SOFT grid
(β_j = π(2j+1)/(4b), α_k = 2πk/(2b)), so no resampling of an already sampled signal is involved.
R = R_z(α) R_y(β) R_z(γ) (ZYZ), drawn uniformly from SO(3) (Haar measure): α, γ ~ U(0, 2π),
cos β ~ U(−1, 1), one independent rotation per digit, seeded per digit (see
:func:`~dlnotes.sphere.haar.random_rotations`).

**Models** (paper, Table 1): the planar CNN conv5×5(32, stride 3)–ReLU–conv5×5(64, stride 3)–
ReLU–FC on the 2b×2b grid image, and the spherical CNN S²conv(20, b → b₁)–ReLU–SO(3)conv(40,
b₁ → b₂)–ReLU–∫_{SO(3)}–FC (paper: b = 30, b₁ = 10, b₂ = 6).
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from torch import nn

from dlnotes.data import Dataset, Split, mnist_5k
from dlnotes.sphere.grid import s2_grid
from dlnotes.sphere.haar import random_rotations
from dlnotes.sphere.integrate import so3_integrate
from dlnotes.sphere.kernel_grids import s2_near_identity_grid, so3_near_identity_grid
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.rotation import euler_to_matrix
from dlnotes.train import EpochStats, History, fit, predict

#: Half-width of the image square on the tangent plane, in units of tan(β/2); 1/√2 puts the
#: square's corners on the equator.
IMAGE_HALF_WIDTH = 1 / math.sqrt(2)
#: Seed streams of :func:`~dlnotes.sphere.haar.random_rotations`, so training and test digits
#: never share a rotation sequence.
STREAMS = {"train": 0, "test": 1}


def _grid_points(b: int) -> torch.Tensor:
    """Unit vectors x(β_j, α_k) of the SOFT grid, ``[2b, 2b, 3]`` float64."""
    beta, alpha = s2_grid(b, dtype=torch.float64)
    beta, alpha = torch.meshgrid(beta, alpha, indexing="ij")
    return torch.stack([beta.sin() * alpha.cos(), beta.sin() * alpha.sin(), beta.cos()], dim=-1)


def _sample(images: torch.Tensor, points: torch.Tensor, rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None) -> torch.Tensor:
    """Projected images at unit vectors ``points [P, 3]`` (float64), each rotated by its R_n: ``[N, P]``."""
    if images.dim() != 4 or images.shape[1] != 1:
        raise ValueError(f"images must have shape [N, 1, H, W], got {tuple(images.shape)}")
    n = images.shape[0]
    points = points.reshape(1, -1, 3).expand(n, -1, -1)  # [N, P, 3]
    if rotations is not None:
        if any(angle.shape != (n,) for angle in rotations):
            raise ValueError(f"rotations must be three tensors of shape [{n}], got {[tuple(a.shape) for a in rotations]}")
        matrices = euler_to_matrix(*(angle.to(torch.float64) for angle in rotations))  # [N, 3, 3]
        points = points @ matrices  # row vector x times R equals (R^T x)^T = (R^-1 x)^T
    x1, x2, x3 = points.unbind(-1)
    north = x3 >= 0
    denominator = torch.where(north, 1 + x3, torch.ones_like(x3))
    u = torch.where(north, x1 / denominator, torch.full_like(x1, 2.0)) / IMAGE_HALF_WIDTH
    v = torch.where(north, x2 / denominator, torch.full_like(x2, 2.0)) / IMAGE_HALF_WIDTH
    sample_at = torch.stack([u, -v], dim=-1).unsqueeze(1).to(images.dtype)  # [N, 1, P, 2] as (column, row)
    values = nn.functional.grid_sample(images, sample_at, mode="bilinear", padding_mode="zeros", align_corners=False)
    return values[:, 0, 0]


def project(
    images: torch.Tensor,
    b: int,
    rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> torch.Tensor:
    """Project planar images onto the sphere's SOFT grid, optionally rotating each one.

    Args:
        images: ``[N, 1, H, W]`` images (float).
        b: bandwidth of the SOFT grid; the result is sampled on 2b × 2b points (β, α).
        rotations: ZYZ angles ``(alpha, beta, gamma)``, each ``[N]``; image n is rotated by
            R_n, i.e. its projection f_n is sampled at R_n⁻¹x (exact for the continuous f_n).

    Returns:
        ``[N, 1, 2b, 2b]`` float32 signals on the sphere.

    Raises:
        ValueError: ``images`` not ``[N, 1, H, W]``, ``b`` below 1, or rotations of the wrong length.
    """
    if b < 1:
        raise ValueError(f"b must be >= 1, got {b}")
    values = _sample(images, _grid_points(b), rotations)
    return values.reshape(-1, 1, 2 * b, 2 * b).to(torch.float32)


def project_to_healpix(
    images: torch.Tensor,
    nside: int,
    rotations: tuple[torch.Tensor, torch.Tensor, torch.Tensor] | None = None,
) -> np.ndarray:
    """The same projected (and rotated) digits sampled at HEALPix pixel centres, ``[N, 12 nside²]``.

    For pictures with ``healpy.orthview`` / ``mollview``: the exact projected function, not a
    band-limited approximation of it (HEALPix θ = β, φ = α).
    """
    import healpy as hp

    vectors = np.stack(hp.pix2vec(nside, np.arange(hp.nside2npix(nside))), axis=-1)
    return _sample(images, torch.from_numpy(vectors), rotations).numpy()


@dataclass(frozen=True)
class SphericalMNIST:
    """The four data sets of Table 1 at bandwidth ``b``: train/test, not rotated (NR) or rotated (R)."""

    b: int
    train_nr: Dataset
    train_r: Dataset
    test_nr: Dataset
    test_r: Dataset


def spherical_mnist(split: Split, b: int, seed: int = 0) -> SphericalMNIST:
    """Project ``split`` (e.g. :func:`dlnotes.data.mnist_5k`) at bandwidth ``b``, with and without rotations.

    The R sets rotate every digit by its own Haar-random rotation (:func:`~dlnotes.sphere.haar.random_rotations`
    with this ``seed``, one stream for the training digits and one for the test digits).
    """

    def both(data: Dataset, stream: str) -> tuple[Dataset, Dataset]:
        rotations = random_rotations(len(data), seed, STREAMS[stream])
        return (
            Dataset(project(data.images, b), data.labels),
            Dataset(project(data.images, b, rotations), data.labels),
        )

    train_nr, train_r = both(split.train, "train")
    test_nr, test_r = both(split.test, "test")
    return SphericalMNIST(b, train_nr, train_r, test_nr, test_r)


class PlanarCNN(nn.Module):
    """The paper's planar baseline on the 2b × 2b grid image (no padding).

    conv5×5(1 → 32, stride 3) – ReLU – conv5×5(32 → 64, stride 3) – ReLU – flatten – FC(→ 10).
    At b = 30 (60×60 input) the maps are 19×19 then 5×5, and the model has 68,106 parameters
    (paper: 68K).
    """

    def __init__(self, b: int, classes: int = 10) -> None:
        super().__init__()
        side = ((2 * b - 5) // 3 + 1 - 5) // 3 + 1
        if side < 1:
            raise ValueError(f"b must be >= 9 for two 5x5 stride-3 convolutions, got {b}")
        self.conv1 = nn.Conv2d(1, 32, 5, stride=3)
        self.conv2 = nn.Conv2d(32, 64, 5, stride=3)
        self.out = nn.Linear(64 * side * side, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, classes]`` of grid images ``[B, 1, 2b, 2b]``."""
        x = torch.relu(self.conv1(x))
        x = torch.relu(self.conv2(x))
        return self.out(x.flatten(1))


class SphericalCNN(nn.Module):
    """The paper's spherical CNN for MNIST.

    S2Convolution(1 → f1, b → b1, 24-point ``s2_near_identity_grid()``) – ReLU –
    SO3Convolution(f1 → f2, b1 → b2, 72-point ``so3_near_identity_grid(max_gamma=π/8, n_gamma=3)``)
    – ReLU – ``so3_integrate`` (rotation-invariant features) – FC(f2 → 10). With the paper's
    b = 30, b1 = 10, b2 = 6, f1 = 20, f2 = 40 it has 58,550 parameters (paper: 58K).

    **Input scale.** The signals are multiplied by ``input_scale`` (255 by default) before the
    first layer: the authors' code (``s2cnn``, ``examples/mnist``) feeds the network pixel values
    0–255, where our projected digits lie in [0, 1]. This is not cosmetic. At initialisation the
    biases are zero and every layer up to the FC one is positively homogeneous, so the invariant
    features scale with the input; for digits in [0, 1] they are small (mean about 0.04, spread
    across digits about 0.01: a digit's ink covers little of the sphere). Adam moves each weight of
    the FC layer by about ``lr`` per step whatever the features' scale, so one step changes the
    logits by about ``lr`` times the features: with features 255 times larger the last layer
    learns 255 times faster in function space. ``input_scale=1`` is the same model trained
    on [0, 1] inputs.
    """

    def __init__(
        self, b: int = 30, b1: int = 10, b2: int = 6, f1: int = 20, f2: int = 40, classes: int = 10, input_scale: float = 255.0
    ) -> None:
        super().__init__()
        if not input_scale > 0:
            raise ValueError(f"input_scale must be > 0, got {input_scale}")
        self.input_scale = float(input_scale)
        self.s2_conv = S2Convolution(1, f1, b, b1, s2_near_identity_grid())
        self.so3_conv = SO3Convolution(f1, f2, b1, b2, so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3))
        self.out = nn.Linear(f2, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The rotation-invariant features ``[B, f2]`` that the final FC layer reads."""
        x = torch.relu(self.s2_conv(self.input_scale * x))
        x = torch.relu(self.so3_conv(x))
        return so3_integrate(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, classes]`` of signals ``[B, 1, 2b, 2b]`` on the SOFT grid."""
        return self.out(self.features(x))


def parameter_count(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


MODELS = ("planar", "spherical")
#: Test accuracy by model and (train, test) condition in Table 1 of the paper.
PAPER_ACCURACY = {
    "planar": {"NR/NR": 0.98, "R/R": 0.23, "NR/R": 0.11},
    "spherical": {"NR/NR": 0.96, "R/R": 0.95, "NR/R": 0.94},
}
#: Parameter counts the paper quotes for the two models.
PAPER_PARAMETERS = {"planar": 68_000, "spherical": 58_000}
CONDITIONS = ("NR/NR", "R/R", "NR/R")


@dataclass(frozen=True)
class MnistSettings:
    """What one :func:`mnist_experiment` ran with (the paper: b = 30, b1 = 10, b2 = 6, all of MNIST)."""

    b: int
    b1: int
    b2: int
    epochs: int
    lr: float
    batch_size: int
    n_train: int
    n_test: int
    seeds: tuple[int, ...]
    input_scale: float
    schedule: str


@dataclass(frozen=True)
class MnistRun:
    """One trained model: its training history and its predictions on both test sets."""

    model: str
    train_on: str
    seed: int
    history: History
    predictions: dict[str, np.ndarray]
    seconds: float

    def accuracy(self, test_on: str, labels: np.ndarray) -> float:
        """Test accuracy on the ``"NR"`` or ``"R"`` test set."""
        return float((self.predictions[test_on] == labels).mean())


@dataclass(frozen=True)
class MnistResult:
    """Every run of :func:`mnist_experiment`, with the test labels and the models' sizes."""

    settings: MnistSettings
    runs: tuple[MnistRun, ...]
    labels: np.ndarray
    parameters: dict[str, int]

    def accuracies(self, model: str, condition: str) -> np.ndarray:
        """Accuracy of ``model`` under ``condition`` (``"NR/NR"``, ``"R/R"``, ``"NR/R"``, ``"R/NR"``), one per seed."""
        train_on, test_on = condition.split("/")
        return np.array([run.accuracy(test_on, self.labels) for run in self.runs if run.model == model and run.train_on == train_on])

    def table(self) -> pd.DataFrame:
        """Mean and standard deviation over seeds of the three conditions, beside the paper's numbers."""
        rows = []
        for model in sorted({run.model for run in self.runs}, key=MODELS.index):
            for condition in CONDITIONS:
                values = self.accuracies(model, condition)
                if len(values) == 0:
                    continue
                rows.append(
                    {
                        "model": model,
                        "condition": condition,
                        "ours (mean)": values.mean(),
                        "ours (std)": values.std(ddof=1) if len(values) > 1 else float("nan"),
                        "paper": PAPER_ACCURACY[model][condition],
                    }
                )
        return pd.DataFrame(rows)

    def confusion(self, model: str, condition: str) -> np.ndarray:
        """Confusion matrix ``[true, predicted]`` of ``model`` under ``condition``, summed over seeds."""
        train_on, test_on = condition.split("/")
        matrix = np.zeros((10, 10), dtype=np.int64)
        for run in self.runs:
            if run.model == model and run.train_on == train_on:
                np.add.at(matrix, (self.labels, run.predictions[test_on]), 1)
        return matrix

    def seconds_per_epoch(self, model: str) -> float:
        """Mean wall-clock seconds of one training epoch (with its evaluation) of ``model``."""
        return float(np.mean([run.history.seconds_per_epoch for run in self.runs if run.model == model]))


def build_model(name: str, b: int, b1: int, b2: int, input_scale: float = 255.0) -> nn.Module:
    """``"planar"``: :class:`PlanarCNN` on the 2b × 2b grid; ``"spherical"``: :class:`SphericalCNN` (b → b1 → b2, ``input_scale``)."""
    if name == "planar":
        return PlanarCNN(b)
    if name == "spherical":
        return SphericalCNN(b, b1, b2, input_scale=input_scale)
    raise ValueError(f"model must be one of {MODELS}, got {name!r}")


def balanced_subset(data: Dataset, count: int | None) -> Dataset:
    """``count`` digits taken class by class in turn (``mnist_5k`` is sorted by label), all if None.

    Digit order is round-robin over the classes: the first of each class, then the second of
    each class, and so on, so any prefix is balanced to within one digit per class.
    """
    if count is None:
        return data
    if not 1 <= count <= len(data):
        raise ValueError(f"count must lie in 1..{len(data)}, got {count}")
    labels = data.labels
    rank = torch.empty_like(labels)
    for label in labels.unique():
        members = torch.nonzero(labels == label)[:, 0]
        rank[members] = torch.arange(len(members))
    order = torch.argsort(rank * (int(labels.max()) + 1) + labels, stable=True)[:count]
    return Dataset(data.images[order], labels[order])


def mnist_experiment(
    b: int = 30,
    b1: int = 10,
    b2: int = 6,
    epochs: int = 20,
    seeds: tuple[int, ...] = (0, 1),
    lr: float = 5e-3,
    batch_size: int = 32,
    n_train: int | None = None,
    n_test: int | None = None,
    models: tuple[str, ...] = MODELS,
    train_on: tuple[str, ...] = ("NR", "R"),
    on_epoch: Callable[[str, str, int, EpochStats], None] | None = None,
    input_scale: float = 255.0,
    schedule: str = "constant",
) -> MnistResult:
    """Table 1 of the paper on ``dlnotes.data.mnist_5k``: train on NR and on R, test on NR and R.

    For each seed: the digits are projected at bandwidth ``b`` and rotated with that seed
    (:func:`spherical_mnist`); each model is initialised under ``torch.manual_seed(seed)`` and
    trained with :func:`dlnotes.train.fit` (Adam, ``lr``, ``batch_size``, ``epochs``) on the NR
    and on the R training digits, recording its test accuracy after each epoch on the test set of
    its own condition; the final model predicts both test sets.

    Args:
        b, b1, b2: bandwidths of the input and of the spherical model's two layers.
        epochs, lr, batch_size: training.
        seeds: one run of every model and condition per seed.
        n_train, n_test: use only this many digits of the 4,000 / 1,000 split, balanced over the
            classes (:func:`balanced_subset`; all by default).
        models: which of ``"planar"``, ``"spherical"`` to train.
        train_on: which training sets, ``"NR"`` and/or ``"R"`` (both by default; the table then
            holds only the conditions these give).
        on_epoch: called as ``on_epoch(model, train_on, seed, stats)`` after every epoch of every
            run (progress of long runs).
        input_scale: the spherical model's :class:`SphericalCNN` ``input_scale`` (255: the
            pixel scale of the authors' code; the planar model reads the [0, 1] signals).
        schedule: :func:`dlnotes.train.fit`'s learning-rate schedule (the paper: constant).

    Returns:
        A :class:`MnistResult`; ``result.table()`` is the NR/NR, R/R, NR/R table.
    """
    for name in models:
        if name not in MODELS:
            raise ValueError(f"models must be drawn from {MODELS}, got {name!r}")
    if not train_on or any(condition not in ("NR", "R") for condition in train_on):
        raise ValueError(f"train_on must be a non-empty selection of ('NR', 'R'), got {train_on!r}")
    if not seeds:
        raise ValueError("seeds must hold at least one seed")
    split = mnist_5k()
    split = Split(balanced_subset(split.train, n_train), balanced_subset(split.test, n_test))
    runs = []
    for seed in seeds:
        data = spherical_mnist(split, b, seed)
        train = {"NR": data.train_nr, "R": data.train_r}
        test = {"NR": data.test_nr, "R": data.test_r}
        for name in models:
            for condition in train_on:
                torch.manual_seed(seed)
                model = build_model(name, b, b1, b2, input_scale)
                report = None if on_epoch is None else functools.partial(on_epoch, name, condition, seed)
                start = time.perf_counter()
                history = fit(model, train[condition], test[condition], epochs=epochs, lr=lr, batch_size=batch_size, seed=seed, on_epoch=report, schedule=schedule)
                predictions = {key: predict(model, test[key], batch_size=100).argmax(1).numpy() for key in ("NR", "R")}
                runs.append(MnistRun(name, condition, seed, history, predictions, time.perf_counter() - start))
    settings = MnistSettings(b, b1, b2, epochs, lr, batch_size, len(split.train), len(split.test), tuple(seeds), input_scale, schedule)
    parameters = {name: parameter_count(build_model(name, b, b1, b2, input_scale)) for name in models}
    return MnistResult(settings, tuple(runs), split.test.labels.numpy(), parameters)


@dataclass(frozen=True)
class FeatureDiagnosis:
    """How much the invariant features of an untrained :class:`SphericalCNN` tell the digits apart.

    Attributes:
        first_component_share: fraction of the across-digit variance of the ``f2`` invariant
            features that lies along their first principal direction.
        mass_correlation: correlation, across digits, of the first principal component with the
            digit's ink (the sum of its pixels).
        frozen_accuracy: test accuracy of a logistic regression fitted to convergence on the
            standardised invariant features of the untrained network.
    """

    first_component_share: float
    mass_correlation: float
    frozen_accuracy: float


@torch.no_grad()
def diagnose_invariant_features(
    b: int, b1: int, b2: int, n_train: int = 1000, n_test: int = 500, seed: int = 0
) -> FeatureDiagnosis:
    """Why end-to-end training of the spherical CNN is slow: its invariant features move together.

    Builds :class:`SphericalCNN` ``(b, b1, b2)`` under ``torch.manual_seed(seed)``, computes the
    ``so3_integrate`` features of ``n_train`` / ``n_test`` upright digits (balanced subsets of
    ``mnist_5k``), and measures their principal spread and what a linear classifier can read
    from them when fitted to convergence (scikit-learn's ``LogisticRegression``).
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    split = mnist_5k()
    train, test = balanced_subset(split.train, n_train), balanced_subset(split.test, n_test)
    torch.manual_seed(seed)
    model = SphericalCNN(b, b1, b2).double().eval()

    def features(data: Dataset) -> np.ndarray:
        signals = project(data.images, b).double()
        return torch.cat([model.features(chunk) for chunk in signals.split(100)]).numpy()

    train_x, test_x = features(train), features(test)
    centred = train_x - train_x.mean(0)
    _, singular, directions = np.linalg.svd(centred, full_matrices=False)
    share = float(singular[0] ** 2 / (singular**2).sum())
    mass = train.images.flatten(1).sum(1).double().numpy()
    correlation = float(np.corrcoef(centred @ directions[0], mass)[0, 1])
    scaler = StandardScaler().fit(train_x)
    classifier = LogisticRegression(max_iter=5000).fit(scaler.transform(train_x), train.labels.numpy())
    accuracy = float(classifier.score(scaler.transform(test_x), test.labels.numpy()))
    return FeatureDiagnosis(share, abs(correlation), accuracy)
