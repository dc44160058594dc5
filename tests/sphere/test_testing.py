"""dlnotes.sphere.testing: random signals are real, band-limited, repeatable
under a seed."""

import pytest
import torch

from dlnotes.sphere.rotation import s2_rotate, so3_rotate
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.testing import (
    assert_equivariant,
    gaussian_bump,
    random_s2,
    random_so3,
    relative_error,
)


def test_s2_signals_are_real_band_limited_and_seeded(assert_close):
    x = random_s2(5, 2, 3)
    assert x.shape == (2, 3, 10, 10) and x.dtype == torch.float64
    # nothing at l >= 5 to lose
    assert_close(s2_ifft(s2_fft(x)).real, x)
    assert torch.equal(random_s2(5, 2, 3), x) and not torch.equal(
        random_s2(5, 2, 3, seed=1), x
    )


def test_so3_signals_are_real_band_limited_and_drawn_in_turn_from_generator(
    assert_close,
):
    g = torch.Generator().manual_seed(0)
    first, second = (
        random_so3(3, 2, generator=g, dtype=torch.float32),
        random_so3(3, 2, generator=g),
    )
    assert first.shape == (2, 6, 6, 6) and first.dtype == torch.float32
    assert_close(so3_ifft(so3_fft(second)).real, second)
    # distinct draws, not a rounding apart
    assert not torch.allclose(first.double(), second, atol=1e-3)


def test_a_bump_peaks_where_it_is_placed_and_rotates_exactly(assert_close):
    b = 16
    # at the north pole: the first rows of the grid
    bump = gaussian_bump(b, 0.0, 0.0, 0.2)
    assert bump.shape == (2 * b, 2 * b) and bump.argmax() // (2 * b) == 0
    placed = gaussian_bump(b, 1.0, 0.5, 0.2)
    assert relative_error(s2_rotate(bump, 0.5, 1.0, 0.0), placed) < 1e-10
    # band-limited
    assert_close(s2_ifft(s2_fft(placed, b_out=b)).real, placed)
    with pytest.raises(ValueError, match="width"):
        gaussian_bump(b, 0.0, 0.0, 0.0)


def test_relative_error_is_against_the_expected_maximum():
    expected = torch.tensor([2.0, -4.0])
    assert relative_error(torch.tensor([2.0, -3.0]), expected) == 0.25
    with pytest.raises(ValueError, match="same shape"):
        relative_error(torch.zeros(3), expected)


def test_assert_equivariant_passes_z_rotations_under_z_rotations():
    # rotations do not commute in general, but two about the z axis do
    spin = lambda x: so3_rotate(x, 0.3, 0.0, 0.0)  # noqa: E731
    error = assert_equivariant(
        spin, random_so3(4, 2), (1.1, 0.0, 0.0), domain="so3"
    )
    assert 0 <= error < 1e-12


def test_assert_equivariant_names_the_error_of_a_layer_that_is_not():
    # pointwise multiplication by a fixed pattern is not equivariant
    pattern = random_so3(4, seed=5)
    with pytest.raises(AssertionError, match="not equivariant: relative"):
        assert_equivariant(
            lambda x: x * pattern,
            random_so3(4),
            (0.4, 1.1, -2.3),
            domain="so3",
        )
    with pytest.raises(ValueError, match="domain must be 's2' or 'so3'"):
        assert_equivariant(lambda x: x, random_s2(4), (0, 0, 0), domain="r3")
