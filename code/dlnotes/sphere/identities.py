"""SymPy proofs of the identities the transforms rely on (the chapters show
them, the tests assert them).

Conventions (Euler angles, small-d, harmonics):
:mod:`dlnotes.sphere.conventions`.

Each function checks a family of identities exactly and returns an
:class:`IdentityCheck`: how many identities were checked and which ones failed
(a residual that does not vanish). Trigonometric residuals are decided by
rewriting every sine and cosine as exponentials and expanding: a trigonometric
polynomial vanishes identically exactly when that expansion is 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy.physics.wigner import wigner_d_small

beta, alpha, gamma = sp.symbols("beta alpha gamma", real=True)


@dataclass
class IdentityCheck:
    """Number of identities checked and a description of each failure."""

    checked: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every identity checked holds exactly."""
        return not self.failures

    # residual: a SymPy expression
    def add(self, residual, label: str) -> None:
        """Count one identity ``residual = 0``, recording ``label`` if it
        fails."""
        self.checked += 1
        if vanishes(residual) is False:
            self.failures.append(label)


def vanishes(expr) -> bool:  # expr: a SymPy expression
    """Whether a trigonometric expression is identically zero (exponential
    form, expanded)."""
    return sp.expand(sp.expand(sp.sympify(expr).rewrite(sp.exp))) == 0


def small_d(l: int):  # -> sympy.Matrix
    """SymPy's ``d^l(β)``, rows and columns in ascending order ``m, n = -l ..
    l`` (our convention)."""
    return wigner_d_small(l, beta) if l else sp.Matrix([[1]])


def check_small_d_recursion(lmax: int = 4) -> IdentityCheck:
    """The three-term recursion of :mod:`dlnotes.sphere.wigner` for every (m,
    n) and l < lmax.

    ``d^{l+1}_mn = (l+1)(2l+1)/S (cos β - mn/(l(l+1))) d^l_mn - (l+1)
    sqrt((l²-m²)(l²-n²))/(l S) d^{l-1}_mn``, ``S =
    sqrt(((l+1)²-m²)((l+1)²-n²))``, for ``|m|, |n| ≤ l``.
    """
    result = IdentityCheck()
    d = {l: small_d(l) for l in range(lmax + 1)}
    for l in range(1, lmax):
        for m in range(-l, l + 1):
            for n in range(-l, l + 1):
                s = sp.sqrt(((l + 1) ** 2 - m**2) * ((l + 1) ** 2 - n**2))
                back = (
                    d[l - 1][m + l - 1, n + l - 1]
                    if max(abs(m), abs(n)) < l
                    else 0
                )
                rhs = (
                    sp.Rational((l + 1) * (2 * l + 1))
                    / s
                    * (sp.cos(beta) - sp.Rational(m * n, l * (l + 1)))
                    * d[l][m + l, n + l]
                )
                rhs -= (
                    (l + 1)
                    * sp.sqrt((l**2 - m**2) * (l**2 - n**2))
                    / (l * s)
                    * back
                )
                result.add(
                    d[l + 1][m + l + 1, n + l + 1] - rhs,
                    f"recursion l={l + 1}, m={m}, n={n}",
                )
    return result


def check_border_seeds(lmax: int = 5) -> IdentityCheck:
    """The closed forms that seed the recursion on rows and columns ``±l``
    (module :mod:`~dlnotes.sphere.wigner`)."""
    result = IdentityCheck()
    c, s = sp.cos(beta / 2), sp.sin(beta / 2)
    for l in range(1, lmax + 1):
        d = small_d(l)
        for k in range(-l, l + 1):
            binom = sp.sqrt(
                sp.factorial(2 * l)
                / (sp.factorial(l + k) * sp.factorial(l - k))
            )
            result.add(
                d[2 * l, k + l] - binom * c ** (l + k) * (-s) ** (l - k),
                f"d^{l}_(l,{k})",
            )
            result.add(
                d[0, k + l] - binom * c ** (l - k) * s ** (l + k),
                f"d^{l}_(-l,{k})",
            )
            result.add(
                d[k + l, 2 * l] - binom * c ** (l + k) * s ** (l - k),
                f"d^{l}_({k},l)",
            )
            result.add(
                d[k + l, 0] - binom * c ** (l - k) * (-s) ** (l + k),
                f"d^{l}_({k},-l)",
            )
    return result


