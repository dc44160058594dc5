"""The paper's trade-offs trained on digits: configurations, training, paired
comparisons, claims.

Every experiment trains :class:`~dlnotes.mobilenet.model.MobileNetDigits` on
the 4,000 / 1,000 ``mnist_5k`` split — upright, or warped and cluttered
(:mod:`~dlnotes.mobilenet.experiments.cluttered`) — with
:func:`dlnotes.train.fit` (Adam, the same hyper-parameters for every model,
chosen before the comparisons were run), and returns numbers:

* :func:`separable_vs_full` — Table 4's analogue;
* :func:`narrow_vs_shallow` — Table 5's: a full-depth network against a
  shallow one of nearly the same Mult-Adds, matched by the width multiplier α;
  each comparison takes a :class:`Design`, the networks it pairs — the first
  records' (:func:`thinned_design`), or the one built to pass the checks of
  :mod:`~dlnotes.mobilenet.experiments.checks` (:func:`plateau_design`: no
  layer below 16 channels, trained under :data:`PLATEAU` on clutter drawn
  anew every epoch until the curves flatten);
* :func:`width_sweep` and :func:`resolution_sweep` — Tables 6 and 7, ρ set by
  resizing the 28×28 digits to 24, 20 and 16 pixels (ρ = 6/7, 5/7, 4/7, the
  paper's 192/224, 160/224, 128/224);
* :func:`slope_interval` and :func:`log_linear_fit` — accuracy against log₁₀
  Mult-Adds (the paper's Figure 4 claim);
* :func:`claims` — the four claims with our 95 % intervals over seeds and a
  verdict on each.

Each takes a *source* of results: :class:`Settings`, to train now (each
(configuration, seed) once per process, cached, so the experiments share their
runs), or the recorded runs
(:func:`dlnotes.mobilenet.experiments.runs.recorded`), which the chapter reads.
:data:`RECORDED` and :data:`PLATEAU` are the settings of those records;
:func:`learning_curve` reads their curves; ``python -m
dlnotes.mobilenet.experiments [--full]`` trains the quick (:data:`QUICK`) or
longer (:data:`FULL`) upright runs now and prints their tables.
"""

from __future__ import annotations

import argparse
import functools
import math
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from scipy import stats
from torch.nn import functional as F

from dlnotes import verdicts
from dlnotes.bench import threads as use_threads
from dlnotes.data import Dataset
from dlnotes.mobilenet.counting import count_mult_adds, count_params
from dlnotes.mobilenet.experiments import paper
from dlnotes.mobilenet.experiments.cluttered import (
    TASKS,
    FreshClutter,
    task_split,
)
from dlnotes.mobilenet.experiments.intervals import (
    Interval,
    interval_verdict,
    mean_interval,
)
from dlnotes.mobilenet.model import VARIANTS, MobileNetDigits
from dlnotes.train import SCHEDULES, EpochStats, History, Recipe

SIDE = 28
"""The side of the digits in pixels (ρ = 1)."""


@dataclass(frozen=True)
class Settings:
    """Training settings shared by every model of one experiment.

    ``task`` is ``"mnist"`` (the upright digits) or ``"cluttered"``
    (:func:`~dlnotes.mobilenet.experiments.cluttered.cluttered_mnist`);
    ``schedule`` is one of :data:`dlnotes.train.SCHEDULES`.
    """

    epochs: int = 3
    lr: float = 1e-2
    batch_size: int = 64
    seeds: tuple[int, ...] = (0, 1, 2)
    threads: int = 1
    schedule: str = "constant"
    task: str = "mnist"

    def __post_init__(self) -> None:
        for name in ("epochs", "batch_size", "threads"):
            value = getattr(self, name)
            if (
                isinstance(value, bool)
                or not isinstance(value, int)
                or value < 1
            ):
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        if (
            isinstance(self.lr, bool)
            or not isinstance(self.lr, (int, float))
            or not (math.isfinite(self.lr) and self.lr > 0)
        ):
            raise ValueError(
                f"lr must be a positive finite number, got {self.lr!r}"
            )
        if len(self.seeds) < 1:
            raise ValueError("seeds must name at least one seed")
        if any(
            isinstance(s, bool) or not isinstance(s, int) or s < 0
            for s in self.seeds
        ):
            raise ValueError(f"seeds must be ints >= 0, got {self.seeds}")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError(f"seeds must be distinct, got {self.seeds}")
        if self.schedule not in SCHEDULES:
            raise ValueError(
                f"schedule must be one of {SCHEDULES}, got {self.schedule!r}"
            )
        if self.task not in TASKS:
            raise ValueError(f"task must be one of {TASKS}, got {self.task!r}")

    @property
    def recipe(self) -> Recipe:
        """How :func:`dlnotes.train.fit` trains under these settings."""
        return Recipe(self.epochs, self.lr, self.batch_size, self.schedule)


