"""Wigner matrices: small-d by a stable three-term recursion, D, spherical
harmonics, packed tables.

Conventions (Euler angles, ``D^l_mn`` and its small-d, ``Y_l^m``, the
packings): :mod:`dlnotes.sphere.conventions`. A matrix for degree ``l`` has
shape ``[..., 2l+1, 2l+1]`` and entry ``[l+m, l+n]`` is ``(m, n)``.

The recursion in l (Kostelec and Rockmore 2008, eq. 2.8, from Edmonds'
formulas) is

    d^{l+1}_mn = a (cos β - mn / (l(l+1))) d^l_mn - c d^{l-1}_mn,
    a = (l+1)(2l+1) / sqrt(((l+1)² - m²)((l+1)² - n²)),
    c = (l+1) sqrt((l² - m²)(l² - n²)) / (l sqrt(((l+1)² - m²)((l+1)² - n²))),

seeded on the border ``max(|m|, |n|) = l`` by the closed forms
``d^l_{l,n} = sqrt((2l)! / ((l+n)!(l-n)!)) cos(β/2)^{l+n} (-sin(β/2))^{l-n}``
and its symmetries. It runs in float64; the tests find the matrices unitary to
~1e-13 for every l < 64.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import torch

from dlnotes._cache import cached_tensors
from dlnotes._checks import as_float64, check_bandwidth, check_int
from dlnotes.sphere._indices import s2_indices, so3_indices
from dlnotes.sphere.grid import s2_grid


def s2_size(b: int) -> int:
    """Number of S² coefficients of bandwidth ``b`` (degrees below ``b``),
    ``b²``."""
    return b * b


def so3_size(b: int) -> int:
    """Number of SO(3) coefficients of bandwidth ``b``, ``Σ_{l<b} (2l+1)² =
    b(4b²-1)/3``."""
    return b * (4 * b * b - 1) // 3


def so3_offset(l: int) -> int:
    """Index of the first coefficient of degree ``l`` in the SO(3) packing,
    ``l(4l²-1)/3``."""
    return l * (4 * l * l - 1) // 3


def _border_seeds(
    l: int, half_cos: torch.Tensor, half_sin: torch.Tensor
) -> tuple[torch.Tensor, ...]:
    """Rows ``m = ±l`` and columns ``n = ±l`` of ``d^l``, each ``[..., 2l+1]``
    (index ``l + k``)."""
    k = torch.arange(-l, l + 1, dtype=torch.float64, device=half_cos.device)
    log_binom = 0.5 * (
        math.lgamma(2 * l + 1)
        - torch.lgamma(l + k + 1)
        - torch.lgamma(l - k + 1)
    )
    binom = torch.exp(log_binom)
    c, s = half_cos[..., None], half_sin[..., None]
    row_top = binom * c ** (l + k) * (-s) ** (l - k)  # d_{l,n}
    row_bottom = binom * c ** (l - k) * s ** (l + k)  # d_{-l,n}
    col_right = binom * c ** (l + k) * s ** (l - k)  # d_{m,l}
    col_left = binom * c ** (l - k) * (-s) ** (l + k)  # d_{m,-l}
    return row_top, row_bottom, col_right, col_left


def wigner_d_iter(lmax: int, beta: torch.Tensor) -> Iterator[torch.Tensor]:
    """Yield ``d^0(β), ..., d^lmax(β)`` in float64, each ``[..., 2l+1, 2l+1]``,
    by the l-recursion.

    ``beta`` is a float64 tensor of any shape; see the module docstring for the
    recursion. Only two degrees are held at a time, so a caller can convert or
    store each one as it comes.
    """
    cos_beta = torch.cos(beta)[..., None, None]
    half_cos, half_sin = torch.cos(beta / 2), torch.sin(beta / 2)
    current = torch.ones(
        *beta.shape, 1, 1, dtype=torch.float64, device=beta.device
    )
    previous = torch.zeros_like(current)
    yield current
    for l in range(lmax):
        m = torch.arange(-l, l + 1, dtype=torch.float64, device=beta.device)
        mm, nn = m[:, None], m[None, :]
        scale = (
            (l + 1)
            * (2 * l + 1)
            / torch.sqrt(((l + 1) ** 2 - mm**2) * ((l + 1) ** 2 - nn**2))
        )
        shift = mm * nn / (l * (l + 1)) if l > 0 else torch.zeros_like(mm * nn)
        inner = scale * (cos_beta - shift) * current
        if l > 0:
            back = torch.sqrt((l**2 - mm**2) * (l**2 - nn**2)) / (
                l * (2 * l + 1)
            )
            inner = inner - scale * back * torch.nn.functional.pad(
                previous, (1, 1, 1, 1)
            )
        new = torch.nn.functional.pad(inner, (1, 1, 1, 1))
        top, bottom, right, left = _border_seeds(l + 1, half_cos, half_sin)
        new[..., -1, :] = top
        new[..., 0, :] = bottom
        new[..., :, -1] = right
        new[..., :, 0] = left
        previous, current = current, new
        yield current


def wigner_d_all(lmax: int, beta: torch.Tensor) -> list[torch.Tensor]:
    """``[d^0(β), ..., d^lmax(β)]`` in float64, each ``[..., 2l+1, 2l+1]`` (see
    :func:`wigner_d_iter`)."""
    return list(wigner_d_iter(lmax, beta))


@cached_tensors(maxsize=4)
def so3_wigner_table(
    b: int, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, ...]:
    """The SO(3) FFT's table: ``d^l(β_j)`` on the SOFT grid for ``l < b``, one
    ``[2b, 2l+1, 2l+1]`` per l.

    Computed once per ``(b, dtype, device)`` and kept in memory (never on
    disk). The recursion runs in float64 on the northern half of the grid only;
    the southern half follows from ``d^l_mn(π - β) = (-1)^(l+m) d^l_{m,-n}(β)``
    since ``β_{2b-1-j} = π - β_j``. Size: ``2b · b(4b²-1)/3`` numbers (179 MB
    in float32 at b = 64).
    """
    beta, _ = s2_grid(b, torch.float64)
    table = []
    for l, half in enumerate(wigner_d_iter(b - 1, beta[:b])):
        sign = (-1.0) ** (l + torch.arange(-l, l + 1, dtype=torch.float64))[
            :, None
        ]
        full = torch.empty(
            2 * b, 2 * l + 1, 2 * l + 1, dtype=dtype, device=device
        )
        full[:b] = half
        full[b:] = (sign * half.flip(-1)).flip(0)
        table.append(full)
    return tuple(table)


#: The type of an Euler angle argument, in radians (a float or a tensor).
Angle = torch.Tensor | float


def euler_angles(
    alpha: Angle, beta: Angle, gamma: Angle
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The ZYZ Euler angles as float64 tensors broadcast against each
    other."""
    return torch.broadcast_tensors(
        as_float64(alpha, "alpha"),
        as_float64(beta, "beta"),
        as_float64(gamma, "gamma"),
    )


