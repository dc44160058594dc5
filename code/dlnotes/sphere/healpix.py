"""A bridge to healpy: coefficient orderings, HEALPix maps of band-limited
signals, a CMB-like spectrum.

Our S² coefficients (all ``|m| ≤ l``, packed as in
:mod:`dlnotes.sphere.conventions`) and healpy's ``alm`` describe the same
orthonormal Condon–Shortley expansion with θ = β, φ = α; healpy stores only ``m
≥ 0`` (maps are real) in its own order ``m(2 lmax + 1 - m)/2 + l``
(``healpy.Alm.getidx``), and the rest follows from ``a_{l,-m} = (-1)^m
conj(a_lm)``. Nothing here downloads anything: every healpy call passes
``use_pixel_weights=False``.
"""

from __future__ import annotations

import math
from pathlib import Path

import healpy as hp
import numpy as np
import torch

from dlnotes._cache import cached_tensors
from dlnotes._checks import (
    check_bandwidth,
    check_coefficients,
    check_int,
    s2_bandwidth,
)
from dlnotes.sphere.s2_fft import s2_fft

MAX_NSIDE = 2**29  # healpy's largest


def check_nside(nside: object) -> int:
    """Return ``nside`` if it is a HEALPix resolution, a power of 2 in 1 ..
    2**29, else raise.

    healpy's C++ code aborts the whole process for ``nside = 0`` and silently
    accepts negative values, so it is checked here first.

    Raises:
        TypeError: ``nside`` is not an int.
        ValueError: ``nside`` is not a power of 2 in 1 .. 2**29.
    """
    nside = check_int(nside, "nside")
    if not 1 <= nside <= MAX_NSIDE or nside & (nside - 1):
        raise ValueError(
            "nside must be a positive power of 2 (1, 2, 4, ..., 2**29), as"
            f" HEALPix requires; got {nside}"
        )
    return int(nside)


