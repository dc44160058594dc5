"""The SO(3) Fourier transform pair specialised to *real* signals, as the
layers use it.

A spherical CNN's feature maps are real, so their SO(3) coefficients are
Hermitian-symmetric,

    f̂ˡ_{−m,−n} = (−1)^{m−n} conj(f̂ˡ_mn),

and the orders n ≥ 0 determine the rest (conventions:
:mod:`dlnotes.sphere.conventions`). This module computes exactly what
:func:`~dlnotes.sphere.so3_fft.so3_fft` and ``so3_ifft(...).real`` compute
(same grid, packing and normalisation: f(R) = Σ f̂ˡ_mn Dˡ_mn(R), f̂ˡ_mn =
(2l+1) ∫ f conj(Dˡ_mn) dR, ∫1 dR = 1), on the *half spectrum*: for orders m =
−(b−1)..b−1, n = 0..b−1 and degrees l = 0..b−1, the real tensor

    z[n, m + b − 1, l, c, p] = Re f̂ˡ_mn (c = 0) or Im f̂ˡ_mn (c = 1) of map p,

``[b, 2b−1, b, 2, P]``, zero where l < max(abs(m), n). The analysis (grid →
half spectrum) is

    X_j(m, n) = Σ_{k,i} f(β_j, α_k, γ_i) e^{i(mα_k + nγ_i)},
    f̂ˡ_mn = (2l+1) Σ_j w_j dˡ_mn(β_j) X_j(m, n),

and the synthesis (half spectrum → grid), with c_0 = 1 and c_n = 2 for n > 0,

    S_j(m, n) = Σ_l f̂ˡ_mn dˡ_mn(β_j),
    f(β_j, α_k, γ_i) = Σ_{m, n≥0} c_n Re(S_j(m, n) e^{−i(mα_k + nγ_i)}).

Each is three contractions, applied as matrix products with tables computed
once per (bandwidths, dtype, device): the sums over α and γ as real DFT
matrices restricted to the 2b − 1 and b orders that are kept, and the sum over
β as one batched product per order pair (m, n) over all degrees, with dˡ_mn = 0
below l = max(abs(m), n). At the layers' sizes (2B ≤ 60 samples an axis) a DFT
matrix costs O(B) operations a sample where an FFT costs O(log B), but it
computes only the orders kept and runs as a few large matrix products, and the
order of the axes is chosen so that every product reads and writes its operands
in place (as strided matrices): no grid-sized tensor is transposed, sliced or
copied. ``python -m dlnotes.bench sphere --part layers`` times the layers.

The two maps are linear, and each one's adjoint is the other with its tables
transposed (analysis: the quadrature weights w_j, the factor 2l+1 and the
conjugate exponential; synthesis: c_n), so the backward pass of each is the
other's forward code: no autograd graph through reshapes and index operations.
The tests check both functions against the general transforms to rounding
error, and gradients with ``gradcheck``.

**Fused ReLU.** ``so3_rfft_half(x, b, input_activation="relu")`` transforms
relu(x) without forming it: the first product (over γ) reads the grid in row
chunks that fit in the L2 cache and gates each chunk, x ⊙ [x > 0], just before
multiplying it; the backward pass, the adjoint's γ product, gates each chunk of
its output right after writing it (:mod:`dlnotes.sphere.activation`). Both
maps then run with a *gate*, the grid whose positive samples pass, and each
one's adjoint is the other with the same gate. The gradient of the synthesis'
``constant`` is the sum of the grid's gradient, which the adjoint's output
already holds as its entry (n, m, l) = (0, 0, 0) (real part; d⁰_00 = 1, c_0 =
1, e^{i0} = 1): it is read from there whenever that output is computed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch

from dlnotes._cache import cached_tensors, workspace
from dlnotes._checks import (
    analysis_bandwidth,
    check_signal,
    so3_bandwidth,
    synthesis_bandwidth,
)
from dlnotes.sphere.activation import (
    check_input_activation,
    gate,
    row_chunks,
)
from dlnotes.sphere.grid import so3_grid, so3_quadrature_weights
from dlnotes.sphere.s2_fft import at_least_single, complex_dtype, empty_result
from dlnotes.sphere.wigner import so3_offset, so3_size, so3_wigner_table


@dataclass(eq=False)
class _Operator:
    """One of the two linear maps on given bandwidths, as its three tables, and
    its adjoint.

    ``wigner [NM, L, J]`` (batch (n, m)); ``gamma [2N, I]``: rows (n, c');
    ``alpha [2, 2M, K]``: for c' = 0, 1, rows (m, c). The adjoint is the other
    kind with the same tables.
    """

    kind: str
    wigner: torch.Tensor
    gamma: torch.Tensor
    alpha: torch.Tensor
    adjoint: _Operator | None = field(default=None, repr=False)


def _pair(op: _Operator) -> _Operator:
    """``op`` with its adjoint attached (and the adjoint's adjoint being
    ``op``)."""
    kind = "analysis" if op.kind == "synthesis" else "synthesis"
    op.adjoint = _Operator(kind, op.wigner, op.gamma, op.alpha, op)
    return op


@cached_tensors(maxsize=32)
def _operators(
    b_grid: int, b: int, dtype: torch.dtype, device: torch.device
) -> tuple[_Operator, _Operator]:
    """``(synthesis, analysis)`` between the half spectrum of bandwidth ``b``
    and the grid of ``b_grid``.

    Analysis, in the order applied: over γ, ``V(α_k, n) = Σ_i f e^{inγ_i}``
    (table ``gamma``: cos nγ_i and sin nγ_i for c' = 0, 1); over α, ``X(m, n) =
    Σ_k e^{imα_k} V(α_k, n)`` (table ``alpha``: the real and imaginary parts of
    that complex product); over β, the Wigner table (2l+1) w_j dˡ_mn(β_j).
    Synthesis, in the reverse order, uses the transposed tables, with c_n
    folded into ``gamma`` and dˡ_mn(β_j) for the Wigner table.
    """
    f64 = torch.float64
    table = so3_wigner_table(b_grid, f64, torch.device("cpu"))
    # d^l_mn(β_j) at [n, m + b - 1, l, j]
    d = torch.zeros(b, 2 * b - 1, b, 2 * b_grid, dtype=f64)
    for l in range(b):
        d[: l + 1, b - 1 - l : b + l, l] = table[l][:, :, l:].permute(2, 1, 0)
    weights = so3_quadrature_weights(b_grid, f64)
    degree = 2 * torch.arange(b, dtype=f64) + 1
    analysis_d = d * degree[:, None] * weights  # (2l+1) w_j d^l_mn(β_j)

    _, angle, _ = so3_grid(b_grid, f64)
    n = torch.arange(b, dtype=f64)[:, None]
    gamma = torch.stack(
        [torch.cos(n * angle), torch.sin(n * angle)], 1
    ).reshape(2 * b, 2 * b_grid)
    c_n = torch.where(n > 0, 2.0, 1.0).repeat_interleave(2, 0)
    m = torch.arange(-(b - 1), b, dtype=f64)[:, None]
    cos, sin = torch.cos(m * angle), torch.sin(m * angle)
    # (X_r, X_i) = (cos V_r - sin V_i, sin V_r + cos V_i): rows (m, c) of the
    # c' = 0 and c' = 1 tables
    alpha = torch.stack(
        [torch.stack([cos, sin], 1), torch.stack([-sin, cos], 1)]
    )
    alpha = alpha.reshape(2, 2 * (2 * b - 1), 2 * b_grid)

    def cast(t: torch.Tensor) -> torch.Tensor:
        return t.to(dtype=dtype, device=device).contiguous()

    nm = b * (2 * b - 1)
    synthesis = _Operator(
        "synthesis",
        cast(d.reshape(nm, b, 2 * b_grid)),
        cast(gamma * c_n),
        cast(alpha),
    )
    analysis = _Operator(
        "analysis",
        cast(analysis_d.reshape(nm, b, 2 * b_grid)),
        cast(gamma),
        cast(alpha),
    )
    return _pair(synthesis), _pair(analysis)


def _synthesise(
    z: torch.Tensor,
    op: _Operator,
    constant: torch.Tensor | None,
    gate_by: torch.Tensor | None = None,
) -> torch.Tensor:
    """Half spectrum ``[N, M, L, 2, P]`` → grid ``[P, J, K, I]`` (β, α, γ);
    ``constant [P]`` is added to S(0, 0); with ``gate_by`` (a grid like the
    result) the result is gated by it, ``out ⊙ [gate_by > 0]``
    (:mod:`dlnotes.sphere.activation`)."""
    nm, l, j = op.wigner.shape
    n2, i = op.gamma.shape
    _, m2, k = op.alpha.shape
    p = z.shape[4]
    # S_j(m, n): [(n, m), (c, p), j]
    s = workspace(0, (nm, 2 * p, j), z)
    torch.bmm(z.reshape(nm, l, 2 * p).transpose(1, 2), op.wigner, out=s)
    s = s.view(n2 // 2, m2, p * j)
    if constant is not None:
        # (n, m) = (0, 0), real part
        s.view(n2 // 2, m2 // 2, 2, p, j)[0, (m2 // 2) // 2, 0] += constant[
            :, None
        ]
    v = workspace(1, (n2, p * j, k), s)  # V(α_k, n): [(n, c'), (p, j), k]
    for row in range(n2):
        torch.mm(s[row // 2].t(), op.alpha[row % 2], out=v[row])
    # over n: [(p, j, k), i]
    # results are written into fresh tensors of their final shape, never
    # returned as views, so callers may modify them in place (an in-place ReLU)
    out = v.new_empty(p, j, k, i)
    rows = out.view(p * j * k, i)
    v = v.view(n2, p * j * k)
    if gate_by is None:
        torch.mm(v.t(), op.gamma, out=rows)
        return out
    gate_rows = gate_by.reshape(p * j * k, i)
    for chunk in row_chunks(rows):
        torch.mm(v[:, chunk].t(), op.gamma, out=rows[chunk])
        gate(rows[chunk], gate_rows[chunk], out=rows[chunk])
    return out


def _analyse(
    x: torch.Tensor, op: _Operator, gate_by: torch.Tensor | None = None
) -> torch.Tensor:
    """Grid ``[P, J, K, I]`` → half spectrum ``[N, M, L, 2, P]``; with
    ``gate_by`` (a grid like ``x``), of ``x ⊙ [gate_by > 0]``
    (:mod:`dlnotes.sphere.activation`)."""
    nm, l, j = op.wigner.shape
    n2, i = op.gamma.shape
    _, m2, k = op.alpha.shape
    p = x.shape[0]
    # over γ: [(n, c'), (p, j), k]
    v = workspace(1, (n2, p * j * k), x)
    rows = x.reshape(p * j * k, i)
    if gate_by is None:
        torch.mm(op.gamma, rows.t(), out=v)
    else:
        # the gated rows in cache, chunk by chunk
        gate_rows = gate_by.reshape(p * j * k, i)
        chunks = list(row_chunks(rows))
        gated = workspace(2, (chunks[0].stop if chunks else 0, i), x)
        for chunk in chunks:
            part = gated[: chunk.stop - chunk.start]
            gate(rows[chunk], gate_rows[chunk], out=part)
            torch.mm(op.gamma, part.t(), out=v[:, chunk])
    v = v.view(n2, p * j, k)
    s = workspace(0, (n2 // 2, m2, p * j), x)  # X_j(m, n): [n, (m, c), (p, j)]
    for n in range(n2 // 2):
        torch.mm(op.alpha[0], v[2 * n].t(), out=s[n])
        s[n].addmm_(op.alpha[1], v[2 * n + 1].t())
    out = x.new_empty(n2 // 2, m2 // 2, l, 2, p)
    torch.bmm(
        op.wigner,
        s.view(nm, 2 * p, j).transpose(1, 2),
        out=out.view(nm, l, 2 * p),
    )
    return out


class _SoftTransform(torch.autograd.Function):
    """Autograd for the linear maps: the backward pass of each is the adjoint's
    forward, gated by the same grid (:mod:`dlnotes.sphere.activation`)."""

    @staticmethod
    def forward(
        ctx,
        t: torch.Tensor,
        constant: torch.Tensor | None,
        op: _Operator,
        gate_by: torch.Tensor | None,
    ) -> torch.Tensor:
        ctx.op = op
        ctx.save_for_backward(gate_by)
        if op.kind == "synthesis":
            return _synthesise(t, op, constant, gate_by)
        return _analyse(t, op, gate_by)

    @staticmethod
    def backward(
        ctx, grad: torch.Tensor
    ) -> tuple[torch.Tensor | None, torch.Tensor | None, None, None]:
        (gate_by,) = ctx.saved_tensors
        grad_t = (
            _SoftTransform.apply(
                grad.contiguous(), None, ctx.op.adjoint, gate_by
            )
            if ctx.needs_input_grad[0]
            else None
        )
        grad_constant = None
        if ctx.needs_input_grad[1]:
            # the constant is added to every sample (of a synthesis): its
            # gradient is the sum of the (gated) grid gradient, which the
            # adjoint computed as its entry (n, m, l) = (0, 0, 0), real part
            # (d⁰_00 = 1, c_0 = 1, e^{i0} = 1)
            grad_constant = (
                grad_t[0, grad_t.shape[1] // 2, 0, 0].clone()
                if grad_t is not None
                else (grad if gate_by is None else gate(grad, gate_by)).sum(
                    (1, 2, 3)
                )
            )
        return grad_t, grad_constant, None, None


def so3_rfft_half(
    x: torch.Tensor, b: int, input_activation: str | None = None
) -> torch.Tensor:
    """Half spectrum ``[b, 2b−1, b, 2, P]`` (module docstring) of real maps ``x
    [P, 2B, 2B, 2B]``, b ≤ B.

    ``input_activation="relu"`` gives the half spectrum of relu(x), the ReLU
    fused into the first product (:mod:`dlnotes.sphere.activation`).
    """
    check_input_activation(input_activation)
    op = _operators(x.shape[-1] // 2, b, x.dtype, x.device)[1]
    gate_by = None if input_activation is None else x.detach()
    return _SoftTransform.apply(x, None, op, gate_by)


def so3_irfft_half(
    z: torch.Tensor, b_grid: int, constant: torch.Tensor | None = None
) -> torch.Tensor:
    """Real maps ``[P, 2B, 2B, 2B]`` on the grid of ``b_grid`` = B from a half
    spectrum ``[b, 2b−1, b, 2, P]``.

    ``constant [P]``, if given, is added to every sample of map p (it is
    f̂⁰_00, as D⁰_00 = 1).
    """
    op = _operators(b_grid, z.shape[0], z.dtype, z.device)[0]
    return _SoftTransform.apply(z, constant, op, None)


@cached_tensors(maxsize=32)
def _packing(
    b: int, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Index maps between the SO(3) packing and the flattened half spectrum
    ``[(n, m, l)]``.

    Returns ``source [so3_size(b)]``: for each packed (l, m, n), the
    half-spectrum position of (n, m, l) if n ≥ 0, else of (−n, −m, l);
    ``mirrored [so3_size(b)]``: n < 0; and ``dense [b (2b−1) b]``: for each
    half-spectrum position, the packed position of (l, m, n), or
    ``so3_size(b)`` (a zero slot) where l < max(abs(m), n).
    """
    source = torch.empty(so3_size(b), dtype=torch.long)
    mirrored = torch.empty(so3_size(b), dtype=torch.bool)
    dense = torch.full((b, 2 * b - 1, b), so3_size(b), dtype=torch.long)
    for l in range(b):
        r = torch.arange(-l, l + 1)
        m, n = (
            r[:, None].expand(-1, 2 * l + 1),
            r[None, :].expand(2 * l + 1, -1),
        )
        block = slice(so3_offset(l), so3_offset(l + 1))
        half_m, half_n = torch.where(n >= 0, m, -m), n.abs()
        source[block] = (
            (half_n * (2 * b - 1) + half_m + b - 1) * b + l
        ).flatten()
        mirrored[block] = (n < 0).flatten()
        packed = so3_offset(l) + torch.arange((2 * l + 1) ** 2).reshape(
            2 * l + 1, 2 * l + 1
        )
        dense[: l + 1, b - 1 - l : b + l, l] = packed[:, l:].t()
    return source.to(device), mirrored.to(device), dense.flatten().to(device)


@cached_tensors(maxsize=32)
def _mirror_sign(
    b: int, dtype: torch.dtype, device: torch.device
) -> torch.Tensor:
    """(−1)^{m−n} for each packed (l, m, n)."""
    signs = []
    for l in range(b):
        r = torch.arange(-l, l + 1)
        signs.append((1 - 2 * ((r[:, None] - r[None, :]) % 2)).flatten())
    return torch.cat(signs).to(dtype=dtype, device=device)


def half_to_packed(z: torch.Tensor) -> torch.Tensor:
    """SO(3) coefficients ``[P, b(4b²−1)/3]`` (complex, SO(3) packing) from a
    half spectrum ``[b, 2b−1, b, 2, P]``.

    Entries with n < 0 are f̂ˡ_mn = (−1)^{m−n} conj(f̂ˡ_{−m,−n}).
    """
    b, p = z.shape[0], z.shape[4]
    source, mirrored, _ = _packing(b, z.device)
    flat = (
        torch.complex(z[:, :, :, 0], z[:, :, :, 1])
        .permute(3, 0, 1, 2)
        .reshape(p, b * (2 * b - 1) * b)
    )
    direct = flat.index_select(-1, source)
    return torch.where(
        mirrored, direct.conj() * _mirror_sign(b, z.dtype, z.device), direct
    )


def packed_to_half(coeffs: torch.Tensor) -> torch.Tensor:
    """Half spectrum ``[b, 2b−1, b, 2, P]`` of SO(3) coefficients ``[P,
    b(4b²−1)/3]`` (orders n ≥ 0 only)."""
    b = so3_bandwidth(coeffs.shape[-1])
    p = coeffs.shape[0]
    _, _, dense = _packing(b, coeffs.device)
    # zero slot at the end
    padded = torch.cat(
        [torch.view_as_real(coeffs), coeffs.real.new_zeros(p, 1, 2)], 1
    )
    return (
        padded.index_select(1, dense)
        .view(p, b, 2 * b - 1, b, 2)
        .permute(1, 2, 3, 4, 0)
        .contiguous()
    )


def so3_rfft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """SO(3) coefficients of a real signal: equals ``so3_fft(x, b_out)`` for
    real ``x``.

    Args:
        x: real ``[..., 2b, 2b, 2b]`` on the SOFT grid, ordered (β, α, γ).
        b_out: keep degrees l < b_out (``b_out <= b``, default b).

    Returns:
        complex ``[..., b_out(4b_out²−1)/3]`` in the SO(3) packing; complex64
        unless ``x`` is float64 (float16 and bfloat16 are computed in float32);
        an empty batch gives an empty result.

    Raises:
        TypeError: ``x`` is complex or not floating point.
        ValueError: bad grid shape, or ``b_out`` above the signal's bandwidth.
    """
    b_grid = check_signal(x, "x", 3)
    if x.is_complex():
        raise TypeError("x must be real; use so3_fft for complex signals")
    b = analysis_bandwidth(b_out, b_grid)
    x = at_least_single(x)
    if x.numel() == 0:
        return empty_result(
            x, (*x.shape[:-3], so3_size(b)), complex_dtype(x.dtype)
        )
    batch = x.shape[:-3]
    maps = x.reshape(math.prod(batch), 2 * b_grid, 2 * b_grid, 2 * b_grid)
    return half_to_packed(so3_rfft_half(maps, b)).reshape(*batch, so3_size(b))


def so3_irfft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Real signal from Hermitian-symmetric SO(3) coefficients: equals
    ``so3_ifft(coeffs, b_out).real``.

    Only the orders n ≥ 0 are read; for coefficients of a real signal (the
    symmetry above holds, as for every correlation of real signals and real
    filters) the result is the exact inverse.

    Args:
        coeffs: complex ``[..., b(4b²−1)/3]`` in the SO(3) packing.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default b).

    Returns:
        real ``[..., 2b_out, 2b_out, 2b_out]`` ordered (β, α, γ); float64 for
        complex128 coefficients, float32 otherwise; an empty batch gives an
        empty result.

    Raises:
        TypeError: ``coeffs`` is not complex.
        ValueError: the last axis is not b(4b²−1)/3 long, or ``b_out < b``.
    """
    if not isinstance(coeffs, torch.Tensor) or not coeffs.is_complex():
        raise TypeError(
            "coeffs must be a complex torch.Tensor of SO(3) coefficients"
        )
    b = so3_bandwidth(coeffs.shape[-1])
    b_grid = synthesis_bandwidth(b_out, b)
    coeffs = at_least_single(coeffs)
    if coeffs.numel() == 0:
        return empty_result(
            coeffs,
            (*coeffs.shape[:-1], 2 * b_grid, 2 * b_grid, 2 * b_grid),
            coeffs.real.dtype,
        )
    batch = coeffs.shape[:-1]
    half = packed_to_half(coeffs.reshape(math.prod(batch), coeffs.shape[-1]))
    side = 2 * b_grid
    return so3_irfft_half(half, b_grid).reshape(*batch, side, side, side)