def wigner_D_from_d(
    d: torch.Tensor,
    m: torch.Tensor,
    n: torch.Tensor,
    alpha: torch.Tensor,
    gamma: torch.Tensor,
) -> torch.Tensor:
    """Entries of the D-matrix from those of the small d-matrix: ``D_mn(α, β,
    γ) = exp(-imα) d_mn(β) exp(-inγ)``.

    ``m`` and ``n`` (float64) are laid out as ``d``'s trailing axes (e.g.
    ``[2l+1, 1]`` and ``[1, 2l+1]`` for one degree's matrix), the angles
    ``alpha`` and ``gamma`` (float64, as :func:`euler_angles` gives them) as
    its leading ones.
    """
    trailing = (...,) + (None,) * m.dim()
    phase = -(m * alpha[trailing] + n * gamma[trailing])
    return d * torch.exp(1j * phase)


def _complex(out: torch.Tensor, dtype: torch.dtype) -> torch.Tensor:
    """``out`` as complex128 for a float64 ``dtype``, complex64 otherwise."""
    return out.to(
        torch.complex128 if dtype == torch.float64 else torch.complex64
    )


def _output_dtype(*angles: object) -> torch.dtype:
    """float32 if every tensor angle is float32 (or lower), else float64 (also
    for Python floats)."""
    tensors = [a for a in angles if isinstance(a, torch.Tensor)]
    if tensors and all(
        t.dtype in (torch.float32, torch.float16, torch.bfloat16)
        for t in tensors
    ):
        return torch.float32
    return torch.float64


