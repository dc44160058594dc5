"""Shared by the sphere tests: the round-trip check of a transform pair."""

import pytest


@pytest.fixture
def assert_round_trip(assert_close):
    """``assert_round_trip(fft, ifft, c, **options)``: synthesising the
    coefficients ``c`` and analysing the result gives ``c`` back, and
    synthesising that gives the same signal, each at rounding level
    (``assert_close`` with ``options``, e.g. ``k``, the roundings a
    transform's sums accumulate)."""

    def check(fft, ifft, c, **options) -> None:
        x = ifft(c)
        assert_close(fft(x), c, **options)
        assert_close(ifft(fft(x)), x, **options)

    return check
