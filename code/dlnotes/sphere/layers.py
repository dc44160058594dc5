"""The spherical CNN layers of Cohen et al. (2018): S² correlation lifting to
SO(3), SO(3) correlation.

Both layers compute the paper's correlation (eq. 4 and eq. 5), summed over
input channels k,

    [ψ ⋆ f](R) = Σ_k ∫_{S²} ψ_k(R⁻¹x) f_k(x) dx        (S² → SO(3)),
    [ψ ⋆ f](R) = Σ_k ∫_{SO(3)} ψ_k(R⁻¹Q) f_k(Q) dQ      (SO(3) → SO(3)),

through the Fourier theorems (paper eq. 7 and 8): the coefficients of ψ ⋆ f
are, per degree l, products of the coefficients of f and ψ
(:func:`~dlnotes.sphere.correlation.s2_spectral_correlation`,
:func:`~dlnotes.sphere.correlation.so3_spectral_correlation`), and an inverse
SO(3) FFT samples the result on the SOFT grid of bandwidth ``b_out``. Signals,
filters and outputs are real, so their SO(3) coefficients are
Hermitian-symmetric and the orders n ≥ 0 suffice: the layers compute only those
(:mod:`dlnotes.sphere.half_correlation`) and use the real-signal transforms of
:mod:`dlnotes.sphere.real_fft` on that half spectrum (same values as
``so3_fft`` / ``so3_ifft(...).real``; timed by
:mod:`dlnotes.sphere.experiments.bench_layers`). The bias is the coefficient
f̂⁰_00 of each output map (D⁰_00 = 1), added before the inverse transform.
``layer(x, input_activation="relu")`` is the layer applied to relu(x); the
SO(3) layer fuses that ReLU into its first transform, so that the rectified
grid is never stored (:mod:`dlnotes.sphere.activation`): the MNIST model
calls its SO(3) layer so.

**Filters** (paper §4.1) are *localised*: a filter is a sum of point masses
with learnable weights at the points of a kernel grid
(:mod:`dlnotes.sphere.kernel_grids`), ψ_k = Σ_i w_{k,i} δ_{x_i}. Its Fourier
coefficients are the direct (DFT) sums

    ψ̂ˡ_m = Σ_i w_i conj(Yˡ_m(x_i))                   on S²,
    ψ̂ˡ_mn = (2l+1) Σ_i w_i conj(Dˡ_mn(Q_i))          on SO(3),

a matrix product of the weights with a table of spherical harmonics / Wigner-D
functions at the grid points (the half of it the layer uses:
:func:`s2_filter_dft_half`, :func:`so3_filter_dft_half`), computed once per
(b_out, grid) in float64 and cached in memory (the factor 2l+1 and the measures
follow the transforms and :mod:`dlnotes.sphere.conventions`; point masses have
unit mass in those measures). With point-mass filters the correlation has a
direct reading, used by the tests: [ψ ⋆ f](R) = Σ_{k,i} w_{k,i} f̃_k(R x_i) (or
f̃_k(R Q_i)), where f̃ is f band-limited to degrees l < b_out.

**Initialisation.** The weights are drawn from N(0, 1) and the filter is scaled
by 1/√(F_in · N), with N the number of grid points. For independent zero-mean
weights the expected square of an output sample is then the mean, over the F_in
· N terms, of f̃_k²: the second moment of the input (minus what the band limit
removes) is carried to the output. Keeping the weights of unit scale suits
Adam, whose steps are of unit scale in each weight; the scale lives outside the
parameter, as in ``s2cnn``.

**s2cnn's scaling** differs by a constant per layer: for the same ``kernel``
values, s2cnn's S² layer outputs ours times ``2 b_in / b_out`` (its weights are
``2b_out · kernel / √(N F_in b_out⁴/b_in²)``) and its SO(3) layer ours times
``(b_in / b_out)^{3/2}`` (``kernel / √(N F_in b_out³/b_in³)``);
:func:`~dlnotes.sphere.s2cnn_weights.load_s2cnn_state_dict` loads s2cnn weights
as the same function (derivation in :mod:`dlnotes.sphere.s2cnn_weights`).

**Input dtypes** as torch's layers: ``x`` must have the layer's dtype (a
float32 layer rejects float64 and complex input with a ``TypeError``); a
float16/bfloat16 layer computes in float32 and returns its own dtype. An empty
batch gives an empty output.

Names, signatures and tensor layouts follow ``s2cnn``
(``s2cnn/soft/s2_conv.py``, ``s2cnn/soft/so3_conv.py``): S² signals ``[B, F,
2b, 2b]``, SO(3) signals ``[B, F, 2b, 2b, 2b]``, on the grids and with the
rotations of :mod:`dlnotes.sphere.conventions`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from torch import nn

from dlnotes._cache import cached_tensors
from dlnotes._checks import check_bandwidth, check_count
from dlnotes.sphere.activation import check_input_activation
from dlnotes.sphere.half_correlation import (
    s2_half_correlation,
    so3_half_correlation,
)
from dlnotes.sphere.real_fft import so3_irfft_half, so3_rfft_half
from dlnotes.sphere.s2_fft import complex_dtype, s2_fft
from dlnotes.sphere.wigner import (
    so3_offset,
    spherical_harmonics,
    wigner_D_packed,
)


def _check_bandwidths(b_in: int, b_out: int) -> None:
    for name, value in (("b_in", b_in), ("b_out", b_out)):
        check_bandwidth(value, name)
    if b_out > b_in:
        raise ValueError(
            "b_out must be <= b_in (the layer can only drop frequencies), got"
            f" b_in={b_in}, b_out={b_out}"
        )


def _check_features(nfeature_in: int, nfeature_out: int) -> None:
    for name, value in (
        ("nfeature_in", nfeature_in),
        ("nfeature_out", nfeature_out),
    ):
        check_count(value, name)


def _check_grid(
    grid: Sequence[Sequence[float]], arity: int, what: str
) -> tuple[tuple[float, ...], ...]:
    points = tuple(tuple(float(v) for v in point) for point in grid)
    if not points:
        raise ValueError(
            f"grid must hold at least one point {what}, got an empty grid"
        )
    if any(len(point) != arity for point in points):
        raise ValueError(
            f"grid must be a sequence of {what} points ({arity} angles each)"
        )
    return points


def _check_input(
    x: object, nfeature_in: int, b_in: int, spatial: int, dtype: torch.dtype
) -> None:
    if not isinstance(x, torch.Tensor):
        raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
    if x.dtype != dtype:
        raise TypeError(
            f"x must have the layer's dtype {dtype}, got {x.dtype} (as torch's"
            " layers, which reject mixed and complex input; convert x or the"
            " layer with .to())"
        )
    expected = (nfeature_in,) + (2 * b_in,) * spatial
    if x.dim() != 2 + spatial or tuple(x.shape[1:]) != expected:
        raise ValueError(
            f"x must have shape [batch, {', '.join(map(str, expected))}], got"
            f" {tuple(x.shape)}"
        )


@cached_tensors(maxsize=32)
def s2_filter_dft(
    b: int, grid: tuple[tuple[float, float], ...]
) -> torch.Tensor:
    """DFT matrix of point-mass filters on S²: ``[N, b²]`` complex128, entry
    (i, l*l+l+m) = conj(Yˡ_m(β_i, α_i)).

    ``weights @ s2_filter_dft(b, grid)`` gives the S² coefficients (packing of
    :func:`~dlnotes.sphere.s2_fft.s2_fft`) of Σ_i w_i δ_{x_i}. Cached per (b,
    grid) in memory.
    """
    beta, alpha = torch.tensor(grid, dtype=torch.float64).unbind(-1)
    return spherical_harmonics(b, beta, alpha).conj()


@cached_tensors(maxsize=32)
def so3_filter_dft(
    b: int, grid: tuple[tuple[float, float, float], ...]
) -> torch.Tensor:
    """DFT matrix of point-mass filters on SO(3): ``[N, b(4b²−1)/3]``
    complex128, entries (2l+1) conj(Dˡ_mn(Q_i)).

    Q_i = R_z(α_i) R_y(β_i) R_z(γ_i) for the grid's (β_i, α_i, γ_i); SO(3)
    packing and normalisation of :func:`~dlnotes.sphere.so3_fft.so3_fft`,
    f̂ˡ_mn = (2l+1) ∫ f conj(Dˡ_mn) dR with ∫ 1 dR = 1, so a unit point mass at
    Q_i has coefficients (2l+1) conj(Dˡ_mn(Q_i)). Cached per (b, grid) in
    memory.
    """
    beta, alpha, gamma = torch.tensor(grid, dtype=torch.float64).unbind(-1)
    degree = torch.arange(b, dtype=torch.float64)
    dimension = torch.repeat_interleave(
        2 * degree + 1, (2 * torch.arange(b) + 1) ** 2
    )
    return wigner_D_packed(b, alpha, beta, gamma).conj() * dimension


@cached_tensors(maxsize=32)
def s2_filter_dft_half(
    b: int, grid: tuple[tuple[float, float], ...]
) -> torch.Tensor:
    """The columns of :func:`s2_filter_dft` with m ≥ 0, as the layer uses them:
    ``[N, b·b]`` complex128.

    Entry (i, n·b + l) is conj(Yˡ_n(β_i, α_i)) for 0 ≤ n ≤ l, zero for n > l:
    the layout ``[n, l]`` of the filter in
    :func:`~dlnotes.sphere.half_correlation.s2_half_correlation`.
    """
    n = torch.arange(b)[:, None]
    l = torch.arange(b)[None, :]
    dft = torch.cat(
        [
            s2_filter_dft(b, grid),
            torch.zeros(len(grid), 1, dtype=torch.complex128),
        ],
        1,
    )
    return dft[:, torch.where(n <= l, l * l + l + n, b * b).flatten()]


@cached_tensors(maxsize=32)
def so3_filter_dft_half(
    b: int, grid: tuple[tuple[float, float, float], ...]
) -> torch.Tensor:
    """``[N, Σ_l (l+1)(2l+1)]`` complex128: per degree l, Dˡ_qn(Q_i) for q =
    0..l, n = −l..l.

    A real filter ψ = Σ_i w_i δ_{Q_i} has ψ̂ˡ_mn = (2l+1) Σ_i w_i
    conj(Dˡ_mn(Q_i)), so ψ̃ˡ_qn / (2l+1) = (−1)^(q−n) ψ̂ˡ_{−q,−n} / (2l+1) =
    Σ_i w_i Dˡ_qn(Q_i) (as Dˡ_{−q,−n} = (−1)^(q−n) conj(Dˡ_qn)): the filter of
    :func:`~dlnotes.sphere.half_correlation.so3_half_correlation`, the rows q ≥
    0 of each block of :func:`so3_filter_dft`, conjugated and divided by 2l+1.
    """
    dft = so3_filter_dft(b, grid)
    rows = [
        dft[:, so3_offset(l) + l * (2 * l + 1) : so3_offset(l + 1)].conj()
        / (2 * l + 1)
        for l in range(b)
    ]
    return torch.cat(rows, 1)


@cached_tensors(maxsize=64)
def _dft_parts(
    kind: str, b: int, grid: tuple, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor]:
    """Real and imaginary parts of the layer's filter DFT matrix in ``dtype``
    on ``device`` (cached)."""
    dft = (s2_filter_dft_half if kind == "s2" else so3_filter_dft_half)(
        b, grid
    )
    return dft.real.to(dtype=dtype, device=device), dft.imag.to(
        dtype=dtype, device=device
    )


# The points of a kernel grid, per kind of layer: angles per point, and their
# names.
_POINTS = {"s2": (2, "(beta, alpha)"), "so3": (3, "(beta, alpha, gamma)")}


class _LocalFilterCorrelation(nn.Module):
    """Shared machinery: the arguments checked, unit-scale weights on a kernel
    grid, their DFT, bias, and the forward pass around the correlation of the
    subclass (:meth:`_half_spectrum`)."""

    #: ``"s2"`` or ``"so3"``: the input's domain, and so its grid's axes.
    kind = ""

    def __init__(
        self,
        nfeature_in: int,
        nfeature_out: int,
        b_in: int,
        b_out: int,
        grid: Sequence[Sequence[float]],
    ) -> None:
        _check_features(nfeature_in, nfeature_out)
        _check_bandwidths(b_in, b_out)
        grid = _check_grid(grid, *_POINTS[self.kind])
        super().__init__()
        self.nfeature_in = nfeature_in
        self.nfeature_out = nfeature_out
        self.b_in = b_in
        self.b_out = b_out
        self.grid = grid
        self.kernel = nn.Parameter(
            torch.randn(nfeature_in, nfeature_out, len(grid))
        )
        self.bias = nn.Parameter(torch.zeros(1, nfeature_out, 1, 1, 1))
        self.scaling = 1.0 / math.sqrt(nfeature_in * len(grid))

    def filter_coefficients(self) -> torch.Tensor:
        """scaling · Σ_i w_i (DFT row of x_i): the half of the filter's
        spectrum the layer uses, complex.

        S²: ψ̂_{k,o}(l, n) for n ≥ 0, ``[F_in, F_out, b_out, b_out]`` at ``[k,
        o, n, l]`` (:func:`s2_filter_dft_half`); SO(3): ψ̃ˡ_{k,o,qn} / (2l+1)
        for q ≥ 0, ``[F_in, F_out, Σ_l (l+1)(2l+1)]``
        (:func:`so3_filter_dft_half`). The DFT matrix is built in float64 once
        per (b_out, grid) and cached per dtype and device, so a layer moved to
        float64 keeps full precision.
        """
        kernel = (
            self.kernel.float()
            if self.kernel.dtype in (torch.float16, torch.bfloat16)
            else self.kernel
        )
        # a float16/bfloat16 kernel is used in float32
        weights = kernel * self.scaling
        real, imag = _dft_parts(
            self.kind, self.b_out, self.grid, weights.dtype, weights.device
        )
        psi = torch.complex(weights @ real, weights @ imag)
        return (
            psi.unflatten(-1, (self.b_out, self.b_out))
            if self.kind == "s2"
            else psi
        )

    def _operands(
        self, x: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """``x``, the filter and the bias of each output map (``[B · F_out]``,
        ordered (batch, channel)), in the layer's dtype; float16 and bfloat16
        layers compute in float32 (the caller rounds back)."""
        dtype = (
            torch.float32
            if self.kernel.dtype in (torch.float16, torch.bfloat16)
            else self.kernel.dtype
        )
        bias = (
            self.bias.view(1, self.nfeature_out)
            .expand(x.shape[0], -1)
            .reshape(-1)
        )
        return (
            x.to(dtype),
            self.filter_coefficients().to(complex_dtype(dtype)),
            bias.to(dtype),
        )

    def forward(
        self, x: torch.Tensor, input_activation: str | None = None
    ) -> torch.Tensor:
        """``x`` ``[B, F_in, 2b_in, 2b_in]`` (S²) or ``[B, F_in, 2b_in, 2b_in,
        2b_in]`` (SO(3)) → ``[B, F_out, 2b_out, 2b_out, 2b_out]``.

        ``input_activation="relu"`` gives the layer's output for relu(x): the
        SO(3) layer fuses the ReLU into its first transform
        (:mod:`dlnotes.sphere.activation`), the S² layer applies it first.

        Raises:
            TypeError: ``x`` is not a tensor of the layer's dtype (complex
                input included).
            ValueError: ``x`` does not have the layer's input shape, or
                ``input_activation`` is neither None nor ``"relu"``.
        """
        spatial = _POINTS[self.kind][0]
        _check_input(
            x, self.nfeature_in, self.b_in, spatial, self.kernel.dtype
        )
        check_input_activation(input_activation)
        x, psi, bias = self._operands(x)
        # orders n ≥ 0 of ψ ⋆ x
        y_half = self._half_spectrum(x, psi, input_activation)
        y = so3_irfft_half(y_half, self.b_out, constant=bias)
        return y.view(x.shape[0], self.nfeature_out, *y.shape[1:]).to(
            self.kernel.dtype
        )

    def _half_spectrum(
        self,
        x: torch.Tensor,
        psi: torch.Tensor,
        input_activation: str | None,
    ) -> torch.Tensor:
        """The half spectrum of ψ ⋆ x, or of ψ ⋆ relu(x)
        (:mod:`dlnotes.sphere.real_fft`)."""
        raise NotImplementedError

    def extra_repr(self) -> str:
        return (
            f"nfeature_in={self.nfeature_in},"
            f" nfeature_out={self.nfeature_out}, b_in={self.b_in},"
            f" b_out={self.b_out}, grid points={len(self.grid)}"
        )


class S2Convolution(_LocalFilterCorrelation):
    """S² correlation lifting to SO(3) (paper eq. 4 and 7): ``[B, F_in, 2b_in,
    2b_in]`` → ``[B, F_out, 2b_out, 2b_out, 2b_out]``.

    Output (β, α, γ) holds Σ_k ∫ ψ_k(R⁻¹x) f_k(x) dx + bias at R = R_z(α)
    R_y(β) R_z(γ), with f band-limited to l < b_out (``s2_fft(x, b_out)``).

    Args:
        nfeature_in: input channels F_in.
        nfeature_out: output channels F_out.
        b_in: bandwidth of the input SOFT grid (2b_in × 2b_in samples).
        b_out: bandwidth of the output (degrees l < b_out are kept), 1 ≤ b_out
            ≤ b_in.
        grid: the filter's support, a sequence of (β, α) points, e.g.
            :func:`~dlnotes.sphere.kernel_grids.s2_near_identity_grid`.

    The filter is ``kernel / √(F_in N)`` at the N grid points; s2cnn's is ``2
    b_in / b_out`` times larger for the same kernel (load its weights with
    :func:`~dlnotes.sphere.s2cnn_weights.load_s2cnn_state_dict`).

    Raises:
        ValueError: bad channel counts or bandwidths, an empty grid or points
            that are not (β, α).
    """

    kind = "s2"

    def _half_spectrum(
        self,
        x: torch.Tensor,
        psi: torch.Tensor,
        input_activation: str | None,
    ) -> torch.Tensor:
        if input_activation == "relu":
            x = torch.relu(x)
        x_hat = s2_fft(x, b_out=self.b_out)  # [B, F_in, b_out²]
        return s2_half_correlation(x_hat, psi)


class SO3Convolution(_LocalFilterCorrelation):
    """SO(3) correlation (paper eq. 5 and 8): ``[B, F_in, 2b_in, 2b_in,
    2b_in]`` → ``[B, F_out, 2b_out, 2b_out, 2b_out]``.

    Output (β, α, γ) holds Σ_k ∫ ψ_k(R⁻¹Q) f_k(Q) dQ + bias at R = R_z(α)
    R_y(β) R_z(γ), with f band-limited to l < b_out (``so3_fft(x, b_out)``).

    Args:
        nfeature_in: input channels F_in.
        nfeature_out: output channels F_out.
        b_in: bandwidth of the input SOFT grid (2b_in samples along each Euler
            angle).
        b_out: bandwidth of the output, 1 ≤ b_out ≤ b_in.
        grid: the filter's support, a sequence of (β, α, γ) rotations, e.g.
            :func:`~dlnotes.sphere.kernel_grids.so3_near_identity_grid`.

    The filter is ``kernel / √(F_in N)`` at the N grid points; s2cnn's is
    ``(b_in / b_out)^{3/2}`` times larger for the same kernel (load its weights
    with :func:`~dlnotes.sphere.s2cnn_weights.load_s2cnn_state_dict`).

    Raises:
        ValueError: bad channel counts or bandwidths, an empty grid or points
            that are not (β, α, γ).
    """

    kind = "so3"

    def _half_spectrum(
        self,
        x: torch.Tensor,
        psi: torch.Tensor,
        input_activation: str | None,
    ) -> torch.Tensor:
        maps = x.reshape(x.shape[0] * self.nfeature_in, *x.shape[2:])
        # orders n ≥ 0 of x (or relu(x)), degrees l < b_out
        x_half = so3_rfft_half(maps, self.b_out, input_activation)
        return so3_half_correlation(x_half, psi)
