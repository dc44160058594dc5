"""dlnotes.backprop.staged: the two BatchNorm baselines agree with PyTorch and
save more than ours."""

import torch
import torch.nn.functional as F

from dlnotes.backprop.batchnorm import batch_norm
from dlnotes.backprop.saved import saved_bytes
from dlnotes.backprop.staged import (
    StagedBatchNormFunction,
    batch_norm_primitives,
)


def test_baselines_match_torch_and_save_more(assert_close):
    g = torch.Generator().manual_seed(0)
    x = (
        torch.randn(6, 3, 4, 4, generator=g, dtype=torch.float64) + 2
    ).requires_grad_()
    w = torch.randn(3, generator=g, dtype=torch.float64).requires_grad_()
    b = torch.randn(3, generator=g, dtype=torch.float64).requires_grad_()
    y_bar = torch.randn(x.shape, generator=g, dtype=torch.float64)
    ref = torch.autograd.grad(
        F.batch_norm(x, None, None, w, b, True), (x, w, b), y_bar
    )
    ours_saved = saved_bytes(lambda: batch_norm(x, None, None, w, b, True))
    for forward in (
        lambda: StagedBatchNormFunction.apply(x, w, b, 1e-5),
        lambda: batch_norm_primitives(x, w, b),
    ):
        for got, want in zip(
            torch.autograd.grad(forward(), (x, w, b), y_bar), ref, strict=True
        ):
            assert_close(got, want)
        # at least one more x-sized tensor
        assert saved_bytes(forward) >= ours_saved + x.numel() * 8


def test_staged_gradcheck():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(
        5, 2, 3, generator=g, dtype=torch.float64, requires_grad=True
    )
    w = torch.randn(2, generator=g, dtype=torch.float64, requires_grad=True)
    b = torch.randn(2, generator=g, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(
        lambda x, w, b: StagedBatchNormFunction.apply(x, w, b, 1e-5), (x, w, b)
    )
