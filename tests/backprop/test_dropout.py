"""dlnotes.backprop.dropout: the mask, the scaling, the gradient, edge cases
and errors."""

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.autograd import gradcheck, gradgradcheck

from dlnotes.backprop.dropout import dropout
from dlnotes.backprop.saved import saved_bytes


@settings(max_examples=30, deadline=None)
@given(
    p=st.floats(0.05, 0.95),
    seed=st.integers(0, 2**16),
    dtype=st.sampled_from([torch.float32, torch.float64]),
)
def test_forward_and_backward_use_the_same_mask(p, seed, dtype, assert_close):
    x = (torch.rand(50, 7, dtype=dtype) + 0.5).requires_grad_()
    f = dropout(x, p, generator=torch.Generator().manual_seed(seed))
    kept = f != 0
    # one scaling per entry: a rounding or two
    assert_close(f[kept], x[kept] / (1 - p), k=2)
    f_bar = torch.randn_like(f)
    (x_bar,) = torch.autograd.grad(f, x, f_bar)
    assert_close(x_bar, f_bar * kept / (1 - p), k=2)


def test_generator_makes_it_repeatable_and_the_rate_is_p():
    x = torch.ones(200_000)
    a = dropout(x, 0.3, generator=torch.Generator().manual_seed(7))
    b = dropout(x, 0.3, generator=torch.Generator().manual_seed(7))
    assert torch.equal(a, b)
    dropped = (a == 0).double().mean().item()
    assert abs(dropped - 0.3) < 5 * (0.3 * 0.7 / x.numel()) ** 0.5
    assert abs(a.mean().item() - 1.0) < 0.01  # inverted dropout keeps the mean


def test_edge_cases():
    x = torch.randn(4, 5, requires_grad=True)
    assert dropout(x, 0.0) is x
    assert dropout(x, 0.9, training=False) is x
    zeros = dropout(x, 1.0)
    assert torch.equal(zeros, torch.zeros_like(x)) and not zeros.isnan().any()
    (x_bar,) = torch.autograd.grad(zeros, x, torch.ones_like(x))
    assert torch.equal(x_bar, torch.zeros_like(x))


def test_gradcheck_and_gradgradcheck():
    x = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)

    def f(x):
        return dropout(x, 0.4, generator=torch.Generator().manual_seed(3))

    assert gradcheck(f, (x,))
    assert gradgradcheck(f, (x,))


def test_saves_one_byte_per_element():
    x = torch.randn(1000, requires_grad=True)
    assert saved_bytes(lambda: dropout(x, 0.5)) == 1000
    # PyTorch's CPU kernel: the scaled mask in x's dtype
    assert saved_bytes(lambda: F.dropout(x, 0.5)) >= 4000


def test_bad_input():
    x = torch.randn(3)
    for p in (-0.1, 1.5):
        with pytest.raises(ValueError, match="p must be a drop probability"):
            dropout(x, p)
    with pytest.raises(TypeError, match="p must be a number"):
        dropout(x, "0.5")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        dropout(torch.ones(3, dtype=torch.int64), 0.5)


def test_torch_func_vmap_randomness_like_torch():
    """vmap draws one mask for all examples ('same'), one each ('different'),
    or refuses ('error', the default)."""
    from torch.func import vmap

    xs = torch.ones(6, 40, 5, dtype=torch.float64)
    for function in (dropout, F.dropout):
        with pytest.raises(RuntimeError, match="randomness"):
            vmap(lambda x, f=function: f(x, 0.5))(xs)
        same = (
            vmap(lambda x, f=function: f(x, 0.5), randomness="same")(xs) != 0
        )
        assert all(torch.equal(same[0], mask) for mask in same[1:])
        different = (
            vmap(lambda x, f=function: f(x, 0.5), randomness="different")(xs)
            != 0
        )
        assert not any(
            torch.equal(different[0], mask) for mask in different[1:]
        )
        assert abs(different.double().mean().item() - 0.5) < 0.05
    # an explicit generator follows the same rule
    generator = torch.Generator().manual_seed(0)
    different = (
        vmap(
            lambda x: dropout(x, 0.5, generator=generator),
            randomness="different",
        )(xs)
        != 0
    )
    assert not torch.equal(different[0], different[1])


def test_torch_func_gradients_use_the_drawn_mask():
    """grad, jacrev and vmap(grad) differentiate through the mask of the
    forward, as torch's dropout."""
    from torch.func import grad, jacrev, vmap

    x = torch.randn(7, 5, dtype=torch.float64)
    for function in (dropout, F.dropout):
        torch.manual_seed(3)
        f = function(x, 0.4)
        torch.manual_seed(3)
        # d/dx Σ x m x/(1−p)
        assert torch.allclose(
            grad(lambda x, fn=function: (fn(x, 0.4) * x).sum())(x), 2 * f
        )
        torch.manual_seed(3)
        jacobian = jacrev(lambda x, fn=function: fn(x, 0.4))(x).reshape(35, 35)
        # diagonal: m/(1 − p)
        assert torch.allclose(jacobian, torch.diag((f / x).reshape(-1)))
    xs = torch.randn(4, 7, 5, dtype=torch.float64)
    grads = vmap(
        grad(lambda x: (dropout(x, 0.4) * x).sum()), randomness="different"
    )(xs)
    masks = grads != 0
    assert not torch.equal(masks[0], masks[1])
    assert torch.allclose(grads[masks], 2 * xs[masks] / 0.6)
