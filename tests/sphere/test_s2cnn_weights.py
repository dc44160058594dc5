"""dlnotes.sphere.s2cnn_weights: an s2cnn state_dict loads as the same
function.

The reference is s2cnn's layer formula, from its published source
(``s2cnn/soft/s2_conv.py``, ``so3_conv.py``): the point-mass correlation y(R) =
Σ_{k,i} c · kernel_{k,o,i} f̃_k(R x_i) + bias with c = 2 b_out · scaling on S²
and c = scaling on SO(3), where scaling is s2cnn's ``1/√(N F_in b_out⁴/b_in²)``
and ``1/√(N F_in b_out³/b_in³)``. It is evaluated point by point with the
harmonic series of f̃ (no FFT, no correlation theorem), independently of our
layers.
"""

import math

import pytest
import torch

from dlnotes.sphere.grid import so3_grid
from dlnotes.sphere.kernel_grids import (
    s2_near_identity_grid,
    so3_near_identity_grid,
)
from dlnotes.sphere.layers import S2Convolution, SO3Convolution
from dlnotes.sphere.rotation import euler_to_matrix, matrix_to_euler
from dlnotes.sphere.s2_fft import s2_fft
from dlnotes.sphere.s2cnn_weights import (
    load_s2cnn_state_dict,
    load_s2cnn_weights,
    s2cnn_kernel_factor,
)
from dlnotes.sphere.so3_fft import so3_fft
from dlnotes.sphere.wigner import spherical_harmonics, wigner_D_packed

F64 = torch.float64


def s2cnn_state_dict(
    nfeature_in: int, nfeature_out: int, points: int, seed: int
) -> dict[str, torch.Tensor]:
    """Names, shapes and initial distribution of s2cnn's layers: kernel U(-1,
    1), bias [1, F_out, 1, 1, 1]."""
    g = torch.Generator().manual_seed(seed)
    return {
        "kernel": (
            torch.rand(
                nfeature_in, nfeature_out, points, generator=g, dtype=F64
            )
            * 2
            - 1
        ),
        "bias": torch.randn(1, nfeature_out, 1, 1, 1, generator=g, dtype=F64),
    }


def grid_rotations(b: int) -> torch.Tensor:
    beta, alpha, gamma = so3_grid(b, dtype=F64)
    return euler_to_matrix(
        alpha[None, :, None], beta[:, None, None], gamma[None, None, :]
    )


def s2cnn_s2_layer(x, state, b_in, b_out, grid):
    """s2cnn's S2Convolution as a formula: Σ_{k,i} 2 b_out · scaling · kernel
    f̃_k(R x_i) + bias."""
    kernel, bias = state["kernel"], state["bias"]
    scaling = 1.0 / math.sqrt(
        len(grid) * kernel.shape[0] * (b_out**4.0) / (b_in**2.0)
    )
    beta, alpha = torch.tensor(grid, dtype=F64).unbind(-1)
    unit = torch.stack(
        [beta.sin() * alpha.cos(), beta.sin() * alpha.sin(), beta.cos()], -1
    )
    # R x_i
    moved = torch.einsum("...ij,nj->...ni", grid_rotations(b_out), unit)
    polar = torch.atan2(
        torch.hypot(moved[..., 0], moved[..., 1]), moved[..., 2]
    )
    harmonics = spherical_harmonics(
        b_out, polar, torch.atan2(moved[..., 1], moved[..., 0])
    )
    # f̃_k(R x_i)
    values = torch.einsum(
        "...np,bkp->bk...n", harmonics, s2_fft(x, b_out)
    ).real
    return (
        torch.einsum("bkjacn,kon->bojac", values, 2 * b_out * scaling * kernel)
        + bias
    )


def s2cnn_so3_layer(x, state, b_in, b_out, grid):
    """s2cnn's SO3Convolution as a formula: Σ_{k,i} scaling · kernel f̃_k(R
    Q_i) + bias."""
    kernel, bias = state["kernel"], state["bias"]
    scaling = 1.0 / math.sqrt(
        len(grid) * kernel.shape[0] * (b_out**3.0) / (b_in**3.0)
    )
    beta, alpha, gamma = torch.tensor(grid, dtype=F64).unbind(-1)
    moved = torch.einsum(
        "...ij,njk->...nik",
        grid_rotations(b_out),
        euler_to_matrix(alpha, beta, gamma),
    )
    values = torch.einsum(
        "...np,bkp->bk...n",
        wigner_D_packed(b_out, *matrix_to_euler(moved)),
        so3_fft(x, b_out),
    ).real
    return torch.einsum("bkjacn,kon->bojac", values, scaling * kernel) + bias


def outputs_after_loading(layer, reference, domain, seed):
    """Load a random s2cnn state_dict of ``layer``'s sizes into it (float64);
    return its output on a random signal on ``domain`` ("s2" or "so3") and
    that of ``reference``, the s2cnn layer's formula, on the same."""
    grid, b_in = layer.grid, layer.b_in
    state = s2cnn_state_dict(
        layer.nfeature_in, layer.nfeature_out, len(grid), seed=seed
    )
    layer = layer.double()
    load_s2cnn_state_dict(layer, state)
    grid_shape = (2 * b_in,) * {"s2": 2, "so3": 3}[domain]
    x = torch.randn(2, layer.nfeature_in, *grid_shape, dtype=F64)
    with torch.no_grad():
        return layer(x), reference(x, state, b_in, layer.b_out, grid)


