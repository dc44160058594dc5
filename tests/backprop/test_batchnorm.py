"""dlnotes.backprop.batchnorm: values, gradients and running statistics match
PyTorch; exact oracle; errors."""

import random
from fractions import Fraction

import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch.autograd import gradcheck, gradgradcheck

from dlnotes.backprop.batchnorm import (
    batch_norm,
    batch_norm_input_grad,
    batch_statistics,
)
from dlnotes.backprop.proofs import batch_norm_exact_grad


def assert_rel(
    actual: torch.Tensor, expected: torch.Tensor, tol: float
) -> None:
    scale = max(expected.abs().max().item(), 1.0)
    assert (actual - expected).abs().max().item() <= tol * scale


shapes = st.sampled_from([2, 3, 4]).flatmap(
    lambda dims: st.tuples(
        *[st.integers(2 if i == 0 else 1, 5) for i in range(dims)]
    )
)


@settings(max_examples=40, deadline=None)
@given(
    shape=shapes,
    dtype=st.sampled_from([torch.float32, torch.float64]),
    affine=st.booleans(),
    seed=st.integers(0, 2**16),
    training=st.booleans(),
)
# two samples: strong cancellation in x̄
@example(shape=(2, 3), dtype=torch.float32, affine=True, seed=1, training=True)
def test_matches_torch(shape, dtype, affine, seed, training, tolerance):
    g = torch.Generator().manual_seed(seed)
    c = shape[1]
    x = (3 * torch.randn(shape, generator=g, dtype=dtype) + 1).requires_grad_()
    weight = (
        torch.randn(c, generator=g, dtype=dtype).requires_grad_()
        if affine
        else None
    )
    bias = (
        torch.randn(c, generator=g, dtype=dtype).requires_grad_()
        if affine
        else None
    )
    stats = [
        torch.randn(c, generator=g, dtype=dtype),
        torch.rand(c, generator=g, dtype=dtype) + 0.5,
    ]
    theirs = [s.clone() for s in stats]
    before = [s.clone() for s in stats]
    y = batch_norm(x, *stats, weight, bias, training, 0.3, 1e-3)
    y_ref = F.batch_norm(x, *theirs, weight, bias, training, 0.3, 1e-3)
    tol = tolerance(dtype)
    assert_rel(y, y_ref, tol)
    for ours, ref in zip(stats, theirs, strict=True):
        assert_rel(ours, ref, tol)
    y_bar = torch.randn(shape, generator=g, dtype=dtype)
    inputs = [t for t in (x, weight, bias) if t is not None]
    # Rounding error of a backward is relative to its summands, not to the
    # (possibly cancelled) result: x̄ sums terms of size |γ| |ȳ| / σ, γ̄ and β̄
    # sum N·HW terms of size |ȳ x̂| and |ȳ|.
    dims = [0] + list(range(2, len(shape)))
    mean, variance = (
        (x.detach().mean(dims), x.detach().var(dims, unbiased=False))
        if training
        else (before[0], before[1])
    )
    view = (1, c) + (1,) * (len(shape) - 2)
    x_hat = (x.detach() - mean.view(view)) / (
        variance.view(view) + 1e-3
    ).sqrt()
    gamma = weight.detach().abs() if affine else torch.ones(c, dtype=dtype)
    big_y_bar = y_bar.abs().max().item()
    summands = max(
        (gamma / (variance + 1e-3).sqrt()).max().item() * big_y_bar,
        x.numel() // c * big_y_bar * max(x_hat.abs().max().item(), 1.0),
    )
    for ours, ref in zip(
        torch.autograd.grad(y, inputs, y_bar),
        torch.autograd.grad(y_ref, inputs, y_bar),
        strict=True,
    ):
        assert (ours - ref).abs().max().item() <= tol * max(summands, 1.0)


