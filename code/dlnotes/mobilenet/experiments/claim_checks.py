"""The checks a trained trade-off must pass before it carries a verdict
(:class:`dlnotes.verdicts.Check`), computed from the recorded runs.

A claim such as "at equal Mult-Adds a thinner network beats a shallower one" is
about networks that have finished learning and are wide enough to learn. The
records either show that or they do not:

* **capacity** (:func:`capacity`): no layer of a compared network has fewer
  than :data:`MIN_CHANNELS` channels (the first layer included);
* **convergence** (:func:`convergence`): over the last quarter of the epochs
  every compared network's train accuracy (mean over seeds) gained at most
  :data:`PLATEAU_GAIN`, *and* the learning rate there stayed at least
  :data:`MIN_RATE_SHARE` of its peak — a curve that is flat only because the
  rate was annealed towards zero shows that training stopped, not that it
  converged;
* **seeds** (:func:`seeds`): at least :data:`MIN_SEEDS` seeds.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from dlnotes.mobilenet.experiments.runs import Recorded
from dlnotes.mobilenet.experiments.tradeoffs import (
    Config,
    claim_config_groups,
)
from dlnotes.mobilenet.model import DIGITS, scale_channels
from dlnotes.train import learning_rate
from dlnotes.verdicts import Check

MIN_CHANNELS = 16
"""The narrowest layer a compared network may have."""
PLATEAU_GAIN = 0.01
"""The most train accuracy (a fraction) a converged network may still gain
over the last quarter of its epochs."""
MIN_RATE_SHARE = 0.5
"""The smallest learning rate, as a share of the peak, at which a flat last
quarter counts as a plateau."""
MIN_SEEDS = 5
"""The fewest seeds behind a verdict."""


def narrowest_layer(config: Config) -> int:
    """The channels of ``config``'s narrowest layer: ``round(α·c)`` over the
    first layer and every block of the digits network."""
    return min(
        scale_channels(c, config.width_mult)
        for c in (
            DIGITS.stem_channels,
            *(b.out_channels for b in DIGITS.blocks),
        )
    )


def capacity(configs: Sequence[Config]) -> Check:
    """Whether every network of ``configs`` has at least
    :data:`MIN_CHANNELS` channels in every layer."""
    narrow = {c.label: narrowest_layer(c) for c in configs}
    thin = {k: n for k, n in narrow.items() if n < MIN_CHANNELS}
    return Check(
        "capacity",
        not thin,
        (
            ", ".join(
                f"{k}: {n} channels in its narrowest layer"
                for k, n in thin.items()
            )
            + f" (fewer than {MIN_CHANNELS})"
            if thin
            else f"every layer has at least {MIN_CHANNELS} channels"
        ),
    )


def _train_curve(recorded: Recorded, config: Config) -> np.ndarray:
    """Mean train accuracy per epoch over the recorded seeds."""
    curves = [
        [row["train_accuracy"] for row in r.epochs]
        for r in recorded.records
        if r.config == config and r.seed in recorded.seeds
    ]
    if not curves:
        raise KeyError(f"no recorded run of {config.label}")
    return np.mean(curves, axis=0)


def last_quarter(epochs: int) -> int:
    """The epoch (0-based index of the curve) where the last quarter starts:
    ``epochs − ceil(epochs / 4)``; the gain is measured from the epoch before
    it."""
    return epochs - max(1, -(-epochs // 4))


def convergence(recorded: Recorded, configs: Sequence[Config]) -> Check:
    """Whether every network of ``configs`` reached a plateau at a learning
    rate that had not vanished (module docstring)."""
    settings = recorded.settings
    epochs = int(settings["epochs"])
    start = last_quarter(epochs)
    share = learning_rate(str(settings["schedule"]), 1.0, start, epochs)
    gains, finals = {}, {}
    for config in configs:
        curve = _train_curve(recorded, config)
        gains[config.label] = float(curve[-1] - curve[start - 1])
        finals[config.label] = float(curve[-1])
    rising = {k: g for k, g in gains.items() if g > PLATEAU_GAIN}
    problems = []
    if rising:
        problems.append(
            "train accuracy still rising over the last quarter of the"
            f" {epochs} epochs ("
            + ", ".join(
                f"{k}: +{100 * g:.1f} points to {finals[k]:.2f}"
                for k, g in rising.items()
            )
            + ")"
        )
    if share < MIN_RATE_SHARE:
        problems.append(
            f"the {settings['schedule']} learning rate is down to"
            f" {100 * share:.0f} % of its peak by the last quarter and reaches"
            " 0 at the end, so a flat end shows the rate vanishing, not a"
            " plateau"
        )
    return Check(
        "convergence",
        not problems,
        "; ".join(problems)
        or (
            "final train accuracy "
            + ", ".join(f"{k} {v:.2f}" for k, v in finals.items())
            + ", each flat over the last quarter"
        ),
    )


def seeds(recorded: Recorded) -> Check:
    """Whether the records share at least :data:`MIN_SEEDS` seeds."""
    n = len(recorded.seeds)
    return Check(
        "seeds",
        n >= MIN_SEEDS,
        f"{n} seeds"
        + ("" if n >= MIN_SEEDS else f" (fewer than {MIN_SEEDS})"),
    )


def claim_checks(
    recorded: Recorded,
    configs: Sequence[Config],
    *,
    need_capacity: bool = True,
) -> list[Check]:
    """Every check of the module docstring for the networks ``configs`` of one
    claim (capacity only where the claim is about capacity: not along the
    width sweep, whose point is to make the network thin)."""
    checks = [convergence(recorded, configs), seeds(recorded)]
    if need_capacity:
        checks.insert(0, capacity(configs))
    return checks


def recorded_checks(recorded: Recorded) -> dict[str, list[Check]]:
    """:func:`claim_checks` for each claim of
    :func:`~dlnotes.mobilenet.experiments.tradeoffs.claims`, by its key
    (capacity for the two comparisons, not for the two sweeps)."""
    return {
        key: claim_checks(recorded, configs, need_capacity=key in ("sf", "ns"))
        for key, configs in claim_config_groups().items()
    }
