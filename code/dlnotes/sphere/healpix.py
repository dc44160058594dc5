"""A bridge to healpy: coefficient orderings, HEALPix maps of band-limited signals, a CMB-like spectrum.

Our S² coefficients (packing ``l*l + l + m``, all ``|m| ≤ l``) and healpy's ``alm`` describe the
same orthonormal Condon–Shortley expansion with θ = β, φ = α; healpy stores only ``m ≥ 0`` (maps
are real) in its own order ``m(2 lmax + 1 - m)/2 + l`` (``healpy.Alm.getidx``), and the rest
follows from ``a_{l,-m} = (-1)^m conj(a_lm)``. Nothing here downloads anything: every healpy call
passes ``use_pixel_weights=False``.
"""

from __future__ import annotations

import math
from pathlib import Path

import healpy as hp
import numpy as np
import torch

from dlnotes.sphere.s2_fft import check_coefficients, s2_bandwidth, s2_fft


def _healpy_order(lmax: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For healpy's ``alm`` of ``lmax``: each entry's l, m and our packed position ``l*l + l + m``."""
    l, m = hp.Alm.getlm(lmax)
    return l, m, l * l + l + m


def to_healpy_alm(coeffs: torch.Tensor) -> np.ndarray:
    """Our ``[..., b²]`` coefficients of a real signal as healpy ``alm`` (``lmax = b-1``), complex128."""
    coeffs = check_coefficients(coeffs, "coeffs")
    b = s2_bandwidth(coeffs.shape[-1])
    _, _, ours = _healpy_order(b - 1)
    return coeffs.detach().cpu().to(torch.complex128).numpy()[..., ours]


def from_healpy_alm(alm: np.ndarray, lmax: int) -> torch.Tensor:
    """healpy ``alm`` (real map, ``lmax``, ``mmax = lmax``) as our ``[..., (lmax+1)²]``, complex128."""
    alm = np.asarray(alm)
    size = hp.Alm.getsize(lmax)
    if alm.shape[-1] != size:
        raise ValueError(f"alm must have {size} entries on the last axis for lmax = {lmax}, got {alm.shape[-1]}")
    l, m, ours = _healpy_order(lmax)
    out = np.zeros((*alm.shape[:-1], (lmax + 1) ** 2), dtype=np.complex128)
    out[..., ours] = alm
    negative = m > 0
    out[..., (l * l + l - m)[negative]] = (-1.0) ** m[negative] * np.conj(alm[..., negative])
    return torch.from_numpy(out)


def to_healpix_map(coeffs: torch.Tensor, nside: int) -> np.ndarray:
    """Sample the real band-limited function with coefficients ``[b²]`` at the HEALPix pixel centres.

    healpy's synthesis is exact at the pixel centres, so this is the same function as
    ``s2_ifft(coeffs).real`` on the SOFT grid, only sampled elsewhere (for ``mollview``/``orthview``).
    """
    alm = to_healpy_alm(coeffs)
    if alm.ndim != 1:
        raise ValueError(f"coeffs must be a single [b²] vector, got shape {tuple(coeffs.shape)}")
    b = math.isqrt(coeffs.shape[-1])
    return hp.alm2map(alm, nside, lmax=b - 1)


def s2_to_healpix(x: torch.Tensor, nside: int) -> np.ndarray:
    """A real band-limited signal ``[2b, 2b]`` on the SOFT grid as a HEALPix map of ``nside``."""
    return to_healpix_map(s2_fft(x), nside)


def cmb_spectrum(lmax: int) -> np.ndarray:
    """The CMB temperature power spectrum ``C_l`` (μK², l = 0..lmax) shipped with healpy.

    Read from healpy's ``data/totcls.dat`` (a ΛCDM model; its second column is
    ``D_l = l(l+1) C_l / (2π)``); ``C_0 = C_1 = 0``.
    """
    table = np.loadtxt(Path(hp.__file__).parent / "data" / "totcls.dat")
    if lmax >= table.shape[0]:
        raise ValueError(f"lmax must be < {table.shape[0]} for healpy's shipped spectrum, got {lmax}")
    ell = table[: lmax + 1, 0]
    d_ell = table[: lmax + 1, 1]
    return np.where(ell > 1, 2 * np.pi * d_ell / np.maximum(ell * (ell + 1), 1), 0.0)


def cmb_like_sky(b: int, seed: int = 0) -> torch.Tensor:
    """Coefficients ``[b²]`` (complex128) of a random real sky with healpy's CMB spectrum, l < b.

    Drawn by ``healpy.synalm`` (a Gaussian random field: ``E|a_lm|² = C_l``), seeded via NumPy.
    """
    np.random.seed(seed)
    alm = hp.synalm(cmb_spectrum(b - 1), lmax=b - 1, new=True)
    return from_healpy_alm(alm, b - 1)