def test_exact_rational_oracle(tolerance):
    """Float64 backward against the exact derivative (SymPy diff at rational
    points)."""
    rng = random.Random(0)
    for n in (3, 5):
        x = [
            Fraction(rng.randint(-20, 20), rng.randint(1, 5)) for _ in range(n)
        ]
        y_bar = [
            Fraction(rng.randint(-9, 9), rng.randint(1, 4)) for _ in range(n)
        ]
        gamma = Fraction(rng.randint(1, 9), 4)
        exact, eps = batch_norm_exact_grad(x, y_bar, gamma, s=Fraction(50))
        xt = (
            torch.tensor([float(v) for v in x], dtype=torch.float64)
            .view(n, 1)
            .requires_grad_()
        )
        w = torch.tensor([float(gamma)], dtype=torch.float64)
        y = batch_norm(xt, None, None, w, None, True, eps=float(eps))
        (x_bar,) = torch.autograd.grad(
            y,
            xt,
            torch.tensor([float(v) for v in y_bar], dtype=torch.float64).view(
                n, 1
            ),
        )
        expected = torch.tensor([float(v) for v in exact], dtype=torch.float64)
        # absolute, at rounding level of the gradient's size: an entry of
        # the exact gradient may be 0, where a relative tolerance means nothing
        torch.testing.assert_close(
            x_bar.view(-1),
            expected,
            rtol=0,
            atol=tolerance(torch.float64, expected.abs().max()),
        )


def test_closed_form_helper_with_exact_oracle():
    """``batch_norm_input_grad`` itself, fed the true statistics, reproduces
    the oracle."""
    x = [Fraction(v) for v in (1, 2, 4, 7)]
    y_bar = [Fraction(v) for v in (1, -1, 3, 0)]
    exact, eps = batch_norm_exact_grad(x, y_bar, Fraction(1), Fraction(5))
    xt = torch.tensor([float(v) for v in x], dtype=torch.float64).view(4, 1)
    mean, _, invstd, _ = batch_statistics(xt, float(eps))
    x_bar, _, _ = batch_norm_input_grad(
        torch.tensor([float(v) for v in y_bar], dtype=torch.float64).view(
            4, 1
        ),
        xt,
        mean,
        invstd,
        None,
    )
    assert x_bar.view(-1).tolist() == pytest.approx(
        [float(v) for v in exact], rel=1e-13
    )


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 3), (3, 2, 4), (2, 3, 2, 3)])
def test_gradcheck_and_gradgradcheck(training, shape):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(
        shape, generator=g, dtype=torch.float64, requires_grad=True
    )
    w = torch.randn(
        shape[1], generator=g, dtype=torch.float64, requires_grad=True
    )
    b = torch.randn(
        shape[1], generator=g, dtype=torch.float64, requires_grad=True
    )
    mean, var = (
        torch.randn(shape[1], dtype=torch.float64),
        torch.rand(shape[1], dtype=torch.float64) + 0.5,
    )

    def f(x, w, b):
        return batch_norm(x, mean.clone(), var.clone(), w, b, training)

    assert gradcheck(f, (x, w, b), fast_mode=True)
    assert gradgradcheck(f, (x, w, b), fast_mode=True)


def test_second_derivative_is_not_zero(assert_close):
    """Saving μ, σ as constants would make d²L/dx² vanish in training mode;
    ours does not."""
    x = torch.randn(6, 2, dtype=torch.float64, requires_grad=True)
    # Σ ∂L/∂x = 0 always (shift invariance): weight it
    v = torch.randn(6, 2, dtype=torch.float64)
    y = batch_norm(x, None, None, None, None, True)
    (g,) = torch.autograd.grad((y**3).sum(), x, create_graph=True)
    (h,) = torch.autograd.grad((g * v).sum(), x)
    (g_ref,) = torch.autograd.grad(
        (F.batch_norm(x, None, None, None, None, True) ** 3).sum(),
        x,
        create_graph=True,
    )
    (h_ref,) = torch.autograd.grad((g_ref * v).sum(), x)
    assert h.abs().max() > 1e-3
    assert_close(h, h_ref)


