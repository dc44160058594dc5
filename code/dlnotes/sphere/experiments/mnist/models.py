"""The two models of spherical MNIST (Cohen et al., 2018, Table 1).

**Models** (paper, Table 1): the planar CNN conv5×5(32, stride
3)–ReLU–conv5×5(64, stride 3)– ReLU–FC on the 2b×2b grid image, and the
spherical CNN S²conv(20, b → b₁)–ReLU–SO(3)conv(40, b₁ → b₂)–ReLU–∫_{SO(3)}–FC
(paper: b = 30, b₁ = 10, b₂ = 6).
"""

from __future__ import annotations

import math

import torch
from torch import nn

from dlnotes.sphere.experiments import paper
from dlnotes.sphere.integrate import so3_integrate
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution


class PlanarCNN(nn.Module):
    """The paper's planar baseline on the 2b × 2b grid image (no padding).

    conv5×5(1 → 32, stride 3) – ReLU – conv5×5(32 → 64, stride 3) – ReLU –
    flatten – FC(→ 10). At b = 30 (60×60 input) the maps are 19×19 then 5×5,
    and the model has 68,106 parameters (paper: 68K).
    """

    def __init__(self, b: int, classes: int = 10) -> None:
        super().__init__()
        side = ((2 * b - 5) // 3 + 1 - 5) // 3 + 1
        if side < 1:
            raise ValueError(
                f"b must be >= 9 for two 5x5 stride-3 convolutions, got {b}"
            )
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

    S2Convolution(1 → f1, b → b1, 24-point ``s2_near_identity_grid()``) – ReLU
    – SO3Convolution(f1 → f2, b1 → b2, 72-point
    ``so3_near_identity_grid(max_gamma=π/8, n_gamma=3)``) – ReLU –
    ``so3_integrate`` (rotation-invariant features) – FC(f2 → 10); each ReLU
    is fused into the operation that reads its output (the SO(3) layer's
    first transform, the integral: :mod:`dlnotes.sphere.activation`). With the
    paper's b = 30, b1 = 10, b2 = 6, f1 = 20, f2 = 40 it has 58,550 parameters
    (paper: 58K).

    **Input scale.** The signals are multiplied by ``input_scale`` (255 by
    default) before the first layer: the authors' code (``s2cnn``,
    ``examples/mnist``) feeds the network pixel values 0–255, where our
    projected digits lie in [0, 1]. This is not cosmetic. At initialisation the
    biases are zero and every layer up to the FC one is positively homogeneous,
    so the invariant features scale with the input; for digits in [0, 1] they
    are small (mean about 0.04, spread across digits about 0.01: a digit's ink
    covers little of the sphere). Adam moves each weight of the FC layer by
    about ``lr`` per step whatever the features' scale, so one step changes the
    logits by about ``lr`` times the features: with features 255 times larger
    the last layer learns 255 times faster in function space. ``input_scale=1``
    is the same model trained on [0, 1] inputs.
    """

    def __init__(
        self,
        b: int = 30,
        b1: int = 10,
        b2: int = 6,
        f1: int = 20,
        f2: int = 40,
        classes: int = 10,
        input_scale: float = 255.0,
    ) -> None:
        super().__init__()
        if not input_scale > 0:
            raise ValueError(f"input_scale must be > 0, got {input_scale}")
        self.input_scale = float(input_scale)
        self.s2_conv = S2Convolution(1, f1, b, b1, s2_near_identity_grid())
        self.so3_conv = SO3Convolution(
            f1,
            f2,
            b1,
            b2,
            so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3),
        )
        self.out = nn.Linear(f2, classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The rotation-invariant features ``[B, f2]`` that the final FC layer
        reads."""
        x = self.s2_conv(self.input_scale * x)
        # each ReLU fused into the operation that reads its output
        # (dlnotes.sphere.activation)
        x = self.so3_conv(x, input_activation="relu")
        return so3_integrate(x, input_activation="relu")

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, classes]`` of signals ``[B, 1, 2b, 2b]`` on the SOFT
        grid."""
        return self.out(self.features(x))


def parameter_count(model: nn.Module) -> int:
    """Number of trainable scalars."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


#: The two models, in the order of the paper's table.
MODELS = ("planar", "spherical")
#: Parameter counts the paper quotes for the two models (in
#: :mod:`dlnotes.sphere.experiments.paper`).
PAPER_PARAMETERS = paper.TABLE_1_PARAMETERS


def build_model(
    name: str, b: int, b1: int, b2: int, input_scale: float = 255.0
) -> nn.Module:
    """``"planar"``: :class:`PlanarCNN` on the 2b × 2b grid; ``"spherical"``:
    :class:`SphericalCNN` (b → b1 → b2, ``input_scale``)."""
    if name == "planar":
        return PlanarCNN(b)
    if name == "spherical":
        return SphericalCNN(b, b1, b2, input_scale=input_scale)
    raise ValueError(f"model must be one of {MODELS}, got {name!r}")
