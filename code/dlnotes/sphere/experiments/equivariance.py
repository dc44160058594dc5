"""Experiment 1 of Cohen et al. (2018, §5.1, Figure 3): how equivariant is a
stack of SO(3) layers?

For a network Φ, n random rotations R_i and n random inputs f_i the paper
measures

    Δ = (1/n) Σ_i std(L_{R_i} Φ(f_i) − Φ(L_{R_i} f_i)) / std(Φ(f_i)),

the relative size of the failure of Φ to commute with rotations (std over all
channels and grid points of one sample). Here Φ_d is a stack of d
:class:`~dlnotes.sphere.layers.SO3Convolution` layers (K channels in and out,
bandwidth b → b, random N(0, 1) filters on ``so3_near_identity_grid()``),
optionally with a ReLU between consecutive layers:

    Φ_d = L_d ∘ σ ∘ L_{d−1} ∘ … ∘ σ ∘ L_1        (σ = ReLU or the identity).

The inputs f_i are random real band-limited SO(3) signals (i.i.d. complex
normal coefficients for every l < b, then the real part of the inverse
transform), and L_R is applied exactly, in the spectral domain
(:func:`~dlnotes.sphere.rotation.so3_rotate`); the output of the last layer is
band-limited too, so rotating it is exact as well. Without ReLU every step is
exact up to rounding, and Δ measures the arithmetic. ReLU output is not
band-limited: the next layer's FFT samples it on the grid and folds the degrees
≥ b back into the kept ones (aliasing), and that part does not commute with
rotations.

One forward pass of the deepest network yields Φ_1 … Φ_D at once, so every
depth is measured on the same inputs and rotations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
from scipy import stats

from dlnotes._io import check_memory
from dlnotes.sphere.haar import random_rotations
from dlnotes.sphere.kernel_grids import so3_near_identity_grid
from dlnotes.sphere.layers import SO3Convolution
from dlnotes.sphere.rotation import so3_rotate
from dlnotes.sphere.testing import random_so3

DTYPES = {"float32": torch.float32, "float64": torch.float64}
#: Seed stream of :func:`~dlnotes.sphere.haar.random_rotations` used for the
#: rotations R_i.
ROTATION_STREAM = 2


def random_so3_signals(
    n: int, channels: int, b: int, generator: torch.Generator
) -> torch.Tensor:
    """Real band-limited SO(3) signals ``[n, channels, 2b, 2b, 2b]`` (float64)
    of unit standard deviation.

    Coefficients f̂ˡ_mn are i.i.d. standard complex normal for all l < b; the
    real part of the synthesised signal is again of bandwidth b (conj Dˡ_mn =
    (−1)^{m−n} Dˡ_{−m,−n}).
    """
    x = random_so3(b, n, channels, generator=generator)
    return x / x.std(dim=(-4, -3, -2, -1), keepdim=True)


def random_network(
    depth: int, channels: int, b: int, seed: int
) -> list[SO3Convolution]:
    """``depth`` SO(3) layers K → K, b → b, filters N(0, 1) on
    ``so3_near_identity_grid()``, seeded, float64."""
    torch.manual_seed(seed)
    grid = so3_near_identity_grid()
    return [
        SO3Convolution(channels, channels, b, b, grid).double()
        for _ in range(depth)
    ]


def _outputs(
    layers: list[SO3Convolution], x: torch.Tensor, relu: bool
) -> list[torch.Tensor]:
    """Φ_1(x), …, Φ_D(x): the output of every prefix of the stack (σ between
    layers only)."""
    outputs = []
    for index, layer in enumerate(layers):
        if index and relu:
            x = torch.relu(x)
        x = layer(x)
        outputs.append(x)
    return outputs


def equivariance_bytes(
    b: int, n_rotations: int, channels: int, depth: int
) -> int:
    """About the memory :func:`equivariance_errors` needs: the float64 inputs
    (n · K · (2b)³ values), the outputs of every depth for one chunk of about
    2²² values per tensor, twice, and the Wigner-d tables of the SO(3)
    transforms (about (8/3) b⁴ float64 values)."""
    grid = (2 * b) ** 3
    chunk_values = max(2**22, channels * grid)
    return 8 * (
        n_rotations * channels * grid
        + 4 * (depth + 1) * chunk_values
        + 8 * b**4 // 3
    )


@torch.no_grad()
def equivariance_errors(
    b: int,
    depth: int,
    relu: bool,
    dtype: torch.dtype = torch.float64,
    n_rotations: int = 10,
    channels: int = 10,
    seed: int = 0,
    chunk: int | None = None,
) -> np.ndarray:
    """Per-sample equivariance errors of Φ_1 … Φ_depth, ``[depth,
    n_rotations]``.

    Entry (d−1, i) is std(L_{R_i} Φ_d(f_i) − Φ_d(L_{R_i} f_i)) / std(Φ_d(f_i));
    Δ of the paper is the mean over i. Inputs, filters and rotations are drawn
    in float64 from ``seed`` (the same for both dtypes), then everything runs
    in ``dtype``.

    Args:
        b: bandwidth of every layer (input and output).
        depth: number of layers D (all depths 1..D are measured).
        relu: put a ReLU between consecutive layers.
        dtype: ``torch.float32`` or ``torch.float64``.
        n_rotations: number n of (f_i, R_i) pairs.
        channels: K.
        seed: seeds the inputs, the filters and the rotations.
        chunk: samples per batch (default: as many as fit in about 2²² grid
            values per tensor).

    Raises:
        ValueError: ``b`` below 2, ``depth``, ``n_rotations`` or
            ``channels`` below 1, another dtype, or sizes whose memory
            estimate (:func:`equivariance_bytes`) exceeds what is available.
    """
    for name, value in (
        ("b", b),
        ("depth", depth),
        ("n_rotations", n_rotations),
        ("channels", channels),
    ):
        if value < 1:
            raise ValueError(f"{name} must be >= 1, got {value}")
    if b < 2:
        raise ValueError(
            "b must be >= 2: at b = 1 every band-limited signal on SO(3) is"
            " constant, so the relative error is 0/0"
        )
    if dtype not in DTYPES.values():
        raise ValueError(
            f"dtype must be torch.float32 or torch.float64, got {dtype}"
        )
    check_memory(
        equivariance_bytes(b, n_rotations, channels, depth),
        f"the equivariance study at b = {b} with {n_rotations} samples",
    )
    layers = [
        layer.to(dtype) for layer in random_network(depth, channels, b, seed)
    ]
    f = random_so3_signals(
        n_rotations, channels, b, torch.Generator().manual_seed(seed)
    )
    alpha, beta, gamma = random_rotations(n_rotations, seed, ROTATION_STREAM)
    chunk = chunk or max(1, 2**22 // (channels * (2 * b) ** 3))
    errors = np.zeros((depth, n_rotations))
    for start in range(0, n_rotations, chunk):
        part = slice(start, start + chunk)
        # broadcast over channels
        angles = tuple(angle[part, None] for angle in (alpha, beta, gamma))
        x = f[part].to(dtype)
        rotated_first = _outputs(layers, so3_rotate(x, *angles), relu)
        for d, y in enumerate(_outputs(layers, x, relu)):
            difference = so3_rotate(y, *angles) - rotated_first[d]
            ratio = difference.flatten(1).std(dim=1) / y.flatten(1).std(dim=1)
            errors[d, part] = ratio.double().numpy()
    return errors


@dataclass(frozen=True)
class EquivarianceResult:
    """Δ for every (bandwidth, depth, ReLU or not, dtype) measured, with the
    per-sample errors."""

    channels: int
    n_rotations: dict[int, int]
    errors: dict[tuple[int, bool, str], np.ndarray]

    def frame(self) -> pd.DataFrame:
        """One row per (b, depth, relu, dtype): Δ (mean over samples), its max,
        and n."""
        rows = []
        for (b, relu, dtype), values in sorted(self.errors.items()):
            for d, per_sample in enumerate(values, start=1):
                rows.append(
                    {
                        "b": b,
                        "depth": d,
                        "relu": relu,
                        "dtype": dtype,
                        "delta": per_sample.mean(),
                        "max": per_sample.max(),
                        "n": len(per_sample),
                    }
                )
        return pd.DataFrame(rows)

    def delta(self, b: int, depth: int, relu: bool, dtype: str) -> float:
        """Δ for one setting (mean over the samples)."""
        return float(self.errors[(b, relu, dtype)][depth - 1].mean())


def equivariance_experiment(
    bandwidths: tuple[int, ...] = (4, 8, 16, 32),
    depth: int = 5,
    n_rotations: dict[int, int] | int = 10,
    channels: int = 10,
    seed: int = 0,
    dtypes: tuple[str, ...] = ("float32", "float64"),
) -> EquivarianceResult:
    """Figure 3 of the paper: Δ against bandwidth and depth, with and without
    ReLU, in both dtypes.

    Args:
        bandwidths: the b to measure.
        depth: deepest stack; depths 1..depth are all measured.
        n_rotations: number of (f_i, R_i) pairs, one number or one per
            bandwidth (the paper: 500).
        channels: K (the paper: 10).
        seed: seeds inputs, filters and rotations.
        dtypes: among ``"float32"``, ``"float64"``.
    """
    counts = (
        n_rotations
        if isinstance(n_rotations, dict)
        else {b: n_rotations for b in bandwidths}
    )
    missing = [b for b in bandwidths if b not in counts]
    if missing:
        raise ValueError(
            "n_rotations must give a count for every bandwidth, missing"
            f" {missing}"
        )
    for name in dtypes:
        if name not in DTYPES:
            raise ValueError(
                f"dtypes must be drawn from {sorted(DTYPES)}, got {name!r}"
            )
    for b in bandwidths:  # every size checked before any work
        if b < 2:
            raise ValueError(
                "bandwidths must be >= 2 (at b = 1 every signal on SO(3) is"
                f" constant), got {b}"
            )
        check_memory(
            equivariance_bytes(b, counts[b], channels, depth),
            f"the equivariance study at b = {b} with {counts[b]} samples",
        )
    errors = {}
    for b in bandwidths:
        for relu in (False, True):
            for name in dtypes:
                errors[(b, relu, name)] = equivariance_errors(
                    b, depth, relu, DTYPES[name], counts[b], channels, seed
                )
    return EquivarianceResult(
        channels, {b: counts[b] for b in bandwidths}, errors
    )


def _line_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Least-squares line ``y ≈ p0 + p1·x``: the slope ``p1`` and the
    coefficient of determination R²."""
    fit = stats.linregress(x, y)
    return float(fit.slope), float(fit.rvalue**2)