def test_eval_mode_uses_running_statistics_and_ignores_later_updates():
    x = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    mean, var = (
        torch.randn(3, dtype=torch.float64),
        torch.rand(3, dtype=torch.float64) + 0.5,
    )
    y = batch_norm(x, mean, var, training=False)
    assert torch.allclose(y, (x - mean) / torch.sqrt(var + 1e-5))
    # a training step after this forward must not change its backward
    mean.add_(10.0)
    (x_bar,) = torch.autograd.grad(y, x, torch.ones_like(y))
    assert torch.allclose(x_bar, (1 / torch.sqrt(var + 1e-5)).expand(5, 3))


def test_saves_no_more_than_native():
    from dlnotes.backprop.saved import saved_bytes

    x = torch.randn(8, 16, 5, 5, requires_grad=True)
    w, b = (
        torch.ones(16, requires_grad=True),
        torch.zeros(16, requires_grad=True),
    )
    ours = saved_bytes(
        lambda: batch_norm(x, torch.zeros(16), torch.ones(16), w, b, True)
    )
    native = saved_bytes(
        lambda: F.batch_norm(x, torch.zeros(16), torch.ones(16), w, b, True)
    )
    assert ours <= native
    assert ours == x.numel() * 4 + 3 * 16 * 4  # x, γ, μ, 1/√(σ²+ε)


def test_bad_input():
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match="more than one value per channel"):
        batch_norm(torch.randn(1, 3), None, None, training=True)
    with pytest.raises(ValueError, match="running_mean must have shape"):
        batch_norm(x, torch.zeros(2), torch.ones(3))
    with pytest.raises(ValueError, match="weight must have shape"):
        batch_norm(x, None, None, torch.ones(4), training=True)
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        batch_norm(
            torch.ones(4, 3, dtype=torch.int64), None, None, training=True
        )
    with pytest.raises(
        TypeError, match="running_var must have a floating-point dtype"
    ):
        batch_norm(x, torch.zeros(3), torch.ones(3, dtype=torch.int32))
    with pytest.raises(ValueError, match="evaluation mode"):
        batch_norm(x, None, None, training=False)
    with pytest.raises(ValueError, match="x must have shape"):
        batch_norm(torch.randn(4), None, None, training=True)
    with pytest.raises(ValueError, match="given together"):
        batch_norm(x, torch.zeros(3), None, training=True)


