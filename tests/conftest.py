"""Shared test settings: every test starts from the same global random state,
the suite runs on a chosen number of threads, and "equal up to rounding" is
stated once.

**Order.** pytest-randomly shuffles the tests (``make test`` prints the seed;
``make test SEED=N`` repeats an order). No test may depend on another: each
starts from ``torch.manual_seed(0)``.

**Threads.** ``DLNOTES_TEST_THREADS=N`` runs the suite with
``torch.set_num_threads(N)`` (default 1), so a result that depends on how a
reduction is split across threads shows up as a failure, not as a flake on
another machine.

**Tolerances.** Two computations of the same quantity in floating point agree
to a few roundings of the quantity's size, not of its own value: an error that
should be 0 comes out as ~1e-16 · (size of the numbers it was computed from),
and a relative tolerance on it means nothing. So a test that compares at
rounding level asks the ``tolerance`` fixture for an *absolute* tolerance,
``tolerance(dtype, scale, k)`` = ``k · eps(dtype) · scale``: ``scale`` is the
size of the numbers the compared values were computed from (1 for a relative
error), ``k`` how many roundings the computation may accumulate (default
:data:`ROUNDINGS`; say why where a test needs more). A test that compares a
computed tensor with its reference asks the ``assert_close`` fixture instead:
``assert_close(actual, expected)`` holds them to that tolerance at
``expected``'s dtype, ``scale`` the largest ``|expected|`` unless given
(``assert_all_close`` does so for tuples of tensors, as torch.func returns).
A fixed ``atol``/``rtol`` in a test is not a rounding tolerance: it is a
bound from the mathematics (a band limit, a grid's resolution, a
finite-difference step) or from a reference computed at lower precision,
and a comment beside it says which.

**Command lines and stand-ins.** ``cli_error`` runs a command line that must
stop and returns its one-line message; ``forbid`` replaces a function that
must not be called (data loaded before the arguments are checked, a network
connection) by one that fails the test.
"""

import os

import numpy as np
import pytest
import torch

#: Roundings a computation may accumulate by default (sums of ~10⁴ terms with
#: errors that partly cancel).
ROUNDINGS = 100


def rounding_tolerance(
    dtype: torch.dtype | np.dtype | type,
    scale: float = 1.0,
    k: float = ROUNDINGS,
) -> float:
    """``k · eps(dtype) · scale``: the absolute difference two computations
    of a quantity of size ``scale`` may show at that dtype (torch's or
    NumPy's)."""
    eps = (
        torch.finfo(dtype).eps
        if isinstance(dtype, torch.dtype)
        else np.finfo(dtype).eps
    )
    return k * eps * float(scale)


#: torch's threads for every test (``DLNOTES_TEST_THREADS``, default 1).
THREADS = int(os.environ.get("DLNOTES_TEST_THREADS", "1"))
# The BLAS loaded from here on (SciPy's OpenBLAS) gets the same count: on a
# crowded machine an OpenBLAS that cannot start its threads spins forever
# (seen in SciPy's L-BFGS-B under `make test`).
os.environ.setdefault("OPENBLAS_NUM_THREADS", str(THREADS))


@pytest.fixture(autouse=True)
def _seeded() -> None:
    """Seed torch's global generator and set the thread count, so a test's
    outcome never depends on the tests run before it (a command line run
    in-process may have set its own ``--threads``)."""
    torch.manual_seed(0)
    torch.set_num_threads(THREADS)


def assert_close_at_rounding(
    actual,
    expected,
    *,
    scale: float | None = None,
    k: float = ROUNDINGS,
) -> None:
    """Assert that ``actual`` equals ``expected`` (torch tensors or NumPy
    arrays, same shape, and for tensors the same dtype) to
    ``rounding_tolerance(dtype, scale, k)`` in every entry, absolutely.

    ``dtype`` is ``expected``'s (for a complex one, its real part's);
    ``scale`` is the size of the numbers the values were computed from, by
    default the largest ``|expected|`` (1 when that is 0): pass it where the
    result is much smaller than its inputs (a difference, a residual).
    """
    if isinstance(actual, torch.Tensor) or isinstance(expected, torch.Tensor):
        expected = torch.as_tensor(expected)
        dtype, size = expected.real.dtype, expected.abs().max().item()
    else:
        expected = np.asarray(expected)
        dtype, size = expected.real.dtype, float(np.abs(expected).max())
    if scale is None:
        scale = size or 1.0
    atol = rounding_tolerance(dtype, scale, k)
    if isinstance(expected, torch.Tensor):
        torch.testing.assert_close(actual, expected, rtol=0, atol=atol)
    else:
        np.testing.assert_allclose(actual, expected, rtol=0, atol=atol)


@pytest.fixture(scope="session")
def assert_close():
    """``assert_close(actual, expected, *, scale=None, k=ROUNDINGS)``: a
    computed tensor equals its reference at rounding level
    (:func:`assert_close_at_rounding`)."""
    return assert_close_at_rounding


@pytest.fixture(scope="session")
def assert_all_close(assert_close):
    """``assert_all_close(ours, theirs)``: each of ``ours`` (a tensor or a
    tuple of them) equals its reference at rounding level."""

    def check(ours, theirs) -> None:
        ours, theirs = (
            (ours, theirs) if isinstance(ours, tuple) else ((ours,), (theirs,))
        )
        assert len(ours) == len(theirs)
        for a, t in zip(ours, theirs, strict=True):
            assert_close(a, t)

    return check


@pytest.fixture(scope="session")
def tolerance():
    """``tolerance(dtype, scale=1.0, k=ROUNDINGS)``: the absolute tolerance of
    a comparison at rounding level (:func:`rounding_tolerance`)."""
    return rounding_tolerance


@pytest.fixture
def cli_error(capsys):
    """``cli_error(main, argv, code=2)``: run a command line that must stop
    with exit status ``code`` and return its message, the last line of
    stderr (after argparse's usage, for its own errors); a traceback there
    fails the test."""

    def run(main, argv, code=2):
        with pytest.raises(SystemExit) as exit_:
            main(argv)
        assert exit_.value.code == code
        err = capsys.readouterr().err.strip()
        assert "Traceback" not in err
        return err.splitlines()[-1]

    return run


@pytest.fixture
def forbid(monkeypatch):
    """``forbid(*target, why)``: replace a function (``target`` as
    ``monkeypatch.setattr`` takes it, without the value) by one that fails the
    test with ``why`` if it is called: a data loader that must not run before
    the arguments are checked, a network call that must not happen."""

    def replace(*target, why: str) -> None:
        def refuse(*args, **kwargs):
            raise AssertionError(why)

        monkeypatch.setattr(*target, refuse)

    return replace
