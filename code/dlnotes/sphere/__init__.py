"""Harmonic analysis on S² and SO(3) and spherical CNNs (Cohen, Geiger, Köhler,
Welling, 2018).

The library of Part III: grids and quadrature, Wigner matrices, the S² and
SO(3) FFTs, rotations, correlations, the layers. Its conventions (SOFT grid,
ZYZ active rotations, Condon–Shortley harmonics, coefficient packing, measures)
are stated once in :mod:`dlnotes.sphere.conventions`. The book's experiments
built on it live in :mod:`dlnotes.sphere.experiments`; random band-limited
signals for tests and checks in :mod:`dlnotes.sphere.testing`.
"""

from dlnotes.sphere.correlation import (
    naive_s2_correlation,
    naive_so3_correlation,
    s2_correlation,
    s2_spectral_correlation,
    so3_correlation,
    so3_spectral_correlation,
)
from dlnotes.sphere.grid import (
    s2_grid,
    s2_quadrature_weights,
    so3_grid,
    so3_quadrature_weights,
)
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
from dlnotes.sphere.reference import s2_fft_reference, so3_fft_reference
from dlnotes.sphere.rotation import (
    euler_to_matrix,
    matrix_to_euler,
    s2_rotate,
    so3_rotate,
)
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.s2cnn_weights import (
    load_s2cnn_state_dict,
    load_s2cnn_weights,
    s2cnn_kernel_factor,
)
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.table_cache import (
    clear_table_cache,
    set_table_cache_budget,
    table_cache_info,
)
from dlnotes.sphere.wigner import (
    s2_size,
    so3_size,
    spherical_harmonics,
    wigner_D,
    wigner_d,
    wigner_D_packed,
)

__all__ = [
    "clear_table_cache",
    "euler_to_matrix",
    "load_s2cnn_state_dict",
    "load_s2cnn_weights",
    "matrix_to_euler",
    "naive_s2_correlation",
    "naive_so3_correlation",
    "random_rotations",
    "s2_correlation",
    "s2_equatorial_grid",
    "s2_fft",
    "s2_fft_reference",
    "s2_grid",
    "s2_ifft",
    "s2_near_identity_grid",
    "s2_quadrature_weights",
    "s2_rotate",
    "s2_size",
    "s2_spectral_correlation",
    "s2cnn_kernel_factor",
    "S2Convolution",
    "set_table_cache_budget",
    "so3_correlation",
    "so3_equatorial_grid",
    "so3_fft",
    "so3_fft_reference",
    "so3_grid",
    "so3_ifft",
    "so3_integrate",
    "so3_irfft",
    "so3_near_identity_grid",
    "so3_quadrature_weights",
    "so3_rfft",
    "so3_rotate",
    "so3_size",
    "so3_spectral_correlation",
    "SO3Convolution",
    "spherical_harmonics",
    "table_cache_info",
    "wigner_D",
    "wigner_d",
    "wigner_D_packed",
]
