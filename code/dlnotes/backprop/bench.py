"""``python -m dlnotes.bench backprop [--quick] [--repeats R]``: our layers
against PyTorch's kernels.

For each layer, shape and dtype (float32, float64), on one thread, every
implementation's forward+backward time is divided by that of PyTorch's native
kernel measured in the same interleaved run (medians), and the bytes it saves
for backward are counted with saved-tensor hooks
(:func:`dlnotes.backprop.saved.saved_bytes`). Implementations:

* BatchNorm: ``staged`` (node-by-node backward), ``primitives`` (autograd
  through primitive ops), ``ours`` (closed form);
* Conv2d: ``ours``, and for stride > 1 also ``ours, literal dx``, the same
  gradients with the input gradient through the zero-dilated ``ȳ`` (called
  directly, without autograd's bookkeeping); the backward-only ratio subtracts
  the (shared, native) forward's time;
* Dropout: ``ours``.

The full run uses :data:`BN_SHAPES`, :data:`CONV_CASES` and
:data:`DROPOUT_NUMEL`; ``--quick`` uses smaller ones, the ``QUICK_*`` shapes
(what the chapter runs). Each ratio comes with its 95 % bootstrap interval over
the interleaved rounds, and a load monitor may watch for other work
(:mod:`dlnotes.bench.load`). ``--record PATH`` runs the quick shapes with more
rounds (11 to 31) and writes them as a timing record
(:mod:`dlnotes.bench.records`, keys from :func:`row_key`); the chapters show
the record shipped in ``dlnotes/backprop/records/`` beside their own run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Unpack

import torch
import torch.nn.functional as F

from dlnotes.backprop.batchnorm import batch_norm
from dlnotes.backprop.conv import (
    Geometry,
    conv2d,
    conv2d_input_grad,
    conv2d_input_grad_polyphase,
    conv2d_weight_grad,
)
from dlnotes.backprop.dropout import dropout
from dlnotes.backprop.saved import saved_bytes
from dlnotes.backprop.staged import (
    StagedBatchNormFunction,
    batch_norm_primitives,
)
from dlnotes.bench import threads, wording
from dlnotes.bench.interval import RatioEstimate
from dlnotes.bench.load import Load, LoadMonitor, LoadSummary
from dlnotes.bench.records import (
    TimingRecord,
    record_from_cli,
    topic_parser,
)
from dlnotes.bench.timing import Rounds, measure

#: BatchNorm input shapes of the full run, (N, C, H, W) or (N, C).
BN_SHAPES = ((32, 64, 32, 32), (128, 256, 14, 14), (1024, 512))
#: Conv2d cases of the full run as (N, C_in, C_out, H = W, stride), 3 × 3
#: kernels, padding 1.
CONV_CASES = ((32, 64, 64, 32, 1), (8, 128, 256, 28, 2))
#: Elements of the full run's Dropout input.
DROPOUT_NUMEL = 16 * 2**20
# what the chapter runs
QUICK_BN_SHAPES = ((16, 64, 32, 32), (32, 128, 14, 14), (1024, 512))
QUICK_CONV_CASES = ((8, 64, 64, 32, 1), (4, 128, 256, 28, 2))
QUICK_DROPOUT_NUMEL = 4 * 2**20
DTYPES = (torch.float32, torch.float64)


@dataclass(frozen=True)
class Row:
    """One implementation of one layer at one shape and dtype, against native
    in the same run."""

    layer: str
    shape: str
    dtype: str
    implementation: str
    seconds: float
    ratio: float
    saved_bytes: int
    native_saved_bytes: int
    backward_ratio: float | None = None
    estimate: RatioEstimate | None = None
    """``ratio`` with its 95 % interval (time over native's, paired rounds)."""
    load: Load | None = None
    """What the load monitor saw during the measurement, if one watched."""


def row_key(row: Row) -> str:
    """The name of a row's ratio in a timing record:
    ``layer/shape/dtype/implementation``."""
    return f"{row.layer}/{row.shape}/{row.dtype}/{row.implementation}"


def against_native(
    rows: Sequence[Row],
    implementation: str,
    load: Load | LoadSummary | None = None,
    record: TimingRecord | None = None,
) -> str:
    """How one implementation fared against native over ``rows`` (e.g. "slower
    in 5 of 6 settings, indistinguishable in 1"), in these rows' measurement —
    judged by ``load`` if given, else each row by the load seen while it ran —
    or, with ``record``, in the recorded run of the same rows.

    Raises:
        ValueError: no row of ``implementation`` (or none in the record).
    """
    chosen = [r for r in rows if r.implementation == implementation]
    if record is not None and not record.quiet:
        return "not stated, as the recorded run was not quiet"
    if record is not None:
        estimates = [
            record.estimates[row_key(r)]
            for r in chosen
            if row_key(r) in record.estimates
        ]
        if not estimates:
            raise ValueError(
                f"no recorded row of implementation {implementation!r}"
            )
        return wording.tally(estimates, record.load_summary)
    measured = [r for r in chosen if r.estimate is not None]
    if not measured:
        raise ValueError(
            f"no measured row of implementation {implementation!r}"
        )
    return wording.tally(
        [r.estimate for r in measured],
        load,
        None if load is not None else [r.load for r in measured],
    )


def _step(
    forward: Callable[[], torch.Tensor],
    inputs: Sequence[torch.Tensor],
    y_bar: torch.Tensor,
) -> Callable[[], None]:
    """A closure running ``forward`` and the backward of ``Σ ȳ · y`` to
    ``inputs``."""

    def run() -> None:
        torch.autograd.grad(forward(), inputs, y_bar)

    return run


def _rows(
    layer: str,
    shape: str,
    dtype: torch.dtype,
    forwards: dict[str, Callable[[], torch.Tensor]],
    inputs: Sequence[torch.Tensor],
    y_bar: torch.Tensor,
    repeats: int,
    rounds: Rounds,
) -> list[Row]:
    others = [name for name in forwards if name != "native"]
    measured = measure(
        {name: _step(f, inputs, y_bar) for name, f in forwards.items()},
        repeats,
        pairs=[(name, "native") for name in others],
        **rounds,
    )
    timings = measured.timings
    saved = {name: saved_bytes(f) for name, f in forwards.items()}
    native = timings["native"]
    return [
        Row(
            layer,
            shape,
            str(dtype).removeprefix("torch."),
            name,
            timings[name].median,
            timings[name].median / native.median,
            saved[name],
            saved["native"],
            estimate=measured.ratio(name, "native"),
            load=measured.load,
        )
        for name in others
    ]


def batchnorm_rows(
    shape: tuple[int, ...],
    dtype: torch.dtype,
    repeats: int,
    seed: int = 0,
    **rounds: Unpack[Rounds],
) -> list[Row]:
    """Training-mode BatchNorm (no running statistics, so all sides do the same
    work)."""
    g = torch.Generator().manual_seed(seed)
    c = shape[1]
    x = torch.randn(shape, generator=g, dtype=dtype).requires_grad_()
    weight = torch.randn(c, generator=g, dtype=dtype).requires_grad_()
    bias = torch.randn(c, generator=g, dtype=dtype).requires_grad_()
    y_bar = torch.randn(shape, generator=g, dtype=dtype)
    forwards = {
        "native": lambda: F.batch_norm(x, None, None, weight, bias, True),
        "staged": lambda: StagedBatchNormFunction.apply(x, weight, bias, 1e-5),
        "primitives": lambda: batch_norm_primitives(x, weight, bias),
        "ours": lambda: batch_norm(x, None, None, weight, bias, True),
    }
    layer = "BatchNorm1d" if len(shape) == 2 else "BatchNorm2d"
    return _rows(
        layer,
        str(shape),
        dtype,
        forwards,
        (x, weight, bias),
        y_bar,
        repeats,
        rounds,
    )


def conv_rows(
    case: tuple[int, int, int, int, int],
    dtype: torch.dtype,
    repeats: int,
    seed: int = 0,
    **rounds: Unpack[Rounds],
) -> list[Row]:
    """Conv2d, kernel 3, padding 1; adds the backward-only ratio (the forward
    is native for all)."""
    n, c_in, c_out, size, stride = case
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(
        n, c_in, size, size, generator=g, dtype=dtype
    ).requires_grad_()
    weight = (
        torch.randn(c_out, c_in, 3, 3, generator=g, dtype=dtype)
        / (3 * c_in**0.5)
    ).requires_grad_()
    bias = torch.randn(c_out, generator=g, dtype=dtype).requires_grad_()
    y_bar = torch.randn_like(F.conv2d(x, weight, bias, stride, 1))
    inputs = (x, weight, bias)
    one, pad = (1, 1), ((1, 1), (1, 1))

    # the same gradients through the zero-dilated ȳ, whatever the stride
    def literal() -> None:
        with torch.no_grad():
            F.conv2d(x, weight, bias, stride, 1)
            geometry = Geometry((stride, stride), pad, one, 1)
            conv2d_input_grad(y_bar, weight, (size, size), geometry)
            conv2d_weight_grad(x, y_bar, (3, 3), geometry)
            y_bar.sum((0, 2, 3))

    candidates = {
        "native": _step(
            lambda: F.conv2d(x, weight, bias, stride, 1), inputs, y_bar
        ),
        "ours": _step(
            lambda: conv2d(x, weight, bias, stride, 1), inputs, y_bar
        ),
        "forward": lambda: F.conv2d(x, weight, bias, stride, 1),
    }
    if stride > 1:
        candidates["ours, literal dx"] = literal
    others = ["ours", "ours, literal dx"] if stride > 1 else ["ours"]
    measured = measure(
        candidates,
        repeats,
        pairs=[(name, "native") for name in others],
        **rounds,
    )
    timings = measured.timings
    native_saved = saved_bytes(lambda: F.conv2d(x, weight, bias, stride, 1))
    ours_saved = saved_bytes(lambda: conv2d(x, weight, bias, stride, 1))
    native, forward = timings["native"].median, timings["forward"].median
    shape = f"({n},{c_in}→{c_out},{size}²,s{stride})"
    return [
        Row(
            "Conv2d",
            shape,
            str(dtype).removeprefix("torch."),
            name,
            timings[name].median,
            timings[name].median / native,
            ours_saved,
            native_saved,
            (timings[name].median - forward) / (native - forward),
            estimate=measured.ratio(name, "native"),
            load=measured.load,
        )
        for name in others
    ]


def dropout_rows(
    numel: int,
    dtype: torch.dtype,
    repeats: int,
    p: float = 0.5,
    seed: int = 0,
    **rounds: Unpack[Rounds],
) -> list[Row]:
    """Inverted dropout on a flat tensor of ``numel`` elements."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(numel, generator=g, dtype=dtype).requires_grad_()
    y_bar = torch.randn(numel, generator=g, dtype=dtype)
    forwards = {
        "native": lambda: F.dropout(x, p, True),
        "ours": lambda: dropout(x, p, True),
    }
    return _rows(
        "Dropout",
        f"({numel:,})",
        dtype,
        forwards,
        (x,),
        y_bar,
        repeats,
        rounds,
    )


#: The layer whose input gradient the conv2d page times at each stride of
#: :data:`DX_STRIDES`, as (N, C_in, C_out, H = W); float32, 3 × 3 kernels,
#: padding 1.
DX_CASE = (4, 128, 256, 28)
#: The strides of the input-gradient study.
DX_STRIDES = (1, 2, 3)
#: The two forms of the input gradient timed against ``conv_transpose2d``.
DX_FORMS = ("literal", "polyphase")


def dx_key(stride: int, candidate: str, reference: str) -> str:
    """The name of an input-gradient ratio in a timing record, e.g.
    ``Conv2d dx/(4,128→256,28²,s2)/float32/literal over polyphase``."""
    n, c_in, c_out, h = DX_CASE
    return (
        f"Conv2d dx/({n},{c_in}→{c_out},{h}²,s{stride})/float32/"
        f"{candidate} over {reference}"
    )


def dx_estimates(
    repeats: int = 7,
    seed: int = 0,
    **rounds: Unpack[Rounds],
) -> dict[str, RatioEstimate]:
    """The input gradient of :data:`DX_CASE` at each stride, its literal form
    (through the zero-dilated ``ȳ``) and its polyphase form each against
    ``conv_transpose2d`` (PyTorch's route to the same numbers) and against
    each other, in one interleaved run per stride, named by :func:`dx_key`."""
    n, c_in, c_out, h = DX_CASE
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, c_in, h, h, generator=g)
    k = torch.randn(c_out, c_in, 3, 3, generator=g)
    out: dict[str, RatioEstimate] = {}
    for s in DX_STRIDES:
        y_bar = torch.randn(F.conv2d(x, k, None, s, 1).shape, generator=g)
        args = (
            y_bar,
            k,
            (h, h),
            Geometry((s, s), ((1, 1), (1, 1)), (1, 1), 1),
        )
        unread = (h + 2 - 3) % s

        def transpose(y_bar=y_bar, s=s, unread=unread) -> None:
            F.conv_transpose2d(y_bar, k, None, s, 1, unread)

        forms = {
            "literal": lambda args=args: conv2d_input_grad(*args),
            "polyphase": lambda args=args: conv2d_input_grad_polyphase(*args),
            "conv_transpose2d": transpose,
        }
        pairs = [(f, "conv_transpose2d") for f in DX_FORMS]
        pairs.append(DX_FORMS)
        measured = measure(
            forms,
            repeats,
            pairs=pairs,
            **rounds,
        )
        out.update({dx_key(s, a, b): measured.ratio(a, b) for a, b in pairs})
    return out


def run(
    bn_shapes: Sequence[tuple[int, ...]] = BN_SHAPES,
    conv_cases: Sequence[tuple[int, int, int, int, int]] = CONV_CASES,
    dropout_numel: int | None = DROPOUT_NUMEL,
    dtypes: Sequence[torch.dtype] = DTYPES,
    repeats: int = 11,
    **rounds: Unpack[Rounds],
) -> list[Row]:
    """All rows, measured on one thread (``dlnotes.bench.threads(1)``); rounds
    as in :func:`dlnotes.bench.timing.measure`."""
    rows: list[Row] = []
    with threads(1):
        for dtype in dtypes:
            for shape in bn_shapes:
                rows += batchnorm_rows(shape, dtype, repeats, **rounds)
            for case in conv_cases:
                rows += conv_rows(case, dtype, repeats, **rounds)
            if dropout_numel:
                rows += dropout_rows(dropout_numel, dtype, repeats, **rounds)
    return rows


def format_rows(rows: Sequence[Row]) -> str:
    """A plain-text table of the rows."""
    lines = [
        f"{'layer':<12} {'shape':<22} {'dtype':<8} {'implementation':<17}"
        f" {'ms':>8} {'× native':>9} {'bwd ×':>6} {'saved MB':>9}"
        f" {'native MB':>9} {'saved − native (bytes)':>22}"
    ]
    for r in rows:
        bwd = (
            f"{r.backward_ratio:6.2f}"
            if r.backward_ratio is not None
            else f"{'':>6}"
        )
        lines.append(
            f"{r.layer:<12} {r.shape:<22} {r.dtype:<8} {r.implementation:<17}"
            f" {r.seconds * 1e3:8.2f} {r.ratio:9.2f} {bwd}"
            f" {r.saved_bytes / 2**20:9.3f}"
            f" {r.native_saved_bytes / 2**20:9.3f}"
            f" {r.saved_bytes - r.native_saved_bytes:22,d}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse ``--quick``/``--repeats`` and print the table."""
    parser = topic_parser(
        "backprop",
        __doc__,
        "small shapes (what the chapter runs)",
        "run the quick shapes with more rounds and write them to PATH (.json)",
        repeats=11,
    )
    args = parser.parse_args(argv)
    if args.record is not None:

        def quick_rows(monitor: LoadMonitor) -> dict[str, RatioEstimate]:
            options = Rounds(
                max_repeats=max(31, args.repeats),
                max_seconds=10.0,
                monitor=monitor,
            )
            rows = run(
                QUICK_BN_SHAPES,
                QUICK_CONV_CASES,
                QUICK_DROPOUT_NUMEL,
                repeats=args.repeats,
                **options,
            )
            with threads(1):
                dx = dx_estimates(args.repeats, **options)
            return {row_key(r): r.estimate for r in rows if r.estimate} | dx

        record_from_cli(parser, args.record, "backprop", argv, quick_rows)
        return
    if args.quick:
        rows = run(
            QUICK_BN_SHAPES,
            QUICK_CONV_CASES,
            QUICK_DROPOUT_NUMEL,
            repeats=args.repeats,
        )
    else:
        rows = run(repeats=args.repeats)
    print(
        "one thread; medians of interleaved runs; '× native' ="
        " forward+backward time / native's in the same run;"
    )
    print(
        "'bwd ×' = backward-only ratio (Conv2d: all share the native forward);"
        " saved = bytes kept for backward"
    )
    print(format_rows(rows))
