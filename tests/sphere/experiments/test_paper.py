"""dlnotes.sphere.experiments.paper: every quoted table is complete and
consistent with itself and the text."""

import math

from dlnotes.sphere.experiments import mnist, paper


def test_table_1_is_complete_and_quoted_once():
    assert (
        set(paper.TABLE_1)
        == set(paper.TABLE_1_PARAMETERS)
        == {"planar", "spherical"}
    )
    for accuracies in paper.TABLE_1.values():
        assert tuple(accuracies) == paper.TABLE_1_CONDITIONS
        assert all(0 < a <= 1 for a in accuracies.values())
    # The MNIST experiment compares against these very objects, not a second
    # transcription.
    assert (
        mnist.PAPER_ACCURACY is paper.TABLE_1
        and mnist.PAPER_PARAMETERS is paper.TABLE_1_PARAMETERS
    )
    assert list(paper.TABLE_1_BANDWIDTHS) == sorted(
        paper.TABLE_1_BANDWIDTHS, reverse=True
    )


def test_table_2_rows_are_complete_scores():
    methods = [row.method for row in paper.TABLE_2]
    assert len(set(methods)) == len(methods) and paper.SPHERICAL_CNN in methods
    for row in paper.TABLE_2:
        assert len(row.scores) == len(paper.TABLE_2_METRICS)
        assert all(0 < s < 1 for s in row.scores)
    assert tuple(paper.TABLE_2_RANKS) == paper.TABLE_2_METRICS


def test_table_2_printed_ranks_are_the_ranks_among_the_printed_rows():
    ours = next(
        row for row in paper.TABLE_2 if row.method == paper.SPHERICAL_CNN
    )
    for i, metric in enumerate(paper.TABLE_2_METRICS):
        better = sum(
            row.scores[i] > ours.scores[i]
            for row in paper.TABLE_2
            if row is not ours
        )
        assert better + 1 == paper.TABLE_2_RANKS[metric], metric


def test_table_2_model_shrinks_bandwidth_and_grows_features():
    model = paper.TABLE_2_MODEL
    assert list(model["bandwidths"]) == sorted(
        model["bandwidths"], reverse=True
    )
    assert len(model["features"]) == len(model["bandwidths"]) - 1


def test_table_3_rows_are_complete_and_the_text_reads_them_right():
    methods = [row.method for row in paper.TABLE_3]
    assert len(set(methods)) == len(methods)
    assert all(
        row.source and row.rmse > 0 and math.isfinite(row.rmse)
        for row in paper.TABLE_3
    )
    ranked = sorted(paper.TABLE_3, key=lambda row: row.rmse)
    # §5.4: only an MLP on randomly permuted Coulomb matrices does better than
    # ours.
    assert [row.method for row in ranked[:2]] == [
        "MLP / random CM",
        paper.SPHERICAL_CNN,
    ]
    # ... and every method does better than the MLP on atom counts whose
    # residual ours learns.
    assert all(
        row.rmse < paper.QM7_ATOM_COUNT_MLP_RMSE for row in paper.TABLE_3
    )


def test_table_3_architecture_downsamples_and_widens():
    blocks = [
        row for row in paper.TABLE_3_ARCHITECTURE if row[0] == "ResBlock"
    ]
    bandwidths, features = (
        [b for _, b, _ in blocks],
        [f for _, _, f in paper.TABLE_3_ARCHITECTURE],
    )
    assert bandwidths == sorted(
        bandwidths, reverse=True
    ) and features == sorted(features)


def test_statements_in_words_carry_no_plot_readings():
    assert "O(n^6)" == paper.NAIVE_SO3_CORRELATION
    linear, relu = paper.FIGURE_3
    assert "grows" in linear and "flat" in relu
