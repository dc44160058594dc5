"""dlnotes.bench.load: the busy-machine detector, fed scripted kernel times."""

import itertools

import pytest

from dlnotes.bench.load import (
    MAX_SPREAD,
    MIN_CPU_SHARE,
    QUIET_CPU_SHARE,
    QUIET_SPREAD,
    Load,
    LoadMonitor,
    LoadSummary,
    quiet,
)


def scripted(walls, cpus):
    """A monitor whose kernel 'takes' the given wall and CPU seconds in
    turn."""
    state = {"wall": 0.0, "cpu": 0.0}
    w, c = itertools.cycle(walls), itertools.cycle(cpus)

    def kernel():
        state["wall"] += next(w)
        state["cpu"] += next(c)

    return LoadMonitor(
        samples=3,
        kernel=kernel,
        wall=lambda: state["wall"],
        cpu=lambda: state["cpu"],
    )


def checks(monitor, n):
    for _ in range(n):
        monitor.check()
    return monitor.load()


def test_quiet_machine():
    load = checks(scripted([0.010, 0.0101, 0.0099], [0.0099, 0.01, 0.0098]), 3)
    assert load.spread == pytest.approx(1.0)
    assert load.cpu_share > 0.95 and not load.busy


def test_load_that_comes_and_goes_widens_the_spread():
    load = checks(
        scripted(
            [0.010] * 3 + [0.020] * 3 + [0.010] * 3,
            [0.010] * 3 + [0.020] * 3 + [0.010] * 3,
        ),
        3,
    )
    assert load.spread == pytest.approx(2.0)
    assert load.busy


def test_steady_load_lowers_the_cpu_share():
    # every run waits a third of its time for a core
    load = checks(scripted([0.015], [0.010]), 3)
    assert load.spread == pytest.approx(1.0)
    assert load.cpu_share == pytest.approx(2 / 3)
    assert load.busy


def test_since_restricts_to_later_checkpoints():
    monitor = scripted(
        [0.010] * 3 + [0.030] * 3 + [0.031] * 3,
        [0.010] * 3 + [0.030] * 3 + [0.031] * 3,
    )
    checks(monitor, 3)
    assert monitor.load().busy
    assert not monitor.load(since=1).busy and monitor.count == 3


def test_summary_and_threshold():
    load = Load(((1.0, 1.0), (1.3, 1.4)), cpu_share=0.99)
    assert (
        load.spread == pytest.approx(1.35)
        and not load.busy
        and MAX_SPREAD == 2.0
    )
    # a whole idle chapter's spread
    assert not Load(((1.0, 1.0), (1.7, 1.7)), cpu_share=0.99).busy
    assert (
        Load(((1.0, 1.0), (2.1, 2.1)), cpu_share=0.99).busy
        and Load(((1.0, 1.0), (1.2, 1.2)), cpu_share=0.79).busy
    )
    assert (
        load.to_dict()["busy"] is False and load.to_dict()["checkpoints"] == 2
    )


def test_the_real_kernel_runs():
    monitor = LoadMonitor(samples=1)
    monitor.check()
    assert monitor.load().spread == 1.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="samples"):
        LoadMonitor(samples=0)
    with pytest.raises(ValueError, match="check"):
        LoadMonitor(samples=1, kernel=lambda: None).load()


@pytest.mark.parametrize(
    ("spread", "share", "is_quiet", "busy"),
    [
        (1.10, 0.99, True, False),  # one benchmark, idle machine
        (1.22, 0.99, True, False),  # the two records of 1 December
        (1.25, 0.95, True, False),  # the edges
        (1.69, 0.93, False, False),  # the sphere record: not busy, not quiet
        (1.20, 0.90, False, False),  # steady load, small spread
        (1.96, 0.97, False, False),  # a build "that looked quiet"
        (2.2, 0.79, False, True),  # beside two CPU-bound processes
    ],
)
def test_a_record_must_be_quiet_not_only_not_busy(
    spread, share, is_quiet, busy
):
    summary = LoadSummary(spread, share)
    assert quiet(summary) is is_quiet and summary.busy is busy
    assert QUIET_SPREAD < MAX_SPREAD and QUIET_CPU_SHARE > MIN_CPU_SHARE
    load = Load(((1.0, 1.0), (spread, spread)), cpu_share=share)
    assert quiet(load) is is_quiet
