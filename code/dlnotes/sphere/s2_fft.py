"""The S² Fourier transform on the SOFT grid: FFT over α, then a Legendre
contraction over β.

Conventions (grid, harmonics, packing, area measure):
:mod:`dlnotes.sphere.conventions`; the weights of :mod:`dlnotes.sphere.grid`.
For a signal of bandwidth ``b``,

    f(β, α) = Σ_{l<b} Σ_{m=-l..l} f̂_lm Y_l^m(β, α),
    f̂_lm = ∫_{S²} f(x) conj(Y_l^m(x)) dx,

so the coefficients equal healpy's ``a_lm`` for the same function. The forward
transform is the paper's §4.1 algorithm (Driscoll and Healy 1994): ``X_j(m) =
Σ_k f(β_j, α_k) e^{-imα_k}`` by an FFT, then ``f̂_lm = Σ_j w_j N_l
d^l_{m0}(β_j) X_j(m)``, one matrix product per order m. Both directions are
exact on band-limited signals (the quadrature is exact).

**Memory.** The table ``N_l d^l_{m0}(β_j)`` is stored only where the symmetries
do not give it:

* orders m ≥ 0, since ``d^l_{-m,0} = (-1)^m d^l_{m0}``;
* the northern rows j < b, since the grid is symmetric, ``β_{2b-1-j} = π -
  β_j`` with ``w_{2b-1-j} = w_j``, and ``d^l_{m0}(π - β) = (-1)^(l+m)
  d^l_{m0}(β)``: the analysis becomes ``f̂_lm = Σ_{j<b} w_j N_l d^l_{m0}(β_j)
  (X_j(m) ± X_{2b-1-j}(m))`` (+ for even l + m), two half-size products, each
  against the degrees of one parity only, and the synthesis the same sums read
  backwards;
* degrees l ≥ m only, in blocks of consecutive orders.

That is about ``b · b_out²/2`` numbers (0.6 GB in float64 at b = 512, where one
full ``[2b-1, 2b, b]`` table takes 4.3 GB), one table for both directions (the
quadrature weight multiplies the signal, not the table), written in place one
degree at a time by the three-term recursion in l of the n = 0 column
(:mod:`dlnotes.sphere.wigner`). Tables are kept in the memory-budgeted
:mod:`~dlnotes.sphere.table_cache`; one larger than the budget is built block
by block during each call and dropped. Before allocating, each call estimates
the memory it needs and raises a ``MemoryError`` stating it if the machine has
less available.

**Layout.** The analysis folds first, on the real grid: the rows ``f(β_j) ±
f(β_{2b-1-j})``, j < b, ordered (j, signal), then one FFT over α of each folded
row. The orders m then come first by a single transpose of a matrix (``[(j,
signal), m]`` to ``[m, (j, signal)]``), so that each batched product reads its
``[j, (signal, re/im)]`` operand in place and writes its rows of the products
in place; the coefficients are gathered from those rows at the end. The
backward pass is the adjoint map, ``w_j s2_ifft(g)``.
``python -m dlnotes.bench sphere --part transforms`` times ``s2_fft`` against
torch-harmonics where that optional library is installed.

**Edge cases**, as torch's layers behave: an empty batch gives an empty result
of the right shape; float16/bfloat16 (complex32) inputs are computed in float32
and give complex64 (torch's CPU FFTs have no half-precision kernel, and there
is no complex bfloat16).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Iterable

import torch

from dlnotes._checks import (
    analysis_bandwidth,
    check_coefficients,
    check_signal,
    s2_bandwidth,
    synthesis_bandwidth,
)
from dlnotes._io import available_memory
from dlnotes.sphere._indices import s2_indices
from dlnotes.sphere.grid import s2_grid, s2_quadrature_weights
from dlnotes.sphere.table_cache import TABLES
from dlnotes.sphere.wigner import legendre_steps

_SINGLE = {
    torch.float16: torch.float32,
    torch.bfloat16: torch.float32,
    torch.complex32: torch.complex64,
}

Block = tuple[int, int, torch.Tensor]


def complex_dtype(dtype: torch.dtype) -> torch.dtype:
    """complex128 for float64/complex128 inputs, complex64 otherwise."""
    return (
        torch.complex128
        if dtype in (torch.float64, torch.complex128)
        else torch.complex64
    )


def real_dtype(dtype: torch.dtype) -> torch.dtype:
    """float64 for float64/complex128 inputs, float32 otherwise."""
    return (
        torch.float64
        if dtype in (torch.float64, torch.complex128)
        else torch.float32
    )


def at_least_single(x: torch.Tensor) -> torch.Tensor:
    """``x`` in float32 (complex64) if it is float16 or bfloat16 (complex32),
    else ``x`` itself."""
    return x.to(_SINGLE[x.dtype]) if x.dtype in _SINGLE else x


def empty_result(
    x: torch.Tensor, shape: tuple[int, ...], dtype: torch.dtype
) -> torch.Tensor:
    """The result of a transform of zero signals: a tensor of ``shape`` (no
    element) in ``dtype``.

    Kept on ``x``'s autograd graph, so a backward pass reaches ``x`` and what
    it depends on with zero gradients, as through torch's layers (torch's FFTs
    themselves fail on zero-size inputs).
    """
    anchor = x.sum()
    if anchor.is_complex() and not dtype.is_complex:
        anchor = anchor.real
    return torch.zeros(shape, dtype=dtype, device=x.device) + anchor.to(dtype)


def _available_bytes(device: torch.device) -> int | None:
    """Memory available for new tensors on ``device``, or ``None`` where
    unknown."""
    if device.type == "cuda":
        return torch.cuda.mem_get_info(device)[0]
    return available_memory() if device.type == "cpu" else None


#: Bytes below which :func:`check_memory` does not ask the system (256 MiB).
CHECKED_ABOVE = 256 * 2**20


def check_memory(needed: int, what: str, device: torch.device) -> None:
    """Raise a ``MemoryError`` stating ``needed`` bytes if ``device`` has less
    available.

    Calls needing less than :data:`CHECKED_ABOVE` bytes are not checked (asking
    the system costs more than a small transform).

    Raises:
        MemoryError: ``needed`` is above :data:`CHECKED_ABOVE` and above what
            ``device`` has available.
    """
    if needed < CHECKED_ABOVE:
        return
    available = _available_bytes(device)
    if available is not None and needed > available:
        raise MemoryError(
            f"{what} needs about {needed / 2**30:.2f} GiB of memory, more than"
            f" the {available / 2**30:.2f} GiB available; transform fewer"
            " signals at a time, or at a lower bandwidth"
        )


def _order_blocks(b: int) -> tuple[tuple[int, int], ...]:
    """Orders ``0 .. b-1`` as at most 16 blocks ``[start, stop)`` of at least
    32 consecutive orders."""
    count = min(16, -(-b // 32))
    width = -(-b // count)
    return tuple(
        (start, min(start + width, b)) for start in range(0, b, width)
    )


def _widths(b: int, start: int) -> tuple[int, int]:
    """Columns of a block's even and odd views: degrees l = m + parity, m +
    parity + 2, ... < b for m = start."""
    return (b - start + 1) // 2, (b - start) // 2


def _block_bytes(
    b_grid: int, b: int, start: int, stop: int, dtype: torch.dtype
) -> int:
    return (stop - start) * b_grid * (b - start) * dtype.itemsize


def _table_bytes(b_grid: int, b: int, dtype: torch.dtype) -> int:
    return sum(
        _block_bytes(b_grid, b, start, stop, dtype)
        for start, stop in _order_blocks(b)
    )


def _block_table(b_grid: int, b: int, start: int, stop: int) -> torch.Tensor:
    """float64 ``[stop - start, b - start, b_grid]``: ``N_l d^l_{m0}(β_j)`` on
    the rows j < b_grid at ``[m - start, l - m, j]``.

    Orders ``start <= m < stop``, degrees ``m <= l < b`` (zero past l = b - 1).
    Indexing by ``l - m`` makes the degrees of one parity of l + m a strided
    view (``[:, 0::2]`` even, ``[:, 1::2]`` odd). Filled in place: at degree l,
    order m's row goes to column ``l - m``, an anti-diagonal of the table
    written through one strided view.
    """
    beta = s2_grid(b_grid, torch.float64)[0][:b_grid]
    count, degrees = stop - start, b - start
    table = torch.zeros(count, degrees, b_grid, dtype=torch.float64)
    # column [b_grid, count]
    for l, column in legendre_steps(b, beta, start, stop):
        reached = min(l - start + 1, count)  # orders m <= l
        # entries [i, l - start - i, :] for i < reached: offset (l - start)
        # b_grid, step (degrees - 1) b_grid
        diagonal = table.as_strided(
            (reached, b_grid),
            ((degrees - 1) * b_grid, 1),
            (l - start) * b_grid,
        )
        diagonal.copy_(
            column[:, :reached].T * math.sqrt((2 * l + 1) / (4 * math.pi))
        )
    return table


def _legendre_tables(
    b_grid: int, b: int, dtype: torch.dtype, device: torch.device
) -> Iterable[Block]:
    """The blocks ``(start, stop, table)`` of :func:`_block_table` for all
    orders, in ``dtype`` on ``device``.

    Cached if the whole table fits the cache's budget; otherwise each block is
    built when the caller reaches it, so only one is in memory at a time.
    """
    key = ("s2 legendre", b_grid, b, dtype, device)
    cached = TABLES.get(key)
    if cached is not None:
        return cached

    def build(start: int, stop: int) -> Block:
        return (
            start,
            stop,
            _block_table(b_grid, b, start, stop).to(
                dtype=dtype, device=device
            ),
        )

    nbytes = _table_bytes(b_grid, b, dtype)
    if not TABLES.fits(nbytes):
        return (build(start, stop) for start, stop in _order_blocks(b))
    with torch.inference_mode(False):  # kept: never an inference tensor
        blocks = tuple(build(start, stop) for start, stop in _order_blocks(b))
    TABLES.put(key, blocks, nbytes)
    return blocks


def _table_memory(
    b_grid: int, b: int, dtype: torch.dtype, device: torch.device
) -> int:
    """Bytes a call will allocate for tables: none if cached, all if they will
    be, else the largest block twice."""
    if TABLES.get(("s2 legendre", b_grid, b, dtype, device)) is not None:
        return 0
    if TABLES.fits(_table_bytes(b_grid, b, dtype)):
        return _table_bytes(b_grid, b, dtype)
    start, stop = _order_blocks(b)[0]
    return _block_bytes(b_grid, b, start, stop, torch.float64) + _block_bytes(
        b_grid, b, start, stop, dtype
    )


def _cached(
    key: Hashable, build: Callable[[], tuple[torch.Tensor, ...]]
) -> tuple[torch.Tensor, ...]:
    """``build()``, kept in the table cache under ``key``."""
    value = TABLES.get(key)
    if value is None:
        with torch.inference_mode(False):  # kept: never an inference tensor
            value = build()
        TABLES.put(
            key, value, sum(t.numel() * t.element_size() for t in value)
        )
    return value


def _row_count(b: int) -> int:
    """Rows of the Legendre products: per block of orders, ``orders · (b -
    start)`` (the degrees l ≥ start of both parities)."""
    return sum(
        (stop - start) * (b - start) for start, stop in _order_blocks(b)
    )


def _product_rows(b: int) -> torch.Tensor:
    """Where :func:`_legendre_products` puts each (l, m ≥ 0): int64 ``[b, b]``,
    the row at ``[l, m]`` (-1 if l < m).

    Per block of orders and parity of l + m, one batched product fills
    ``[orders, width]`` consecutive rows: order m's degrees l = m + parity,
    m + parity + 2, ... < b.
    """
    position = torch.full((b, b), -1, dtype=torch.long)
    offset = 0
    for start, stop in _order_blocks(b):
        for parity, width in enumerate(_widths(b, start)):
            for i, m in enumerate(range(start, stop)):
                degrees = torch.arange(m + parity, b, 2)
                position[degrees, m] = (
                    offset + i * width + (degrees - m - parity) // 2
                )
            offset += (stop - start) * width
    return position


def _fold(flat: torch.Tensor, b: int) -> torch.Tensor:
    """``[2, b, P, 2b]``: the rows ``f(β_j) + f(β_{2b-1-j})`` (index 0) and
    ``f(β_j) - f(β_{2b-1-j})`` (index 1) of the signals ``flat [P, 2b, 2b]``
    for j < b, ordered (j, signal) so that the FFT's orders can be moved to
    the front by one transpose of a matrix."""
    north = flat[:, :b].transpose(0, 1)
    south = flat[:, b:].flip(1).transpose(0, 1)
    folded = flat.new_empty(2, b, flat.shape[0], 2 * b)
    torch.add(north, south, out=folded[0])
    torch.sub(north, south, out=folded[1])
    return folded


def _order_major(
    folded: torch.Tensor, b_out: int, real_input: bool
) -> torch.Tensor:
    """FFT over α of the folded rows, orders first: complex ``[2, b_out, b,
    S, P]`` at ``[±, m, j, s, p]``, ``X_j(m) ± X_{2b-1-j}(m)`` for s = 0 and
    (complex signals only, S = 2) ``X_j(-m) ± X_{2b-1-j}(-m)`` for s = 1."""
    _, b, count, samples = folded.shape
    if real_input:
        spectrum = torch.fft.rfft(folded, dim=-1).view(2, b * count, -1)
        parts = (spectrum[..., :b_out],)
    else:
        spectrum = torch.fft.fft(folded, dim=-1).view(2, b * count, samples)
        orders = torch.arange(b_out, device=folded.device)
        parts = (
            spectrum[..., :b_out],
            spectrum.index_select(-1, -orders % samples),
        )
    major = spectrum.new_empty(2, b_out, b, len(parts), count)
    if real_input:
        # as matrices [(j, p), m] -> [m, (j, p)]: a transpose of matrices
        major.view(2, b_out, -1).copy_(parts[0].transpose(1, 2))
        return major
    for s, part in enumerate(parts):
        major[:, :, :, s].copy_(part.transpose(1, 2).unflatten(-1, (b, -1)))
    return major


def _legendre_products(
    major: torch.Tensor, rows: int, blocks: Iterable[Block]
) -> torch.Tensor:
    """``Σ_{j<b} N_l d^l_{m0}(β_j) Y_j(m)`` for the weighted, folded spectrum
    ``major`` (real ``[2, M, b, C]``, columns C = (s, signal, re/im)): real
    ``[rows, C]``, the rows of :func:`_product_rows`, one batched product per
    block of orders and parity, each written in place."""
    products = major.new_empty(rows, major.shape[-1])
    offset = 0
    for start, stop, table in blocks:
        for parity in (0, 1):
            part = table[:, parity::2]  # [orders, width, j]
            size = part.shape[0] * part.shape[1]
            torch.bmm(
                part,
                major[parity, start:stop],
                out=products[offset : offset + size].view(
                    *part.shape[:2], major.shape[-1]
                ),
            )
            offset += size
    return products


def _analysis_factors(
    b: int,
    b_out: int,
    real_input: bool,
    dtype: torch.dtype,
    device: torch.device,
) -> torch.Tensor:
    """``[b_out, b, S, 1, 1]``: the quadrature weight w_j, times (-1)^m for
    the negative orders of a complex signal (s = 1)."""

    def build() -> tuple[torch.Tensor]:
        weights = s2_quadrature_weights(b, torch.float64)[:b]
        sign = 1.0 - 2.0 * (torch.arange(b_out) % 2)
        signs = (
            torch.ones(b_out, 1)
            if real_input
            else torch.stack([torch.ones(b_out), sign], -1)
        )
        factors = weights[None, :, None] * signs[:, None, :]
        return (factors[..., None, None].to(dtype=dtype, device=device),)

    key = ("s2 analysis factors", b, b_out, real_input, dtype, device)
    return _cached(key, build)[0]


def _analysis_gather(
    b: int, real_input: bool, dtype: torch.dtype, device: torch.device
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """For each packed (l, m), l < b, its row in the products (viewed with
    one row per s of :func:`_order_major`), and the signs of its real and
    imaginary parts (``[b², 1, 2]``; ``None`` for a complex signal).

    A real signal's products hold m ≥ 0 only, and ``f̂_{l,-m} = (-1)^m
    conj(f̂_lm)``; a complex signal's hold, per row, the order m then -m.
    """

    def build() -> tuple[torch.Tensor, ...]:
        position = _product_rows(b)
        l, m = s2_indices(b, torch.device("cpu"))
        row = position[l, m.abs()]
        if not real_input:
            return ((2 * row + (m < 0)).to(device),)
        flip = torch.where(m < 0, 1.0 - 2.0 * (m % 2), 1.0)
        sign = torch.stack([flip, torch.where(m < 0, -flip, flip)], -1)
        return row.to(device), sign[:, None].to(dtype=dtype, device=device)

    gather = _cached(
        ("s2 analysis gather", b, real_input, dtype, device), build
    )
    return gather[0], (gather[1] if real_input else None)


def _synthesis_scatter(
    b: int, dtype: torch.dtype, device: torch.device
) -> tuple[tuple[torch.Tensor, torch.Tensor], ...]:
    """Per block and parity, the index and sign that fill ``[±, order, column,
    re/im]`` from packed coefficients.

    The index points into the interleaved (real, imaginary) coefficients with a
    zero appended at position ``2b²``: "+" holds f̂_lm, "−" holds ``(-1)^m
    f̂_{l,-m}`` (zero for m = 0), at the degree of the table's column (zero
    past b - 1).
    """

    def build() -> tuple[torch.Tensor, ...]:
        maps = []
        for start, stop in _order_blocks(b):
            m = torch.arange(start, stop)[:, None]
            for parity, width in enumerate(_widths(b, start)):
                # [orders, width]
                l = m + parity + 2 * torch.arange(width)[None, :]
                valid = l < b
                plus = torch.where(valid, l * l + l + m, -1)
                minus = torch.where(valid & (m > 0), l * l + l - m, -1)
                packed = torch.stack([plus, minus])  # [±, orders, width]
                index = torch.where(
                    packed[..., None] >= 0,
                    2 * packed[..., None] + torch.tensor([0, 1]),
                    2 * b * b,
                )
                odd_order = torch.stack([torch.zeros_like(m), m % 2])[
                    ..., None
                ].expand(-1, -1, width, 2)
                maps += [
                    index.flatten().to(device),
                    (1.0 - 2.0 * odd_order)
                    .flatten()
                    .to(dtype=dtype, device=device),
                ]
        return tuple(maps)

    maps = _cached(("s2 synthesis scatter", b, dtype, device), build)
    return tuple(zip(maps[0::2], maps[1::2], strict=True))


def _analysis_bytes(
    count: int, b: int, b_out: int, real_input: bool, dtype: torch.dtype
) -> int:
    """Rough upper bound on the bytes :func:`s2_fft` allocates for ``count``
    signals, tables excluded: the fold (the flipped south and the folded
    rows), the spectrum, the spectrum orders first, the products, and the
    coefficients (``rows`` counts a complex signal twice)."""
    rows = count if real_input else 2 * count
    return dtype.itemsize * (
        14 * rows * b * b + 8 * rows * b * b_out + 6 * rows * b_out * b_out
    )


def _synthesis_bytes(
    count: int, b: int, b_out: int, dtype: torch.dtype
) -> int:
    """Rough upper bound on the bytes :func:`s2_ifft` allocates for ``count``
    signals, tables excluded."""
    return dtype.itemsize * (
        6 * count * b * b + 16 * count * b * b_out + 24 * count * b_out * b_out
    )


def _analyse(flat: torch.Tensor, b_out: int) -> torch.Tensor:
    """Coefficients ``[P, b_out²]`` (complex) of the signals ``flat [P, 2b,
    2b]``: the fold, the FFT over α, the weights and the Legendre products,
    each written in place."""
    count, b = flat.shape[0], flat.shape[-1] // 2
    real_input = not flat.is_complex()
    dtype = real_dtype(flat.dtype)
    major = _order_major(_fold(flat, b), b_out, real_input)
    # w_j (and (-1)^m for the orders -m), then (s, signal, re/im) as columns
    weighted = torch.view_as_real(major).mul_(
        _analysis_factors(b, b_out, real_input, dtype, flat.device)
    )
    products = _legendre_products(
        weighted.flatten(3),
        _row_count(b_out),
        _legendre_tables(b, b_out, dtype, flat.device),
    )
    row, sign = _analysis_gather(b_out, real_input, dtype, flat.device)
    picked = products.view(-1, 2 * count).index_select(0, row)
    picked = picked.view(-1, count, 2)  # [(l, m), signal, re/im]
    coeffs = flat.new_empty(count, b_out * b_out, 2, dtype=dtype)
    if sign is None:
        coeffs.transpose(0, 1).copy_(picked)
    else:
        torch.mul(picked, sign, out=coeffs.transpose(0, 1))
    return torch.view_as_complex(coeffs)


class _Analysis(torch.autograd.Function):
    """:func:`_analyse`, and its gradient as the adjoint map.

    The analysis is linear, ``f̂_lm = Σ_{j,k} w_j conj(Y_l^m(β_j, α_k))
    f(β_j, α_k)``, so the gradient of a loss is ``w_j Σ_lm g_lm Y_l^m(β_j,
    α_k) = w_j s2_ifft(g)`` (its real part for a real signal).
    """

    @staticmethod
    def forward(ctx, flat: torch.Tensor, b_out: int) -> torch.Tensor:
        ctx.real_input = not flat.is_complex()
        ctx.b = flat.shape[-1] // 2
        return _analyse(flat, b_out)

    @staticmethod
    def backward(ctx, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        weights = s2_quadrature_weights(
            ctx.b, real_dtype(grad.dtype), grad.device
        )
        grid = s2_ifft(grad, ctx.b) * weights[:, None]
        return (grid.real if ctx.real_input else grid), None


def s2_fft(x: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Spherical harmonic coefficients of a signal on the SOFT grid.

    Args:
        x: real or complex ``[..., 2b, 2b]`` samples ``f(β_j, α_k)`` (see
            :mod:`dlnotes.sphere.grid`).
        b_out: keep degrees ``l < b_out`` (``b_out <= b``, default ``b``).

    Returns:
        complex ``[..., b_out²]``, entry ``l*l + l + m`` is ``f̂_lm = ∫ f
        conj(Y_l^m)`` (exact when f has bandwidth ``b``; healpy's ``a_lm`` of
        the same function). complex128 for float64 or complex128 input,
        complex64 otherwise (float16 and bfloat16 are computed in float32); an
        empty batch gives an empty result.

    Raises:
        TypeError: ``x`` is not a tensor, or not of a floating or complex
            dtype; ``b_out`` not an int.
        ValueError: the last two axes are not equal and even (``2b × 2b``), or
            ``b_out`` is below 1 or above ``b``.
        MemoryError: the transform needs more memory than is available (the
            message says how much).
    """
    b = check_signal(x, "x", 2)
    b_out = analysis_bandwidth(b_out, b)
    x = at_least_single(x)
    batch = x.shape[:-2]
    if x.numel() == 0:
        return empty_result(x, (*batch, b_out * b_out), complex_dtype(x.dtype))
    real_input = not x.is_complex()
    dtype = real_dtype(x.dtype)
    count = math.prod(batch)
    needed = _analysis_bytes(
        count, b, b_out, real_input, dtype
    ) + _table_memory(b, b_out, dtype, x.device)
    check_memory(
        needed,
        f"s2_fft of {count} signal(s) at b = {b}, b_out = {b_out} in {dtype}",
        x.device,
    )
    coeffs = _Analysis.apply(x.reshape(count, 2 * b, 2 * b), b_out)
    return coeffs.reshape(*batch, b_out * b_out)


