"""dlnotes.bench.timing: interleaved rounds, adaptive stopping (with a scripted
clock), thread control, the CLI dispatcher."""

import itertools
import math

import pytest
import torch

from dlnotes import bench
from dlnotes.bench.__main__ import TOPICS, main
from dlnotes.bench.load import LoadMonitor


class FakeClock:
    """A clock that only moves when a scripted callable 'runs'."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def work(self, durations):
        """A callable that advances the clock by the next of ``durations``
        (cycled) per call."""
        cycle = itertools.cycle(durations)

        def run() -> None:
            self.now += next(cycle)

        return run


def test_interleaved_order_rotates_and_warmup_is_untimed():
    calls = []
    timings = bench.time_interleaved(
        {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")},
        repeats=3,
        warmup=1,
    )
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b"]
    assert all(len(t.seconds) == 3 for t in timings.values())


def test_scripted_times_are_recorded_in_round_order():
    clock = FakeClock()
    m = bench.measure(
        {"a": clock.work([1.0, 2.0, 3.0]), "b": clock.work([0.5])},
        repeats=3,
        warmup=0,
        clock=clock,
    )
    assert m.timings["a"].seconds == (1.0, 2.0, 3.0)
    assert m.timings["b"].median == 0.5
    assert m.ratio("a", "b").ratio == 4.0
    assert m.rounds == 3 and m.load is None


#: Seconds of candidate 'a' per round, against a steady 1 s for 'b': a quiet
#: ratio (about 2, within 1 %) and a noisy one.
QUIET = [2.0, 2.02, 1.98]
NOISY = [1.0, 3.0, 0.5, 2.5, 1.5, 4.0, 0.7]


@pytest.mark.parametrize(
    "a_times, repeats, warmup, max_repeats, precision, max_seconds, rounds",
    [
        (QUIET, 5, 1, 50, 0.1, math.inf, range(5, 6)),
        (NOISY, 5, 0, 20, 0.05, math.inf, range(20, 21)),
        # about 30 s of scripted work at ~2.75 s a round
        (NOISY[:4], 4, 0, 1000, 0.01, 30.0, range(5, 20)),
    ],
    ids=[
        "quiet ratio stops at the minimum repeats",
        "noisy ratio adds rounds up to the cap",
        "time cap stops adding rounds",
    ],
)
def test_adaptive_rounds(
    a_times, repeats, warmup, max_repeats, precision, max_seconds, rounds
):
    clock = FakeClock()
    m = bench.measure(
        {"a": clock.work(a_times), "b": clock.work([1.0])},
        repeats=repeats,
        warmup=warmup,
        pairs=[("a", "b")],
        max_repeats=max_repeats,
        precision=precision,
        max_seconds=max_seconds,
        clock=clock,
    )
    assert m.rounds in rounds
    # one round may start just before the time cap
    assert clock.now - 2.75 <= max_seconds + 3.0 + 1.0


def test_monitor_checks_before_between_and_after():
    clock, checks, calls = FakeClock(), [], []
    tick = clock.work([0.01])

    def kernel():
        checks.append(len(calls))
        tick()

    monitor = LoadMonitor(samples=1, kernel=kernel, wall=clock, cpu=clock)
    bench.measure(
        {"a": lambda: calls.append(1)},
        repeats=10,
        warmup=0,
        monitor=monitor,
        clock=clock,
    )
    assert checks == [0, 5, 10]


def test_compare_carries_the_interval_and_the_load():
    clock = FakeClock()
    monitor = LoadMonitor(
        samples=2, kernel=clock.work([0.01]), wall=clock, cpu=clock
    )
    c = bench.compare(
        clock.work([4.0, 4.2, 3.9]),
        clock.work([1.0, 1.05]),
        repeats=9,
        warmup=1,
        monitor=monitor,
        clock=clock,
    )
    assert c.ratio == pytest.approx(4.0 / 1.0, rel=0.06)
    assert c.estimate.low <= c.ratio <= c.estimate.high
    assert c.estimate.low > 3.5 and c.estimate.high < 4.5
    assert c.load is not None and not c.busy


def test_bad_arguments():
    with pytest.raises(ValueError, match="candidates"):
        bench.time_interleaved({})
    with pytest.raises(ValueError, match="repeats"):
        bench.time_interleaved({"a": lambda: None}, repeats=0)
    with pytest.raises(ValueError, match="max_repeats"):
        bench.measure({"a": lambda: None}, repeats=5, max_repeats=3)
    with pytest.raises(ValueError, match="pairs"):
        bench.measure({"a": lambda: None}, pairs=[("a", "b")])
    with pytest.raises(ValueError, match="precision"):
        bench.measure({"a": lambda: None}, precision=0)
    with pytest.raises(ValueError, match="no candidate named"):
        bench.measure({"a": lambda: None}, repeats=1).ratio("a", "c")
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
    # before: 'the following arguments are required: topic, options'
    assert "required" not in err


def test_inner_repetitions_average_each_timed_repeat():
    clock = FakeClock()
    m = bench.measure(
        {"a": clock.work([1.0, 3.0]), "b": clock.work([0.5])},
        repeats=2,
        warmup=0,
        clock=clock,
        inner=2,
    )
    # each repeat of a is one call of 1 s and one of 3 s
    assert m.timings["a"].seconds == (2.0, 2.0)
    assert m.timings["b"].seconds == (0.5, 0.5)
    with pytest.raises(ValueError, match="inner"):
        bench.measure({"a": clock.work([1.0])}, inner=0)
