"""Each kind of broken extract is reported once per (column, kind of problem), with file,
rows, column, the offending values and what was expected; certain repairs are made with a
warning that counts them."""

import subprocess
import sys

import pandas as pd
import pytest

from fjo_analysis.data.validate import ExtractError, check_extract, validate


@pytest.fixture
def rows(small_extract_csv):
    return pd.read_csv(small_extract_csv, dtype=str, keep_default_na=False).head(50)


@pytest.fixture
def many(small_extract_csv):
    return pd.read_csv(small_extract_csv, dtype=str, keep_default_na=False).head(2000)


def _write(tmp_path, frame: pd.DataFrame, name: str = "broken.csv"):
    path = tmp_path / name
    frame.to_csv(path, index=False)
    return path


def _problems(tmp_path, frame: pd.DataFrame) -> list[str]:
    path = _write(tmp_path, frame)
    with pytest.raises(ExtractError) as err:
        validate(path)
    return [str(p) for p in err.value.problems]


def _warnings(tmp_path, frame: pd.DataFrame, name: str = "repaired.csv"):
    checked = check_extract(_write(tmp_path, frame, name))
    return checked, checked.warnings()


def _closed_row(rows) -> int:
    return int((rows["close_date"] != "").to_numpy().nonzero()[0][0])


def test_synthetic_extract_is_valid(small_extract_csv):
    checked = check_extract(small_extract_csv)
    assert len(checked.frame) > 10_000
    assert checked.repairs == []
    assert {k: v["count"] for k, v in checked.quality.items()} == {
        "missing_birth_date": 0,
        "notice_days_out_of_range": 0,
    }


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("issue_date", "2099-01-01", "expected a date not after"),
        ("child_birth_date", "2017-02-30", "expected a date as YYYY-MM-DD (found '2017-02-30')"),
        ("local_authority_code", "E06999999", "expected a known local-authority GSS code"),
        ("law_type", "pubic", "expected one of ('public', 'private') (found 'pubic')"),
        ("sex", "F", "expected one of ('female', 'male', 'unknown') (found 'F')"),
        ("ethnicity", "Whyte", "column ethnicity: expected one of"),
        ("first_hearing_notice_days", "three", "expected a whole number of days (found 'three')"),
        ("case_id", "", "column case_id: expected a pseudonymised ID"),
    ],
)
def test_bad_value_names_file_row_and_column(tmp_path, rows, column, value, expected):
    rows.loc[7, column] = value
    problems = _problems(tmp_path, rows)
    assert any(p.startswith(f"{tmp_path / 'broken.csv'}, row 8, column {column}") for p in problems)
    assert any(expected in p for p in problems), problems


def test_problems_are_grouped_per_column_and_kind(tmp_path, many):
    many.loc[10:1209, "sex"] = "F"
    many.loc[1210:1299, "sex"] = "M"
    many.loc[3:5, "law_type"] = "pubic"
    problems = _problems(tmp_path, many)
    assert len(problems) == 2, problems
    path = tmp_path / "broken.csv"
    assert problems[0] == (
        f"{path}, 3 rows (4, 5, 6), column law_type: expected one of ('public', 'private') "
        "(found 'pubic')"
    )
    assert problems[1] == (
        f"{path}, 1,290 rows (11, 12, 13, 14, 15 and 1,285 more), column sex: expected one of "
        "('female', 'male', 'unknown') (found 'F', 'M')"
    )
    err = pytest.raises(ExtractError, validate, path).value
    assert str(err).endswith("2 problem(s) in total, in 1,293 rows or values")


def test_close_before_issue(tmp_path, rows):
    i = _closed_row(rows)
    rows.loc[i, "close_date"] = "2000-01-01"
    problems = _problems(tmp_path, rows)
    assert f"row {i + 1}, column close_date: expected close_date on or after issue_date" in (
        "\n".join(problems)
    )