def _healpy_order(lmax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For healpy's ``alm`` of ``lmax``: each entry's l, m and our packed
    position ``l*l + l + m``."""
    l, m = hp.Alm.getlm(lmax)
    return l, m, l * l + l + m


def to_healpy_alm(coeffs: torch.Tensor) -> np.ndarray:
    """Our ``[..., b²]`` coefficients of a real signal as healpy ``alm``
    (``lmax = b-1``), complex128.

    Raises:
        TypeError: ``coeffs`` is not a floating or complex tensor.
        ValueError: its last axis is not ``b²`` long.
    """
    check_coefficients(coeffs, "coeffs")
    b = s2_bandwidth(coeffs.shape[-1])
    _, _, ours = _healpy_order(b - 1)
    return coeffs.detach().cpu().to(torch.complex128).numpy()[..., ours]


def from_healpy_alm(alm: np.ndarray, lmax: int) -> torch.Tensor:
    """healpy ``alm`` (real map, ``lmax``, ``mmax = lmax``) as our ``[...,
    (lmax+1)²]``, complex128.

    Raises:
        TypeError: ``lmax`` is not an int.
        ValueError: ``lmax`` is negative, or ``alm``'s last axis does not have
            healpy's ``(lmax+1)(lmax+2)/2`` entries.
    """
    lmax = check_int(lmax, "lmax", 0, "degree")
    alm = np.asarray(alm)
    size = hp.Alm.getsize(lmax)
    if alm.shape[-1] != size:
        raise ValueError(
            f"alm must have {size} entries on the last axis for lmax = {lmax},"
            f" got {alm.shape[-1]}"
        )
    l, m, ours = _healpy_order(lmax)
    out = np.zeros((*alm.shape[:-1], (lmax + 1) ** 2), dtype=np.complex128)
    out[..., ours] = alm
    negative = m > 0
    out[..., (l * l + l - m)[negative]] = (-1.0) ** m[negative] * np.conj(
        alm[..., negative]
    )
    return torch.from_numpy(out)


def to_healpix_map(coeffs: torch.Tensor, nside: int) -> np.ndarray:
    """Sample the real band-limited function with coefficients ``[b²]`` at the
    HEALPix pixel centres.

    healpy's synthesis is exact at the pixel centres, so this is the same
    function as ``s2_ifft(coeffs).real`` on the SOFT grid, only sampled
    elsewhere (for ``mollview``/``orthview``).

    Raises:
        TypeError: ``nside`` is not an int, or ``coeffs`` not a floating or
            complex tensor.
        ValueError: ``nside`` is not a power of 2 in 1 .. 2**29, or ``coeffs``
            is not one ``[b²]`` vector.
    """
    nside = check_nside(nside)
    alm = to_healpy_alm(coeffs)
    if alm.ndim != 1:
        raise ValueError(
            "coeffs must be a single [b²] vector, got shape"
            f" {tuple(coeffs.shape)}"
        )
    b = math.isqrt(coeffs.shape[-1])
    return hp.alm2map(alm, nside, lmax=b - 1)


def s2_to_healpix(x: torch.Tensor, nside: int) -> np.ndarray:
    """A real band-limited signal ``[2b, 2b]`` on the SOFT grid as a HEALPix
    map of ``nside``.

    Raises:
        TypeError: ``nside`` is not an int, or ``x`` not a floating tensor.
        ValueError: ``nside`` is not a power of 2 in 1 .. 2**29, or ``x`` is
            not one ``[2b, 2b]`` map.
    """
    return to_healpix_map(s2_fft(x), check_nside(nside))


@cached_tensors(maxsize=None)
def _shipped_spectrum() -> np.ndarray:
    """healpy's ``data/totcls.dat``: rows (l, D_l, ...) from l = 0."""
    return np.loadtxt(Path(hp.__file__).parent / "data" / "totcls.dat")


def cmb_spectrum(lmax: int) -> np.ndarray:
    """The CMB temperature power spectrum ``C_l`` (μK², l = 0..lmax) shipped
    with healpy.

    Read from healpy's ``data/totcls.dat`` (a ΛCDM model; its second column is
    ``D_l = l(l+1) C_l / (2π)``); ``C_0 = C_1 = 0``.

    Raises:
        TypeError: ``lmax`` is not an int.
        ValueError: ``lmax`` is negative or beyond the shipped table.
    """
    lmax = check_int(lmax, "lmax", 0, "degree")
    table = _shipped_spectrum()
    if lmax >= table.shape[0]:
        raise ValueError(
            f"lmax must be < {table.shape[0]} for healpy's shipped spectrum,"
            f" got {lmax}"
        )
    ell = table[: lmax + 1, 0]
    d_ell = table[: lmax + 1, 1]
    return np.where(
        ell > 1, 2 * np.pi * d_ell / np.maximum(ell * (ell + 1), 1), 0.0
    )


def angular_power(coeffs: torch.Tensor) -> np.ndarray:
    """The angular power spectrum of one signal, ``C_l = Σ_m |f̂_lm|² /
    (2l+1)`` for l < b, float64 ``[b]``.

    For a real signal this is healpy's ``alm2cl`` of the same coefficients.

    Args:
        coeffs: ``[b²]`` S² coefficients
            (:func:`~dlnotes.sphere.s2_fft.s2_fft`).

    Raises:
        TypeError: ``coeffs`` is not a floating or complex tensor.
        ValueError: ``coeffs`` is not one vector of ``b²`` entries.
    """
    check_coefficients(coeffs, "coeffs")
    if coeffs.dim() != 1:
        raise ValueError(
            f"coeffs must be one [b²] vector, got shape {tuple(coeffs.shape)}"
        )
    b = s2_bandwidth(coeffs.shape[-1])
    return np.array(
        [
            (coeffs[l * l : (l + 1) ** 2].abs() ** 2).mean().item()
            for l in range(b)
        ]
    )


def cmb_like_sky(b: int, seed: int = 0) -> torch.Tensor:
    """Coefficients ``[b²]`` (complex128) of a random real sky with healpy's
    CMB spectrum, l < b.

    Drawn by ``healpy.synalm`` (a Gaussian random field: ``E|a_lm|² = C_l``),
    seeded via NumPy.

    Raises:
        TypeError: ``b`` or ``seed`` is not an int.
        ValueError: ``b`` is below 1 or beyond the shipped spectrum, or
            ``seed`` outside 0 .. 2**32 - 1.
    """
    b = check_bandwidth(b)
    seed = check_int(seed, "seed")
    if not 0 <= seed < 2**32:
        raise ValueError(
            f"seed must lie in 0 .. 2**32 - 1 (NumPy's seeds), got {seed}"
        )
    if b > _shipped_spectrum().shape[0]:
        raise ValueError(
            f"b must be at most {_shipped_spectrum().shape[0]} (healpy's"
            f" shipped spectrum ends there), got {b}"
        )
    np.random.seed(seed)
    alm = hp.synalm(cmb_spectrum(b - 1), lmax=b - 1, new=True)
    return from_healpy_alm(alm, b - 1)
