"""dlnotes.bench.wording: the words follow the interval — quiet, noisy,
contradictory and busy measurements."""

import re

import pytest

from dlnotes.bench import wording
from dlnotes.bench.interval import RatioEstimate, ratio_interval
from dlnotes.bench.load import Load

QUIET = Load(
    ((0.010, 0.0101), (0.0101, 0.0100), (0.0099, 0.0100)), cpu_share=0.98
)
BUSY = Load(((0.010, 0.011), (0.031, 0.028), (0.012, 0.010)), cpu_share=0.55)
AS_FAST = re.compile(r"\b0\.\d+× as (fast|long)")


def test_factors_and_spans():
    assert [
        wording.factor(x) for x in (0.913, 1.04, 1.835, 2.34, 19.6, 1234.0)
    ] == ["0.91", "1.04", "1.83", "2.3", "20", "1,234"]
    assert wording.span(2.11, 2.64) == "2.1–2.6×"
    with pytest.raises(ValueError, match="factor"):
        wording.factor(0.0)


def test_quiet_slower():
    e = ratio_interval(
        [3.1, 3.0, 3.2, 3.05, 3.15], [1.0, 1.01, 0.99, 1.0, 1.02]
    )
    s = wording.comparison(e, "Conv MobileNet", "MobileNet", QUIET)
    assert s.startswith(
        "Conv MobileNet was slower than MobileNet: it took 3.1× as long (95 %"
        " interval 3."
    )
    assert wording.word(e).direction == wording.SLOWER


def test_quiet_much_faster_is_said_as_a_factor_above_one():
    # the candidate took a twentieth of the time
    e = RatioEstimate(0.05, 0.045, 0.055, 7)
    s = wording.comparison(e, "two threads", "one thread", QUIET)
    assert (
        "Two threads was faster than one thread: one thread took 20× as long"
        " (95 % interval 18–22×)." == s
    )
    assert not AS_FAST.search(s)


def test_noisy_is_indistinguishable():
    e = ratio_interval(
        [1.0, 0.9, 1.1, 0.95, 1.05], [1.0, 1.05, 0.95, 1.1, 0.9]
    )
    s = wording.comparison(e, "channels_last", "NCHW", QUIET)
    assert "indistinguishable on this machine" in s and "includes 1" in s
    assert "faster" not in s and "slower" not in s


def test_busy_draws_no_conclusion_even_from_a_clear_ratio():
    e = RatioEstimate(3.0, 2.9, 3.1, 11)
    s = wording.comparison(e, "ours", "native", BUSY)
    assert "busy" in s and "cannot be told" in s
    assert "was faster" not in s and "was slower" not in s and "3.0×" not in s
    assert "55 % of a core" in wording.load_sentence(BUSY)
    assert wording.word(e, BUSY) == wording.Wording(wording.BUSY, "", "")


def test_against_theory():
    below = wording.against_theory(
        RatioEstimate(3.1, 2.9, 3.3, 9), 8.56, "the Mult-Add ratio", QUIET
    )
    assert (
        below
        == "The measured speed-up was 3.1× (95 % interval 2.9–3.3×), 34–39 %"
        " of the Mult-Add ratio of 8.6×."
    )
    assert "consistent with" in wording.against_theory(
        RatioEstimate(8.0, 7.0, 10.0, 9), 8.56, "the Mult-Add ratio"
    )
    assert "more than" in wording.against_theory(
        RatioEstimate(12.0, 11.0, 13.0, 9), 8.56, "the Mult-Add ratio"
    )
    assert "busy" in wording.against_theory(
        RatioEstimate(3.1, 2.9, 3.3, 9), 8.56, "the Mult-Add ratio", BUSY
    )
    slowdown = wording.against_theory(
        RatioEstimate(0.67, 0.6, 0.72, 9), 8.56, "the Mult-Add ratio", QUIET
    )
    assert slowdown.startswith(
        "There was no speed-up at all: the side with fewer operations took"
        " 1.49× as long"
    )
    assert "cannot be told apart from none" in wording.against_theory(
        RatioEstimate(1.1, 0.9, 1.3, 9), 8.56, "the Mult-Add ratio"
    )
    assert "too few" in wording.against_theory(
        RatioEstimate(3.0, 3.0, 3.0, 1), 8.56, "the Mult-Add ratio"
    )
    with pytest.raises(ValueError, match="theory"):
        wording.against_theory(RatioEstimate(3.1, 2.9, 3.3, 9), 0, "x")


