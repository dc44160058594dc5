"""Random band-limited signals on S² and SO(3), for tests, checks and the
chapters' experiments.

A signal of bandwidth b is a finite sum of harmonics of degree l < b
(conventions: :mod:`dlnotes.sphere.conventions`). Drawing its coefficients
i.i.d. standard complex normal and synthesising gives a complex band-limited
signal; its real part is band-limited too, because conjugation maps the
degree-l harmonics to themselves (conj Yₗᵐ = (−1)ᵐ Yₗ⁻ᵐ, conj Dˡ_mn =
(−1)^{m−n} Dˡ_{−m,−n}).

:func:`assert_equivariant` checks a layer's defining property, Φ(L_R f) =
L_R Φ(f), as e3nn's ``e3nn.util.test.assert_equivariant`` does for its
representations.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from dlnotes.sphere.rotation import s2_rotate, so3_rotate
from dlnotes.sphere.s2_fft import s2_ifft
from dlnotes.sphere.so3_fft import so3_ifft
from dlnotes.sphere.wigner import s2_size, so3_size


def _complex_normal(
    shape: tuple[int, ...], generator: torch.Generator
) -> torch.Tensor:
    return torch.view_as_complex(
        torch.randn(*shape, 2, generator=generator, dtype=torch.float64)
    )


def _generator(
    seed: int, generator: torch.Generator | None
) -> torch.Generator:
    return (
        generator
        if generator is not None
        else torch.Generator().manual_seed(seed)
    )


def random_s2_coefficients(
    b: int,
    *shape: int,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """i.i.d. standard complex normal coefficients ``[*shape, b²]``
    (complex128) of an S² signal."""
    return _complex_normal((*shape, s2_size(b)), _generator(seed, generator))


def random_so3_coefficients(
    b: int,
    *shape: int,
    seed: int = 0,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """i.i.d. standard complex normal coefficients ``[*shape, b(4b²−1)/3]``
    (complex128) of an SO(3) signal."""
    return _complex_normal((*shape, so3_size(b)), _generator(seed, generator))


def random_s2(
    b: int,
    *shape: int,
    seed: int = 0,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """A real signal of bandwidth ``b`` on the S² grid, ``[*shape, 2b, 2b]`` in
    ``dtype``.

    Seeded by ``seed``, or drawn from ``generator`` when one is given (to draw
    several in turn).
    """
    return s2_ifft(
        random_s2_coefficients(b, *shape, seed=seed, generator=generator)
    ).real.to(dtype)


def random_so3(
    b: int,
    *shape: int,
    seed: int = 0,
    generator: torch.Generator | None = None,
    dtype: torch.dtype = torch.float64,
) -> torch.Tensor:
    """A real signal of bandwidth ``b`` on the SO(3) grid, ``[*shape, 2b, 2b,
    2b]`` in ``dtype``."""
    return so3_ifft(
        random_so3_coefficients(b, *shape, seed=seed, generator=generator)
    ).real.to(dtype)


def relative_error(result: torch.Tensor, expected: torch.Tensor) -> float:
    """``max |result − expected| / max |expected|``: the error measure of the
    equivariance checks."""
    if result.shape != expected.shape:
        raise ValueError(
            "result and expected must have the same shape, got"
            f" {tuple(result.shape)} and {tuple(expected.shape)}"
        )
    return ((result - expected).abs().max() / expected.abs().max()).item()


def assert_equivariant(
    layer: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    rotation: tuple[float, float, float],
    *,
    domain: str = "s2",
    tolerance: float | None = None,
) -> float:
    """Check that ``layer`` commutes with the rotation: ``layer(L_R x)`` equals
    ``L_R layer(x)`` (Cohen et al., 2018, eq. 10), and return the
    :func:`relative_error` of the two.

    The input is rotated exactly, in float64, on its grid (``domain``:
    ``"s2"`` for ``[..., 2b, 2b]`` signals, ``"so3"`` for ``[..., 2b, 2b,
    2b]``) and cast back to ``x``'s dtype; the output, an SO(3) signal as both
    correlation layers give, is rotated exactly in float64 too, so the error
    measured is the layer's own (its band limit and its rounding).

    Args:
        layer: an S² or SO(3) convolution, or any callable from signals to
            SO(3) signals.
        x: the input signal, in the dtype the layer runs in.
        rotation: the ZYZ Euler angles ``(α, β, γ)`` of R
            (:mod:`dlnotes.sphere.conventions`).
        domain: the input's domain, ``"s2"`` or ``"so3"``.
        tolerance: the largest relative error allowed; by default ``1000 ·
            eps`` of ``x``'s dtype (about 2e-13 in float64, 1e-4 in float32;
            the book's layers stay within 10 · eps).

    Raises:
        AssertionError: the error exceeds ``tolerance``.
        ValueError: ``domain`` is neither ``"s2"`` nor ``"so3"``.
    """
    rotate = {"s2": s2_rotate, "so3": so3_rotate}.get(domain)
    if rotate is None:
        raise ValueError(f"domain must be 's2' or 'so3', got {domain!r}")
    if tolerance is None:
        tolerance = 1e3 * torch.finfo(x.dtype).eps
    with torch.no_grad():
        rotated_after = so3_rotate(layer(x).double(), *rotation)
        rotated_before = layer(rotate(x.double(), *rotation).to(x.dtype))
    error = relative_error(rotated_before.double(), rotated_after)
    if not error <= tolerance:
        raise AssertionError(
            f"not equivariant: relative error {error:.3g} >"
            f" tolerance {tolerance:.3g} for the rotation {rotation}"
        )
    return error


def gaussian_bump(
    b: int, polar: float, azimuth: float, width: float
) -> torch.Tensor:
    """A smooth bump on the SOFT grid of bandwidth ``b`` centred at colatitude
    ``polar`` and longitude ``azimuth`` (float64 ``[2b, 2b]``).

    It is the zonal function with coefficients ``f̂ˡ₀ = √((2l + 1)/4π) ·
    exp(−l(l + 1) w²/2)`` (a heat-kernel bump of angular width about ``w`` =
    ``width`` radians at the north pole), rotated to the point by
    :func:`~dlnotes.sphere.rotation.s2_rotate` — band-limited, so it rotates
    exactly on the grid.
    """
    if width <= 0:
        raise ValueError(f"width must be > 0, got {width}")
    l = torch.arange(b, dtype=torch.float64)
    coefficients = torch.zeros(s2_size(b), dtype=torch.complex128)
    coefficients[(l * l + l).long()] = (
        torch.sqrt((2 * l + 1) / (4 * torch.pi))
        * torch.exp(-l * (l + 1) * width**2 / 2)
    ).to(torch.complex128)
    return s2_rotate(s2_ifft(coefficients).real, azimuth, polar, 0.0)