QUICK = Settings()
"""Short runs on upright digits (3 epochs, 3 seeds, one thread, constant
rate)."""

FULL = Settings(epochs=10, seeds=(0, 1, 2, 3, 4))
"""The settings of ``--full`` (10 epochs, 5 seeds, one thread, upright
digits)."""

RECORDED = Settings(
    epochs=8, seeds=(0, 1, 2, 3, 4), schedule="cosine", task="cluttered"
)
"""The recorded runs the chapter reads back (``records/tradeoffs/``), fixed
before they ran.

Task: cluttered digits, because upright ones leave no room below 100 % for the
paper's differences (see :mod:`~dlnotes.mobilenet.experiments.cluttered`).
Recipe: Adam at the book's rate of 10⁻² annealed to zero by a cosine (so each
network ends settled in a minimum instead of rattling with the minibatch noise
of a constant step, and short runs are less far from convergence); 8 epochs and
5 seeds, the most that all ten configurations of :func:`claim_configs` fit into
about an hour of one CPU thread; batch 64 as elsewhere.
"""

PLATEAU = Settings(
    epochs=80,
    seeds=(0, 1, 2, 3, 4),
    schedule="hold-cosine",
    task="fresh",
)
"""The settings of the plateau records (``records/tradeoffs-plateau/``), fixed
before they ran, for the three networks of :func:`plateau_design`.

Task: the cluttered digits drawn anew every epoch
(:class:`~dlnotes.mobilenet.experiments.cluttered.FreshClutter`), so that no
network can memorise its training set. Recipe: Adam at the book's rate of 10⁻²
held fixed for the first 60 epochs, long enough for a learning curve to be seen
flattening at that rate (the check in
:mod:`~dlnotes.mobilenet.experiments.checks`), then annealed to zero by a
cosine over the last 20 (``"hold-cosine"``,
:func:`dlnotes.train.learning_rate`) so each network ends settled; 5
seeds; batch 64 as elsewhere. The sweep is sized to a few CPU-hours of one
thread.
"""


@dataclass(frozen=True)
class Config:
    """One model: its variant, width multiplier α, input side in pixels (ρ =
    side / 28) and floor on every layer's channels (``min_channels``, see
    :class:`~dlnotes.mobilenet.model.MobileNet`)."""

    variant: str = "separable"
    width_mult: float = 1.0
    side: int = SIDE
    min_channels: int = 1

    def __post_init__(self) -> None:
        if self.variant not in VARIANTS:
            raise ValueError(
                f"variant must be one of {VARIANTS}, got {self.variant!r}"
            )
        if not self.width_mult > 0:
            raise ValueError(f"width_mult must be > 0, got {self.width_mult}")
        if not 16 <= self.side <= SIDE:
            raise ValueError(
                f"side must lie in 16..{SIDE} (the network's stride is 16),"
                f" got {self.side}"
            )
        if (
            isinstance(self.min_channels, bool)
            or not isinstance(self.min_channels, int)
            or self.min_channels < 1
        ):
            raise ValueError(
                f"min_channels must be an int >= 1, got {self.min_channels!r}"
            )

    @property
    def rho(self) -> float:
        """The resolution multiplier ρ = side / 28."""
        return self.side / SIDE

    @property
    def label(self) -> str:
        """A short name such as ``0.75 separable-24`` (``… ≥16`` with a floor
        of 16 channels)."""
        floor = f" ≥{self.min_channels}" if self.min_channels > 1 else ""
        return f"{self.width_mult:g} {self.variant}-{self.side}{floor}"

    def build(self) -> MobileNetDigits:
        """A freshly initialised model (seed the generator before calling)."""
        return MobileNetDigits(
            self.width_mult,
            variant=self.variant,
            min_channels=self.min_channels,
        )

    @property
    def narrowest(self) -> int:
        """The fewest output channels of any convolution of the model."""
        with torch.device("meta"):
            return min(
                m.out_channels
                for m in self.build().modules()
                if isinstance(m, torch.nn.Conv2d)
            )

    @property
    def mult_adds(self) -> int:
        """Mult-Adds of one forward pass at this input side."""
        with torch.device("meta"):
            return count_mult_adds(self.build(), self.side)

    @property
    def params(self) -> int:
        """Weights of convolutions and the classifier (the paper's
        convention)."""
        with torch.device("meta"):
            return count_params(self.build())


