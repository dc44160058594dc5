"""dlnotes._checks: the package's argument checks name the argument and what
was expected."""

import numpy as np
import pytest
import torch

from dlnotes._checks import (
    analysis_bandwidth,
    as_float64,
    check_bandwidth,
    check_coefficients,
    check_count,
    check_int,
    check_positive,
    check_signal,
    is_int,
    is_real,
    require_channel_vector,
    require_floating,
    s2_bandwidth,
    so3_bandwidth,
    synthesis_bandwidth,
)
from dlnotes.sphere.wigner import s2_size, so3_size


def test_check_int_takes_python_and_numpy_ints_and_names_what_it_wants():
    assert (
        check_int(np.int64(5), "n", 1) == 5
        and type(check_int(np.int64(5), "n", 1)) is int
    )
    assert check_int(0, "l", 0, "degree") == 0
    with pytest.raises(TypeError, match="n must be an int, got float"):
        check_int(1.0, "n", 1)
    with pytest.raises(TypeError, match="l must be an int degree, got bool"):
        check_int(False, "l", 0, "degree")
    with pytest.raises(ValueError, match="l must be a degree >= 0, got -1"):
        check_int(-1, "l", 0, "degree")
    with pytest.raises(ValueError, match="n must be >= 1, got 0"):
        check_int(0, "n", 1)


def test_check_bandwidth():
    assert check_bandwidth(3) == 3
    with pytest.raises(
        TypeError, match="b_out must be an int bandwidth, got float"
    ):
        check_bandwidth(2.0, "b_out")
    with pytest.raises(
        TypeError, match="b must be an int bandwidth, got bool"
    ):
        check_bandwidth(True)
    with pytest.raises(ValueError, match="b must be a bandwidth >= 1, got 0"):
        check_bandwidth(0)


@pytest.mark.parametrize(
    "choose, kept, bad, bound",
    [
        (analysis_bandwidth, 2, 5, "<= the signal's bandwidth"),
        (synthesis_bandwidth, 6, 3, ">= the coefficients' bandwidth"),
    ],
)
def test_output_bandwidth_is_the_input_s_by_default_and_bounded_by_it(
    choose, kept, bad, bound
):
    """Analysis keeps at most the signal's bandwidth, synthesis samples at
    least the coefficients' bandwidth."""
    assert choose(None, 4) == 4
    assert choose(kept, 4) == kept
    with pytest.raises(
        ValueError, match=f"b_out must be {bound} b = 4, got {bad}"
    ):
        choose(bad, 4)


def test_check_signal():
    assert check_signal(torch.zeros(5, 6, 6), "x", 2) == 3
    assert (
        check_signal(torch.zeros(4, 4, 4, dtype=torch.complex64), "x", 3) == 2
    )
    with pytest.raises(TypeError, match="f must be a torch.Tensor, got list"):
        check_signal([0.0], "f", 2)
    with pytest.raises(
        TypeError,
        match="x must have a floating or complex dtype, got torch.int64",
    ):
        check_signal(torch.zeros(2, 2, dtype=torch.int64), "x", 2)
    with pytest.raises(
        ValueError,
        match=r"x must have shape \[\.\.\., 2b, 2b, 2b\], got \(2, 2\)",
    ):
        check_signal(torch.zeros(2, 2), "x", 3)
    with pytest.raises(
        ValueError, match=r"with equal even sizes, got \(4, 6\)"
    ):
        check_signal(torch.zeros(4, 6), "x", 2)


def test_check_coefficients():
    check_coefficients(torch.zeros(4), "coeffs")
    with pytest.raises(
        TypeError, match="coeffs must be a torch.Tensor, got int"
    ):
        check_coefficients(3, "coeffs")
    with pytest.raises(
        ValueError,
        match="coeffs must have a coefficient axis last, got a scalar",
    ):
        check_coefficients(torch.tensor(1.0), "coeffs")


def test_bandwidth_from_size():
    assert [s2_bandwidth(s2_size(b)) for b in range(1, 40)] == list(
        range(1, 40)
    )
    assert [so3_bandwidth(so3_size(b)) for b in range(1, 40)] == list(
        range(1, 40)
    )
    with pytest.raises(
        ValueError,
        match=(
            "coeffs must have b² entries on the last axis for some b >= 1,"
            " got 5"
        ),
    ):
        s2_bandwidth(5)
    with pytest.raises(
        ValueError,
        match=(
            r"coeffs must have b\(4b²-1\)/3 entries on the last axis for some"
            r" b >= 1, got 11"
        ),
    ):
        so3_bandwidth(11)


def test_as_float64():
    assert as_float64(1, "beta").dtype == torch.float64
    assert (
        as_float64(torch.zeros(2, dtype=torch.float16), "beta").dtype
        == torch.float64
    )
    with pytest.raises(
        TypeError,
        match=(
            "alpha must be a real floating tensor or a float, got dtype"
            " torch.complex64"
        ),
    ):
        as_float64(torch.zeros(1, dtype=torch.complex64), "alpha")
    with pytest.raises(
        TypeError,
        match="gamma must be a real floating tensor or a float, got str",
    ):
        as_float64("0", "gamma")


def test_require_floating():
    require_floating("x", None)
    require_floating("x", torch.zeros(2, dtype=torch.float16))
    with pytest.raises(TypeError, match="w must be a torch.Tensor, got list"):
        require_floating("w", [1.0])  # type: ignore[arg-type]
    with pytest.raises(
        TypeError, match="w must have a floating-point dtype, got torch.int32"
    ):
        require_floating("w", torch.zeros(2, dtype=torch.int32))


def test_require_channel_vector():
    require_channel_vector("bias", None, 3)
    require_channel_vector("bias", torch.zeros(3), 3)
    with pytest.raises(
        ValueError,
        match=r"bias must have shape \(3,\) for 3 channels, got \(1, 3\)",
    ):
        require_channel_vector("bias", torch.zeros(1, 3), 3)


def test_is_int_and_is_real_take_python_and_numpy_numbers_but_no_bool():
    assert is_int(3) and is_int(np.int32(3))
    assert not any(is_int(v) for v in (True, np.bool_(True), 3.0, "3", None))
    assert is_real(3) and is_real(2.5) and is_real(np.float32(2.5))
    assert not any(is_real(v) for v in (False, np.bool_(False), 1j, "2.5"))


def test_check_count_returns_an_int_or_names_the_bound():
    assert check_count(np.int64(4), "epochs") == 4
    assert type(check_count(np.int64(4), "epochs")) is int
    assert check_count(0, "seed", 0) == 0
    for bad in (0, -1, 1.0, True, "2"):
        with pytest.raises(
            ValueError, match=f"epochs must be an int >= 1, got {bad!r}"
        ):
            check_count(bad, "epochs")
    with pytest.raises(ValueError, match="seed must be an int >= 0, got -1"):
        check_count(-1, "seed", 0)


def test_check_positive_refuses_zero_infinities_and_flags():
    assert check_positive(1, "lr") == 1.0
    assert type(check_positive(np.float32(0.5), "lr")) is float
    for bad in (0, -0.1, float("inf"), float("nan"), True, "0.1"):
        with pytest.raises(
            ValueError, match="lr must be a positive finite number"
        ):
            check_positive(bad, "lr")


def test_check_int_without_a_minimum_checks_the_type_only():
    assert check_int(-7, "seed") == -7
    with pytest.raises(TypeError, match="nside must be an int, got str"):
        check_int("4", "nside")
