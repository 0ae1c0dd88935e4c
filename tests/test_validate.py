"""Each kind of broken extract is reported with file, row, column and what was expected."""

import subprocess
import sys

import pandas as pd
import pytest

from fjo_analysis.data.validate import ExtractError, validate


@pytest.fixture
def rows(small_extract_csv):
    return pd.read_csv(small_extract_csv, dtype=str, keep_default_na=False).head(50)


def _problems(tmp_path, frame: pd.DataFrame) -> list[str]:
    path = tmp_path / "broken.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(ExtractError) as err:
        validate(path)
    return [str(p) for p in err.value.problems]


def _closed_row(rows) -> int:
    return int((rows["close_date"] != "").to_numpy().nonzero()[0][0])


def test_synthetic_extract_is_valid(small_extract_csv):
    assert len(validate(small_extract_csv)) > 10_000


@pytest.mark.parametrize(
    "column,value,expected",
    [
        ("issue_date", "31/01/2017", "expected a date as YYYY-MM-DD (found '31/01/2017')"),
        ("issue_date", "2099-01-01", "expected a date not after"),
        ("child_birth_date", "2017-02-30", "expected a date as YYYY-MM-DD (found '2017-02-30')"),
        ("local_authority_code", "E06999999", "expected a known local-authority GSS code"),
        ("law_type", "pubic", "expected one of ('public', 'private') (found 'pubic')"),
        ("sex", "F", "expected one of ('female', 'male', 'unknown') (found 'F')"),
        ("ethnicity", "white", "column ethnicity: expected one of"),
        ("first_hearing_notice_days", "three", "expected a whole number of days (found 'three')"),
        ("first_hearing_notice_days", "-2", "expected whole days from 0 to 365"),
        ("case_id", "", "column case_id: expected a value (empty is not allowed)"),
    ],
)
def test_bad_value_names_file_row_and_column(tmp_path, rows, column, value, expected):
    rows.loc[7, column] = value
    problems = _problems(tmp_path, rows)
    assert any(p.startswith(f"{tmp_path / 'broken.csv'}, row 8, column {column}") for p in problems)
    assert any(expected in p for p in problems), problems


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


def test_missing_and_extra_columns(tmp_path, rows):
    problems = _problems(tmp_path, rows.drop(columns=["sex"]).assign(notes="x"))
    assert any("column sex: expected this column to be present" in p for p in problems)
    assert any("column notes: expected no such column" in p for p in problems)


def test_every_problem_is_listed_not_just_the_first(tmp_path, rows):
    rows.loc[1, "sex"] = "?"
    rows.loc[2, "law_type"] = "?"
    rows.loc[3, "issue_date"] = "?"
    problems = _problems(tmp_path, rows)
    assert {"row 2, column sex", "row 3, column law_type", "row 4, column issue_date"} <= {
        ", ".join(p.split(", ")[1:3]).split(":")[0] for p in problems
    }


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


def test_wrong_encoding(tmp_path, rows):
    path = tmp_path / "latin1.csv"
    rows.loc[4, "case_id"] = "Café"
    rows.to_csv(path, index=False, encoding="latin-1")
    with pytest.raises(
        ExtractError, match=r"row 5: expected UTF-8 text \(found 'byte 0xe9 on line 6'\)"
    ):
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


def test_cli_lists_problems_and_exits_non_zero(tmp_path, rows):
    rows.loc[0, "sex"] = "?"
    path = tmp_path / "broken.csv"
    rows.to_csv(path, index=False)
    result = subprocess.run(
        [sys.executable, "-m", "fjo_analysis.cli", "data", "validate", str(path)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "row 1, column sex: expected one of" in result.stderr
    assert "1 problem(s) in total" in result.stderr


def test_parquet_extract_is_validated_too(tmp_path, small_extract):
    path = tmp_path / "x.parquet"
    broken = small_extract.head(20).astype({"local_authority_code": str})
    broken.loc[3, "local_authority_code"] = "nowhere"
    broken.to_parquet(path)
    with pytest.raises(ExtractError, match="row 4, column local_authority_code"):
        validate(path)