def resize(images: torch.Tensor, side: int) -> torch.Tensor:
    """Resize a batch ``[N, C, 28, 28]`` to ``side × side`` (bilinear,
    antialiased): the ρ knob."""
    return F.interpolate(
        images,
        size=(side, side),
        mode="bilinear",
        antialias=True,
        align_corners=False,
    )


@dataclass(frozen=True)
class Run:
    """One trained model: its test accuracy after each epoch, its seconds of
    training, and its training accuracy during each epoch (the mean over the
    epoch's minibatches, measured as it trained)."""

    config: Config
    seed: int
    curve: tuple[float, ...]
    seconds: float
    train_curve: tuple[float, ...] = ()

    @property
    def test_accuracy(self) -> float:
        """The final test accuracy (the last epoch's)."""
        return self.curve[-1]


def task_data(
    task: str, seed: int
) -> tuple[Dataset | Callable[[int], Dataset], Dataset]:
    """The training data (a set, or a function of the epoch) and the test set
    of ``task`` for the run seeded ``seed``."""
    if task == "fresh":
        stream = FreshClutter(seed)
        return stream.train, stream.test
    split = task_split(task)
    return split.train, split.test


def fit_run(
    config: Config,
    seed: int,
    settings: Settings,
    on_epoch: Callable[[EpochStats], None] | None = None,
    checkpoint: str | Path | None = None,
    identity: dict[str, object] | None = None,
) -> tuple[Run, History, MobileNetDigits]:
    """Train ``config`` once with ``seed`` (model initialisation and batch
    order) under ``settings``.

    Runs on ``settings.threads`` CPU threads (these small networks gain little
    from a second thread, and a fixed count keeps the runs repeatable).
    ``checkpoint``, ``identity``: see :func:`dlnotes.train.fit`. Returns the
    run, its per-epoch history and the trained model.
    """
    train_data, test_data = task_data(settings.task, seed)
    transform = (
        functools.partial(resize, side=config.side)
        if config.side != SIDE
        else None
    )
    with use_threads(settings.threads):
        torch.manual_seed(seed)
        model = config.build()
        start = time.perf_counter()
        history = settings.recipe.fit(
            model,
            train_data,
            test_data,
            seed,
            transform=transform,
            on_epoch=on_epoch,
            checkpoint=checkpoint,
            identity=identity,
        )
    curve = tuple(history.column("test_accuracy"))
    train_curve = tuple(history.column("train_accuracy"))
    return (
        Run(config, seed, curve, time.perf_counter() - start, train_curve),
        history,
        model,
    )


@functools.cache
def train(
    config: Config,
    seed: int,
    epochs: int,
    lr: float,
    batch_size: int,
    threads: int = 1,
) -> Run:
    """Train ``config`` on upright digits with a constant rate
    (:func:`fit_run`), cached per process."""
    settings = Settings(
        epochs=epochs,
        lr=lr,
        batch_size=batch_size,
        seeds=(seed,),
        threads=threads,
    )
    return fit_run(config, seed, settings)[0]


@dataclass(frozen=True)
class Summary:
    """A configuration trained with several seeds."""

    config: Config
    runs: tuple[Run, ...]
    mult_adds: int
    params: int

    @property
    def accuracies(self) -> np.ndarray:
        """Final test accuracy of each seed."""
        return np.array([run.test_accuracy for run in self.runs])

    @property
    def mean(self) -> float:
        """Mean test accuracy over the seeds."""
        return float(self.accuracies.mean())

    @property
    def std(self) -> float:
        """Sample standard deviation of the test accuracy over the seeds (0 for
        one seed)."""
        return (
            float(self.accuracies.std(ddof=1)) if len(self.runs) > 1 else 0.0
        )

    @property
    def seconds(self) -> float:
        """Mean training time of one seed."""
        return statistics.fmean(run.seconds for run in self.runs)


