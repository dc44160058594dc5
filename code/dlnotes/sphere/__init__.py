"""Harmonic analysis on S² and SO(3) and spherical CNNs (Cohen, Geiger, Köhler, Welling, 2018).

Conventions (every function states the ones it depends on): the SOFT grid of bandwidth b,
β_j = π(2j+1)/(4b), α_k = γ_k = 2πk/(2b); S² signals ``[..., 2b, 2b]`` (β, α), SO(3) signals
``[..., 2b, 2b, 2b]`` (β, α, γ); ZYZ Euler angles, R = R_z(α) R_y(β) R_z(γ), active rotations;
``D^l_mn(α, β, γ) = e^{-imα} d^l_mn(β) e^{-inγ}``; orthonormal Condon–Shortley harmonics (healpy's);
S² coefficients packed ``l*l + l + m`` (``b²``), SO(3) ones ``l(4l²-1)/3 + (l+m)(2l+1) + (l+n)``
(``b(4b²-1)/3``), coefficient axis last. S² integrals use the area measure (∫1 = 4π), SO(3)
integrals the normalised Haar measure (∫1 = 1).
"""

from dlnotes.sphere.correlation import (
    naive_s2_correlation,
    naive_so3_correlation,
    s2_correlation,
    s2_spectral_correlation,
    so3_correlation,
    so3_spectral_correlation,
)
from dlnotes.sphere.grid import s2_grid, s2_quadrature_weights, so3_grid, so3_quadrature_weights
from dlnotes.sphere.rotation import euler_to_matrix, matrix_to_euler, s2_rotate, so3_rotate
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.wigner import (
    s2_size,
    so3_size,
    spherical_harmonics,
    wigner_D,
    wigner_D_packed,
    wigner_d,
)

__all__ = [
    "euler_to_matrix",
    "matrix_to_euler",
    "naive_s2_correlation",
    "naive_so3_correlation",
    "s2_correlation",
    "s2_fft",
    "s2_grid",
    "s2_ifft",
    "s2_quadrature_weights",
    "s2_rotate",
    "s2_size",
    "s2_spectral_correlation",
    "so3_correlation",
    "so3_fft",
    "so3_grid",
    "so3_ifft",
    "so3_quadrature_weights",
    "so3_rotate",
    "so3_size",
    "so3_spectral_correlation",
    "spherical_harmonics",
    "wigner_D",
    "wigner_D_packed",
    "wigner_d",
]

# Spherical CNN layers and the paper's experiments (Part III.b).
from dlnotes.sphere.haar import random_rotations
from dlnotes.sphere.integrate import so3_integrate
from dlnotes.sphere.kernel_grids import (
    s2_equatorial_grid,
    s2_near_identity_grid,
    so3_equatorial_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.real_fft import so3_irfft, so3_rfft

__all__ += [
    "S2Convolution",
    "SO3Convolution",
    "random_rotations",
    "s2_equatorial_grid",
    "s2_near_identity_grid",
    "so3_equatorial_grid",
    "so3_integrate",
    "so3_irfft",
    "so3_near_identity_grid",
    "so3_rfft",
]
