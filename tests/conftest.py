"""Shared test settings: every test starts from the same global random state,
and the tolerances that "agrees with torch" means, per dtype, are stated
once."""

import pytest
import torch

#: Largest elementwise difference allowed between two computations of the same
#: quantity, per dtype (relative to the size of the values compared; float32
#: accumulates rounding over sums of ~10³ terms).
TOLERANCES = {torch.float64: 1e-10, torch.float32: 1e-5}


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Seed torch's global generator, so a test's outcome never depends on the
    tests run before it."""
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def tolerance():
    """``tolerance(dtype)``: the agreement a test may demand at that dtype (see
    :data:`TOLERANCES`)."""
    return TOLERANCES.__getitem__
