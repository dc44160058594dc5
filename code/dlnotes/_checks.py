"""Argument checks shared by the whole package: the public functions
validate, the internals trust.

Numbers first (:func:`is_int`, :func:`is_real` and the checks built on them,
each raising an error that names the argument), then tensors (the layers of
Part I), then the sphere's signals and coefficient packings, whose shapes are
those of :mod:`dlnotes.sphere.conventions`. ``bool`` is never a number here:
a flag is never meant as a size or a rate.
"""

from __future__ import annotations

import math
import numbers
import operator

import numpy as np
import torch


def is_int(value: object) -> bool:
    """Whether ``value`` is an integer, Python's or NumPy's (never a
    ``bool``)."""
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def is_real(value: object) -> bool:
    """Whether ``value`` is a real number, Python's or NumPy's (never a
    ``bool``)."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_count(value: object, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum`` (a
    count, a size, a seed); else raise one ``ValueError`` that names ``name``,
    the bound and the value given."""
    if not is_int(value) or value < minimum:
        raise ValueError(f"{name} must be an int >= {minimum}, got {value!r}")
    return int(value)


def check_positive(value: object, name: str) -> float:
    """Return ``value`` as a ``float`` if it is a positive finite real number
    (a learning rate); else raise a ``ValueError`` naming ``name``."""
    if not is_real(value) or not (math.isfinite(value) and value > 0):
        raise ValueError(
            f"{name} must be a positive finite number, got {value!r}"
        )
    return float(value)


def check_int(
    value: object, name: str, minimum: int | None = None, what: str = ""
) -> int:
    """Return ``value`` as an ``int`` if it is an integer (Python's or NumPy's,
    never a ``bool``) ``>= minimum`` (if given); else raise a ``TypeError``
    (not an integer) or a ``ValueError`` (too small) that names ``name`` and,
    if given, ``what`` it is (``"bandwidth"``, ``"degree"``)."""
    if not is_int(value):
        raise TypeError(
            f"{name} must be an int{' ' + what if what else ''}, got"
            f" {type(value).__name__}"
        )
    if minimum is not None and value < minimum:
        raise ValueError(
            f"{name} must be {'a ' + what + ' ' if what else ''}>= {minimum},"
            f" got {value}"
        )
    return int(value)


def require_floating(name: str, tensor: torch.Tensor | None) -> None:
    """Raise ``TypeError`` unless ``tensor`` is ``None`` or a floating-point
    tensor."""
    if tensor is None:
        return
    if not isinstance(tensor, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(tensor).__name__}"
        )
    if not tensor.is_floating_point():
        raise TypeError(
            f"{name} must have a floating-point dtype, got {tensor.dtype}"
        )


def require_channel_vector(
    name: str, tensor: torch.Tensor | None, channels: int
) -> None:
    """Raise ``ValueError`` unless ``tensor`` is ``None`` or has shape
    ``(channels,)``."""
    if tensor is not None and tuple(tensor.shape) != (channels,):
        raise ValueError(
            f"{name} must have shape ({channels},) for {channels} channels,"
            f" got {tuple(tensor.shape)}"
        )


def as_real(name: str, value: object) -> float:
    """``value`` as a float: a Python or NumPy real number, or a 0-d real
    tensor; ``TypeError`` otherwise.

    ``bool`` is refused (a flag is never meant as a number); NaN and infinities
    pass, for the caller to judge.
    """
    if (
        isinstance(value, torch.Tensor)
        and value.dim() == 0
        and not value.is_complex()
        and value.dtype != torch.bool
    ):
        return float(value.item())
    if not is_real(value):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    return float(value)


def as_int(name: str, value: object, expected: str = "an int") -> int:
    """``value`` as an int, read as PyTorch reads an int argument;
    ``TypeError`` naming ``name`` otherwise.

    Accepted: Python and NumPy integers and one-element integer tensors
    (anything with ``__index__``). Refused: ``bool`` and boolean tensors (a
    flag is never meant as a size), floats, and tensors of more than one
    element.
    """
    if isinstance(value, (bool, np.bool_)) or (
        isinstance(value, torch.Tensor) and value.dtype == torch.bool
    ):
        raise TypeError(f"{name} must be {expected}, got {value!r}")
    try:
        return operator.index(value)  # type: ignore[arg-type]
    except TypeError:
        raise TypeError(f"{name} must be {expected}, got {value!r}") from None


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


def _check_float_or_complex(x: object, name: str) -> None:
    """``TypeError`` unless ``x`` is a tensor of a floating or complex
    dtype."""
    if not isinstance(x, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(x).__name__}"
        )
    if not (x.is_floating_point() or x.is_complex()):
        raise TypeError(
            f"{name} must have a floating or complex dtype, got {x.dtype}"
        )


def check_signal(x: object, name: str, ndim: int) -> int:
    """Check ``x`` is a float/complex tensor whose last ``ndim`` axes are all
    ``2b``; return ``b``."""
    _check_float_or_complex(x, name)
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
    _check_float_or_complex(c, name)
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
