"""dlnotes.mobilenet.experiments.paper: the quoted tables are internally
consistent where the paper says so."""

from dlnotes.mobilenet.experiments import paper


def test_shared_rows_agree_across_tables():
    assert paper.TABLE_6[0] == paper.TABLE_7[0] == paper.TABLE_8[0]

    def numbers(row):
        return row.accuracy, row.mult_adds, row.params

    assert numbers(paper.TABLE_6[0]) == numbers(paper.TABLE_4[1])
    assert numbers(paper.TABLE_6[1]) == numbers(paper.TABLE_5[0])


def test_table_2_as_printed_does_not_sum_to_100_percent():
    # The printed "Conv 3×3: 1.19%" makes the Mult-Add column sum to 99.29 %:
    # the quoted data keep the misprint, the chapter explains it (our count is
    # 1.91 %).
    mult_adds = sum(share for share, _ in paper.TABLE_2_SHARES.values())
    params = sum(share for _, share in paper.TABLE_2_SHARES.values())
    assert round(mult_adds, 2) == 99.29
    assert round(params, 2) == 100.0


def test_every_row_has_a_name_and_positive_numbers():
    for table in (
        paper.TABLE_3,
        paper.TABLE_4,
        paper.TABLE_5,
        paper.TABLE_6,
        paper.TABLE_7,
        paper.TABLE_8,
        paper.TABLE_9,
        paper.TABLE_10,
    ):
        for row in table:
            assert row.model
            assert all(
                v is None or v > 0
                for v in (row.accuracy, row.mult_adds, row.params)
            )


def test_names_carry_the_multipliers_they_are_quoted_with():
    for row, alpha in zip(paper.TABLE_6, paper.TABLE_6_ALPHAS, strict=True):
        assert float(row.model.split()[0]) == alpha and row.model.endswith(
            "-224"
        )
    for row, side in zip(
        paper.TABLE_7, paper.TABLE_7_RESOLUTIONS, strict=True
    ):
        assert row.model == f"1.0 MobileNet-{side}"


def test_table_3_rows_are_cumulative_savings():
    mult_adds = [row.mult_adds for row in paper.TABLE_3]
    assert mult_adds == sorted(mult_adds, reverse=True)
    # ρ does not change the weights
    assert paper.TABLE_3[2].params == paper.TABLE_3[3].params


def test_application_tables_are_complete():
    for scales in paper.TABLE_11.values():
        assert len(scales) == 3 and all(0 <= s <= 100 for s in scales)
    assert all(
        len(row) == 4 and 0 < row[1] <= 100
        for row in paper.TABLE_12 + paper.TABLE_14
    )
    frameworks = {}
    for framework, model, mean_ap, mult_adds, params in paper.TABLE_13:
        frameworks.setdefault(framework, []).append(model)
        assert 0 < mean_ap <= 100 and mult_adds > 0 and params > 0
    assert all(
        len(models) == 3 and models[-1] == "MobileNet"
        for models in frameworks.values()
    )
    # Stanford Dogs re-uses the ImageNet body: same Mult-Adds as Table 6 at the
    # same α and size.
    assert paper.TABLE_10[1].mult_adds == paper.TABLE_6[0].mult_adds
    assert paper.TABLE_10[2].mult_adds == paper.TABLE_6[1].mult_adds


def test_a_quoted_table_as_a_frame():
    frame = paper.quoted_frame(paper.TABLE_10, "Stanford Dogs top-1 %")
    assert list(frame.columns) == [
        "Stanford Dogs top-1 %",
        "M Mult-Adds",
        "M params",
    ]
    assert list(frame.index) == [r.model for r in paper.TABLE_10]


def test_the_data_file_ships_with_the_package():
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[3]
    globs = tomllib.loads((root / "pyproject.toml").read_text())["tool"][
        "setuptools"
    ]["package-data"]["dlnotes.mobilenet.experiments"]
    assert "howard2017.json" in globs
    assert set(paper._PRINTED) == {"source", "text_vgg16_times"} | {
        f"table_{n}" for n in range(2, 15)
    }
    assert paper.TEXT_VGG16_TIMES == {"params": 32, "mult_adds": 27}
