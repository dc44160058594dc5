"""dlnotes.bench: interleaved timing, medians and ratios, thread control, the CLI dispatcher."""

import time

import pytest
import torch
from dlnotes import bench
from dlnotes.bench.__main__ import TOPICS, main


def test_interleaved_order_rotates_and_warmup_is_untimed():
    calls = []
    timings = bench.time_interleaved({"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}, repeats=3, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert all(len(t.seconds) == 3 for t in timings.values())


def test_ratio_of_medians_sees_a_slower_candidate():
    comparison = bench.compare(lambda: time.sleep(0.004), lambda: time.sleep(0.001), repeats=5, warmup=1)
    assert comparison.ratio > 2
    assert comparison.candidate.median >= 0.004


def test_bad_arguments():
    with pytest.raises(ValueError, match="candidates"):
        bench.time_interleaved({})
    with pytest.raises(ValueError, match="repeats"):
        bench.time_interleaved({"a": lambda: None}, repeats=0)
    with pytest.raises(ValueError, match="n must"):
        with bench.threads(0):
            pass


def test_threads_restores_the_count():
    before = torch.get_num_threads()
    with bench.threads(1):
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


def test_cli_refuses_unknown_topics(capsys):
    with pytest.raises(SystemExit):
        main(["nonsense"])
    assert "invalid choice" in capsys.readouterr().err
    assert TOPICS == ("backprop", "mobilenet", "sphere")


def test_cli_without_a_topic_lists_the_topics(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "choose a topic: backprop, mobilenet, sphere" in err
    assert "required" not in err  # before: 'the following arguments are required: topic, options'