def check_beta_reflection(lmax: int = 4) -> IdentityCheck:
    """``d^l_mn(π - β) = (-1)^(l+m) d^l_{m,-n}(β)``, which halves the FFT
    tables and products."""
    result = IdentityCheck()
    for l in range(lmax + 1):
        d = small_d(l)
        reflected = d.subs(beta, sp.pi - beta)
        for m in range(-l, l + 1):
            for n in range(-l, l + 1):
                result.add(
                    reflected[m + l, n + l]
                    - (-1) ** (l + m) * d[m + l, -n + l],
                    f"l={l}, m={m}, n={n}",
                )
    return result


def check_spherical_harmonics(lmax: int = 3) -> IdentityCheck:
    """``Y_l^m(β, α) = sqrt((2l+1)/(4π)) d^l_{m,0}(β) e^{imα}`` equals SymPy's
    ``Ynm`` (Condon–Shortley)."""
    result = IdentityCheck()
    for l in range(lmax + 1):
        d = small_d(l)
        for m in range(-l, l + 1):
            ours = (
                sp.sqrt(sp.Rational(2 * l + 1) / (4 * sp.pi))
                * d[m + l, l]
                * sp.exp(sp.I * m * alpha)
            )
            theirs = sp.Ynm(l, m, beta, alpha).expand(func=True)
            result.add(ours - theirs, f"Y_{l}^{m}")
    return result


def rz(t):  # t: a SymPy expression; -> sympy.Matrix
    """The rotation by ``t`` about the z axis, ``R_z(t)``, as a SymPy
    matrix."""
    return sp.Matrix(
        [[sp.cos(t), -sp.sin(t), 0], [sp.sin(t), sp.cos(t), 0], [0, 0, 1]]
    )


def ry(t):  # t: a SymPy expression; -> sympy.Matrix
    """The rotation by ``t`` about the y axis, ``R_y(t)``, as a SymPy
    matrix."""
    return sp.Matrix(
        [[sp.cos(t), 0, sp.sin(t)], [0, 1, 0], [-sp.sin(t), 0, sp.cos(t)]]
    )


def euler_matrix():  # -> sympy.Matrix
    """``R_z(α) R_y(β) R_z(γ)`` as a SymPy matrix."""
    return rz(alpha) * ry(beta) * rz(gamma)


def check_euler_angle_formulas() -> IdentityCheck:
    """The entries :func:`dlnotes.sphere.rotation.matrix_to_euler` reads the
    angles from."""
    r = euler_matrix()
    result = IdentityCheck()
    result.add(r[0, 2] - sp.cos(alpha) * sp.sin(beta), "R02")
    result.add(r[1, 2] - sp.sin(alpha) * sp.sin(beta), "R12")
    result.add(r[2, 1] - sp.sin(beta) * sp.sin(gamma), "R21")
    result.add(r[2, 0] + sp.sin(beta) * sp.cos(gamma), "R20")
    result.add(
        r[0, 0] + r[1, 1] - (1 + sp.cos(beta)) * sp.cos(alpha + gamma),
        "R00 + R11",
    )
    result.add(
        r[1, 0] - r[0, 1] - (1 + sp.cos(beta)) * sp.sin(alpha + gamma),
        "R10 - R01",
    )
    result.add(
        r[1, 1] - r[0, 0] - (1 - sp.cos(beta)) * sp.cos(alpha - gamma),
        "R11 - R00",
    )
    result.add(
        -(r[1, 0] + r[0, 1]) - (1 - sp.cos(beta)) * sp.sin(alpha - gamma),
        "-(R10 + R01)",
    )
    return result


def check_quadrature(b: int = 3, digits: int = 50) -> IdentityCheck:
    """Driscoll–Healy weights integrate ``cos^k β sin β`` over [0, π] exactly
    for k < 2b.

    The weights ``w_j = (2/b) sin β_j Σ_k sin((2k+1)β_j)/(2k+1)`` are algebraic
    numbers; the sums are compared with ``2/(k+1)`` (k even) or 0 at ``digits``
    significant digits.
    """
    result = IdentityCheck()
    betas = [sp.pi * (2 * j + 1) / (4 * b) for j in range(2 * b)]
    weights = [
        sp.Rational(2, b)
        * sp.sin(t)
        * sum(sp.sin((2 * k + 1) * t) / (2 * k + 1) for k in range(b))
        for t in betas
    ]
    for power in range(2 * b):
        total = sum(
            w * sp.cos(t) ** power for w, t in zip(weights, betas, strict=True)
        )
        exact = sp.Rational(2, power + 1) if power % 2 == 0 else 0
        result.checked += 1
        if abs(sp.N(total - exact, digits)) > sp.Float(10) ** (5 - digits):
            result.failures.append(f"cos^{power}")
    return result
