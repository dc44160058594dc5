"""The scale of the activations through a stack of spherical layers at
initialisation.

The layers' initialisation (:mod:`dlnotes.sphere.layers`: weights N(0, 1),
filter scaled by 1/√(F_in · N)) carries the second moment of the input to the
output. Through a linear stack the root mean square of the activations should
therefore stay near that of the input; a ReLU between the layers halves the
mean square of a zero-mean symmetric signal, E[ReLU(y)²] = E[y²]/2, so with
ReLUs it should fall by about 2^{-1/2} a layer.
"""

from __future__ import annotations

import torch

from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.s2_fft import s2_ifft


@torch.no_grad()
def rms_through_depth(
    relu: bool, depth: int = 6, channels: int = 16, b: int = 6, seed: int = 1
) -> list[float]:
    """RMS of each layer's output: one S² layer, then ``depth − 1`` SO(3)
    layers, float64.

    The input is a batch of 8 random band-limited signals on S² (``channels``
    channels, bandwidth ``b``, i.i.d. standard complex normal coefficients),
    scaled to unit mean square; every layer keeps ``channels`` channels and
    bandwidth ``b`` and uses the near-identity kernel grids. Seeds torch's
    global generator with ``seed`` (the layers draw their weights from it).

    Args:
        relu: apply a ReLU between the layers.
        depth: number of layers, at least 1.
        channels: channels of the input and of every layer.
        b: bandwidth of the input and of every layer.
        seed: seed of torch's global generator.

    Returns:
        ``depth`` values: the RMS of layer 1's output (the S² layer), then of
        each SO(3) layer's.
    """
    torch.manual_seed(seed)
    x = s2_ifft(torch.randn(8, channels, b * b, dtype=torch.complex128)).real
    x = x / x.pow(2).mean().sqrt()
    h = S2Convolution(
        channels, channels, b, b, s2_near_identity_grid()
    ).double()(x)
    out = [h.pow(2).mean().sqrt().item()]
    for _ in range(depth - 1):
        h = SO3Convolution(
            channels, channels, b, b, so3_near_identity_grid()
        ).double()(torch.relu(h) if relu else h)
        out.append(h.pow(2).mean().sqrt().item())
    return out
