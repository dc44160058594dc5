"""Argument checks shared by the sphere modules: the public functions validate,
the internals trust.

Shapes and packings are those of :mod:`dlnotes.sphere.conventions`.
"""

from __future__ import annotations

import math

import numpy as np
import torch


def check_int(value: object, name: str, minimum: int, what: str = "") -> int:
    """Return ``value`` as an ``int`` if it is an integer (Python's or NumPy's,
    never a ``bool``) ``>= minimum``; else raise a ``TypeError`` (not an
    integer) or a ``ValueError`` (too small) that names ``name`` and, if given,
    ``what`` it is (``"bandwidth"``, ``"degree"``)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(
            f"{name} must be an int{' ' + what if what else ''}, got"
            f" {type(value).__name__}"
        )
    if value < minimum:
        raise ValueError(
            f"{name} must be {'a ' + what + ' ' if what else ''}>= {minimum},"
            f" got {value}"
        )
    return int(value)


def check_bandwidth(b: object, name: str = "b") -> int:
    """Return ``b`` if it is an int bandwidth ``>= 1``, else raise a clear
    ``TypeError``/``ValueError``."""
    return check_int(b, name, 1, "bandwidth")


def analysis_bandwidth(b_out: object, b: int) -> int:
    """The degrees an analysis of a signal of bandwidth ``b`` keeps: ``b`` if
    ``b_out`` is ``None``, else ``b_out <= b``."""
    b_out = b if b_out is None else check_bandwidth(b_out, "b_out")
    if b_out > b:
        raise ValueError(
            f"b_out must be <= the signal's bandwidth b = {b}, got {b_out}"
        )
    return b_out


def synthesis_bandwidth(b_out: object, b: int) -> int:
    """The grid a synthesis of coefficients of bandwidth ``b`` samples: ``b``
    if ``b_out`` is ``None``, else ``b_out >= b``."""
    b_out = b if b_out is None else check_bandwidth(b_out, "b_out")
    if b_out < b:
        raise ValueError(
            f"b_out must be >= the coefficients' bandwidth b = {b}, got"
            f" {b_out}"
        )
    return b_out


def check_signal(x: object, name: str, ndim: int) -> int:
    """Check ``x`` is a float/complex tensor whose last ``ndim`` axes are all
    ``2b``; return ``b``."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(x).__name__}"
        )
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(
            f"{name} must have a floating or complex dtype, got {x.dtype}"
        )
    grid = "2b, " * (ndim - 1) + "2b"
    if x.dim() < ndim:
        raise ValueError(
            f"{name} must have shape [..., {grid}], got {tuple(x.shape)}"
        )
    sizes = x.shape[-ndim:]
    if len(set(sizes)) != 1 or sizes[0] % 2 or sizes[0] == 0:
        raise ValueError(
            f"{name} must have shape [..., {grid}] with equal even sizes, got"
            f" {tuple(x.shape)}"
        )
    return sizes[0] // 2


def check_coefficients(c: object, name: str) -> None:
    """Check ``c`` is a float/complex tensor with at least one axis."""
    if not isinstance(c, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(c).__name__}"
        )
    if not (c.is_floating_point() or c.is_complex()):
        raise TypeError(
            f"{name} must have a floating or complex dtype, got {c.dtype}"
        )
    if c.dim() < 1:
        raise ValueError(
            f"{name} must have a coefficient axis last, got a scalar"
        )


def s2_bandwidth(n: int) -> int:
    """The bandwidth ``b`` with ``b² = n`` coefficients, or a
    ``ValueError``."""
    b = math.isqrt(n)
    if b < 1 or b * b != n:
        raise ValueError(
            "coeffs must have b² entries on the last axis for some b >= 1,"
            f" got {n}"
        )
    return b


def so3_bandwidth(n: int) -> int:
    """The bandwidth ``b`` with ``b(4b²-1)/3 = n`` coefficients, or a
    ``ValueError``."""
    b = max(1, round((3 * n / 4) ** (1 / 3)))
    for candidate in (b - 1, b, b + 1):
        if (
            candidate >= 1
            and candidate * (4 * candidate * candidate - 1) // 3 == n
        ):
            return candidate
    raise ValueError(
        "coeffs must have b(4b²-1)/3 entries on the last axis for some b >="
        f" 1, got {n}"
    )


def as_float64(x: object, name: str) -> torch.Tensor:
    """An angle (a real tensor or a Python number) as a float64 tensor, or a
    ``TypeError`` naming it."""
    if isinstance(x, torch.Tensor):
        if x.is_complex() or not (x.is_floating_point()):
            raise TypeError(
                f"{name} must be a real floating tensor or a float, got dtype"
                f" {x.dtype}"
            )
        return x.to(torch.float64)
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return torch.tensor(float(x), dtype=torch.float64)
    raise TypeError(
        f"{name} must be a real floating tensor or a float, got"
        f" {type(x).__name__}"
    )
