"""SymPy proofs of the backward formulas, shared by the chapter and the tests.

Each ``*_residual`` function builds the layer's forward symbolically,
differentiates ``L = Σ ȳ · y`` with ``sympy.diff`` (the definition of the
vector–Jacobian product), subtracts the closed form the chapter derives, and
returns the simplified difference: the proof is that it is exactly ``0``.
``batch_norm_exact_grad`` is the exact oracle the tests compare floats against.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import sympy as sp


def batch_norm_closed_form(
    x: Sequence, y_bar: Sequence, gamma: object, eps: object
) -> list:
    """``∂L/∂x_k = (n g_k − Σ g − x̂_k Σ g x̂)/(n√(σ²+ε))``, ``g = γ ȳ``, in
    SymPy arithmetic."""
    n = len(x)
    mu = sum(x) / n
    var = sum((xi - mu) ** 2 for xi in x) / n
    root = sp.sqrt(var + eps)
    x_hat = [(xi - mu) / root for xi in x]
    g = [gamma * yb for yb in y_bar]
    sum_g, sum_g_x_hat = (
        sum(g),
        sum(gi * xh for gi, xh in zip(g, x_hat, strict=True)),
    )
    return [
        (n * g[k] - sum_g - x_hat[k] * sum_g_x_hat) / (n * root)
        for k in range(n)
    ]


def batch_norm_residual(n: int) -> list:
    """``autograd − closed form`` for ``∂L/∂x``, ``∂L/∂γ`` and ``∂L/∂β``, for
    ``n`` samples.

    The square root ``√(σ² + ε)`` is removed by the substitution ``ε = s² −
    σ²`` with ``s > 0`` (so that ``√(σ² + ε) = s``), after which ``cancel``
    decides zero-ness of rational functions quickly and surely; ``simplify`` on
    the raw expression can take minutes to say "not zero".
    """
    x = sp.symbols(f"x1:{n + 1}", real=True)
    y_bar = sp.symbols(f"ybar1:{n + 1}", real=True)
    gamma, beta, eps = sp.symbols("gamma beta epsilon", real=True)
    s = sp.symbols("s", positive=True)
    mu = sum(x) / n
    var = sum((xi - mu) ** 2 for xi in x) / n
    x_hat = [(xi - mu) / sp.sqrt(var + eps) for xi in x]
    loss = sum(
        yb * (gamma * xh + beta) for yb, xh in zip(y_bar, x_hat, strict=True)
    )
    closed_x = batch_norm_closed_form(x, y_bar, gamma, eps)
    residuals = [sp.diff(loss, x[k]) - closed_x[k] for k in range(n)]
    residuals.append(
        sp.diff(loss, gamma)
        - sum(yb * xh for yb, xh in zip(y_bar, x_hat, strict=True))
    )
    residuals.append(sp.diff(loss, beta) - sum(y_bar))
    return [sp.cancel(r.subs(eps, s**2 - var)) for r in residuals]


def batch_norm_eval_residual() -> object:
    """Evaluation mode: ``∂y/∂x − γ/√(σ²_run + ε)`` with constant running
    statistics."""
    x, m, v, gamma, beta, eps = sp.symbols(
        "x m v gamma beta epsilon", real=True
    )
    y = gamma * (x - m) / sp.sqrt(v + eps) + beta
    return sp.simplify(sp.diff(y, x) - gamma / sp.sqrt(v + eps))


def batch_norm_exact_grad(
    x: Sequence, y_bar: Sequence, gamma: object, s: object
) -> tuple[list, object]:
    """The exact ``∂L/∂x`` of one channel, by differentiating ``L = Σ ȳ y``
    (not the closed form).

    Inputs are ``fractions.Fraction`` (``x``, ``ȳ``, ``γ`` and ``s > 0``);
    ``ε`` is chosen as ``s² − σ²`` so that every quantity is rational. Returns
    ``(∂L/∂x, ε)`` as Fractions. Every residual function of this module returns
    SymPy expressions.
    """
    n = len(x)
    symbols = sp.symbols(f"x1:{n + 1}", real=True)
    values = dict(
        zip(
            symbols,
            (sp.Rational(v.numerator, v.denominator) for v in x),
            strict=True,
        )
    )
    mu_v = sum(values.values()) / n
    var_v = sum((v - mu_v) ** 2 for v in values.values()) / n
    eps = sp.Rational(s.numerator, s.denominator) ** 2 - var_v
    mu = sum(symbols) / n
    var = sum((xi - mu) ** 2 for xi in symbols) / n
    loss = sum(
        sp.Rational(yb.numerator, yb.denominator)
        * (xi - mu)
        / sp.sqrt(var + eps)
        for yb, xi in zip(y_bar, symbols, strict=True)
    )
    grads = [
        sp.Rational(gamma.numerator, gamma.denominator)
        * sp.diff(loss, xi).subs(values)
        for xi in symbols
    ]
    return [
        Fraction(int(g.p), int(g.q)) for g in map(sp.nsimplify, grads)
    ], Fraction(int(eps.p), int(eps.q))


def dropout_residuals() -> tuple[object, object]:
    """``(∂f/∂x − (1 − b)/(1 − p), E_b[f] − x)`` for ``f = x(1 − b)/(1 − p)``.

    ``b ~ Bernoulli(p)`` is 1 (dropped) with probability ``p``.
    """
    x, b, p = sp.symbols("x b p", real=True)
    f = x * (1 - b) / (1 - p)
    expectation = p * f.subs(b, 1) + (1 - p) * f.subs(b, 0)
    return sp.simplify(sp.diff(f, x) - (1 - b) / (1 - p)), sp.simplify(
        expectation - x
    )


def _zeros(shape: tuple[int, ...]) -> np.ndarray:
    return np.full(shape, sp.Integer(0), dtype=object)


def correlate(
    x: np.ndarray, k: np.ndarray, stride: int = 1, dilation: int = 1
) -> np.ndarray:
    """``y[o, i, j] = Σ_{c,u,v} x[c, s·i + d·u, s·j + d·v] k[o, c, u, v]``, no
    padding.

    ``x`` is ``(C, H, W)`` and ``k`` is ``(C_out, C, kh, kw)``, NumPy arrays of
    SymPy objects.
    """
    c_out, _, kh, kw = k.shape
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    h_out = (x.shape[1] - span_h) // stride + 1
    w_out = (x.shape[2] - span_w) // stride + 1
    y = _zeros((c_out, h_out, w_out))
    for o, i, j in np.ndindex(c_out, h_out, w_out):
        top, left = stride * i, stride * j
        window = x[
            :, top : top + span_h : dilation, left : left + span_w : dilation
        ]
        y[o, i, j] = sp.expand((window * k[o]).sum())
    return y


def pad(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """Zeros around the last two axes of a ``(C, H, W)`` object array."""
    out = _zeros(
        (x.shape[0], x.shape[1] + before + after, x.shape[2] + before + after)
    )
    out[:, before : before + x.shape[1], before : before + x.shape[2]] = x
    return out


def conv_input_grad_literal(
    y_bar: np.ndarray,
    k: np.ndarray,
    size: int,
    stride: int,
    padding: int,
    dilation: int,
) -> np.ndarray:
    """The chapter's formula for ``∂L/∂x``, on symbols.

    Dilate ``ȳ`` by ``s − 1`` zeros, pad it fully (plus the unread remainder),
    correlate with the rotated, channel-swapped ``k``, crop the forward's
    padding.
    """
    c_out, h_out, w_out = y_bar.shape
    kh = k.shape[2]
    z = _zeros((c_out, (h_out - 1) * stride + 1, (w_out - 1) * stride + 1))
    z[:, ::stride, ::stride] = y_bar
    full = dilation * (kh - 1)
    unread = size + 2 * padding - (z.shape[1] + full)
    z = pad(z, full, full + unread)
    rotated = k.transpose(1, 0, 2, 3)[:, :, ::-1, ::-1]
    grad_padded = correlate(z, rotated, 1, dilation)
    return grad_padded[:, padding : padding + size, padding : padding + size]


def conv_residuals(
    size: int,
    kernel: int,
    stride: int = 1,
    padding: int = 0,
    dilation: int = 1,
    c_in: int = 1,
    c_out: int = 1,
) -> list:
    """``autograd − formula`` for every entry of ``∂L/∂x``, ``∂L/∂k`` and
    ``∂L/∂bias``.

    One sample, square input and kernel.

    The kernel gradient's formula is the correlation of the padded input with
    ``ȳ``, stride and dilation swapped; the bias gradient's is the sum of ``ȳ``
    over positions.
    """
    x = np.array(sp.symbols(f"x:{c_in}:{size}:{size}"), dtype=object).reshape(
        c_in, size, size
    )
    k = np.array(
        sp.symbols(f"k:{c_out}:{c_in}:{kernel}:{kernel}"), dtype=object
    ).reshape(c_out, c_in, kernel, kernel)
    bias = sp.symbols(f"b:{c_out}")
    y = correlate(pad(x, padding, padding), k, stride, dilation)
    y_bar = np.array(
        sp.symbols(f"ybar:{c_out}:{y.shape[1]}:{y.shape[2]}"), dtype=object
    ).reshape(y.shape)
    loss = sp.expand(
        sum(
            y_bar[o, i, j] * (y[o, i, j] + bias[o])
            for o, i, j in np.ndindex(y.shape)
        )
    )
    x_formula = conv_input_grad_literal(
        y_bar, k, size, stride, padding, dilation
    )
    x_pad = pad(x, padding, padding)
    # per input channel c: correlate x̃[c] with ȳ as kernel, stride d, dilation
    # s
    k_formula = np.stack(
        [
            correlate(x_pad[c : c + 1], y_bar[:, None], dilation, stride)[
                :, :kernel, :kernel
            ]
            for c in range(c_in)
        ],
        axis=1,
    )
    residuals = [
        sp.expand(sp.diff(loss, x[idx]) - x_formula[idx])
        for idx in np.ndindex(x.shape)
    ]
    residuals += [
        sp.expand(sp.diff(loss, k[o, c, u, v]) - k_formula[o, c, u, v])
        for o, c, u, v in np.ndindex(k.shape)
    ]
    residuals += [
        sp.expand(sp.diff(loss, bias[o]) - sum(y_bar[o].ravel()))
        for o in range(c_out)
    ]
    return residuals
