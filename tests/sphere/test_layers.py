"""dlnotes.sphere.layers: the S² and SO(3) correlation layers.

The layers are checked against the direct reading of the correlation with
point-mass filters, [ψ ⋆ f](R) = Σ_{k,i} w_{k,i} f̃_k(R x_i), evaluated point
by point with the harmonic series of f̃ (independent of the FFTs and of the
correlation theorem), and for equivariance under exact (spectral) rotations.
"""

import math

import pytest
import torch

from dlnotes.sphere.grid import so3_grid
from dlnotes.sphere.kernel_grids import (
    s2_equatorial_grid,
    s2_near_identity_grid,
    so3_equatorial_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.rotation import euler_to_matrix, matrix_to_euler
from dlnotes.sphere.s2_fft import s2_fft
from dlnotes.sphere.so3_fft import so3_fft
from dlnotes.sphere.testing import assert_equivariant, random_s2, random_so3
from dlnotes.sphere.wigner import spherical_harmonics, wigner_D_packed

F64 = torch.float64


def grid_rotations(b: int) -> torch.Tensor:
    """Rotation matrices of the SOFT grid, ``[2b, 2b, 2b, 3, 3]`` (β, α, γ)."""
    beta, alpha, gamma = so3_grid(b, dtype=F64)
    return euler_to_matrix(
        alpha[None, :, None], beta[:, None, None], gamma[None, None, :]
    )


def test_s2_layer_is_the_correlation_with_point_masses(assert_close):
    torch.manual_seed(0)
    b_in, b_out = 5, 3
    layer = S2Convolution(
        2, 3, b_in, b_out, s2_near_identity_grid(n_alpha=3, n_beta=2)
    ).double()
    with torch.no_grad():
        layer.bias.normal_()
    # not band-limited: the layer keeps l < b_out
    x = torch.randn(2, 2, 2 * b_in, 2 * b_in, dtype=F64)
    points = torch.tensor(layer.grid, dtype=F64)
    beta, alpha = points.unbind(-1)
    # [N, 3]
    unit = torch.stack(
        [beta.sin() * alpha.cos(), beta.sin() * alpha.sin(), beta.cos()], -1
    )
    # R x_i
    moved = torch.einsum("...ij,nj->...ni", grid_rotations(b_out), unit)
    harmonics = spherical_harmonics(
        b_out,
        torch.atan2(torch.hypot(moved[..., 0], moved[..., 1]), moved[..., 2]),
        torch.atan2(moved[..., 1], moved[..., 0]),
    )
    # f̃_k(R x_i)
    values = torch.einsum(
        "...np,bkp->bk...n", harmonics, s2_fft(x, b_out)
    ).real
    expected = (
        torch.einsum("bkjacn,kon->bojac", values, layer.kernel * layer.scaling)
        + layer.bias
    )
    assert_close(layer(x), expected)


def test_so3_layer_is_the_correlation_with_point_masses(assert_close):
    torch.manual_seed(1)
    b_in, b_out = 4, 3
    layer = SO3Convolution(
        2,
        3,
        b_in,
        b_out,
        so3_near_identity_grid(n_alpha=3, n_beta=2, n_gamma=2),
    ).double()
    x = torch.randn(2, 2, 2 * b_in, 2 * b_in, 2 * b_in, dtype=F64)
    beta, alpha, gamma = torch.tensor(layer.grid, dtype=F64).unbind(-1)
    # R Q_i
    moved = torch.einsum(
        "...ij,njk->...nik",
        grid_rotations(b_out),
        euler_to_matrix(alpha, beta, gamma),
    )
    wigner = wigner_D_packed(b_out, *matrix_to_euler(moved))
    # f̃_k(R Q_i)
    values = torch.einsum("...np,bkp->bk...n", wigner, so3_fft(x, b_out)).real
    expected = torch.einsum(
        "bkjacn,kon->bojac", values, layer.kernel * layer.scaling
    )
    assert_close(layer(x), expected)


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_s2_layer_is_equivariant(dtype, tolerance):
    torch.manual_seed(2)
    b = 6
    layer = S2Convolution(3, 4, b, b, s2_near_identity_grid()).to(dtype)
    f = random_s2(b, 2, 3, generator=torch.Generator().manual_seed(0))
    assert_equivariant(
        layer, f.to(dtype), (0.4, 1.1, -2.3), tolerance=tolerance(dtype)
    )


@pytest.mark.parametrize("dtype", [torch.float64, torch.float32])
def test_so3_layer_is_equivariant(dtype, tolerance):
    torch.manual_seed(3)
    b = 5
    layer = SO3Convolution(
        3, 2, b, b, so3_near_identity_grid(n_alpha=4, n_beta=2, n_gamma=3)
    ).to(dtype)
    f = random_so3(b, 2, 3, generator=torch.Generator().manual_seed(1))
    assert_equivariant(
        layer,
        f.to(dtype),
        (2.0, 0.7, 0.3),
        domain="so3",
        tolerance=tolerance(dtype),
    )


def test_shapes_dtypes_and_equatorial_grids():
    s2 = S2Convolution(2, 5, 6, 4, s2_equatorial_grid(n_alpha=6))
    so3 = SO3Convolution(5, 3, 4, 2, so3_equatorial_grid(n_alpha=6))
    y = s2(torch.randn(7, 2, 12, 12))
    assert y.shape == (7, 5, 8, 8, 8) and y.dtype == torch.float32
    z = so3(y)
    assert z.shape == (7, 3, 4, 4, 4) and z.dtype == torch.float32
    assert so3.double()(y.double()).dtype == F64
    assert sum(p.numel() for p in s2.parameters()) == 2 * 5 * 6 + 5


def test_gradients_flow_gradcheck():
    torch.manual_seed(4)
    s2 = S2Convolution(
        1, 2, 3, 2, s2_near_identity_grid(n_alpha=2, n_beta=1)
    ).double()
    so3 = SO3Convolution(
        2, 1, 2, 2, so3_near_identity_grid(n_alpha=2, n_beta=1, n_gamma=2)
    ).double()
    x = torch.randn(1, 1, 6, 6, dtype=F64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, w1, w2: so3(s2(x)),
        (x, s2.kernel, so3.kernel),
        eps=1e-6,
        atol=1e-7,  # finite differences of step 1e-6: not a rounding bound
    )
    so3(torch.relu(s2(x))).sum().backward()
    assert all(
        p.grad is not None and p.grad.abs().sum() > 0
        for p in (s2.kernel, s2.bias, so3.kernel, so3.bias)
    )


def test_initialisation_carries_the_second_moment():
    # Band-limited input (nothing lost to the band limit), many channels:
    # E[y^2] close to E[x^2].
    torch.manual_seed(5)
    b = 4
    f = random_s2(b, 4, 16, generator=torch.Generator().manual_seed(2))
    f = f / f.pow(2).mean().sqrt()
    s2 = S2Convolution(16, 16, b, b, s2_near_identity_grid()).double()
    so3 = SO3Convolution(16, 16, b, b, so3_near_identity_grid()).double()
    with torch.no_grad():
        y = s2(f)
        z = so3(y)
    assert 0.5 < y.pow(2).mean().item() < 2
    assert 0.5 < (z.pow(2).mean() / y.pow(2).mean()).item() < 2


def test_module_state_and_repr():
    layer = SO3Convolution(
        2, 3, 4, 2, so3_near_identity_grid(max_gamma=math.pi / 8, n_gamma=3)
    )
    assert set(layer.state_dict()) == {"kernel", "bias"}
    assert "grid points=72" in repr(layer)


@pytest.mark.parametrize(
    "sizes, error, match",
    [
        ((1, 2, 4, 5), ValueError, "b_out must be <= b_in"),
        ((1, 2, 0, 0), ValueError, "b_in must be a bandwidth >= 1"),
        ((1, 2, 4.0, 2), TypeError, "b_in must be an int"),
        ((0, 2, 4, 2), ValueError, "nfeature_in must be an int >= 1"),
    ],
)
def test_bad_sizes(sizes, error, match):
    """Sizes ``(nfeature_in, nfeature_out, b_in, b_out)`` are checked."""
    with pytest.raises(error, match=match):
        S2Convolution(*sizes, s2_near_identity_grid())


S2_GRID, SO3_GRID = s2_near_identity_grid(), so3_near_identity_grid()


@pytest.mark.parametrize(
    "layer, grid, match",
    [
        (S2Convolution, (), "empty grid"),
        (SO3Convolution, [], "empty grid"),
        (S2Convolution, SO3_GRID, r"\(beta, alpha\) points"),
        (SO3Convolution, S2_GRID, r"\(beta, alpha, gamma\) points"),
    ],
)
def test_bad_grids(layer, grid, match):
    """A layer's grid holds points of its own domain, at least one."""
    with pytest.raises(ValueError, match=match):
        layer(1, 2, 4, 2, grid)


def test_bad_input():
    s2 = S2Convolution(2, 3, 4, 2, s2_near_identity_grid())
    so3 = SO3Convolution(2, 3, 4, 2, so3_near_identity_grid())
    with pytest.raises(
        ValueError, match=r"x must have shape \[batch, 2, 8, 8\]"
    ):
        s2(torch.randn(1, 2, 10, 10))  # wrong bandwidth
    with pytest.raises(
        ValueError, match=r"x must have shape \[batch, 2, 8, 8\]"
    ):
        s2(torch.randn(1, 3, 8, 8))  # channels mismatch
    with pytest.raises(
        ValueError, match=r"x must have shape \[batch, 2, 8, 8, 8\]"
    ):
        so3(torch.randn(1, 2, 8, 8))
    with pytest.raises(TypeError, match="x must have the layer's dtype"):
        so3(torch.randn(1, 2, 8, 8, 8, dtype=torch.complex64))


@pytest.mark.parametrize("kind", ["s2", "so3"])
def test_input_activation_relu_is_the_layer_of_relu_x(kind, assert_close):
    torch.manual_seed(5)
    if kind == "s2":
        layer = S2Convolution(2, 3, 6, 4, s2_near_identity_grid())
        x = torch.randn(3, 2, 12, 12)
    else:
        layer = SO3Convolution(4, 3, 6, 3, so3_near_identity_grid())
        x = torch.randn(3, 4, 12, 12, 12)
    results = []
    for fused in (True, False):
        layer.zero_grad()
        x_in = x.clone().requires_grad_()
        y = (
            layer(x_in, input_activation="relu")
            if fused
            else layer(torch.relu(x_in))
        )
        (y * torch.linspace(-1, 1, y.numel()).view(y.shape)).sum().backward()
        results.append((y, x_in.grad, layer.kernel.grad, layer.bias.grad))
    for ours, theirs in zip(*results, strict=True):
        assert_close(ours, theirs.detach())
    with pytest.raises(ValueError, match="input_activation must be None"):
        layer(x, input_activation="tanh")
    empty = x[:0].clone().requires_grad_()
    y = layer(empty, input_activation="relu")
    assert y.shape == (0, 3, *results[0][0].shape[2:])
    y.sum().backward()
    assert empty.grad.shape == empty.shape


def test_empty_batch():
    so3 = SO3Convolution(2, 3, 4, 2, so3_near_identity_grid())
    x = torch.zeros(0, 2, 8, 8, 8, requires_grad=True)
    y = so3(x)
    assert y.shape == (0, 3, 4, 4, 4)
    y.sum().backward()
    assert x.grad.shape == x.shape and so3.kernel.grad.abs().sum() == 0


def test_sympy_initialisation_variance_and_relu_halving():
    import sympy as sp

    w1, w2, f1, f2 = sp.symbols("w1 w2 f1 f2", real=True)
    s = sp.symbols("sigma", positive=True)
    expectation = (
        sp.expand((w1 * f1 + w2 * f2) ** 2)
        .subs({w1 * w2: 0})
        .subs({w1**2: s**2, w2**2: s**2})
    )
    assert sp.simplify(expectation - s**2 * (f1**2 + f2**2)) == 0
    t = sp.symbols("t", real=True)
    normal = sp.exp(-(t**2) / 2) / sp.sqrt(2 * sp.pi)
    assert sp.integrate(t**2 * normal, (t, 0, sp.oo)) / sp.integrate(
        t**2 * normal, (t, -sp.oo, sp.oo)
    ) == sp.Rational(1, 2)


def small_layers(
    dtype: torch.dtype = torch.float32,
) -> tuple[S2Convolution, SO3Convolution]:
    s2 = S2Convolution(
        2, 3, 4, 3, s2_near_identity_grid(n_alpha=3, n_beta=2)
    ).to(dtype)
    so3 = SO3Convolution(
        3, 2, 3, 2, so3_near_identity_grid(n_alpha=3, n_beta=1, n_gamma=2)
    ).to(dtype)
    return s2, so3


@pytest.mark.parametrize("dtype", [torch.complex64, torch.float64])
def test_other_input_dtypes_rejected_like_torch(dtype):
    """torch's float32 layers raise on complex or float64 input ("Input type
    ... should be the same"); so do ours."""
    with pytest.raises(RuntimeError, match="should be the same"):
        torch.nn.Conv2d(2, 3, 3)(torch.zeros(1, 2, 8, 8, dtype=dtype))
    s2, so3 = small_layers()
    with pytest.raises(
        TypeError,
        match=f"x must have the layer's dtype torch.float32, got {dtype}",
    ):
        s2(torch.zeros(1, 2, 8, 8, dtype=dtype))
    with pytest.raises(
        TypeError,
        match=f"x must have the layer's dtype torch.float32, got {dtype}",
    ):
        so3(torch.zeros(1, 3, 6, 6, 6, dtype=dtype))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        s2([[0.0]])


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_layers_compute_in_float32_and_return_their_dtype(
    dtype,
):
    """torch's convolutions in float16/bfloat16 return that dtype; ours compute
    in float32 and round."""
    conv = torch.nn.Conv2d(2, 3, 3).to(dtype)
    assert conv(torch.randn(1, 2, 8, 8).to(dtype)).dtype == dtype
    s2, so3 = small_layers(dtype)
    x = random_s2(4, 2, 2).to(dtype)
    y = s2(x)
    z = so3(torch.relu(y))
    assert (
        y.dtype == z.dtype == dtype
        and y.shape == (2, 3, 6, 6, 6)
        and z.shape == (2, 2, 4, 4, 4)
    )
    s2_float, so3_float = small_layers()
    # the same (rounded) weights, upcast
    s2_float.load_state_dict(s2.state_dict())
    so3_float.load_state_dict(so3.state_dict())
    with torch.no_grad():
        assert torch.equal(y, s2_float(x.float()).to(dtype))
        assert torch.equal(z, so3_float(torch.relu(y).float()).to(dtype))
    z.float().sum().backward()
    assert s2.kernel.grad.dtype == dtype and s2.kernel.grad.abs().sum() > 0


def test_empty_batch_like_torch():
    """An empty batch: an empty output, and zero gradients for the weights
    (torch's Conv2d does the same)."""
    conv = torch.nn.Conv2d(2, 3, 3)
    conv(torch.zeros(0, 2, 8, 8)).sum().backward()
    assert torch.equal(conv.weight.grad, torch.zeros_like(conv.weight))
    s2, so3 = small_layers()
    x = torch.zeros(0, 2, 8, 8, requires_grad=True)
    y = s2(x)
    z = so3(y)
    assert y.shape == (0, 3, 6, 6, 6) and z.shape == (0, 2, 4, 4, 4)
    z.sum().backward()
    for p in (s2.kernel, s2.bias, so3.kernel, so3.bias):
        assert torch.equal(p.grad, torch.zeros_like(p))
    assert x.grad.shape == x.shape