def test_closed_case_without_final_order(tmp_path, rows):
    i = _closed_row(rows)
    rows.loc[i, "final_order"] = ""
    assert any(
        f"row {i + 1}, column final_order: expected a final_order" in p
        for p in _problems(tmp_path, rows)
    )


def test_born_after_issue(tmp_path, rows):
    rows.loc[3, "child_birth_date"] = "2025-01-01"
    assert any(
        "row 4, column child_birth_date: expected child_birth_date on or before" in p
        for p in _problems(tmp_path, rows)
    )


def test_duplicate_case_and_child(tmp_path, rows):
    broken = pd.concat([rows, rows.iloc[[5]]], ignore_index=True)
    problems = _problems(tmp_path, broken)
    assert any(
        "row 51, column case_id, child_id: expected a (case_id, child_id) pair" in p
        for p in problems
    )


def test_missing_column_is_a_problem_extra_columns_are_dropped(tmp_path, rows):
    problems = _problems(tmp_path, rows.drop(columns=["sex"]).assign(notes="x"))
    assert problems == [
        f"{tmp_path / 'broken.csv'}, column sex: expected this column to be "
        "present (found 'missing')"
    ]
    checked, warnings = _warnings(tmp_path, rows.assign(notes="x", region="y"))
    assert list(checked.frame.columns) == list(rows.columns)
    assert any("extra column(s) dropped: 'notes', 'region'" in w for w in warnings)


def test_column_names_in_other_case_and_spacing_are_matched(tmp_path, rows):
    checked, warnings = _warnings(tmp_path, rows.rename(columns={"case_id": " Case ID"}))
    assert "case_id" in checked.frame.columns
    assert any("' Case ID' as 'case_id'" in w for w in warnings)


def test_every_problem_is_listed_not_just_the_first(tmp_path, rows):
    rows.loc[1, "sex"] = "?"
    rows.loc[2, "law_type"] = "?"
    rows.loc[3, "issue_date"] = "?"
    problems = _problems(tmp_path, rows)
    assert {"row 2, column sex", "row 3, column law_type", "row 4, column issue_date"} <= {
        ", ".join(p.split(", ")[1:3]).split(":")[0] for p in problems
    }


# --- dates -------------------------------------------------------------------------------


def _day_first(column: pd.Series) -> pd.Series:
    dates = pd.to_datetime(column.replace("", None))
    return dates.dt.strftime("%d/%m/%Y").fillna("")


def test_day_first_dates_are_repaired_with_a_count(tmp_path, many):
    expected = validate(_write(tmp_path, many, "iso.csv"))
    slashed = many.assign(**{c: _day_first(many[c]) for c in ("issue_date", "close_date")})
    slashed["child_birth_date"] = _day_first(many["child_birth_date"])
    assert (slashed["issue_date"].str[:2].astype(int) > 12).any()  # the file shows the order
    checked, warnings = _warnings(tmp_path, slashed)
    pd.testing.assert_frame_equal(checked.frame, expected, check_dtype=False)
    closed = int((many["close_date"] != "").sum())
    assert any(
        f"column close_date: dates written dd/mm/yyyy read day first in {closed:,} rows" in w
        for w in warnings
    ), warnings


def test_day_first_with_midnight_time_is_repaired(tmp_path, many):
    rows = many
    i = int((pd.to_datetime(rows["issue_date"]).dt.day > 12).to_numpy().argmax())
    issued = pd.Timestamp(rows.loc[i, "issue_date"])
    assert issued.day > 12  # the value shows its order
    rows.loc[i, "issue_date"] = f"{issued:%d/%m/%Y} 00:00"
    checked, warnings = _warnings(tmp_path, rows)
    assert checked.frame.loc[i, "issue_date"] == issued
    assert any(
        f"column issue_date: dates written dd/mm/yyyy read day first in 1 row ({i + 1}; e.g. "
        f"'{issued:%d/%m/%Y} 00:00')" in w
        for w in warnings
    ), warnings