def _run_both(shape, training, stats, affine, dtype=torch.float64):
    """Ours and torch's on the same input: outputs, running statistics after,
    gradients."""
    g = torch.Generator().manual_seed(4)
    c = shape[1]
    x = torch.randn(shape, generator=g, dtype=dtype, requires_grad=True)
    params = (
        [
            torch.randn(c, generator=g, dtype=dtype, requires_grad=True)
            for _ in range(2)
        ]
        if affine
        else [None, None]
    )
    running = (
        [
            torch.randn(c, generator=g, dtype=dtype),
            torch.rand(c, generator=g, dtype=dtype) + 0.5,
        ]
        if stats
        else [None, None]
    )
    results = []
    for function in (batch_norm, F.batch_norm):
        stats_copy = [s.clone() if s is not None else None for s in running]
        y = function(x, *stats_copy, *params, training, 0.1, 1e-5)
        inputs = [t for t in (x, *params) if t is not None]
        grads = torch.autograd.grad(y.sum(), inputs)
        results.append((y, stats_copy, grads))
    return running, results


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize(
    "shape", [(0, 3), (0, 3, 4), (0, 3, 2, 2), (2, 3, 0, 4), (1, 3, 0)]
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_empty_batch_like_torch(training, shape, dtype):
    """N = 0 (or an empty spatial axis): an empty output, zero γ and β
    gradients, statistics untouched."""
    running, ((y, stats, grads), (y_ref, stats_ref, grads_ref)) = _run_both(
        shape, training, True, True, dtype
    )
    assert y.shape == y_ref.shape == shape and y.dtype == y_ref.dtype
    for ours, theirs, before in zip(stats, stats_ref, running, strict=True):
        assert torch.equal(ours, theirs) and torch.equal(ours, before)
    for ours, theirs in zip(grads, grads_ref, strict=True):
        assert ours.shape == theirs.shape and torch.equal(ours, theirs)


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape", [(4, 0), (3, 0, 5), (0, 0)])
def test_no_channels_gives_an_empty_output(training, shape):
    """C = 0: torch returns an empty tensor when there are no per-channel
    tensors; ours always does."""
    x = torch.randn(shape, requires_grad=True)
    # torch itself fails on zero-length γ, β or statistics (an IndexError);
    # ours does not
    if training:
        assert F.batch_norm(x, None, None, None, None, True).shape == shape
    empty = torch.zeros(0)
    y = batch_norm(
        x,
        empty.clone(),
        empty.clone(),
        torch.zeros(0, requires_grad=True),
        torch.zeros(0, requires_grad=True),
        training,
    )
    assert y.shape == shape
    assert torch.autograd.grad(y.sum(), x)[0].shape == shape


def test_one_value_per_channel_is_refused_like_torch():
    for shape in [(1, 3), (1, 3, 1), (1, 0)]:
        with pytest.raises(
            ValueError, match="Expected more than 1 value per channel"
        ):
            F.batch_norm(torch.randn(shape), None, None, training=True)
        with pytest.raises(
            ValueError, match="more than one value per channel"
        ):
            batch_norm(torch.randn(shape), None, None, training=True)


@pytest.mark.parametrize(
    "eps,training", [(0.0, True), (-1e-5, True), (-1e-5, False)]
)
def test_non_positive_eps_is_refused_like_torch(eps, training):
    x, stats = torch.randn(4, 3), (torch.zeros(3), torch.ones(3))
    with pytest.raises(ValueError, match="eps must be"):
        F.batch_norm(x, *stats, training=training, eps=eps)
    with pytest.raises(ValueError, match="eps must be >"):
        batch_norm(x, *stats, training=training, eps=eps)


def test_zero_eps_in_evaluation_mode_is_accepted_like_torch():
    x, stats = (
        torch.randn(4, 3, dtype=torch.float64),
        (
            torch.zeros(3, dtype=torch.float64),
            torch.rand(3, dtype=torch.float64) + 0.5,
        ),
    )
    assert torch.allclose(
        batch_norm(x, *stats, eps=0.0), F.batch_norm(x, *stats, eps=0.0)
    )


def test_nan_eps_and_momentum_are_refused():
    """torch accepts them and returns NaN (outputs or running statistics); ours
    names the argument."""
    x = torch.randn(4, 3)
    with pytest.raises(ValueError, match="eps must be > 0 when training.*nan"):
        batch_norm(x, None, None, training=True, eps=float("nan"))
    with pytest.raises(ValueError, match="eps must be >= 0, got nan"):
        batch_norm(x, torch.zeros(3), torch.ones(3), eps=float("nan"))
    with pytest.raises(ValueError, match="momentum must be a finite number"):
        batch_norm(
            x,
            torch.zeros(3),
            torch.ones(3),
            training=True,
            momentum=float("nan"),
        )


@pytest.mark.parametrize("training", [True, False])
def test_momentum_none_is_a_type_error_as_in_torch(training):
    """The cumulative average (momentum=None) belongs to the modules (tested in
    test_modules); the function refuses it."""
    x, stats = torch.randn(4, 3), (torch.zeros(3), torch.ones(3))
    with pytest.raises(TypeError, match="momentum"):
        F.batch_norm(x, *stats, training=training, momentum=None)
    with pytest.raises(
        TypeError,
        match="momentum must be a real number, got None.*BatchNorm1d",
    ):
        batch_norm(x, *stats, training=training, momentum=None)
    with pytest.raises(TypeError, match="eps must be a real number"):
        batch_norm(x, *stats, training=training, eps="1e-5")  # type: ignore[arg-type]


def test_numpy_and_tensor_scalars_are_accepted_like_torch():
    import numpy as np

    x = torch.randn(6, 3, dtype=torch.float64)
    ours, theirs = (
        [
            torch.zeros(3, dtype=torch.float64),
            torch.ones(3, dtype=torch.float64),
        ],
        [
            torch.zeros(3, dtype=torch.float64),
            torch.ones(3, dtype=torch.float64),
        ],
    )
    y = batch_norm(
        x,
        *ours,
        training=True,
        momentum=np.float64(0.3),
        eps=torch.tensor(1e-3),
    )
    y_ref = F.batch_norm(
        x,
        *theirs,
        training=True,
        momentum=np.float64(0.3),
        eps=torch.tensor(1e-3),
    )
    assert torch.allclose(y, y_ref) and all(
        torch.allclose(a, b) for a, b in zip(ours, theirs, strict=True)
    )


def _transform_cases(training):
    """Ours and torch's batch_norm as functions of (x, γ, β), with running
    statistics in evaluation mode."""
    g = torch.Generator().manual_seed(6)
    stats = (
        torch.randn(3, generator=g, dtype=torch.float64),
        torch.rand(3, generator=g, dtype=torch.float64) + 0.5,
    )

    def make(function):
        return lambda x, w, b: function(
            x, *(stats if not training else (None, None)), w, b, training
        )

    return make(batch_norm), make(F.batch_norm), g


@pytest.mark.parametrize("training", [True, False])
def test_torch_func_transforms_agree_with_torch(training, assert_all_close):
    """torch.func.grad, jacrev, vmap (over x, over γ alone, over all), vmap of
    grad, grad of vmap, and a Hessian."""
    from torch.func import grad, jacrev, vmap

    ours, theirs, g = _transform_cases(training)
    x = torch.randn(4, 3, 2, 3, generator=g, dtype=torch.float64)
    w, b = (
        torch.randn(3, generator=g, dtype=torch.float64),
        torch.randn(3, generator=g, dtype=torch.float64),
    )
    xs = torch.randn(5, 4, 3, 2, 3, generator=g, dtype=torch.float64)
    ws, bs = (
        torch.randn(5, 3, generator=g, dtype=torch.float64),
        torch.randn(5, 3, generator=g, dtype=torch.float64),
    )

    def loss(f):
        return lambda x, w, b: (f(x, w, b) ** 3).sum()

    every = (0, 1, 2)
    assert_all_close(
        grad(loss(ours), every)(x, w, b), grad(loss(theirs), every)(x, w, b)
    )
    assert_all_close(
        jacrev(ours, every)(x[:2, :, :1], w, b),
        jacrev(theirs, every)(x[:2, :, :1], w, b),
    )
    for in_dims, args in [
        ((0, None, None), (xs, w, b)),
        ((None, 0, None), (x, ws, b)),
        ((1, 0, 0), (xs.transpose(0, 1), ws, bs)),
    ]:
        assert_all_close(
            vmap(ours, in_dims)(*args), vmap(theirs, in_dims)(*args)
        )
    assert_all_close(
        vmap(grad(loss(ours), every))(xs, ws, bs),
        vmap(grad(loss(theirs), every))(xs, ws, bs),
    )
    summed = [
        lambda xs, ws, bs, f=f: vmap(loss(f))(xs, ws, bs).sum()
        for f in (ours, theirs)
    ]
    assert_all_close(
        grad(summed[0], every)(xs, ws, bs), grad(summed[1], every)(xs, ws, bs)
    )
    small = x[:3, :, :1, :2]
    hessians = [
        jacrev(jacrev(lambda x, f=f: loss(f)(x, w, b)))(small)
        for f in (ours, theirs)
    ]
    assert_all_close(*hessians)


def test_running_statistics_under_torch_func_like_torch(assert_close):
    """grad updates captured statistics; vmap updates vmapped ones per example;
    unvmapped ones with vmapped x are refused."""
    from torch.func import grad, vmap

    g = torch.Generator().manual_seed(7)
    x = torch.randn(4, 3, 2, generator=g, dtype=torch.float64)
    xs = torch.randn(5, 4, 3, 2, generator=g, dtype=torch.float64)
    results = []
    for function in (batch_norm, F.batch_norm):
        stats = [
            torch.zeros(3, dtype=torch.float64),
            torch.ones(3, dtype=torch.float64),
        ]
        x_bar = grad(
            lambda x: (function(x, *stats, None, None, True) ** 3).sum()
        )(x)
        batched = [
            torch.zeros(5, 3, dtype=torch.float64),
            torch.ones(5, 3, dtype=torch.float64),
        ]
        y = vmap(lambda x, m, v: function(x, m, v, None, None, True))(
            xs, *batched
        )
        results.append([x_bar, *stats, y, *batched])
    for ours, theirs in zip(*results, strict=True):
        assert_close(ours, theirs)
    # the update did happen
    assert not torch.equal(results[0][1], torch.zeros(3, dtype=torch.float64))
    stats = [
        torch.zeros(3, dtype=torch.float64),
        torch.ones(3, dtype=torch.float64),
    ]
    with pytest.raises(RuntimeError, match="running_mean or running_var"):
        vmap(lambda x: F.batch_norm(x, *stats, None, None, True))(xs)
    with pytest.raises(
        ValueError,
        match=(
            "running_mean and running_var are updated in place.*vmapped when"
            " x is"
        ),
    ):
        vmap(lambda x: batch_norm(x, *stats, None, None, True))(xs)
    transposed = [
        torch.zeros(3, 5, dtype=torch.float64),
        torch.ones(3, 5, dtype=torch.float64),
    ]
    vmap(
        lambda x, m, v: batch_norm(x, m, v, None, None, True),
        in_dims=(0, 1, 1),
    )(xs, *transposed)
    assert torch.allclose(transposed[0].T, results[0][4]) and torch.allclose(
        transposed[1].T, results[0][5]
    )


@pytest.mark.parametrize(
    ("dtype", "tolerance"), [(torch.float64, 1e-12), (torch.float32, 1e-5)]
)
@pytest.mark.parametrize(
    "shape", [(3, 2, 2, 3, 2), (2, 3, 2, 1, 2, 2), (0, 3, 2, 2, 2), (0,)]
)
@pytest.mark.parametrize("training", [True, False])
def test_any_n_c_star_shape_matches_torch(shape, training, dtype, tolerance):
    """(N, C, *) of any rank (a 5-D volume, 6-D) and the empty cases torch
    allows (an empty batch, an empty 1-D tensor): output, gradients and the
    running statistics equal torch's."""
    g = torch.Generator().manual_seed(1)
    c = shape[1] if len(shape) > 1 else 0
    x = torch.randn(shape, generator=g, dtype=dtype)
    weight = torch.randn(c, generator=g, dtype=dtype)
    bias = torch.randn(c, generator=g, dtype=dtype)
    # torch takes an empty 1-D tensor only without weight and bias
    affine = len(shape) > 1
    results = []
    for norm in (batch_norm, F.batch_norm):
        stats = [torch.randn(c, generator=g.manual_seed(2), dtype=dtype)]
        stats.append(stats[0].abs() + 0.5)
        leaves = [
            t.clone().requires_grad_()
            for t in ((x, weight, bias) if affine else (x,))
        ]
        y = norm(
            leaves[0],
            *stats,
            *(leaves[1:] if affine else (None, None)),
            training=training,
        )
        y.backward(torch.linspace(-1, 1, y.numel(), dtype=dtype).view_as(y))
        grads = [
            t.grad if t.grad is not None else torch.zeros_like(t)
            for t in leaves
        ]
        results.append((y.detach(), *grads, *stats))
    assert results[0][0].shape == shape
    for ours, theirs in zip(*results, strict=True):
        torch.testing.assert_close(ours, theirs, atol=tolerance, rtol=0)
