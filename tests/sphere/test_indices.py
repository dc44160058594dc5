"""dlnotes.sphere._indices: the packed positions and the FFT order layouts."""

import torch

from dlnotes.sphere._indices import (
    centre_orders,
    s2_indices,
    so3_indices,
    uncentre_orders,
)
from dlnotes.sphere.wigner import so3_offset

CPU = torch.device("cpu")


def test_s2_packing():
    l, m = s2_indices(4, CPU)
    assert l.shape == m.shape == (16,)
    assert torch.equal(l * l + l + m, torch.arange(16))


def test_so3_packing():
    l, m, n = so3_indices(4, CPU)
    position = (
        torch.tensor([so3_offset(k) for k in l.tolist()])
        + (l + m) * (2 * l + 1)
        + (l + n)
    )
    assert torch.equal(position, torch.arange(so3_offset(4)))


def test_centre_orders():
    # an FFT axis of 8: orders 0 .. 3, then -4 .. -1
    orders = torch.tensor([0, 1, 2, 3, -4, -3, -2, -1])
    assert torch.equal(
        centre_orders(orders, 3, 0), torch.tensor([-2, -1, 0, 1, 2])
    )


def test_uncentre_orders_inverts_centre_orders():
    centred = torch.tensor([[-2, -1, 0, 1, 2]])
    placed = uncentre_orders(centred, 8, -1)
    assert torch.equal(placed, torch.tensor([[0, 1, 2, 0, 0, 0, -2, -1]]))
    assert torch.equal(centre_orders(placed, 3, -1), centred)
