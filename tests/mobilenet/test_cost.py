"""dlnotes.mobilenet.cost: the paper's equations proved with SymPy and Table 3
evaluated."""

import sympy as sp

from dlnotes.mobilenet import cost
from dlnotes.mobilenet.experiments import paper


def test_ratio_is_one_over_n_plus_one_over_dk_squared():
    assert cost.ratio_identity_holds()
    assert sp.simplify(cost.cost_ratio() - (1 / cost.N + 1 / cost.D_K**2)) == 0


def test_multipliers_scale_pointwise_by_alpha2_and_everything_by_rho2():
    expr = cost.separable_cost_multipliers()
    assert (
        sp.simplify(
            expr.subs(cost.alpha, 1)
            - cost.separable_cost().subs(cost.D_F, cost.rho * cost.D_F)
        )
        == 0
    )
    assert (
        sp.simplify(
            expr
            / cost.separable_cost().subs(
                {cost.M: cost.alpha * cost.M, cost.N: cost.alpha * cost.N},
                simultaneous=True,
            )
            - cost.rho**2
        )
        == 0
    )


def test_table_3_matches_the_paper_to_its_printed_digits():
    ours = cost.table_3()
    for row, quoted in zip(ours, paper.TABLE_3, strict=True):
        millions = row.mult_adds / 1e6
        assert (
            round(millions) if quoted.mult_adds >= 100 else round(millions, 1)
        ) == quoted.mult_adds
        assert round(row.params / 1e6, 2) == quoted.params


def test_table_3_exact_values():
    full, separable, narrow, small = cost.table_3()
    assert full.mult_adds == 3 * 3 * 512 * 512 * 14 * 14
    assert separable.params == 3 * 3 * 512 + 512 * 512
    assert narrow.mult_adds == 14 * 14 * 384 * (9 + 384)
    assert small.mult_adds == 10 * 10 * 384 * (9 + 384)