def test_slash_dates_that_do_not_show_their_order_are_rejected(tmp_path, rows):
    rows.loc[0, "issue_date"] = "05/01/2017"
    problems = _problems(tmp_path, rows)
    assert problems == [
        f"{tmp_path / 'broken.csv'}, row 1, column issue_date: expected a date as YYYY-MM-DD "
        "(found '05/01/2017'); values look like dd/mm/yyyy or mm/dd/yyyy, but no day above 12 "
        "shows which; write YYYY-MM-DD"
    ]


def test_a_mix_of_day_first_and_month_first_is_rejected(tmp_path, rows):
    rows.loc[0, "issue_date"] = "31/01/2017"
    rows.loc[1, "child_birth_date"] = "01/31/2010"
    problems = "\n".join(_problems(tmp_path, rows))
    assert "values look like dd/mm/yyyy mixed with mm/dd/yyyy: the order is uncertain" in problems
    assert "row 1, column issue_date" in problems and "row 2, column child_birth_date" in problems


def test_month_first_dates_are_rejected_with_a_hint(tmp_path, rows):
    rows.loc[0, "issue_date"] = "01/31/2017"
    assert "values look like mm/dd/yyyy" in "\n".join(_problems(tmp_path, rows))


def test_midnight_datetimes_are_repaired_other_times_rejected(tmp_path, rows):
    issued = rows.loc[:1, "issue_date"].tolist()
    rows.loc[0, "issue_date"] = issued[0] + " 00:00:00"
    rows.loc[1, "issue_date"] = issued[1] + "T00:00:00Z"
    checked, warnings = _warnings(tmp_path, rows)
    assert checked.frame.loc[:1, "issue_date"].tolist() == [pd.Timestamp(d) for d in issued]
    assert any(
        "column issue_date: midnight datetimes read as dates in 2 rows (1, 2; e.g." in w
        for w in warnings
    )
    rows.loc[2, "issue_date"] += " 14:30:00"
    problems = _problems(tmp_path, rows)
    assert problems == [
        f"{tmp_path / 'broken.csv'}, row 3, column issue_date: expected a date as YYYY-MM-DD "
        f"(found '{rows.loc[2, 'issue_date']}'); values carry a time of day"
    ]


@pytest.mark.parametrize("zone", ["UTC", "Europe/London"])
def test_timezone_aware_parquet_timestamps_are_read_as_dates(tmp_path, small_extract, zone):
    frame = small_extract.head(300).copy()
    for column in ("issue_date", "close_date", "child_birth_date"):
        frame[column] = frame[column].dt.tz_localize(zone)
        if zone == "Europe/London":  # stored in UTC: summer midnights are 23:00 the day before
            frame[column] = frame[column].dt.tz_convert("UTC")
    path = tmp_path / "aware.parquet"
    frame.to_parquet(path)
    checked = check_extract(path)
    for column in ("issue_date", "close_date", "child_birth_date"):
        assert checked.frame[column].tolist() == small_extract.head(300)[column].tolist()
    assert any(
        f"column issue_date: timezone-aware timestamps read as {zone} dates in 300 rows" in w
        for w in checked.warnings()
    ), checked.warnings()


def test_parquet_timestamps_with_times_of_day_are_rejected(tmp_path, small_extract):
    frame = small_extract.head(30).copy()
    frame.loc[4, "issue_date"] += pd.Timedelta(hours=9)
    path = tmp_path / "times.parquet"
    frame.to_parquet(path)
    with pytest.raises(ExtractError, match="row 5, column issue_date: expected a date"):
        validate(path)


# --- categories, codes and IDs -----------------------------------------------------------


