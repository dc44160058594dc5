"""dlnotes.sphere.testing: random signals are real, band-limited, repeatable under a seed."""

import torch

from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.sphere.so3_fft import so3_fft, so3_ifft
from dlnotes.sphere.testing import random_s2, random_so3


def test_s2_signals_are_real_band_limited_and_seeded():
    x = random_s2(5, 2, 3)
    assert x.shape == (2, 3, 10, 10) and x.dtype == torch.float64
    assert torch.allclose(s2_ifft(s2_fft(x)).real, x, atol=1e-12)  # nothing at l >= 5 to lose
    assert torch.equal(random_s2(5, 2, 3), x) and not torch.equal(random_s2(5, 2, 3, seed=1), x)


def test_so3_signals_are_real_band_limited_and_drawn_in_turn_from_a_generator():
    g = torch.Generator().manual_seed(0)
    first, second = random_so3(3, 2, generator=g, dtype=torch.float32), random_so3(3, 2, generator=g)
    assert first.shape == (2, 6, 6, 6) and first.dtype == torch.float32
    assert torch.allclose(so3_ifft(so3_fft(second)).real, second, atol=1e-12)
    assert not torch.allclose(first.double(), second, atol=1e-3)
