"""dlnotes.bench.mobilenet: the CLI parses its options and is reachable from the dispatcher."""

import importlib

import pytest
from dlnotes.bench import mobilenet as bench


def test_help_and_dispatch(capsys):
    with pytest.raises(SystemExit):
        bench.main(["--help"])
    assert "python -m dlnotes.bench mobilenet" in capsys.readouterr().out
    assert importlib.import_module("dlnotes.bench.mobilenet").main is bench.main


def test_bad_option():
    with pytest.raises(SystemExit):
        bench.main(["--threads", "two"])