def test_case_and_space_variants_are_repaired(tmp_path, rows):
    rows.loc[0:2, "law_type"] = rows.loc[0:2, "law_type"].str.upper()
    rows.loc[3, "ethnicity"] = " white "
    rows.loc[4, "local_authority_code"] = " " + rows.loc[4, "local_authority_code"].lower()
    checked, warnings = _warnings(tmp_path, rows)
    frame = checked.frame
    assert frame.loc[3, "ethnicity"] == "White"
    assert frame.loc[0, "law_type"] in ("public", "private")
    assert str(frame.loc[4, "local_authority_code"]).startswith(("E", "W"))
    text = "\n".join(warnings)
    assert "column law_type: case or space variants matched in 3 rows (1, 2, 3; e.g. 'P" in text
    assert "column ethnicity: case or space variants matched in 1 row (4; e.g. ' white ')" in text
    assert (
        "column local_authority_code: codes read ignoring case and spaces in 1 row (5; e.g." in text
    )


def test_spaces_around_ids_are_removed(tmp_path, rows):
    rows["case_id"] = rows["case_id"] + "  "
    checked, warnings = _warnings(tmp_path, rows)
    assert not checked.frame["case_id"].str.endswith(" ").any()
    assert any(
        "column case_id: spaces around IDs removed in 50 rows (1, 2, 3, 4, 5 and 45 more; e.g." in w
        for w in warnings
    )


@pytest.mark.parametrize("column", ["case_id", "child_id", "mother_id"])
@pytest.mark.parametrize("placeholder", ["NULL", "N/A", "-", "unknown", "0", "", "null "])
def test_placeholder_ids_are_rejected(tmp_path, rows, column, placeholder):
    rows.loc[5:9, column] = placeholder
    problems = _problems(tmp_path, rows)
    assert any(
        f"5 rows (6, 7, 8, 9, 10), column {column}: expected a pseudonymised ID" in p
        and "a missing ID would join unrelated rows" in p
        for p in problems
    ), problems


# --- rows kept but left out of a measure -------------------------------------------------


def test_missing_birth_date_is_kept_and_counted(tmp_path, rows):
    rows.loc[[2, 6], "child_birth_date"] = ""
    checked, warnings = _warnings(tmp_path, rows)
    assert len(checked.frame) == 50
    assert checked.frame["child_birth_date"].isna().sum() == 2
    assert checked.quality["missing_birth_date"]["count"] == 2
    assert "age-based measures" in checked.quality["missing_birth_date"]["description"]
    assert any(
        "column child_birth_date: rows with no birth date kept, left out of age-based "
        "measures in 2 rows (3, 7)" in w
        for w in warnings
    ), warnings


@pytest.mark.parametrize("value", ["-2", "366", "9999"])
def test_notice_days_out_of_range_become_missing(tmp_path, rows, value):
    rows.loc[7, "first_hearing_notice_days"] = value
    checked, warnings = _warnings(tmp_path, rows)
    assert pd.isna(checked.frame.loc[7, "first_hearing_notice_days"])
    assert checked.quality["notice_days_out_of_range"]["count"] == 1
    assert any(
        "column first_hearing_notice_days: notice days outside 0-365 treated as missing "
        f"(left out of notice measures) in 1 row (8; e.g. '{value}')" in w
        for w in warnings
    ), warnings


def test_notice_days_of_0_and_365_are_kept(tmp_path, rows):
    rows.loc[7, "first_hearing_notice_days"] = "365"
    rows.loc[8, "first_hearing_notice_days"] = "0"
    checked = check_extract(_write(tmp_path, rows))
    assert checked.frame.loc[7:8, "first_hearing_notice_days"].tolist() == [365, 0]
    assert checked.quality["notice_days_out_of_range"]["count"] == 0


# --- rejected rows -----------------------------------------------------------------------