def growth_fits(frame: pd.DataFrame) -> pd.DataFrame:
    """Test "Δ grows logarithmically with resolution and linearly with depth"
    on linear stacks.

    For each dtype and depth, a straight line of Δ against log₂ b (R² near 1
    supports logarithmic growth) and, for comparison, the power ``k`` of Δ ∝
    b^k; for each dtype and bandwidth, a straight line of Δ against the depth
    d. Uses the rows of :meth:`EquivarianceResult.frame` without ReLU (whose Δ
    is rounding only).
    """
    rows = []
    for dtype in sorted(frame["dtype"].unique()):
        linear = frame[(~frame["relu"]) & (frame["dtype"] == dtype)]
        for depth, part in linear.groupby("depth"):
            part = part.sort_values("b")
            b, delta = part["b"].to_numpy(float), part["delta"].to_numpy()
            _, r2 = _line_fit(np.log2(b), delta)
            power, _ = _line_fit(np.log2(b), np.log2(delta))
            rows.append(
                {
                    "dtype": dtype,
                    "against": "log2 b",
                    "at": f"depth {depth}",
                    "R2": r2,
                    "growth": delta[-1] / delta[0],
                    "span": f"b = {int(b[0])}..{int(b[-1])}",
                    "power k": power,
                }
            )
        for b, part in linear.groupby("b"):
            part = part.sort_values("depth")
            depth, delta = (
                part["depth"].to_numpy(float),
                part["delta"].to_numpy(),
            )
            _, r2 = _line_fit(depth, delta)
            rows.append(
                {
                    "dtype": dtype,
                    "against": "depth",
                    "at": f"b = {b}",
                    "R2": r2,
                    "growth": delta[-1] / delta[0],
                    "span": f"d = 1..{int(depth[-1])}",
                    "power k": np.nan,
                }
            )
    return pd.DataFrame(rows)
