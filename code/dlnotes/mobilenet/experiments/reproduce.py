"""Our exact counts beside the paper's printed Mult-Adds and parameters (Tables
4–10).

Each :class:`Check` builds the model a printed row describes (on the meta
device: no memory, no time), counts it with :mod:`dlnotes.mobilenet.counting`
under the paper's convention (weights of convolutions and fully connected
layers; Mult-Adds of convolutions and fully connected layers), and compares our
exact count, rounded to the digits the paper prints, with the printed number. A
mismatch is reported, never adjusted: the chapter explains each one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import nn

from dlnotes.mobilenet.counting import count_mult_adds, count_params
from dlnotes.mobilenet.experiments import paper
from dlnotes.mobilenet.model import MobileNetV1
from dlnotes.mobilenet.vgg import VGG16


def printed_decimals(value: float) -> int:
    """How many decimals a printed number has: 4.2 → 1, 1.32 → 2, 569 → 0."""
    text = repr(float(value))
    return 0 if text.endswith(".0") else len(text.split(".")[1])


def agrees(exact: int, printed: float | None) -> bool | None:
    """Whether ``exact`` (a count), in millions and rounded like ``printed``,
    equals it."""
    if printed is None:
        return None
    return round(exact / 1e6, printed_decimals(printed)) == printed


@dataclass(frozen=True)
class Check:
    """One printed row against our count."""

    table: str
    row: paper.Row
    resolution: int
    mult_adds: int
    params: int

    @property
    def mult_adds_agree(self) -> bool | None:
        """Our Mult-Adds, rounded as printed, equal the paper's."""
        return agrees(self.mult_adds, self.row.mult_adds)

    @property
    def params_agree(self) -> bool | None:
        """Our parameters, rounded as printed, equal the paper's."""
        return agrees(self.params, self.row.params)


def check(
    table: str, row: paper.Row, build: Callable[[], nn.Module], resolution: int
) -> Check:
    """Count the model ``build`` makes (on the meta device) at ``resolution``
    against ``row``."""
    with torch.device("meta"):
        model = build()
    return Check(
        table,
        row,
        resolution,
        count_mult_adds(model, resolution),
        count_params(model),
    )


def paper_checks() -> list[Check]:
    """Every row of Tables 4–10 whose model this package defines (all but
    GoogleNet, SqueezeNet, AlexNet and Inception V3). Table 10's models have
    120 outputs (the Stanford Dogs classes)."""
    checks = [
        check("4", paper.TABLE_4[0], lambda: MobileNetV1(variant="full"), 224),
        check("4", paper.TABLE_4[1], MobileNetV1, 224),
        check("5", paper.TABLE_5[0], lambda: MobileNetV1(0.75), 224),
        check(
            "5", paper.TABLE_5[1], lambda: MobileNetV1(variant="shallow"), 224
        ),
    ]
    checks += [
        check("6", row, lambda a=a: MobileNetV1(a), 224)
        for row, a in zip(paper.TABLE_6, paper.TABLE_6_ALPHAS, strict=True)
    ]
    checks += [
        check("7", row, MobileNetV1, r)
        for row, r in zip(
            paper.TABLE_7, paper.TABLE_7_RESOLUTIONS, strict=True
        )
    ]
    checks += [
        check("8", paper.TABLE_8[0], MobileNetV1, 224),
        check("8", paper.TABLE_8[2], VGG16, 224),
    ]
    checks.append(check("9", paper.TABLE_9[0], lambda: MobileNetV1(0.5), 160))
    dogs = ((1.0, 224), (0.75, 224), (1.0, 192), (0.75, 192))
    checks += [
        check("10", row, lambda a=a: MobileNetV1(a, num_classes=120), r)
        for row, (a, r) in zip(paper.TABLE_10[1:], dogs, strict=True)
    ]
    return checks


def _without_classifier(
    table: str, row: paper.Row, width_mult: float, resolution: int
) -> Check:
    with torch.device("meta"):
        model = MobileNetV1(width_mult)
    fc = model.classifier
    return Check(
        table,
        row,
        resolution,
        count_mult_adds(model, resolution) - fc.in_features * fc.out_features,
        count_params(model) - fc.weight.numel(),
    )


def table_12_body_checks() -> list[Check]:
    """Table 12's MobileNet rows (face attributes) against our count of the
    body *without* the ImageNet classifier — the head of the face-attribute
    network is not described in the paper."""
    rows = [
        paper.Row(name, acc, ma, p)
        for name, acc, ma, p in paper.TABLE_12
        if name.startswith(("1.0", "0.5", "0.25"))
    ]
    settings = (
        (1.0, 224),
        (0.5, 224),
        (0.25, 224),
        (1.0, 128),
        (0.5, 128),
        (0.25, 128),
    )
    return [
        _without_classifier("12", row, a, r)
        for row, (a, r) in zip(rows, settings, strict=True)
    ]
