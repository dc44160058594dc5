"""dlnotes.backprop.proofs: every identity the chapter relies on is exactly
zero, and a wrong one is not."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from dlnotes.backprop import proofs


@pytest.mark.parametrize("n", [3, 4])
def test_batch_norm_backward(n):
    assert proofs.batch_norm_residual(n) == [0] * (n + 2)


def test_batch_norm_eval_and_dropout():
    assert proofs.batch_norm_eval_residual() == 0
    assert proofs.dropout_residuals() == (0, 0)


def test_exact_oracle_matches_closed_form_and_rejects_a_wrong_one():
    x = [Fraction(v) for v in (1, 2, 4)]
    y_bar = [Fraction(v) for v in (1, -1, 3)]
    exact, eps = proofs.batch_norm_exact_grad(
        x, y_bar, Fraction(2), Fraction(3)
    )
    as_rational = [sp.Rational(v.numerator, v.denominator) for v in x]
    closed = proofs.batch_norm_closed_form(
        as_rational,
        [sp.Rational(v.numerator) for v in y_bar],
        2,
        sp.Rational(eps.numerator, eps.denominator),
    )
    assert [sp.nsimplify(c) for c in closed] == [
        sp.Rational(e.numerator, e.denominator) for e in exact
    ]
    # forgets ȳ
    wrong = proofs.batch_norm_closed_form(
        as_rational, [0, 0, 0], 2, sp.Rational(eps.numerator, eps.denominator)
    )
    assert [sp.nsimplify(c) for c in wrong] != [
        sp.Rational(e.numerator, e.denominator) for e in exact
    ]


@pytest.mark.parametrize(
    "case",
    [
        dict(size=3, kernel=2),
        dict(size=5, kernel=2, stride=2),
        dict(size=3, kernel=2, padding=1),
        dict(size=5, kernel=2, stride=2, dilation=2, c_in=2, c_out=2),
    ],
)
def test_conv_gradients(case):
    assert set(proofs.conv_residuals(**case)) == {0}


def test_conv_without_rotation_is_wrong():
    """The same recipe with the kernel *not* rotated by 180° gives a nonzero
    residual."""
    x = np.array(sp.symbols("x:1:3:3"), dtype=object).reshape(1, 3, 3)
    k = np.array(sp.symbols("k:1:1:2:2"), dtype=object).reshape(1, 1, 2, 2)
    y = proofs.correlate(x, k)
    y_bar = np.array(sp.symbols("ybar:1:2:2"), dtype=object).reshape(1, 2, 2)
    loss = sum(y_bar[idx] * y[idx] for idx in np.ndindex(y.shape))
    # rotating twice = not at all
    unrotated = proofs.conv_input_grad_literal(
        y_bar, k[:, :, ::-1, ::-1], 3, 1, 0, 1
    )
    assert any(
        sp.expand(sp.diff(loss, x[idx]) - unrotated[idx]) != 0
        for idx in np.ndindex(x.shape)
    )
