"""dlnotes.backprop.conv: values and all gradients match PyTorch over strides,
paddings, dilations, groups."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from torch.autograd import gradcheck, gradgradcheck

from dlnotes.backprop.conv import (
    Geometry,
    conv2d,
    conv2d_input_grad,
    conv2d_input_grad_polyphase,
    conv2d_weight_grad,
    conv2d_weight_grad_unfold,
    phase_plan,
    resolve_padding,
    rotate_and_swap,
)
from dlnotes.backprop.saved import saved_bytes


def assert_rel(actual, expected, tol):
    scale = max(expected.abs().max().item(), 1.0)
    assert (actual - expected).abs().max().item() <= tol * scale


@st.composite
def configs(draw):
    kind = draw(st.sampled_from(["1", "2", "depthwise"]))
    if kind == "depthwise":
        groups = c_in = draw(st.integers(1, 4))
        c_out = c_in * draw(st.integers(1, 2))
    else:
        groups = int(kind)
        c_in, c_out = (
            groups * draw(st.integers(1, 3)),
            groups * draw(st.integers(1, 3)),
        )
    kernel = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    dilation = (draw(st.integers(1, 2)), draw(st.integers(1, 2)))
    padding = draw(
        st.one_of(
            st.integers(0, 2),
            st.tuples(st.integers(0, 2), st.integers(0, 2)),
            st.sampled_from(["same", "valid"]),
        )
    )
    stride = (
        (1, 1)
        if padding == "same"
        else (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    )
    size = (draw(st.integers(1, 9)), draw(st.integers(1, 9)))
    pads = resolve_padding(padding, kernel, dilation, stride)
    assume(
        all(
            s + p0 + p1 >= d * (k - 1) + 1
            for s, (p0, p1), d, k in zip(
                size, pads, dilation, kernel, strict=True
            )
        )
    )
    return dict(
        n=draw(st.integers(1, 3)),
        c_in=c_in,
        c_out=c_out,
        kernel=kernel,
        stride=stride,
        padding=padding,
        dilation=dilation,
        groups=groups,
        size=size,
        bias=draw(st.booleans()),
    )


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@settings(max_examples=60, deadline=None)
@given(
    cfg=configs(),
    dtype=st.sampled_from([torch.float32, torch.float64]),
    seed=st.integers(0, 2**16),
)
def test_matches_torch(cfg, dtype, seed, tolerance):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(
        cfg["n"], cfg["c_in"], *cfg["size"], generator=g, dtype=dtype
    ).requires_grad_()
    w = torch.randn(
        cfg["c_out"],
        cfg["c_in"] // cfg["groups"],
        *cfg["kernel"],
        generator=g,
        dtype=dtype,
    ).requires_grad_()
    b = (
        torch.randn(cfg["c_out"], generator=g, dtype=dtype).requires_grad_()
        if cfg["bias"]
        else None
    )
    args = (cfg["stride"], cfg["padding"], cfg["dilation"], cfg["groups"])
    y, y_ref = conv2d(x, w, b, *args), F.conv2d(x, w, b, *args)
    tol = tolerance(dtype)
    assert_rel(y, y_ref, tol)
    y_bar = torch.randn(y_ref.shape, generator=g, dtype=dtype)
    inputs = [t for t in (x, w, b) if t is not None]
    refs = torch.autograd.grad(y_ref, inputs, y_bar)
    for ours, ref in zip(
        torch.autograd.grad(y, inputs, y_bar), refs, strict=True
    ):
        assert_rel(ours, ref, tol)
    pads = resolve_padding(
        cfg["padding"], cfg["kernel"], cfg["dilation"], cfg["stride"]
    )
    # both forms, whatever the stride
    for input_grad in (conv2d_input_grad, conv2d_input_grad_polyphase):
        geometry = Geometry(
            cfg["stride"], pads, cfg["dilation"], cfg["groups"]
        )
        x_bar = input_grad(y_bar, w.detach(), cfg["size"], geometry)
        assert_rel(x_bar, refs[0], tol)


def test_literal_input_grad_is_conv_transpose2d(assert_close):
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2, 4, 9, 8, generator=g, dtype=torch.float64)
    w = torch.randn(6, 2, 3, 2, generator=g, dtype=torch.float64)
    y = F.conv2d(x, w, None, 2, 1, (2, 1), 2)
    y_bar = torch.randn_like(y)
    geometry = Geometry((2, 2), ((1, 1), (1, 1)), (2, 1), 2)
    ours = conv2d_input_grad(y_bar, w, (9, 8), geometry)
    # conv_transpose2d needs the rows the forward's windows left unread as
    # "output_padding"
    output_padding = [
        size + 2 - ((o - 1) * 2 + d * (k - 1) + 1)
        for size, o, d, k in zip(
            (9, 8), y.shape[-2:], (2, 1), (3, 2), strict=True
        )
    ]
    transposed = F.conv_transpose2d(
        y_bar, w, None, 2, 1, tuple(output_padding), 2, (2, 1)
    )
    assert_close(ours, transposed)


def test_rotate_and_swap():
    w = torch.arange(2 * 3 * 2 * 2.0).view(2, 3, 2, 2)  # groups = 1
    r = rotate_and_swap(w, 1)
    assert r.shape == (3, 2, 2, 2)
    assert r[1, 0, 0, 0] == w[0, 1, 1, 1] and r[2, 1, 1, 0] == w[1, 2, 0, 1]
    # groups = 2: (C_out=4, C_in/g=1) -> (C_in=2, C_out/g=2)
    wg = torch.arange(4 * 1 * 1 * 1.0).view(4, 1, 1, 1)
    assert rotate_and_swap(wg, 2).view(-1).tolist() == [0.0, 1.0, 2.0, 3.0]


def test_phase_plan_skips_unreached_phases():
    # d = s = 2: odd rows of x̃ are never read
    assert [a for a, *_ in phase_plan(8, (0, 0), 3, 3, 2, 2)] == [0]
    assert [a for a, *_ in phase_plan(8, (1, 1), 4, 3, 2, 1)] == [0, 1]


@pytest.mark.filterwarnings("ignore:Using padding='same'")
@pytest.mark.parametrize(
    "stride,padding,dilation,groups",
    [(1, 1, 1, 1), (2, (1, 0), (1, 2), 2), (1, "same", 2, 3)],
)
def test_gradcheck_and_gradgradcheck(stride, padding, dilation, groups):
    g = torch.Generator().manual_seed(2)
    c_in = 2 * groups
    x = torch.randn(
        2, c_in, 6, 5, generator=g, dtype=torch.float64, requires_grad=True
    )
    w = torch.randn(
        groups * 2,
        c_in // groups,
        2,
        3,
        generator=g,
        dtype=torch.float64,
        requires_grad=True,
    )
    b = torch.randn(
        groups * 2, generator=g, dtype=torch.float64, requires_grad=True
    )

    def f(x, w, b):
        return conv2d(x, w, b, stride, padding, dilation, groups)

    assert gradcheck(f, (x, w, b), fast_mode=True)
    assert gradgradcheck(f, (x, w, b), fast_mode=True)


def test_saves_only_input_and_kernel():
    x = torch.randn(2, 3, 8, 8, requires_grad=True)
    w = torch.randn(4, 3, 3, 3, requires_grad=True)
    assert (
        saved_bytes(lambda: conv2d(x, w, None, 2, 1))
        == (x.numel() + w.numel()) * 4
    )
    assert saved_bytes(lambda: conv2d(x, w, None, 2, 1)) <= saved_bytes(
        lambda: F.conv2d(x, w, None, 2, 1)
    )


def test_bad_input():
    x, w = torch.randn(1, 4, 5, 5), torch.randn(6, 2, 3, 3)
    with pytest.raises(ValueError, match="groups=3 must divide"):
        conv2d(x, torch.randn(6, 1, 3, 3), groups=3)
    with pytest.raises(ValueError, match="weight expects 2 input channels"):
        conv2d(x, w)
    with pytest.raises(TypeError, match="x must have a floating-point dtype"):
        conv2d(x.long(), w, groups=2)
    with pytest.raises(ValueError, match="x must have shape"):
        conv2d(x[0, 0], w, groups=2)
    with pytest.raises(ValueError, match="bias must have shape"):
        conv2d(x, w, torch.zeros(5), groups=2)
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        conv2d(x, w, stride=2, padding="same", groups=2)
    with pytest.raises(ValueError, match="padding must be 'same', 'valid'"):
        conv2d(x, w, padding="full", groups=2)
    with pytest.raises(ValueError, match="stride must be >= 1"):
        conv2d(x, w, stride=0, groups=2)
    with pytest.raises(TypeError, match="dilation must be an int or a pair"):
        conv2d(x, w, dilation=(1, 2, 3), groups=2)
    with pytest.raises(ValueError, match="too small"):
        conv2d(x, torch.randn(6, 2, 7, 7), groups=2)
    with pytest.raises(ValueError, match="groups must be a positive int"):
        conv2d(x, w, groups=0)


@pytest.mark.parametrize("padding", [((1, 1), (0, 0)), ((0, 1), (2, 1))])
@pytest.mark.parametrize("groups", [1, 2, 4])
def test_both_kernel_gradient_forms_agree(padding, groups):
    """The conv2d form (float32 path) and the unfold form (float64 path) give
    the same ∂L/∂k."""
    g = torch.Generator().manual_seed(3)
    x = torch.randn(2, 4, 9, 8, generator=g, dtype=torch.float64)
    w = torch.randn(8, 4 // groups, 3, 2, generator=g, dtype=torch.float64)
    y = F.conv2d(
        F.pad(x, (padding[1][0], padding[1][1], padding[0][0], padding[0][1])),
        w,
        None,
        (2, 1),
        0,
        (1, 2),
        groups,
    )
    y_bar = torch.randn(y.shape, generator=g, dtype=torch.float64)
    args = ((3, 2), Geometry((2, 1), padding, (1, 2), groups))
    unfolded = conv2d_weight_grad_unfold(x, y_bar, *args)
    as_conv = conv2d_weight_grad(x.float(), y_bar.float(), *args).double()
    assert torch.allclose(unfolded, as_conv, atol=1e-4)
    assert torch.allclose(conv2d_weight_grad(x, y_bar, *args), unfolded)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("stride,groups", [(1, 1), (2, 2)])
def test_empty_batch_gives_zero_gradients_like_torch(dtype, stride, groups):
    x = torch.randn(0, 4, 5, 5, dtype=dtype, requires_grad=True)
    w = torch.randn(6, 4 // groups, 3, 3, dtype=dtype, requires_grad=True)
    b = torch.randn(6, dtype=dtype, requires_grad=True)
    y, y_ref = (
        conv2d(x, w, b, stride, 1, 1, groups),
        F.conv2d(x, w, b, stride, 1, 1, groups),
    )
    assert y.shape == y_ref.shape and y.shape[0] == 0
    ours = torch.autograd.grad(y.sum(), (x, w, b))
    theirs = torch.autograd.grad(y_ref.sum(), (x, w, b))
    for a, t in zip(ours, theirs, strict=True):
        assert a.shape == t.shape and a.dtype == t.dtype and torch.equal(a, t)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(stride=np.int64(2)),
        dict(stride=torch.tensor(2)),
        dict(stride=[2]),
        dict(stride=(torch.tensor(2), np.int32(1))),
        dict(stride=torch.tensor([2])),
        dict(padding=np.int64(1), dilation=torch.tensor(2)),
        dict(padding=[1], dilation=(2,)),
        dict(groups=np.int64(2)),
        dict(groups=torch.tensor(2)),
    ],
)
def test_integer_like_arguments_are_read_as_torch_reads_them(kwargs):
    g = torch.Generator().manual_seed(5)
    x = torch.randn(
        2, 4, 7, 6, generator=g, dtype=torch.float64, requires_grad=True
    )
    groups = int(kwargs.get("groups", 1))
    w = torch.randn(
        4,
        4 // groups,
        3,
        2,
        generator=g,
        dtype=torch.float64,
        requires_grad=True,
    )
    y, y_ref = conv2d(x, w, **kwargs), F.conv2d(x, w, **kwargs)
    assert y.shape == y_ref.shape and torch.allclose(y, y_ref)
    for ours, theirs in zip(
        torch.autograd.grad(y.sum(), (x, w)),
        torch.autograd.grad(y_ref.sum(), (x, w)),
        strict=True,
    ):
        assert torch.allclose(ours, theirs)


@pytest.mark.parametrize(
    "kwargs,error,message",
    [
        (
            dict(stride=2.0),
            TypeError,
            "stride must be an int or a pair of ints, got 2.0",
        ),
        (
            dict(stride=torch.tensor(2.0)),
            TypeError,
            "stride must be an int or a pair",
        ),
        (
            dict(stride=True),
            TypeError,
            "stride must be an int or a pair of ints, got True",
        ),
        (dict(stride=(True, 1)), TypeError, "stride must be an int or a pair"),
        (
            dict(stride=torch.tensor([2, 1])),
            TypeError,
            "stride must be an int or a pair",
        ),
        (
            dict(stride=[]),
            TypeError,
            (
                r"stride must be an int or a pair of ints \(or a list of"
                r" one\), got \[\]"
            ),
        ),
        (dict(stride=[2, 1, 1]), TypeError, "stride must be an int or a pair"),
        (dict(padding=-1), ValueError, "padding must be >= 0, got -1"),
        (dict(dilation=np.int64(0)), ValueError, "dilation must be >= 1"),
        (
            dict(groups=1.0),
            TypeError,
            "groups must be a positive int, got 1.0",
        ),
        (
            dict(groups=True),
            TypeError,
            "groups must be a positive int, got True",
        ),
    ],
)
def test_arguments_torch_refuses_are_refused(kwargs, error, message):
    x, w = torch.randn(1, 2, 6, 6), torch.randn(2, 2, 3, 3)
    with pytest.raises((TypeError, RuntimeError)):
        F.conv2d(x, w, **kwargs)
    with pytest.raises(error, match=message):
        conv2d(x, w, **kwargs)


@pytest.mark.parametrize(
    "stride,padding,dilation,groups",
    [(1, 0, 1, 1), (2, 1, 1, 2), ((2, 3), (1, 0), (2, 1), 2)],
)
def test_torch_func_transforms_agree_with_torch(
    stride, padding, dilation, groups
):
    """torch.func.grad, jacrev, vmap (over x, over the kernels alone, over
    all), vmap of grad, a Hessian."""
    from torch.func import grad, jacrev, vmap

    g = torch.Generator().manual_seed(8)
    x = torch.randn(1, 4, 6, 5, generator=g, dtype=torch.float64)
    w = torch.randn(4, 4 // groups, 3, 2, generator=g, dtype=torch.float64)
    b = torch.randn(4, generator=g, dtype=torch.float64)
    xs, ws, bs = (
        torch.randn(2, *t.shape, generator=g, dtype=torch.float64)
        for t in (x, w, b)
    )

    def ours(x, w, b):
        return conv2d(x, w, b, stride, padding, dilation, groups)

    def theirs(x, w, b):
        return F.conv2d(x, w, b, stride, padding, dilation, groups)

    def loss(f):
        return lambda x, w, b: (f(x, w, b) ** 2).sum()

    def close(a, t):
        a, t = (a, t) if isinstance(a, tuple) else ((a,), (t,))
        assert all(
            u.shape == v.shape and torch.allclose(u, v, atol=1e-10)
            for u, v in zip(a, t, strict=True)
        )

    every = (0, 1, 2)
    close(grad(loss(ours), every)(x, w, b), grad(loss(theirs), every)(x, w, b))
    close(jacrev(ours, every)(x, w, b), jacrev(theirs, every)(x, w, b))
    for in_dims, args in [
        ((0, None, None), (xs, w, b)),
        ((None, 0, None), (x, ws, b)),
        (0, (xs, ws, bs)),
    ]:
        close(vmap(ours, in_dims)(*args), vmap(theirs, in_dims)(*args))
    for in_dims, args in [(0, (xs, ws, bs)), ((None, 0, None), (x, ws, b))]:
        close(
            vmap(grad(loss(ours), every), in_dims)(*args),
            vmap(grad(loss(theirs), every), in_dims)(*args),
        )
    hessians = [
        jacrev(jacrev(lambda w, f=f: loss(f)(x, w, b)))(w)
        for f in (ours, theirs)
    ]
    close(*hessians)


@pytest.mark.parametrize(
    ("dtype", "tolerance"), [(torch.float64, 1e-12), (torch.float32, 1e-5)]
)
def test_unbatched_input_matches_torch_forward_and_backward(dtype, tolerance):
    """One image (C_in, H, W), as F.conv2d takes it: output (C_out, H', W')
    and gradients equal torch's."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(4, 7, 6, generator=g, dtype=dtype)
    w = torch.randn(6, 2, 3, 3, generator=g, dtype=dtype)
    b = torch.randn(6, generator=g, dtype=dtype)
    grads = []
    for conv in (conv2d, F.conv2d):
        leaves = [t.clone().requires_grad_() for t in (x, w, b)]
        y = conv(*leaves, stride=(2, 1), padding=1, groups=2)
        y.backward(torch.linspace(-1, 1, y.numel(), dtype=dtype).view_as(y))
        grads.append((y.detach(), *(t.grad for t in leaves)))
    assert grads[0][0].shape == (6, 4, 6)
    for ours, theirs in zip(*grads, strict=True):
        torch.testing.assert_close(ours, theirs, atol=tolerance, rtol=0)
