"""dlnotes.sphere.activation: the ReLU fused into the transforms and the
integral gives the unfused composition's values and gradients."""

import itertools

import pytest
import torch

from dlnotes.sphere.activation import (
    CHUNK_BYTES,
    check_input_activation,
    gate,
    row_chunks,
)
from dlnotes.sphere.integrate import so3_integrate
from dlnotes.sphere.real_fft import so3_rfft_half

F64 = torch.float64


def test_gate_is_relu_and_its_backward():
    x = torch.tensor([-1.0, 0.0, 2.0])
    t = torch.tensor([5.0, 6.0, 7.0])
    assert torch.equal(gate(x, x), torch.relu(x))
    assert torch.equal(gate(t, x), torch.tensor([0.0, 0.0, 7.0]))
    out = t.clone()
    assert gate(out, x, out=out) is out and torch.equal(out, gate(t, x))


def test_row_chunks_cover_the_rows_in_cache_sized_pieces():
    chunks = list(row_chunks(torch.zeros(100_000, 20)))
    assert chunks[0].start == 0 and chunks[-1].stop == 100_000
    assert all(a.stop == b.start for a, b in itertools.pairwise(chunks))
    assert (chunks[0].stop - chunks[0].start) * 20 * 4 <= CHUNK_BYTES
    # a row larger than a chunk: one row a chunk; no rows: no chunk
    assert len(list(row_chunks(torch.zeros(3, CHUNK_BYTES)))) == 3
    assert list(row_chunks(torch.zeros(0, 20))) == []


@pytest.mark.parametrize("name", ["ReLU", "gelu", 0])
def test_unknown_activation_is_rejected(name):
    with pytest.raises(ValueError, match="input_activation must be None"):
        check_input_activation(name)
    with pytest.raises(ValueError, match="input_activation must be None"):
        so3_rfft_half(torch.zeros(1, 4, 4, 4), 2, name)
    with pytest.raises(ValueError, match="input_activation must be None"):
        so3_integrate(torch.zeros(1, 4, 4, 4), name)


def grid_and_gradient(fn, x: torch.Tensor):
    """``fn(x)`` and the gradient of a fixed random projection of it."""
    x = x.detach().requires_grad_()
    y = fn(x)
    weights = torch.randn(y.shape, generator=torch.Generator().manual_seed(1))
    (y * weights.to(y.dtype)).sum().backward()
    return y.detach(), x.grad


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_fused_analysis_equals_relu_then_analysis(dtype, assert_close):
    # 40 maps of 20³ samples: 16,000 rows of 20, several chunks
    x = torch.randn(40, 20, 20, 20, dtype=dtype)
    fused = grid_and_gradient(lambda t: so3_rfft_half(t, 6, "relu"), x)
    unfused = grid_and_gradient(lambda t: so3_rfft_half(torch.relu(t), 6), x)
    for ours, theirs in zip(fused, unfused, strict=True):
        assert_close(ours, theirs)


def test_fused_analysis_gradcheck_and_second_derivatives():
    # away from the kink at 0, where the ReLU has no derivative
    x = torch.randn(2, 6, 6, 6, dtype=F64)
    x = (x + 0.1 * x.sign()).requires_grad_()
    assert torch.autograd.gradcheck(
        lambda t: so3_rfft_half(t, 2, "relu"), (x,)
    )
    assert torch.autograd.gradgradcheck(
        lambda t: so3_rfft_half(t, 2, "relu"), (x,)
    )


def test_fused_analysis_empty_batch():
    x = torch.zeros(0, 8, 8, 8, requires_grad=True)
    y = so3_rfft_half(x, 3, "relu")
    assert y.shape == (3, 5, 3, 2, 0)
    y.sum().backward()
    assert x.grad.shape == x.shape


@pytest.mark.parametrize("dtype", [torch.float32, F64])
def test_fused_integral_equals_relu_then_integral(dtype, assert_close):
    # 2 × 60 maps of 12³ samples: several chunks
    x = torch.randn(2, 60, 12, 12, 12, dtype=dtype)
    fused = grid_and_gradient(lambda t: so3_integrate(t, "relu"), x)
    unfused = grid_and_gradient(lambda t: so3_integrate(torch.relu(t)), x)
    for ours, theirs in zip(fused, unfused, strict=True):
        assert_close(ours, theirs)
    assert fused[0].shape == (2, 60) and fused[0].dtype == dtype


def test_fused_integral_gradcheck_empty_batch_and_bad_input():
    x = torch.randn(3, 4, 4, 4, dtype=F64)
    x = (x + 0.1 * x.sign()).requires_grad_()
    assert torch.autograd.gradcheck(lambda t: so3_integrate(t, "relu"), (x,))
    empty = torch.zeros(0, 2, 4, 4, 4, requires_grad=True)
    y = so3_integrate(empty, "relu")
    assert y.shape == (0, 2)
    y.sum().backward()
    assert empty.grad.shape == empty.shape
    with pytest.raises(TypeError, match="real x"):
        so3_integrate(torch.zeros(4, 4, 4, dtype=torch.complex64), "relu")
