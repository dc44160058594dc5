"""dlnotes.sphere.table_cache: least recently used tables dropped to keep
within the budget."""

import contextlib

import pytest
import torch

from dlnotes.sphere import table_cache
from dlnotes.sphere.table_cache import TableCache


def test_least_recently_used_tables_make_room():
    cache = TableCache(budget=100)
    cache.put("a", 1, 40)
    cache.put("b", 2, 40)
    assert cache.get("a") == 1  # "b" is now the least recently used
    cache.put("c", 3, 40)
    assert (
        cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    )
    assert cache.info() == table_cache.CacheInfo(
        entries=2, nbytes=80, budget=100
    )


def test_a_table_larger_than_the_budget_is_not_kept():
    cache = TableCache(budget=100)
    cache.put("a", 1, 60)
    cache.put("big", 2, 101)
    assert cache.get("big") is None and cache.get("a") == 1
    assert not cache.fits(101) and cache.fits(100)


def test_lowering_the_budget_drops_tables_and_clear_drops_all():
    cache = TableCache(budget=100)
    cache.put("a", 1, 30)
    cache.put("b", 2, 30)
    cache.budget = 40
    assert cache.info().entries == 1 and cache.get("b") == 2
    cache.put("b", 3, 20)  # replacing a key counts its new size only
    assert cache.info().nbytes == 20
    cache.clear()
    assert cache.info() == table_cache.CacheInfo(0, 0, 40)


def test_public_functions(monkeypatch):
    monkeypatch.setattr(table_cache, "TABLES", TableCache())
    table_cache.TABLES.put("t", torch.zeros(3), 24)
    assert table_cache.table_cache_info().entries == 1
    table_cache.set_table_cache_budget(10)
    assert table_cache.table_cache_info() == table_cache.CacheInfo(0, 0, 10)
    table_cache.TABLES.put("t", torch.zeros(1), 8)
    table_cache.clear_table_cache()
    assert table_cache.table_cache_info().entries == 0


@pytest.mark.parametrize(
    "budget, error, match",
    [
        (1.5, TypeError, "nbytes must be an int"),
        (True, TypeError, "nbytes must be an int"),
        (-1, ValueError, "nbytes must be a number of bytes >= 0"),
    ],
)
def test_bad_budget(budget, error, match):
    with pytest.raises(error, match=match):
        table_cache.set_table_cache_budget(budget)


@pytest.mark.parametrize(
    "first", ["inference_mode", "no_grad", "inference_mode_in_no_grad"]
)
def test_a_first_call_under_inference_mode_never_breaks_training(first):
    """The issue's reproducer: the first call at a size ran under
    ``torch.inference_mode()`` and cached its tables (FFT tables, the layers'
    filter DFTs) as inference tensors; every later backward at that size
    failed. Now the tables are built outside inference mode, in any order."""
    from dlnotes.sphere import S2Convolution, SO3Convolution
    from dlnotes.sphere import s2_near_identity_grid as s2_grid
    from dlnotes.sphere import so3_near_identity_grid as so3_grid

    table_cache.clear_table_cache()
    s2 = S2Convolution(1, 2, 6, 4, s2_grid())
    so3 = SO3Convolution(2, 2, 4, 3, so3_grid())

    def forward():
        return so3(s2(torch.randn(1, 1, 12, 12)))

    modes = {
        "inference_mode": [torch.inference_mode],
        "no_grad": [torch.no_grad],
        "inference_mode_in_no_grad": [torch.no_grad, torch.inference_mode],
    }[first]
    with contextlib.ExitStack() as stack:
        for mode in modes:
            stack.enter_context(mode())
        forward()
    forward().sum().backward()
    assert s2.kernel.grad is not None and so3.kernel.grad is not None
    with torch.inference_mode():
        forward()
    forward().sum().backward()


def test_clear_table_cache_clears_the_layers_caches_too():
    from dlnotes.sphere import S2Convolution
    from dlnotes.sphere import s2_near_identity_grid as s2_grid
    from dlnotes.sphere.layers import s2_filter_dft

    S2Convolution(1, 2, 6, 4, s2_grid())(torch.randn(1, 1, 12, 12))
    assert s2_filter_dft.cache_info().currsize > 0
    table_cache.clear_table_cache()
    assert s2_filter_dft.cache_info().currsize == 0
    assert table_cache.table_cache_info().entries == 0
