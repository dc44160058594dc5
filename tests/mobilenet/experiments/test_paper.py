"""dlnotes.mobilenet.experiments.paper: the quoted tables are internally consistent where the paper says so."""

from dlnotes.mobilenet.experiments import paper


def test_shared_rows_agree_across_tables():
    assert paper.TABLE_6[0] == paper.TABLE_7[0] == paper.TABLE_8[0]
    numbers = lambda row: (row.accuracy, row.mult_adds, row.params)  # noqa: E731
    assert numbers(paper.TABLE_6[0]) == numbers(paper.TABLE_4[1])
    assert numbers(paper.TABLE_6[1]) == numbers(paper.TABLE_5[0])


def test_table_2_as_printed_does_not_sum_to_100_percent():
    # The printed "Conv 3×3: 1.19%" makes the Mult-Add column sum to 99.29 %: the quoted data keep
    # the misprint, the chapter explains it (our count is 1.91 %).
    mult_adds = sum(share for share, _ in paper.TABLE_2_SHARES.values())
    params = sum(share for _, share in paper.TABLE_2_SHARES.values())
    assert round(mult_adds, 2) == 99.29
    assert round(params, 2) == 100.0


def test_every_row_has_a_name_and_positive_numbers():
    for table in (paper.TABLE_3, paper.TABLE_4, paper.TABLE_5, paper.TABLE_6, paper.TABLE_7, paper.TABLE_8, paper.TABLE_9, paper.TABLE_10):
        for row in table:
            assert row.model
            assert all(v is None or v > 0 for v in (row.accuracy, row.mult_adds, row.params))
