"""dlnotes.sphere.integrate: so3_integrate is the normalised Haar integral on
the SOFT grid."""

import math

import pytest
import torch

from dlnotes.sphere.grid import so3_grid
from dlnotes.sphere.integrate import so3_integrate


def signal(b: int, fn) -> torch.Tensor:
    beta, alpha, gamma = so3_grid(b, dtype=torch.float64)
    return fn(*torch.meshgrid(beta, alpha, gamma, indexing="ij"))


@pytest.mark.parametrize("b", [1, 2, 5, 8])
def test_constant_integrates_to_itself(b, assert_close):
    x = torch.full((2, 3, 2 * b, 2 * b, 2 * b), 2.5, dtype=torch.float64)
    y = so3_integrate(x)
    assert y.shape == (2, 3)
    assert_close(y, torch.full((2, 3), 2.5, dtype=torch.float64))


def test_known_integrals(assert_close):
    # With dR = sin(beta) da db dg / 8pi^2: E[cos^2 beta] = 1/3, E[cos alpha] =
    # 0, E[sin^2 gamma] = 1/2.
    b = 4
    x = signal(
        b,
        lambda beta, alpha, gamma: torch.stack(
            [beta.cos() ** 2, alpha.cos() * beta.sin(), gamma.sin() ** 2]
        ),
    )
    assert_close(
        so3_integrate(x), torch.tensor([1 / 3, 0.0, 0.5], dtype=torch.float64)
    )


def test_dtypes_and_gradient():
    x32 = torch.ones(1, 4, 4, 4)
    assert so3_integrate(x32).dtype == torch.float32
    xc = torch.ones(4, 4, 4, dtype=torch.complex128) * (1 + 2j)
    assert so3_integrate(xc).item() == pytest.approx(1 + 2j)
    x = torch.rand(2, 6, 6, 6, dtype=torch.float64, requires_grad=True)
    so3_integrate(x).sum().backward()
    torch.testing.assert_close(
        x.grad.sum(dim=(-1, -2, -3)), torch.ones(2, dtype=torch.float64)
    )


def test_rotation_about_z_leaves_the_integral_unchanged(assert_close):
    b = 5
    x = torch.randn(3, 2 * b, 2 * b, 2 * b, dtype=torch.float64)
    # integrals near 0 of samples of size ~3: the samples set the scale
    assert_close(
        so3_integrate(torch.roll(x, 3, dims=-2)),
        so3_integrate(x),
        scale=x.abs().max(),
    )
    assert math.isfinite(so3_integrate(x).sum().item())


@pytest.mark.parametrize(
    "x, error, match",
    [
        (torch.ones(4, 4, 6), ValueError, r"\(2b, 2b, 2b\)"),
        (torch.ones(3, 3, 3), ValueError, r"\(2b, 2b, 2b\)"),
        (torch.ones(4, 4), ValueError, r"\(2b, 2b, 2b\)"),
        (
            torch.ones(2, 2, 2, dtype=torch.int64),
            TypeError,
            "floating point or complex",
        ),
    ],
)
def test_bad_input(x, error, match):
    with pytest.raises(error, match=match):
        so3_integrate(x)
