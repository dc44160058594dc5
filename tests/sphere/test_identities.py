"""dlnotes.sphere.identities: every SymPy identity the chapters rely on holds
exactly."""

import sympy as sp

from dlnotes.sphere import identities


def test_vanishes_decides_trigonometric_identities():
    b = identities.beta
    assert identities.vanishes(sp.sin(b) ** 2 + sp.cos(b) ** 2 - 1)
    assert identities.vanishes(
        sp.cos(b) ** 2 / 2 - sp.cos(2 * b) / 4 - sp.Rational(1, 4)
    )
    assert not identities.vanishes(sp.cos(b) - 1)
    check = identities.IdentityCheck()
    check.add(sp.sin(b), "wrong")
    assert check.failures == ["wrong"] and not check.ok


def test_small_d_recursion():
    check = identities.check_small_d_recursion(4)
    assert check.ok and check.checked == sum(
        (2 * l + 1) ** 2 for l in range(1, 4)
    )


def test_border_seeds():
    assert identities.check_border_seeds(5).ok


def test_beta_reflection():
    assert identities.check_beta_reflection(4).ok


def test_spherical_harmonics_are_sympys():
    assert identities.check_spherical_harmonics(3).ok


def test_axis_rotations():
    t = identities.beta
    for r in (identities.rz(t), identities.ry(t)):
        assert (
            sp.simplify(r * r.T - sp.eye(3)) == sp.zeros(3, 3)
            and sp.simplify(r.det()) == 1
        )
    assert identities.rz(t) * sp.Matrix([1, 0, 0]) == sp.Matrix(
        [sp.cos(t), sp.sin(t), 0]
    )
    assert identities.ry(t) * sp.Matrix([0, 0, 1]) == sp.Matrix(
        [sp.sin(t), 0, sp.cos(t)]
    )


def test_euler_angle_formulas():
    assert identities.check_euler_angle_formulas().ok


def test_quadrature_exactness():
    check = identities.check_quadrature(3)
    assert check.ok and check.checked == 6
