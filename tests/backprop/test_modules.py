"""dlnotes.backprop.modules: torch's constructors and state_dicts, the same
outputs and gradients."""

import pytest
import torch
from torch import nn

from dlnotes.backprop.batchnorm import BatchNormFunction
from dlnotes.backprop.modules import BatchNorm1d, BatchNorm2d, Conv2d, Dropout


def _same_state(a: nn.Module, b: nn.Module, assert_close=None) -> None:
    """The same state_dict: names, dtypes, and values, equal or, given the
    ``assert_close`` fixture, equal at rounding level (floating ones)."""
    sa, sb = a.state_dict(), b.state_dict()
    assert list(sa) == list(sb)
    for k in sa:
        assert sa[k].dtype == sb[k].dtype, k
        if assert_close is not None and sa[k].is_floating_point():
            assert_close(sa[k], sb[k])
        else:
            assert torch.equal(sa[k], sb[k]), k


@pytest.mark.parametrize(
    "ours_cls,theirs_cls,shape",
    [
        (BatchNorm1d, nn.BatchNorm1d, (6, 4)),
        (BatchNorm1d, nn.BatchNorm1d, (6, 4, 3)),
        (BatchNorm2d, nn.BatchNorm2d, (5, 4, 3, 2)),
    ],
)
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_trains_and_evaluates_like_torch(
    ours_cls, theirs_cls, shape, momentum, assert_close
):
    torch.manual_seed(0)
    theirs = theirs_cls(4, momentum=momentum)
    ours = ours_cls(4, momentum=momentum)
    with torch.no_grad():
        theirs.weight.uniform_(0.5, 1.5)
        theirs.bias.uniform_(-1, 1)
    ours.load_state_dict(theirs.state_dict())
    for _ in range(3):
        x = torch.randn(shape) * 2 + 1
        assert_close(ours(x), theirs(x))
    # running statistics: same up to float32 rounding
    _same_state(ours, theirs, assert_close)
    ours.eval(), theirs.eval()
    x = torch.randn(shape, requires_grad=True)
    assert_close(ours(x), theirs(x))
    round_trip = theirs_cls(4, momentum=momentum)
    round_trip.load_state_dict(ours.state_dict())
    _same_state(round_trip, ours)


def test_batchnorm_without_running_stats_and_backward_is_ours(assert_close):
    ours, theirs = (
        BatchNorm2d(3, track_running_stats=False, affine=False),
        nn.BatchNorm2d(3, track_running_stats=False, affine=False),
    )
    x = torch.randn(4, 3, 2, 2, requires_grad=True)
    y = ours.eval()(x)
    assert_close(y, theirs.eval()(x))
    assert (
        type(ours.train()(x).grad_fn).__name__
        == f"{BatchNormFunction.__name__}Backward"
    )


def test_batchnorm_checks_dimensions_like_torch():
    with pytest.raises(ValueError, match="expected 4D input"):
        BatchNorm2d(3)(torch.randn(4, 3))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(stride=2, padding=(1, 2), dilation=(2, 1), groups=2, bias=False),
        dict(padding="same", padding_mode="reflect"),
        dict(padding=1, padding_mode="circular", groups=4),
    ],
)
def test_conv2d_loads_torch_weights(kwargs, assert_close):
    torch.manual_seed(0)
    theirs = nn.Conv2d(4, 8, (3, 2), **kwargs)
    ours = Conv2d(4, 8, (3, 2), **kwargs)
    ours.load_state_dict(theirs.state_dict())
    _same_state(ours, theirs)
    x = torch.randn(2, 4, 9, 7, requires_grad=True)
    y, y_ref = ours(x), theirs(x)
    assert_close(y, y_ref)
    y_bar = torch.randn_like(y)
    for a, b in zip(
        torch.autograd.grad(y, [x, *ours.parameters()], y_bar),
        torch.autograd.grad(y_ref, [x, *theirs.parameters()], y_bar),
        strict=True,
    ):
        assert_close(a, b)


def test_dropout_module():
    m = Dropout(0.25)
    assert repr(m) == repr(nn.Dropout(0.25)) and m.state_dict() == {}
    x = torch.ones(10_000)
    assert m.eval()(x) is x
    y = m.train()(x)
    assert (
        torch.isclose(y, torch.tensor(0.0))
        .logical_or(torch.isclose(y, torch.tensor(1 / 0.75)))
        .all()
    )
    with pytest.raises(ValueError, match="inplace=True is not supported"):
        Dropout(0.5, inplace=True)


@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm_module_on_an_empty_batch_like_torch(momentum, assert_close):
    ours, theirs = (
        BatchNorm2d(3, momentum=momentum),
        nn.BatchNorm2d(3, momentum=momentum),
    )
    x = torch.randn(0, 3, 4, 4)
    assert ours(x).shape == theirs(x).shape == x.shape
    # running statistics untouched, the batch counted, as in torch
    _same_state(ours, theirs)
    x = torch.randn(5, 3, 4, 4)
    assert_close(ours(x), theirs(x))
    _same_state(ours, theirs, assert_close)


def test_model_ensembling_with_torch_func_like_torch(assert_close):
    """vmap over stacked parameters and buffers
    (torch.func.stack_module_state), training mode, and per-model gradients."""
    from torch.func import functional_call, grad, stack_module_state, vmap

    def models(conv, norm, seed):
        torch.manual_seed(seed)
        return [
            nn.Sequential(conv(3, 4, 3, padding=1, stride=2), norm(4)).double()
            for _ in range(3)
        ]

    x = torch.randn(5, 3, 6, 6, dtype=torch.float64)
    results = []
    for conv, norm in ((Conv2d, BatchNorm2d), (nn.Conv2d, nn.BatchNorm2d)):
        members = models(conv, norm, 0)
        params, buffers = stack_module_state(members)
        base = members[0].to("meta")

        def loss(params, buffers, x, base=base):
            return (functional_call(base, (params, buffers), (x,)) ** 3).sum()

        grads = vmap(grad(loss), in_dims=(0, 0, None))(params, buffers, x)
        results.append((grads, buffers))
    (ours, our_buffers), (theirs, their_buffers) = results
    assert list(ours) == list(theirs)
    for name in ours:
        # the gradients cancel to ~1e-11 (BatchNorm undoes the convolution's
        # scale) from terms of order 1e2: a bound on the terms' rounding, not
        # on the gradients' own size
        assert torch.allclose(ours[name], theirs[name], rtol=0, atol=1e-9)
    # running statistics updated per model, as torch's
    for name in our_buffers:
        assert_close(our_buffers[name].double(), their_buffers[name].double())
    assert our_buffers["1.running_mean"].abs().min() > 0 and our_buffers[
        "1.num_batches_tracked"
    ].tolist() == [1, 1, 1]