def test_a_failed_measurement_is_not_a_result():
    # "913× (43–1,441×)": an interval spanning 30× is too uncertain
    wide = RatioEstimate(913.0, 43.0, 1441.0, 15)
    assert wording.word(wide).direction == wording.TOO_WIDE
    assert wording.cell(wide) == "too uncertain"
    assert "wider than ×1.5" in wording.comparison(wide, "naive", "FFT")
    assert "cannot be told" in wording.against_theory(wide, 8.5, "theory")
    edge = RatioEstimate(3.0, 2.5, 3.75, 9)  # exactly ×1.5
    assert wording.word(edge).direction == wording.SLOWER
    assert wording.tally([wide, edge]) == (
        "slower in 1 of 2 settings, too uncertain in 1"
    )


def test_one_or_two_rounds_support_nothing():
    s = wording.comparison(RatioEstimate(3.0, 3.0, 3.0, 1), "ours", "native")
    assert (
        s
        == "Whether ours is faster or slower than native cannot be told from 1"
        " round(s), too few for an interval."
    )


def test_tally_of_mixed_settings():
    es = [
        RatioEstimate(0.7, 0.6, 0.8, 9),
        RatioEstimate(0.5, 0.4, 0.6, 9),
        RatioEstimate(1.4, 1.2, 1.6, 9),
        RatioEstimate(1.0, 0.9, 1.1, 9),
    ]
    assert (
        wording.tally(es)
        == "faster in 2 of 4 settings, slower in 1, indistinguishable in 1"
    )
    assert wording.tally(es[:1]) == "faster in 1 of 1 setting"
    assert (
        wording.tally(es, loads=[QUIET, BUSY, None, BUSY])
        == "faster in 1 of 4 settings, slower in 1, no conclusion (busy"
        " machine) in 2"
    )
    with pytest.raises(ValueError, match="loads"):
        wording.tally(es, loads=[QUIET])
    assert wording.tally(es, BUSY) == "no conclusion, as the machine was busy"
    with pytest.raises(ValueError, match="empty"):
        wording.tally([])


@pytest.mark.parametrize("ratio", [0.01, 0.05, 0.3, 0.9, 1.0, 1.1, 3.0, 40.0])
def test_no_factor_below_one_is_ever_said_as_fast_or_long(ratio):
    for low, high in ((ratio * 0.9, ratio * 1.1), (ratio * 0.5, ratio * 2)):
        s = wording.comparison(
            RatioEstimate(ratio, low, high, 9), "a", "b", QUIET
        )
        assert not AS_FAST.search(s), s


def test_load_sentences_and_cells():
    assert wording.load_note(QUIET) == (
        "calibration spread 1.01, 98 % of a core, quiet"
    )
    assert wording.load_note(BUSY).endswith(", busy")
    assert "looked quiet" not in wording.load_sentence(QUIET)
    assert wording.build_column(BUSY).startswith(
        "on the machine that built this page (calibration spread 2.81, 55 %"
    )
    assert (
        wording.cell(RatioEstimate(0.05, 0.045, 0.055, 7))
        == "faster, 20× (18–22×)"
    )
    assert (
        wording.cell(RatioEstimate(3.1, 2.94, 3.3, 7))
        == "slower, 3.1× (2.9–3.3×)"
    )
    assert (
        wording.cell(RatioEstimate(1.0, 0.91, 1.2, 7))
        == "indistinguishable (0.91–1.20×)"
    )
    assert (
        wording.cell(RatioEstimate(3.1, 2.9, 3.3, 7), BUSY)
        == "busy: no conclusion"
    )
    assert wording.cell(RatioEstimate(3.1, 3.1, 3.1, 1)) == "too few rounds"


def test_theory_tally_counts_each_outcome():
    measured = [
        (RatioEstimate(3.0, 2.8, 3.2, 9), 8.5, QUIET),
        (RatioEstimate(3.5, 3.2, 3.9, 9), 8.5, None),
        (RatioEstimate(8.0, 7.0, 10.0, 9), 8.5, None),
        (RatioEstimate(1.0, 0.85, 1.2, 9), 8.5, None),
        (RatioEstimate(3.0, 2.8, 3.2, 9), 8.5, BUSY),
    ]
    assert (
        wording.theory_tally(measured, "the Mult-Add ratio")
        == "short of the Mult-Add ratio in 2 of 5 settings, consistent with"
        " the Mult-Add ratio in 1, no clear speed-up in 1, no conclusion"
        " (busy machine) in 1"
    )
    with pytest.raises(ValueError, match="empty"):
        wording.theory_tally([], "x")


def test_share_of_theory():
    assert wording.share_of(RatioEstimate(5.6, 5.5, 5.7, 11), 8.56) == "64–67"
    with pytest.raises(ValueError, match="theory"):
        wording.share_of(RatioEstimate(5.6, 5.5, 5.7, 11), 0.0)