def s2_ifft(coeffs: torch.Tensor, b_out: int | None = None) -> torch.Tensor:
    """Samples on the SOFT grid of bandwidth ``b_out`` of ``f = Σ_{l<b} Σ_m
    f̂_lm Y_l^m``.

    Args:
        coeffs: complex (or real) ``[..., b²]`` in the packing ``l*l + l + m``.
        b_out: grid bandwidth of the output, ``b_out >= b`` (default ``b``); a
            larger grid samples the same band-limited function more finely.

    Returns:
        complex ``[..., 2b_out, 2b_out]`` ordered (β, α); take ``.real`` for a
        real function. complex128 for float64 or complex128 input, complex64
        otherwise; an empty batch gives an empty result.

    Raises:
        TypeError: ``coeffs`` is not a tensor, or not of a floating or complex
            dtype; ``b_out`` not an int.
        ValueError: ``coeffs`` is a scalar or its last axis is not ``b²`` long,
            or ``b_out < b``.
        MemoryError: the transform needs more memory than is available (the
            message says how much).
    """
    check_coefficients(coeffs, "coeffs")
    coeffs = coeffs.to(complex_dtype(coeffs.dtype))
    b = s2_bandwidth(coeffs.shape[-1])
    b_out = synthesis_bandwidth(b_out, b)
    batch = coeffs.shape[:-1]
    if coeffs.numel() == 0:
        return empty_result(
            coeffs, (*batch, 2 * b_out, 2 * b_out), coeffs.dtype
        )
    dtype = real_dtype(coeffs.dtype)
    count = math.prod(batch)
    needed = _synthesis_bytes(count, b, b_out, dtype) + _table_memory(
        b_out, b, dtype, coeffs.device
    )
    check_memory(
        needed,
        f"s2_ifft of {count} signal(s) at b = {b}, b_out = {b_out} in {dtype}",
        coeffs.device,
    )
    blocks = _legendre_tables(b_out, b, dtype, coeffs.device)
    scatter = iter(_synthesis_scatter(b, dtype, coeffs.device))
    flat = torch.view_as_real(coeffs.reshape(count, b * b)).reshape(
        count, 2 * b * b
    )
    # a zero at position 2b²
    flat = torch.cat([flat, flat.new_zeros(count, 1)], -1)
    rows = []
    for start, stop, table in blocks:
        sums = []
        for parity, (index, sign) in zip((0, 1), scatter, strict=False):
            part = table[:, parity::2]  # [orders, width, j]
            dense = (flat.index_select(-1, index) * sign).unflatten(
                -1, (2, stop - start, part.shape[1], 2)
            )
            # [m, (P, ±, re/im), column]
            dense = dense.permute(2, 0, 1, 4, 3).reshape(
                stop - start, 4 * count, part.shape[1]
            )
            # [m, (P, ±, re/im), j < b_out]
            sums.append(torch.bmm(dense, part))
        even, odd = sums
        # north rows, then the mirrored south
        rows.append(torch.cat([even + odd, (even - odd).flip(-1)], -1))
    # [P, j, ±, m, re/im]
    per_order = (
        torch.cat(rows).unflatten(1, (count, 2, 2)).permute(1, 4, 2, 0, 3)
    )
    per_order = torch.view_as_complex(per_order.contiguous())
    gap = per_order.new_zeros(count, 2 * b_out, 2 * b_out - 2 * b + 1)
    # FFT layout of the orders
    full = torch.cat(
        [per_order[:, :, 0], gap, per_order[:, :, 1, 1:].flip(-1)], -1
    )
    return (torch.fft.ifft(full, dim=-1) * (2 * b_out)).reshape(
        *batch, 2 * b_out, 2 * b_out
    )