def test_a_child_aged_18_at_issue_is_rejected(tmp_path, rows):
    rows.loc[4, "issue_date"] = "2018-06-15"
    rows.loc[4, "child_birth_date"] = "2000-06-15"  # 18 today
    rows.loc[5, "issue_date"] = "2018-06-15"
    rows.loc[5, "child_birth_date"] = "2000-06-16"  # 17, 18 tomorrow: accepted
    rows.loc[4:5, ["close_date", "final_order"]] = ""
    problems = _problems(tmp_path, rows)
    assert problems == [
        f"{tmp_path / 'broken.csv'}, row 5, column child_birth_date: expected a child aged "
        "under 18 at issue_date (found 'aged 18'); a parent's birth date, or a wrong issue "
        "date, may have been given"
    ]


# --- files -------------------------------------------------------------------------------


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ExtractError, match="empty.csv: expected a non-empty file"):
        validate(path)


def test_header_only(tmp_path, rows):
    path = tmp_path / "header.csv"
    rows.head(0).to_csv(path, index=False)
    with pytest.raises(ExtractError, match="expected at least one data row"):
        validate(path)


def test_wrong_encoding_hints_latin_1(tmp_path, rows):
    path = tmp_path / "latin1.csv"
    rows.loc[4, "case_id"] = "Café"
    rows.to_csv(path, index=False, encoding="latin-1")
    with pytest.raises(
        ExtractError,
        match=r"row 5: expected UTF-8 text \(found 'byte 0xe9 on line 6'\); the file looks "
        r"Latin-1 encoded \(Windows-1252\); save it as UTF-8",
    ):
        validate(path)


@pytest.mark.parametrize("sep,word", [(";", "semicolon"), ("\t", "tab")])
def test_other_delimiters_are_named(tmp_path, rows, sep, word):
    path = tmp_path / "other.csv"
    rows.to_csv(path, index=False, sep=sep)
    with pytest.raises(ExtractError) as err:
        validate(path)
    assert len(err.value.problems) == 1
    assert "expected comma-separated values" in str(err.value)
    assert f"the file looks {word}-delimited" in str(err.value)


def test_ragged_csv(tmp_path, rows):
    path = _write(tmp_path, rows)
    path.write_text(path.read_text() + "a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p\n")
    with pytest.raises(ExtractError, match="expected the same number of fields on every line"):
        validate(path)


def test_unreadable_parquet_and_wrong_suffix(tmp_path):
    bad = tmp_path / "x.parquet"
    bad.write_text("not parquet")
    with pytest.raises(ExtractError, match="expected a readable Parquet file"):
        validate(bad)
    other = tmp_path / "x.xlsx"
    other.write_text("x")
    with pytest.raises(ExtractError, match=r"expected a \.csv or \.parquet file"):
        validate(other)


def test_partitioned_parquet_directory_is_read_as_one_extract(tmp_path, small_extract):
    frame = small_extract.head(3000)
    directory = tmp_path / "dataset"
    frame.to_parquet(directory, partition_cols=["law_type"])
    (directory / "_SUCCESS").write_text("")
    checked = check_extract(directory)
    got = checked.frame.sort_values(["case_id", "child_id"]).reset_index(drop=True)
    want = frame.sort_values(["case_id", "child_id"]).reset_index(drop=True)
    assert len(got) == 3000
    assert got["case_id"].tolist() == want["case_id"].tolist()
    assert got["law_type"].astype(str).tolist() == want["law_type"].astype(str).tolist()


def test_directories_without_only_parquet_are_refused(tmp_path, rows):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ExtractError, match="expected a directory of .parquet files"):
        validate(empty)
    csvs = tmp_path / "csvs"
    csvs.mkdir()
    rows.to_csv(csvs / "a.csv", index=False)
    with pytest.raises(ExtractError, match="give one CSV file, not a directory"):
        validate(csvs)
    (csvs / "b.parquet").write_bytes(b"")
    with pytest.raises(ExtractError, match="holding only .parquet files .*other files: a.csv"):
        validate(csvs)


def test_missing_path(tmp_path):
    with pytest.raises(ExtractError, match="nothing.csv: expected an existing file"):
        validate(tmp_path / "nothing.csv")