@functools.cache
def _cached_run(config: Config, seed: int, settings: Settings) -> Run:
    return fit_run(config, seed, settings)[0]


def summarize(config: Config, settings: Settings = QUICK) -> Summary:
    """Train ``config`` with every seed of ``settings`` (cached per process)
    and collect the results."""
    runs = tuple(
        _cached_run(config, seed, settings) for seed in settings.seeds
    )
    return Summary(config, runs, config.mult_adds, config.params)


Source = Settings | Callable[[Config], Summary]
"""Where the experiments get their results, either :class:`Settings` to train
now (:func:`summarize`), or a function from a configuration to its
:class:`Summary`, such as :func:`dlnotes.mobilenet.experiments.runs.recorded`
(the recorded runs)."""


def _summary(source: Source, config: Config) -> Summary:
    return (
        summarize(config, source)
        if isinstance(source, Settings)
        else source(config)
    )


@dataclass(frozen=True)
class Pair:
    """Two configurations trained with the same seeds, and their paired
    difference ``a − b``."""

    a: Summary
    b: Summary

    def __post_init__(self) -> None:
        if [r.seed for r in self.a.runs] != [r.seed for r in self.b.runs]:
            raise ValueError(
                "a pair needs the same seeds on both sides, got"
                f" {[r.seed for r in self.a.runs]} and"
                f" {[r.seed for r in self.b.runs]}"
            )

    @property
    def differences(self) -> np.ndarray:
        """Per-seed accuracy differences ``a − b`` (same seed, same batch
        order)."""
        return self.a.accuracies - self.b.accuracies

    @property
    def interval(self) -> Interval:
        """The 95 % t interval of the mean paired difference (see
        :func:`~dlnotes.mobilenet.experiments.intervals.mean_interval`)."""
        return mean_interval(self.differences)


def matched_width(
    target_mult_adds: int,
    candidates: Sequence[float] = tuple(k / 32 for k in range(8, 33)),
    variant: str = "separable",
    min_channels: int = 1,
) -> float:
    """The width multiplier α among ``candidates`` whose ``variant`` network
    (at 28 pixels, with the floor ``min_channels``) has Mult-Adds closest to
    ``target_mult_adds``."""
    return min(
        candidates,
        key=lambda a: abs(
            Config(variant, a, min_channels=min_channels).mult_adds
            - target_mult_adds
        ),
    )


@dataclass(frozen=True)
class Design:
    """The models behind the two paired comparisons: ``separable`` against its
    ``full``-convolution twin (Table 4), and the ``narrow`` full-depth network
    against the ``shallow`` one of (nearly) the same Mult-Adds (Table 5)."""

    separable: Config
    full: Config
    narrow: Config
    shallow: Config

    @property
    def configs(self) -> tuple[Config, ...]:
        """Every model of the design, each once."""
        return tuple(
            dict.fromkeys(
                (self.separable, self.full, self.narrow, self.shallow)
            )
        )


@functools.cache
def thinned_design() -> Design:
    """The design of the first records (``records/tradeoffs``): α = 1 for
    Table 4; for Table 5 the shallow network at α = 1 against the full-depth
    one thinned to its Mult-Adds (α = 0.625, whose first layer keeps 5
    channels)."""
    shallow = Config("shallow")
    return Design(
        Config("separable"),
        Config("full"),
        Config("separable", matched_width(shallow.mult_adds)),
        shallow,
    )


MIN_CHANNELS = 16
"""The floor on every layer's channels in :func:`plateau_design` (and the
width that :mod:`~dlnotes.mobilenet.experiments.checks` requires)."""


@functools.cache
def plateau_design() -> Design:
    """The design of the plateau records (``records/tradeoffs-plateau``),
    three networks, none with a layer of fewer than :data:`MIN_CHANNELS`
    channels.

    The separable network at α = 1 (its first layer widened from 8 to 16
    channels by the floor) is both Table 4's separable model, against its full
    twin, and Table 5's narrow one: the paper thins the full-depth network
    (α = 0.75) to meet the shallow one at α = 1; we widen the shallow one
    instead (α ≈ 1.6, the multiple of 0.05 whose Mult-Adds come closest), the
    same ratio of widths without starving any layer.
    """
    separable = Config("separable", min_channels=MIN_CHANNELS)
    alpha = matched_width(
        separable.mult_adds,
        tuple(k / 20 for k in range(20, 61)),
        "shallow",
        MIN_CHANNELS,
    )
    return Design(
        separable,
        Config("full", min_channels=MIN_CHANNELS),
        separable,
        Config("shallow", alpha, min_channels=MIN_CHANNELS),
    )


