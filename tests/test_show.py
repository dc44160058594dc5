"""dlnotes.show: the chapters display the code that runs."""

from dlnotes import show
from dlnotes.train import quiet


def test_source_is_the_real_source():
    code = show.source(quiet)
    assert code.data.startswith("def quiet() -> bool:")
    assert "DLNOTES_QUIET" in code.data
