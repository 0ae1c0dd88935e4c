"""Read a case-level extract (CSV or Parquet) and list every way it breaks the schema.

Each problem names the file, the row (1-based data row; in a CSV, line = row + 1), the
column and what was expected, so the research team can fix an extract in one pass.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from fjo_analysis.data.schema import COLUMNS, DATE_COLUMNS, INTEGER_COLUMNS, schema
from fjo_analysis.errors import ExtractError, Problem
from fjo_analysis.geography import REFERENCE_VINTAGE, unknown_codes

# Row-wise checks across columns, by their error text: the column whose value is shown
# (pandera drops empty values from failure cases) and the column the problem is reported in.
FRAME_CHECK_COLUMN = {
    "close_date on or after issue_date": ("close_date", "close_date"),
    "child_birth_date on or before issue_date": ("child_birth_date", "child_birth_date"),
    "a final_order for every closed case": ("close_date", "final_order"),
}


def read_raw(path: Path) -> pd.DataFrame:
    """The extract as stored: a CSV as strings, a Parquet file with its own types."""
    name = str(path)
    if not path.exists():
        raise ExtractError([Problem(name, None, None, "an existing file")])
    if path.stat().st_size == 0:
        raise ExtractError([Problem(name, None, None, "a non-empty file", "0 bytes")])
    if path.suffix.lower() == ".parquet":
        try:
            return pd.read_parquet(path)
        except Exception as exc:  # pyarrow raises several types for a broken file
            problem = Problem(name, None, None, "a readable Parquet file", str(exc))
            raise ExtractError([problem]) from None
    if path.suffix.lower() != ".csv":
        raise ExtractError([Problem(name, None, None, "a .csv or .parquet file", path.suffix)])
    raw_bytes = path.read_bytes()
    try:
        raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        found = f"byte {raw_bytes[exc.start]:#x} on line {line}"
        raise ExtractError([Problem(name, line - 1, None, "UTF-8 text", found)]) from None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    if frame.empty:
        raise ExtractError([Problem(name, None, None, "at least one data row", "a header only")])
    return frame.replace("", None)


def parse(raw: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns from raw ones, with a problem for every value that does not parse."""
    frame = raw.copy()
    problems = []
    for column in DATE_COLUMNS:
        if column in frame and not pd.api.types.is_datetime64_any_dtype(frame[column]):
            text = frame[column]
            frame[column] = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            bad = text.notna() & frame[column].isna()
            expected = "a date as YYYY-MM-DD"
            problems += [Problem(name, i + 1, column, expected, v) for i, v in text[bad].items()]
    for column in INTEGER_COLUMNS:
        if column in frame and not pd.api.types.is_integer_dtype(frame[column]):
            text = frame[column]
            numbers = pd.to_numeric(text, errors="coerce")
            bad = text.notna() & (numbers.isna() | (numbers % 1 != 0))
            expected = "a whole number of days"
            problems += [Problem(name, i + 1, column, expected, v) for i, v in text[bad].items()]
            frame[column] = numbers.where(~bad).astype("Int64")
    for column in set(COLUMNS) - set(DATE_COLUMNS) - set(INTEGER_COLUMNS):
        if column in frame and not isinstance(frame[column].dtype, pd.CategoricalDtype):
            frame[column] = frame[column].astype("string")
    return frame, problems


def check(frame: pd.DataFrame, name: str, extract_date: pd.Timestamp) -> list[Problem]:
    """Every schema failure in a parsed extract, as problems."""
    try:
        schema(extract_date).validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as err:
        problems = (_problem(case, name) for case in err.failure_cases.itertuples(index=False))
        return list(dict.fromkeys(p for p in problems if p is not None))
    return []


def _problem(case, name: str) -> Problem | None:
    """A pandera failure case as a problem; None for the copies a row-wise check makes."""
    check_name = str(case.check)
    row = None if pd.isna(case.index) else int(case.index) + 1
    found = "" if pd.isna(case.failure_case) else str(case.failure_case).removesuffix(" 00:00:00")
    if check_name == "column_in_schema":
        return Problem(name, None, found, "no such column (unexpected)")
    if check_name == "column_in_dataframe":
        return Problem(name, None, found, "this column to be present", "missing")
    if check_name == "not_nullable":
        return Problem(name, row, case.column, "a value (empty is not allowed)")
    if "uniqueness" in check_name:
        return Problem(name, row, "case_id, child_id", "a (case_id, child_id) pair not seen before")
    if check_name in FRAME_CHECK_COLUMN:
        shown, column = FRAME_CHECK_COLUMN[check_name]
        if case.column != shown:
            return None
        return Problem(name, row, column, check_name, found if shown == column else "empty")
    return Problem(name, row, case.column, check_name, found)


def unknown_local_authorities(frame: pd.DataFrame, name: str) -> list[Problem]:
    """One problem per local-authority code that is neither current nor historical, with
    its row count, its first row and the vintage of the reference it was checked against."""
    if "local_authority_code" not in frame:
        return []
    codes = frame["local_authority_code"].reset_index(drop=True)
    problems = []
    for code, rows in unknown_codes(codes)[["code", "rows"]].itertuples(index=False):
        first = int((codes.astype("string") == code).fillna(False).to_numpy().argmax()) + 1
        expected = (
            "a known local-authority GSS code, current or retired since 2009 "
            f"({rows:,} row(s) have this code, the first shown; checked against "
            f"{REFERENCE_VINTAGE})"
        )
        problems.append(Problem(name, first, "local_authority_code", expected, code))
    return problems


def validate(path: Path, extract_date: pd.Timestamp | None = None) -> pd.DataFrame:
    """The parsed extract, or an ExtractError listing every problem in it."""
    name = str(path)
    extract_date = extract_date or pd.Timestamp.today().normalize()
    frame, problems = parse(read_raw(path), name)
    unparsed = {(p.row, p.column) for p in problems}
    problems += [
        p
        for p in check(frame, name, extract_date)
        if not (p.expected.startswith("a value") and (p.row, p.column) in unparsed)
    ]
    problems += unknown_local_authorities(frame, name)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ExtractError(problems)
    return frame
