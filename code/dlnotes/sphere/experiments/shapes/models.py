"""The three classifiers of the shape miniature: a scaled-down SHREC17
spherical CNN, a planar CNN on the same grids, and a non-learned invariant
baseline (power spectra).

**The paper's SHREC17 network** (§5.3, quoted in
:data:`dlnotes.sphere.experiments.paper.TABLE_2_MODEL`): S²conv(50, b 128 →
32) – SO(3)conv(70, 32 → 22) – SO(3)conv(350, 22 → 7), each followed by a
ReLU, then ∫_{SO(3)} and a linear layer to the 55 classes; about 1.4M
parameters. **Ours** keeps the three layers, their order and the invariant
integral, adds batch normalisation before each ReLU, and scales the sizes
down (:data:`SHAPE_BANDWIDTHS`, :data:`SHAPE_FEATURES`): bandwidths 8 → 6 →
4 → 2 (paper 128 → 32 → 22 → 7) and features 12, 16, 32 (paper 50, 70, 350)
for ten classes, 52,926 parameters (paper ≈ 1.4M, 26 times as many).
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from dlnotes.sphere.integrate import so3_integrate
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.s2_fft import s2_fft

#: Input bandwidth and the bandwidth after each of the three layers.
SHAPE_BANDWIDTHS = (8, 6, 4, 2)
#: Features of the S² layer and of the two SO(3) layers.
SHAPE_FEATURES = (12, 16, 32)
#: The learned models, in table order.
MODELS = ("planar", "spherical")


class ShapeSphericalCNN(nn.Module):
    """S²conv – BN – ReLU – SO(3)conv – BN – ReLU – SO(3)conv – BN – ReLU –
    ∫_{SO(3)} – FC, the layout of the paper's SHREC17 network at the sizes
    of :data:`SHAPE_BANDWIDTHS` and :data:`SHAPE_FEATURES` (kernel grids as
    in the MNIST model)."""

    def __init__(
        self,
        channels: int = 6,
        classes: int = 10,
        bandwidths: tuple[int, int, int, int] = SHAPE_BANDWIDTHS,
        features: tuple[int, int, int] = SHAPE_FEATURES,
    ) -> None:
        super().__init__()
        b0, b1, b2, b3 = bandwidths
        f1, f2, f3 = features
        so3_grid = so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3)
        self.layers = nn.Sequential(
            S2Convolution(channels, f1, b0, b1, s2_near_identity_grid()),
            nn.BatchNorm3d(f1),
            nn.ReLU(),
            SO3Convolution(f1, f2, b1, b2, so3_grid),
            nn.BatchNorm3d(f2),
            nn.ReLU(),
            SO3Convolution(f2, f3, b2, b3, so3_grid),
            nn.BatchNorm3d(f3),
            nn.ReLU(),
        )
        self.out = nn.Linear(f3, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, classes]`` of signals ``[B, channels, 2b, 2b]``."""
        return self.out(so3_integrate(self.layers(x)))


class ShapePlanarCNN(nn.Module):
    """The same signals read as 2b × 2b images with ``channels`` planes:
    conv3×3(→16) – ReLU – maxpool2 – conv3×3(→32) – ReLU – maxpool2 – FC."""

    def __init__(self, b: int = 8, channels: int = 6, classes: int = 10):
        super().__init__()
        if b % 2 or b < 4:
            raise ValueError(f"b must be even and >= 4, got {b}")
        self.layers = nn.Sequential(
            nn.Conv2d(channels, 16, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Flatten(),
        )
        self.out = nn.Linear(32 * (b // 2) ** 2, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits ``[B, classes]`` of grid images ``[B, channels, 2b, 2b]``."""
        return self.out(self.layers(x))


def build_model(name: str, b: int = 8, classes: int = 10) -> nn.Module:
    """``"planar"`` or ``"spherical"`` for input bandwidth ``b`` (the
    spherical model's inner bandwidths are those of
    :data:`SHAPE_BANDWIDTHS`, so ``b`` must be its first)."""
    if name == "planar":
        return ShapePlanarCNN(b, classes=classes)
    if name == "spherical":
        if b != SHAPE_BANDWIDTHS[0]:
            raise ValueError(
                f"the spherical model reads b={SHAPE_BANDWIDTHS[0]}, got {b}"
            )
        return ShapeSphericalCNN(classes=classes)
    raise ValueError(f"model must be one of {MODELS}, got {name!r}")


def power_spectrum(signals: np.ndarray) -> np.ndarray:
    """Rotation-invariant features ``[n, channels · b]``: per channel and
    degree l, the energy ``Σ_m |f̂ˡ_m|²`` of the signal's spherical harmonic
    coefficients (:func:`dlnotes.sphere.s2_fft.s2_fft`).

    A rotation mixes the coefficients of one degree by the unitary Dˡ, so
    each energy is unchanged (up to the sampling of a signal that is not
    band-limited)."""
    x = torch.from_numpy(np.asarray(signals, dtype=np.float64))
    b = x.shape[-1] // 2
    coefficients = s2_fft(x)
    energy = coefficients.abs() ** 2
    degrees = torch.tensor([l for l in range(b) for _ in range(2 * l + 1)])
    spectrum = torch.zeros(*energy.shape[:-1], b, dtype=torch.float64)
    spectrum.index_add_(-1, degrees, energy)
    return spectrum.flatten(1).numpy()