def wigner_d(l: int, beta: Angle) -> torch.Tensor:
    """Small Wigner-d matrix ``d^l(β)``, real ``[..., 2l+1, 2l+1]``, entry
    ``[l+m, l+n]`` = d^l_mn(β).

    Standard convention (``d^1_{1,0} = -sin β/√2``), computed by the three-term
    recursion of the module docstring in float64 and returned in ``beta``'s
    dtype (float64 for a Python float).
    """
    l = check_int(l, "l", 0, "degree")
    dtype = _output_dtype(beta)
    return wigner_d_all(l, as_float64(beta, "beta"))[l].to(dtype)


def wigner_D(l: int, alpha: Angle, beta: Angle, gamma: Angle) -> torch.Tensor:
    """Wigner D-matrix ``D^l(α, β, γ)``, complex ``[..., 2l+1, 2l+1]``, entry
    ``[l+m, l+n]``.

    ``D^l_mn(α, β, γ) = exp(-imα) d^l_mn(β) exp(-inγ)`` for R = R_z(α) R_y(β)
    R_z(γ); the angles broadcast against each other. ``D^l(R₁R₂) = D^l(R₁)
    D^l(R₂)``.
    """
    l = check_int(l, "l", 0, "degree")
    dtype = _output_dtype(alpha, beta, gamma)
    a, b_, g = euler_angles(alpha, beta, gamma)
    d = wigner_d_all(l, b_)[l]
    m = torch.arange(-l, l + 1, dtype=torch.float64, device=d.device)
    return _complex(wigner_D_from_d(d, m[:, None], m[None, :], a, g), dtype)


def spherical_harmonics(b: int, beta: Angle, alpha: Angle) -> torch.Tensor:
    """All ``Y_l^m(β, α)`` for ``l < b``, packed: complex ``[..., b²]``, entry
    ``l*l + l + m``.

    Orthonormal on S² with the area measure and the Condon–Shortley phase:
    ``Y_l^m(β, α) = sqrt((2l+1)/(4π)) d^l_{m,0}(β) exp(imα)`` (healpy's, with θ
    = β, φ = α). The points ``(beta, alpha)`` broadcast and may lie anywhere,
    not only on the grid.
    """
    b = check_bandwidth(b)
    dtype = _output_dtype(alpha, beta)
    a, be = torch.broadcast_tensors(
        as_float64(alpha, "alpha"), as_float64(beta, "beta")
    )
    columns = _legendre_columns(b, be)  # [..., b, 2b-1]: (l, m + b - 1)
    l_idx, m_idx = s2_indices(b, be.device)
    norm = torch.sqrt((2 * l_idx.to(torch.float64) + 1) / (4 * math.pi))
    d = columns[..., l_idx, m_idx + b - 1]
    out = norm * d * torch.exp(1j * m_idx.to(torch.float64) * a[..., None])
    return _complex(out, dtype)


