"""dlnotes.sphere.experiments.band_limit: the degrees l < b₁ that the first
layer keeps, and the planar ceiling."""

import pytest
import torch

from dlnotes.data import Dataset
from dlnotes.sphere.experiments.band_limit import (
    band_limit,
    band_limit_ceiling,
)
from dlnotes.sphere.s2_fft import s2_fft, s2_ifft
from dlnotes.train import Recipe


def random_band_limited(b: int, n: int = 4, seed: int = 0) -> Dataset:
    """Real signals of bandwidth b on the SOFT grid, ``[n, 1, 2b, 2b]``
    float64."""
    generator = torch.Generator().manual_seed(seed)
    noise = torch.randn(
        n, 1, 2 * b, 2 * b, dtype=torch.float64, generator=generator
    )
    # the degrees l < b of white noise: real and band-limited
    signals = s2_ifft(s2_fft(noise), b).real
    return Dataset(signals, torch.zeros(n, dtype=torch.int64))


def test_keeping_every_degree_changes_nothing(assert_close):
    data = random_band_limited(8)
    assert_close(band_limit(data, 8).images, data.images)


def test_keeps_exactly_the_low_degrees(assert_close):
    b, limit = 8, 3
    data = random_band_limited(b)
    kept = band_limit(data, limit)
    before, after = s2_fft(data.images), s2_fft(kept.images)
    low = limit * limit  # packing l*l + l + m: degrees l < limit come first
    assert_close(after[..., :low], before[..., :low])
    high = after[..., low:]
    assert_close(high, torch.zeros_like(high), scale=before.abs().max())
    # a projection
    assert_close(band_limit(kept, limit).images, kept.images)
    assert kept.images.dtype == torch.float64 and torch.equal(
        kept.labels, data.labels
    )


def test_float32_signals_stay_float32():
    data = random_band_limited(6)
    data = Dataset(data.images.float(), data.labels)
    assert band_limit(data, 4).images.dtype == torch.float32


@pytest.mark.parametrize("degrees", [0, 9])
def test_degrees_outside_the_grid_are_rejected(degrees):
    with pytest.raises(ValueError, match="degrees must lie in 1..8"):
        band_limit(random_band_limited(8), degrees)


def test_signals_not_on_a_soft_grid_are_rejected():
    with pytest.raises(ValueError, match="data.images"):
        band_limit(
            Dataset(
                torch.zeros(2, 1, 6, 8), torch.zeros(2, dtype=torch.int64)
            ),
            2,
        )


def test_ceiling_trains_one_planar_model_per_limit():
    table = band_limit_ceiling(
        b=10,
        degrees=(3, 10),
        n_train=40,
        n_test=20,
        recipe=Recipe(epochs=1, lr=5e-3, batch_size=16),
    )
    assert list(table["degrees"]) == [3, 10]
    assert table["test accuracy"].between(0, 1).all()


def test_ceiling_trains_with_the_recipe_it_is_given():
    table = band_limit_ceiling(
        b=10,
        degrees=(3,),
        n_train=40,
        n_test=20,
        recipe=Recipe(epochs=1, lr=5e-3, batch_size=16, schedule="cosine"),
    )
    assert table["test accuracy"].between(0, 1).all()
