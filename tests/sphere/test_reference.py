"""dlnotes.sphere.reference: the textbook transforms equal the fast paths."""

import pytest
import torch

from dlnotes.sphere import (
    s2_fft,
    s2_fft_reference,
    so3_fft,
    so3_fft_reference,
)
from dlnotes.sphere.s2_fft import s2_ifft
from dlnotes.sphere.so3_fft import so3_ifft
from dlnotes.sphere.testing import (
    random_s2,
    random_s2_coefficients,
    random_so3,
    random_so3_coefficients,
)


@pytest.mark.parametrize("b", [1, 2, 5, 8])
def test_s2_reference_equals_s2_fft(b):
    real = random_s2(b, 2, 3, seed=b)
    torch.testing.assert_close(s2_fft_reference(real), s2_fft(real))
    coeffs = random_s2_coefficients(b, 2, seed=b)
    # a complex signal, and its coefficients recovered exactly
    torch.testing.assert_close(s2_fft_reference(s2_ifft(coeffs)), coeffs)


@pytest.mark.parametrize("b", [1, 2, 5])
def test_so3_reference_equals_so3_fft(b):
    real = random_so3(b, 2, seed=b)
    torch.testing.assert_close(so3_fft_reference(real), so3_fft(real))
    coeffs = random_so3_coefficients(b, 2, seed=b)
    torch.testing.assert_close(so3_fft_reference(so3_ifft(coeffs)), coeffs)


def test_bad_input():
    with pytest.raises(TypeError, match="torch.Tensor"):
        s2_fft_reference([[0.0]])
    with pytest.raises(ValueError, match="equal even sizes"):
        s2_fft_reference(torch.zeros(4, 6))
    with pytest.raises(ValueError, match=r"\[..., 2b, 2b, 2b\]"):
        so3_fft_reference(torch.zeros(4, 4))
