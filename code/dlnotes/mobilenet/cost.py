"""The paper's cost expressions (Howard et al., 2017, Section 3), in SymPy.

Every function returns a SymPy expression. Symbols follow the paper: ``D_K``
kernel side, ``M`` input channels, ``N`` output channels, ``D_F`` side of the
(square) feature map, ``alpha`` width multiplier, ``rho`` resolution
multiplier. Costs are Mult-Adds of one layer on one image (stride 1, "same"
padding, so the output map is ``D_F × D_F`` as in the paper); parameters are
weights (no bias, no BatchNorm).

====================  ============================================  =====
quantity              expression                                    paper
====================  ============================================  =====
full convolution      ``D_K·D_K·M·N·D_F·D_F``                       (2)
depthwise             ``D_K·D_K·M·D_F·D_F``                         (3)
separable             ``D_K·D_K·M·D_F·D_F + M·N·D_F·D_F``           (4)
separable / full      ``1/N + 1/D_K²``                              (5)
separable, α          ``D_K·D_K·αM·D_F·D_F + αM·αN·D_F·D_F``        (6)
separable, α and ρ    ``D_K·D_K·αM·ρD_F·ρD_F + αM·αN·ρD_F·ρD_F``    (7)
====================  ============================================  =====
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sympy as sp

D_K, M, N, D_F = sp.symbols("D_K M N D_F", positive=True)
alpha, rho = sp.symbols("alpha rho", positive=True)
depth_mult = sp.symbols("m", positive=True, integer=True)
"""The depthwise *channel* multiplier ``m`` (each input channel gets ``m``
filters; exercise)."""


def full_conv_cost():
    """Mult-Adds of a full ``D_K×D_K`` convolution, ``M → N`` channels
    (equation 2)."""
    return D_K * D_K * M * N * D_F * D_F


def depthwise_cost():
    """Mult-Adds of a depthwise ``D_K×D_K`` convolution on ``M`` channels
    (equation 3)."""
    return D_K * D_K * M * D_F * D_F


def pointwise_cost():
    """Mult-Adds of a pointwise 1×1 convolution, ``M → N`` channels."""
    return M * N * D_F * D_F


def separable_cost():
    """Mult-Adds of a depthwise separable convolution (equation 4)."""
    return depthwise_cost() + pointwise_cost()


def separable_cost_multipliers():
    """Equation 4 with ``M → αM``, ``N → αN`` and ``D_F → ρD_F`` (equations 6
    and 7)."""
    return separable_cost().subs(
        {M: alpha * M, N: alpha * N, D_F: rho * D_F}, simultaneous=True
    )


def full_conv_params():
    """Weights of a full convolution: ``D_K·D_K·M·N``."""
    return D_K * D_K * M * N


def separable_params():
    """Weights of a depthwise separable convolution: ``D_K·D_K·M + M·N``."""
    return D_K * D_K * M + M * N


def cost_ratio():
    """``separable_cost / full_conv_cost``, simplified by SymPy; equals ``1/N +
    1/D_K²`` (eq. 5)."""
    return sp.simplify(separable_cost() / full_conv_cost())


def ratio_identity_holds() -> bool:
    """True when SymPy proves ``separable/full − (1/N + 1/D_K²) = 0`` for all
    positive symbols."""
    return sp.simplify(cost_ratio() - (1 / N + 1 / D_K**2)) == 0


@dataclass(frozen=True)
class LayerCost:
    """Mult-Adds and parameters of one layer (numbers, as in the paper's Table
    3)."""

    name: str
    mult_adds: int
    params: int


TABLE_3_LAYER = {D_K: 3, M: 512, N: 512, D_F: 14}
"""The values of the symbols ``D_K``, ``M``, ``N`` and ``D_F`` for the layer
of the paper's Table 3 (3×3 kernels, 512 channels in and out, a 14×14 map)."""


def table_3(
    layer: Mapping[sp.Symbol, int] = TABLE_3_LAYER,
    width_mult: float = 0.75,
    resolution_mult: float = 0.714,
) -> list[LayerCost]:
    """The four rows of Table 3 evaluated from the expressions above for
    ``layer`` (values of ``D_K``, ``M``, ``N``, ``D_F``).

    ``resolution_mult`` is applied to ``D_F`` and the result rounded to whole
    pixels (ρ = 0.714 turns 14 into 10, i.e. 160/224 of the paper's
    resolution); channels ``α·M`` are rounded too.
    """
    base = dict(layer)
    narrow = {
        **base,
        M: round(width_mult * base[M]),
        N: round(width_mult * base[N]),
    }
    small = {**narrow, D_F: round(resolution_mult * base[D_F])}

    def row(
        name: str, cost: sp.Expr, params: sp.Expr, values: dict
    ) -> LayerCost:
        return LayerCost(
            name, int(cost.subs(values)), int(params.subs(values))
        )

    return [
        row("Convolution", full_conv_cost(), full_conv_params(), base),
        row(
            "Depthwise Separable Conv",
            separable_cost(),
            separable_params(),
            base,
        ),
        row(f"α = {width_mult}", separable_cost(), separable_params(), narrow),
        row(
            f"ρ = {resolution_mult}",
            separable_cost(),
            separable_params(),
            small,
        ),
    ]