# --- the command -------------------------------------------------------------------------


def _fjo(*args):
    return subprocess.run(
        [sys.executable, "-m", "fjo_analysis.cli", *args], capture_output=True, text=True
    )


def test_cli_lists_problems_and_exits_non_zero(tmp_path, rows):
    rows.loc[0, "sex"] = "?"
    result = _fjo("data", "validate", str(_write(tmp_path, rows)))
    assert result.returncode == 1
    assert "row 1, column sex: expected one of" in result.stderr
    assert "1 problem(s) in total" in result.stderr


def test_cli_prints_warnings_grouped(tmp_path, rows):
    rows["case_id"] = rows["case_id"] + " "
    rows.loc[3, "first_hearing_notice_days"] = "400"
    rows.loc[[1, 2], "child_birth_date"] = ""
    result = _fjo("data", "validate", str(_write(tmp_path, rows)))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("50 rows, 3 warning(s):")
    assert any(line.startswith("  no complete financial year") for line in lines)  # a few days
    assert sum("spaces around IDs removed in 50 rows" in line for line in lines) == 1
    assert any("notice days outside 0-365" in line for line in lines)
    assert any("no birth date" in line for line in lines)


def test_parquet_extract_is_validated_too(tmp_path, small_extract):
    path = tmp_path / "x.parquet"
    broken = small_extract.head(20).astype({"local_authority_code": str})
    broken.loc[3, "local_authority_code"] = "nowhere"
    broken.to_parquet(path)
    with pytest.raises(ExtractError, match="row 4, column local_authority_code"):
        validate(path)


def test_cli_names_a_part_year(tmp_path, small_extract_csv):
    frame = pd.read_csv(small_extract_csv, dtype=str, keep_default_na=False)
    frame = frame[frame["issue_date"] <= "2018-10-31"]
    frame = frame[frame["close_date"] <= "2018-10-31"]  # closed by then
    result = _fjo("data", "validate", str(_write(tmp_path, frame)))
    assert result.returncode == 0, result.stderr
    last = pd.Timestamp(frame["issue_date"].max())
    assert result.stdout.splitlines()[:2] == [
        f"{tmp_path / 'broken.csv'}: {len(frame):,} rows, no problems",
        "  complete financial years 2016/17 to 2017/18; 2018/19 (part year to "
        f"{last.day} {last:%B %Y}) is left out of every measure",
    ]
    short = _write(tmp_path, frame[frame["issue_date"] <= "2016-10-31"], "short.csv")
    result = _fjo("data", "validate", str(short))
    last = pd.Timestamp(frame.loc[frame["issue_date"] <= "2016-10-31", "issue_date"].max())
    assert result.stdout.splitlines()[1] == (
        "  no complete financial year (April to March): fjo data prepare will refuse it; "
        f"2016/17 (part year to {last.day} {last:%B %Y})"
    )


def test_parquet_variants_are_repaired(tmp_path, small_extract):
    frame = small_extract.head(400).copy()
    frame["law_type"] = frame["law_type"].astype(str).str.title().astype("category")
    frame["child_id"] = " " + frame["child_id"]
    frame["local_authority_code"] = frame["local_authority_code"].astype(str).str.lower()
    path = tmp_path / "variants.parquet"
    frame.to_parquet(path)
    checked = check_extract(path)
    want = small_extract.head(400)
    assert checked.frame["law_type"].astype(str).tolist() == want["law_type"].astype(str).tolist()
    assert checked.frame["child_id"].tolist() == want["child_id"].tolist()
    assert checked.frame["local_authority_code"].astype(str).tolist() == (
        want["local_authority_code"].astype(str).tolist()
    )
    text = "\n".join(checked.warnings())
    assert "column law_type: case or space variants matched in 400 rows" in text
    assert "column child_id: spaces around IDs removed in 400 rows" in text
    assert "column local_authority_code: codes read ignoring case and spaces in 400 rows" in text
