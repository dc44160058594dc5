"""dlnotes.mobilenet.experiments.claim_checks: the shipped records fail the
checks they should, and made-up records that plateau pass them."""

import dataclasses

import pytest

from dlnotes.mobilenet.experiments import claim_checks, runs
from dlnotes.mobilenet.experiments.tradeoffs import Config


def test_the_narrowest_layer_counts_the_first_layer():
    assert claim_checks.narrowest_layer(Config("separable")) == 8
    assert claim_checks.narrowest_layer(Config("separable", 0.625)) == 5
    assert claim_checks.narrowest_layer(Config("separable", 2.0)) == 16


def test_capacity_names_the_thin_networks():
    check = claim_checks.capacity(
        [Config("separable"), Config("separable", 2.0)]
    )
    assert not check.passed
    assert check.detail.startswith(
        "1 separable-28: 8 channels in its narrowest layer"
    )
    assert claim_checks.capacity([Config("separable", 2.0)]).passed


def test_the_shipped_records_fail_convergence_and_capacity():
    recorded = runs.recorded()
    found = claim_checks.recorded_checks(recorded)
    assert set(found) == {"sf", "ns", "alpha", "rho"}
    sf = {c.name: c for c in found["sf"]}
    assert not sf["capacity"].passed and not sf["convergence"].passed
    assert "0.79" in sf["convergence"].detail  # separable's train accuracy
    assert "reaches 0 at the end" in sf["convergence"].detail
    assert sf["seeds"].passed
    ns = {c.name: c for c in found["ns"]}
    assert "0.625 separable-28: 5 channels" in ns["capacity"].detail
    assert [c.name for c in found["alpha"]] == ["convergence", "seeds"]


def _plateaued(record):
    flat = tuple(row | {"train_accuracy": 0.97} for row in record.epochs)
    settings = record.settings | {"schedule": "constant"}
    return dataclasses.replace(record, epochs=flat, settings=settings)


def test_a_plateau_at_a_constant_rate_passes_convergence():
    recorded = runs.Recorded(_plateaued(r) for r in runs.read_records())
    configs = [Config("separable"), Config("full")]
    check = claim_checks.convergence(recorded, configs)
    assert check.passed, check.detail
    assert "final train accuracy" in check.detail


@pytest.mark.parametrize(("epochs", "start"), [(8, 6), (4, 3), (10, 7)])
def test_last_quarter(epochs, start):
    assert claim_checks.last_quarter(epochs) == start