def separable_vs_full(
    source: Source = QUICK, design: Design | None = None
) -> Pair:
    """Table 4's analogue: ``a`` = separable, ``b`` = full convolutions
    (``design``'s, by default :func:`thinned_design`'s: α = 1, 28 pixels)."""
    design = design or thinned_design()
    return Pair(
        _summary(source, design.separable), _summary(source, design.full)
    )


def narrow_vs_shallow(
    source: Source = QUICK, design: Design | None = None
) -> Pair:
    """Table 5's analogue: ``a`` = the narrow full-depth network, ``b`` = the
    shallow one (the five repeated blocks removed) of nearly the same
    Mult-Adds (``design``'s, by default :func:`thinned_design`'s)."""
    design = design or thinned_design()
    return Pair(
        _summary(source, design.narrow), _summary(source, design.shallow)
    )


ALPHAS = (1.0, 0.75, 0.5, 0.25)
"""Table 6's width multipliers."""
SIDES = (28, 24, 20, 16)
"""Table 7's resolutions, in pixels out of 28 (the paper's 224, 192, 160 and
128 out of 224)."""


def width_sweep(
    source: Source = QUICK, alphas: Sequence[float] = ALPHAS
) -> list[Summary]:
    """Table 6's analogue: the separable network at each α (28 pixels)."""
    return [_summary(source, Config("separable", a)) for a in alphas]


def resolution_sweep(
    source: Source = QUICK, sides: Sequence[int] = SIDES
) -> list[Summary]:
    """Table 7's analogue: the separable network (α = 1) on digits resized to
    each side."""
    return [_summary(source, Config("separable", 1.0, side)) for side in sides]


@functools.lru_cache(maxsize=1)
def claim_configs() -> tuple[Config, ...]:
    """Every configuration the four experiments of the first records train
    (ten: α = 1 at 28 pixels is shared)."""
    configs = list(thinned_design().configs)
    configs += [Config("separable", a) for a in ALPHAS] + [
        Config("separable", 1.0, side) for side in SIDES
    ]
    return tuple(dict.fromkeys(configs))


@dataclass(frozen=True)
class Curve:
    """One accuracy per epoch of a configuration over its seeds: the mean and
    the 95 % t interval of the mean at each epoch (``low = high = mean`` for
    one seed)."""

    epochs: np.ndarray
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray


def learning_curve(summary: Summary, which: str = "test") -> Curve:
    """The ``"test"`` or ``"train"`` accuracy of ``summary`` after each epoch
    (:class:`Curve`; the training accuracy is the mean over the epoch's
    minibatches, measured as it trained).

    Raises:
        ValueError: ``which`` is neither, or the runs hold no such curve.
    """
    if which not in ("test", "train"):
        raise ValueError(f"which must be 'test' or 'train', got {which!r}")
    values = np.array(
        [
            run.curve if which == "test" else run.train_curve
            for run in summary.runs
        ]
    )
    if values.ndim != 2 or values.shape[1] == 0:
        raise ValueError(
            f"the runs of {summary.config.label} hold no {which} curve"
        )
    n = len(values)
    mean = values.mean(axis=0)
    half = (
        verdicts.t_quantile(n - 1) * values.std(axis=0, ddof=1) / np.sqrt(n)
        if n > 1
        else np.zeros_like(mean)
    )
    return Curve(
        np.arange(1, values.shape[1] + 1), mean, mean - half, mean + half
    )


@dataclass(frozen=True)
class LogLinearFit:
    """Least-squares line ``accuracy = intercept + slope · log10(Mult-Adds)``
    and its R²."""

    slope: float
    intercept: float
    r_squared: float