def wigner_D_packed(
    b: int, alpha: Angle, beta: Angle, gamma: Angle
) -> torch.Tensor:
    """All ``D^l_mn(α, β, γ)`` for ``l < b`` in the SO(3) packing: complex
    ``[..., b(4b²-1)/3]``.

    Entry ``l(4l²-1)/3 + (l+m)(2l+1) + (l+n)`` is ``D^l_mn``; angles broadcast,
    any points.
    """
    b = check_bandwidth(b)
    dtype = _output_dtype(alpha, beta, gamma)
    a, be, g = euler_angles(alpha, beta, gamma)
    d = torch.cat(
        [block.flatten(-2) for block in wigner_d_all(b - 1, be)], dim=-1
    )
    _, m_idx, n_idx = so3_indices(b, be.device)
    m, n = m_idx.to(torch.float64), n_idx.to(torch.float64)
    return _complex(wigner_D_from_d(d, m, n, a, g), dtype)


def legendre_steps(
    b: int, beta: torch.Tensor, m_start: int = 0, m_stop: int | None = None
) -> Iterator[tuple[int, torch.Tensor]]:
    """Yield ``(l, d^l_{m,0}(β))`` for ``l = m_start .. b-1``, each float64
    ``[..., m_stop - m_start]``.

    Entry ``[..., i]`` is order ``m = m_start + i`` (``0 <= m_start <= m <
    m_stop <= b``), zero where ``l < m``; orders below ``m_start`` are not
    computed. The n = 0 column of the recursion,

        d^l_{m0} = ((2l-1) cos β d^{l-1}_{m0} - sqrt((l-1)² - m²) d^{l-2}_{m0})
        / sqrt(l² - m²),

    seeded by ``d^m_{m0}(β) = sqrt((2m)!) / (2^m m!) (-sin β)^m``. Only two
    degrees are held at a time, so callers write each one where it belongs
    (tables are built in place). Negative orders follow from ``d^l_{-m,0} =
    (-1)^m d^l_{m0}``, the southern hemisphere from ``d^l_{m0}(π - β) =
    (-1)^(l+m) d^l_{m0}(β)``.
    """
    m_stop = b if m_stop is None else m_stop
    m = torch.arange(m_start, m_stop, dtype=torch.float64, device=beta.device)
    cos_beta = torch.cos(beta)[..., None]
    log_c = (
        0.5 * torch.lgamma(2 * m + 1) - torch.lgamma(m + 1) - m * math.log(2.0)
    )
    seed = (
        torch.exp(log_c)
        * torch.sin(beta)[..., None] ** m
        * (1.0 - 2.0 * (m % 2))
    )
    previous = torch.zeros_like(seed)
    current = torch.zeros_like(seed)
    for l in range(m_start, b):
        denom = torch.sqrt(torch.clamp(l**2 - m**2, min=1.0))
        back = torch.sqrt(torch.clamp((l - 1) ** 2 - m**2, min=0.0))
        step = ((2 * l - 1) * cos_beta * current - back * previous) / denom
        previous, current = (
            current,
            torch.where(m == l, seed, torch.where(m < l, step, 0.0)),
        )
        yield l, current


def _legendre_columns(b: int, beta: torch.Tensor) -> torch.Tensor:
    """``d^l_{m,0}(β)`` for ``l < b``, ``|m| < b``: float64 ``[..., b, 2b-1]``
    at ``[l, m+b-1]``, zero where ``l < |m|``.

    Filled in place, one degree at a time, from :func:`legendre_steps` (orders
    m >= 0) and ``d^l_{-m,0} = (-1)^m d^l_{m0}``.
    """
    out = torch.zeros(
        *beta.shape, b, 2 * b - 1, dtype=torch.float64, device=beta.device
    )
    sign = 1.0 - 2.0 * (
        torch.arange(1, b, dtype=torch.float64, device=beta.device) % 2
    )
    for l, column in legendre_steps(b, beta):
        out[..., l, b - 1 :] = column
        out[..., l, : b - 1] = (column[..., 1:] * sign).flip(-1)
    return out