def test_s2_layer_loads_as_s2cnn_computes(assert_close):
    grid = s2_near_identity_grid(n_alpha=4, n_beta=2)
    layer = S2Convolution(2, 3, 6, 3, grid)
    assert_close(*outputs_after_loading(layer, s2cnn_s2_layer, "s2", seed=0))
    assert s2cnn_kernel_factor(layer) == 2 * 6 / 3 == 4.0


def test_so3_layer_loads_as_s2cnn_computes(assert_close):
    grid = so3_near_identity_grid(n_alpha=3, n_beta=2, n_gamma=2)
    layer = SO3Convolution(3, 2, 4, 2, grid)
    assert_close(*outputs_after_loading(layer, s2cnn_so3_layer, "so3", seed=1))
    assert s2cnn_kernel_factor(layer) == pytest.approx(2**1.5)


class S2cnnLikeModel(torch.nn.Module):
    """Attribute names as s2cnn's MNIST example (conv1, conv2, out_layer)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = S2Convolution(
            1, 4, 6, 4, s2_near_identity_grid(n_alpha=3, n_beta=1)
        )
        self.conv2 = SO3Convolution(
            4, 5, 4, 2, so3_near_identity_grid(n_alpha=3, n_beta=1, n_gamma=1)
        )
        self.out_layer = torch.nn.Linear(5, 3)


def test_a_whole_model_loads_and_only_spherical_kernels_are_rescaled():
    model = S2cnnLikeModel()
    theirs = {
        name: torch.randn_like(value)
        for name, value in S2cnnLikeModel().state_dict().items()
    }
    original = {name: value.clone() for name, value in theirs.items()}
    load_s2cnn_state_dict(model, theirs)
    ours = model.state_dict()
    # 2 · 6 / 4
    assert torch.equal(ours["conv1.kernel"], original["conv1.kernel"] * 3.0)
    # (4 / 2)^{3/2}
    assert torch.equal(
        ours["conv2.kernel"], original["conv2.kernel"] * 2.0**1.5
    )
    for name in (
        "conv1.bias",
        "conv2.bias",
        "out_layer.weight",
        "out_layer.bias",
    ):
        assert torch.equal(ours[name], original[name])
    # the argument is left alone
    assert all(torch.equal(theirs[name], original[name]) for name in theirs)


class TiedModel(S2cnnLikeModel):
    """conv2 applied twice: one module under two names (weight tying), so
    s2cnn's state_dict holds its kernel under both."""

    def __init__(self) -> None:
        super().__init__()
        self.conv3 = self.conv2


def test_a_layer_under_two_names_is_rescaled_under_both():
    model = TiedModel()
    kernel = torch.randn_like(model.conv2.kernel)
    theirs = {
        name: torch.randn_like(value)
        for name, value in model.state_dict().items()
    }
    theirs["conv2.kernel"] = theirs["conv3.kernel"] = kernel
    load_s2cnn_state_dict(model, theirs)
    assert model.conv3 is model.conv2
    assert torch.equal(model.conv2.kernel.detach(), kernel * 2.0**1.5)


def test_weights_are_read_safely_with_one_line_errors(tmp_path):
    model = S2cnnLikeModel()
    theirs = {
        name: torch.randn_like(value)
        for name, value in model.state_dict().items()
    }
    torch.save(theirs, tmp_path / "s2cnn.pt")
    load_s2cnn_weights(model, tmp_path / "s2cnn.pt")
    assert torch.equal(
        model.conv1.kernel.detach(), theirs["conv1.kernel"] * 3.0
    )
    (tmp_path / "short.pt").write_bytes(
        (tmp_path / "s2cnn.pt").read_bytes()[:500]
    )
    del theirs["conv2.bias"]
    torch.save(theirs, tmp_path / "missing.pt")
    for name, match in [
        ("short.pt", "truncated or corrupt"),
        ("missing.pt", "Missing key"),
        ("none.pt", "does not exist"),
    ]:
        with pytest.raises(ValueError, match=match) as raised:
            load_s2cnn_weights(model, tmp_path / name)
        assert name in str(raised.value) and "\n" not in str(raised.value)


def test_bad_arguments():
    layer = S2Convolution(1, 2, 4, 2, s2_near_identity_grid())
    state = s2cnn_state_dict(1, 2, len(layer.grid), seed=2)
    with pytest.raises(TypeError, match="module must be a torch.nn.Module"):
        load_s2cnn_state_dict(state, layer)
    with pytest.raises(TypeError, match="state_dict must be a mapping"):
        load_s2cnn_state_dict(layer, [("kernel", state["kernel"])])
    with pytest.raises(
        TypeError, match=r"state_dict\['kernel'\] must be a tensor"
    ):
        load_s2cnn_state_dict(layer, {**state, "kernel": 1.0})
    with pytest.raises(RuntimeError, match="Missing key"):
        load_s2cnn_state_dict(layer, {"kernel": state["kernel"]})
    with pytest.raises(RuntimeError, match="size mismatch for kernel"):
        load_s2cnn_state_dict(
            layer, {**state, "kernel": state["kernel"][..., :3]}
        )
    with pytest.raises(
        TypeError, match="layer must be an S2Convolution or SO3Convolution"
    ):
        s2cnn_kernel_factor(torch.nn.Linear(2, 2))