def log_linear_fit(
    mult_adds: Sequence[float], accuracies: Sequence[float]
) -> LogLinearFit:
    """Fit accuracy against log₁₀ Mult-Adds (the paper's Figure 4 calls the
    relation log-linear).

    Raises:
        ValueError: fewer than 3 points, different lengths, or a non-positive
            Mult-Add count.
    """
    x = np.asarray(mult_adds, dtype=float)
    y = np.asarray(accuracies, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or len(x) < 3:
        raise ValueError(
            "mult_adds and accuracies must be two sequences of the same"
            f" length >= 3, got {x.shape} and {y.shape}"
        )
    if (x <= 0).any():
        raise ValueError("mult_adds must all be > 0")
    fit = stats.linregress(np.log10(x), y)
    r_squared = fit.rvalue**2 if np.ptp(y) > 0 else math.nan
    return LogLinearFit(
        float(fit.slope), float(fit.intercept), float(r_squared)
    )


def slope_interval(sweep: Sequence[Summary]) -> Interval:
    """The slope of accuracy against log₁₀ Mult-Adds along one knob, fitted per
    seed, and the 95 % t interval of its mean over the seeds (accuracy as a
    fraction per decade).

    Raises:
        ValueError: fewer than 2 configurations, Mult-Adds all equal, or
            different seeds.
    """
    if len(sweep) < 2:
        raise ValueError(
            f"sweep must hold at least 2 configurations, got {len(sweep)}"
        )
    seeds = [r.seed for r in sweep[0].runs]
    if any([r.seed for r in s.runs] != seeds for s in sweep):
        raise ValueError(
            "every configuration of sweep must have the same seeds"
        )
    x = np.log10([s.mult_adds for s in sweep])
    if np.ptp(x) == 0:
        raise ValueError("the Mult-Adds of sweep must not be all equal")
    accuracies = np.stack([s.accuracies for s in sweep])  # [configs, seeds]
    slopes = [stats.linregress(x, seed).slope for seed in accuracies.T]
    return mean_interval(slopes)


@dataclass(frozen=True)
class Claim:
    """One of the paper's claims: its value of the effect, ours with its 95 %
    interval over the seeds, how it is judged (``kind``: ``"size"``, a
    difference compared within ``tolerance``, the rounding of the printed
    accuracies; ``"rate"``, a slope compared by its ratio to the paper's,
    :func:`dlnotes.verdicts.rate`), and the checks its experiment must pass
    (:mod:`~dlnotes.mobilenet.experiments.checks`)."""

    name: str
    unit: str
    paper: float
    ours: Interval
    tolerance: float
    kind: str = "size"
    checks: tuple[verdicts.Check, ...] = ()

    @property
    def ratio(self) -> verdicts.Estimate:
        """Ours over the paper's, with its interval."""
        return verdicts.rate(self.ours.estimate, self.paper)[0]

    @property
    def verdict(self) -> str:
        """The verdict of :mod:`dlnotes.verdicts` for this kind of claim."""
        if self.kind == "rate":
            return verdicts.rate(
                self.ours.estimate, self.paper, checks=self.checks
            )[1]
        return interval_verdict(
            self.ours, self.paper, self.tolerance, self.checks
        )


def paper_slope(rows: Sequence[paper.Row]) -> verdicts.LineFit:
    """The paper's accuracy (%) against log₁₀ of its Mult-Adds, fitted over
    ``rows``."""
    return verdicts.line_fit(
        np.log10([r.mult_adds for r in rows]), [r.accuracy for r in rows]
    )


def claims(
    source: Source,
    checks: Mapping[str, Sequence[verdicts.Check]] | None = None,
    design: Design | None = None,
    pairs: Source | None = None,
) -> dict[str, Claim]:
    """The four accuracy claims of Section 4, ours measured from ``source``
    (differences in points, slopes in points per decade of Mult-Adds), keyed
    ``"sf"``, ``"ns"``, ``"alpha"``, ``"rho"``; ``checks`` by the same keys
    (:func:`dlnotes.mobilenet.experiments.checks.claim_checks`); the two
    differences from the networks of ``design`` in ``pairs`` when given (by
    default :func:`thinned_design`'s in ``source``).

    Differences count as the same size within the rounding of the two printed
    accuracies; slopes are compared by their ratio to the paper's fitted slope
    (:func:`dlnotes.verdicts.rate`), never within the paper's own fit error.
    """
    checks = checks or {}
    rounding = verdicts.rounding_tolerance
    differences = {  # key: name, comparison, paper's (better, worse) rows
        "sf": (
            "separable minus full convolutions (Table 4)",
            separable_vs_full,
            (paper.TABLE_4[1], paper.TABLE_4[0]),
        ),
        "ns": (
            "narrow minus shallow at equal Mult-Adds (Table 5)",
            narrow_vs_shallow,
            paper.TABLE_5,
        ),
    }
    slopes = {  # key: name, sweep, the paper's rows
        "alpha": ("along α (Table 6)", width_sweep, paper.TABLE_6),
        "rho": ("along ρ (Table 7)", resolution_sweep, paper.TABLE_7),
    }
    found = {
        key: Claim(
            name,
            "points",
            round(a.accuracy - b.accuracy, 1),
            compare(pairs or source, design).interval.scaled(100),
            rounding(a.accuracy) + rounding(b.accuracy),
            checks=tuple(checks.get(key, ())),
        )
        for key, (name, compare, (a, b)) in differences.items()
    }
    return found | {
        key: Claim(
            f"accuracy per decade of Mult-Adds {along}",
            "points per decade",
            paper_slope(rows).slope,
            slope_interval(sweep(source)).scaled(100),
            0.0,
            kind="rate",
            checks=tuple(checks.get(key, ())),
        )
        for key, (along, sweep, rows) in slopes.items()
    }


def table_row(
    summary: Summary, quoted: paper.Row | None = None
) -> dict[str, object]:
    """One line of a results table: our configuration (accuracy as mean ±
    standard deviation over the seeds, in %), and the paper's printed row
    beside it."""
    out: dict[str, object] = {
        "model": summary.config.label,
        "Mult-Adds (k)": round(summary.mult_adds / 1e3, 1),
        "params (k)": round(summary.params / 1e3, 1),
        "test accuracy %": (
            f"{100 * summary.mean:.1f} ± {100 * summary.std:.1f}"
        ),
    }
    if quoted is not None:
        out |= {
            "paper: model": quoted.model,
            "paper: M Mult-Adds": quoted.mult_adds,
            "paper: M params": quoted.params,
            "paper: ImageNet %": quoted.accuracy,
        }
    return out


def _line(summary: Summary) -> str:
    return (
        f"{summary.config.label:<22} {summary.mult_adds / 1e6:8.3f} M"
        f" {summary.params / 1e3:8.1f} k   {100 * summary.mean:5.1f} ±"
        f" {100 * summary.std:4.1f} %   {summary.seconds:5.1f} s"
    )


def _difference(pair: Pair) -> str:
    i = pair.interval
    return (
        f"{100 * i.mean:+.1f} points (95 % interval {100 * i.low:+.1f} to"
        f" {100 * i.high:+.1f})"
    )


def main(argv: list[str] | None = None) -> None:
    """``python -m dlnotes.mobilenet.experiments [--full]``: train the book's
    (or the fuller) settings now and print every experiment's table."""
    parser = argparse.ArgumentParser(
        prog="python -m dlnotes.mobilenet.experiments",
        description=__doc__.split("\n")[0],
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help=(
            f"{FULL.epochs} epochs and {len(FULL.seeds)} seeds (default: the"
            f" book's {QUICK.epochs} and {len(QUICK.seeds)})"
        ),
    )
    args = parser.parse_args(argv)
    settings = FULL if args.full else QUICK
    print(f"settings: {settings}")
    print(
        f"{'model':<22} {'Mult-Adds':>10} {'params':>10}   accuracy (mean ±"
        " std)   s/seed"
    )
    pair = separable_vs_full(settings)
    for summary in (pair.a, pair.b):
        print(_line(summary), flush=True)
    print(f"separable − full: {_difference(pair)}")
    pair = narrow_vs_shallow(settings)
    for summary in (pair.a, pair.b):
        print(_line(summary), flush=True)
    print(f"narrow − shallow: {_difference(pair)}")
    sweep = width_sweep(settings) + resolution_sweep(settings)[1:]
    for summary in sweep:
        print(_line(summary), flush=True)
    fit_ = log_linear_fit(
        [s.mult_adds for s in sweep], [s.mean for s in sweep]
    )
    print(
        f"accuracy vs log10 Mult-Adds: slope {100 * fit_.slope:.1f} points per"
        f" decade, R² = {fit_.r_squared:.2f}"
    )
