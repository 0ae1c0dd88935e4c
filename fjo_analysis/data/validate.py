"""Read a case-level extract (CSV, Parquet, or a directory of Parquet files) and check it.

Honest, lenient parsing: an extract either builds correctly or fails with one clear line
per kind of problem.

- **Problems** are grouped: one line per (column, kind of problem), naming the file, the
  number of rows, the first rows (1-based data rows; in a CSV, line = row + 1), the
  distinct offending values and what was expected, with a hint at the likely cause
  ("values look like dd/mm/yyyy", "the file looks semicolon-delimited").
- **Repairs** are made only where the meaning is certain, each with a warning giving its
  count: dd/mm/yyyy dates (when the file shows a day above 12 and never a month above
  12), midnight datetimes, timezone-aware timestamps that are midnight in their own zone,
  UTC or UK time, case and whitespace variants of categories and codes, spaces around
  IDs and column names, and extra columns (dropped, named).
- **Kept but left out of a measure**, counted in ``Checked.quality`` (the processed
  manifest's ``quality``): a missing child birth date (left out of age-based measures)
  and first-hearing notice days outside 0-365 (treated as missing).
- **Rejected**: placeholder IDs ("NULL", "N/A", "-", "unknown", "0", empty) and a child
  aged 18 or over at issue, as well as everything the schema forbids.

Everything is vectorised: per-value work is done on the distinct values of a column (a
few dozen), never in a Python loop over rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa

from fjo_analysis.data.schema import (
    CATEGORY_COLUMNS,
    COLUMNS,
    DATE_COLUMNS,
    ID_COLUMNS,
    INTEGER_COLUMNS,
    schema,
)
from fjo_analysis.errors import ROWS_SHOWN, VALUES_SHOWN, ExtractError, Problem, Repair
from fjo_analysis.geography import REFERENCE_VINTAGE, unknown_codes

__all__ = ["Checked", "ExtractError", "check_extract", "read_raw", "validate"]

# Row-wise checks across columns, by their error text: the column whose value is shown
# (pandera drops empty values from failure cases) and the column the problem is reported in.
FRAME_CHECK_COLUMN = {
    "close_date on or after issue_date": ("close_date", "close_date"),
    "child_birth_date on or before issue_date": ("child_birth_date", "child_birth_date"),
    "a final_order for every closed case": ("close_date", "final_order"),
}
# Values that stand for "no ID" in exports; compared after stripping, ignoring case.
PLACEHOLDER_IDS = ("", "null", "none", "nan", "n/a", "na", "-", "unknown", "0")
NOTICE_DAYS_RANGE = (0, 365)
OUT_OF_RANGE_ACTION = "notice days outside 0-365 treated as missing (left out of notice measures)"
ADULT_AGE_YEARS = 18
# The kinds of row kept but left out of a measure, with the sentence the methods use.
QUALITY = {
    "missing_birth_date": (
        "children with no birth date: kept, but left out of age-based measures "
        "(age bands, newborns, infants)"
    ),
    "notice_days_out_of_range": (
        "first-hearing notice days outside 0-365: treated as missing, so left out of "
        "measures of notice"
    ),
}
UK_TIME = "Europe/London"
_SLASH_DATE = r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_MIDNIGHT = r"^(\d{4}-\d{2}-\d{2})[ T]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$"
_TIME_OF_DAY = r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}"


@dataclass
class Checked:
    """A parsed, valid extract, the repairs made to it and the quality counts."""

    frame: pd.DataFrame
    repairs: list[Repair] = field(default_factory=list)
    quality: dict[str, dict] = field(default_factory=dict)

    def warnings(self, file: str | None = None) -> list[str]:
        """The repairs as warning lines (naming ``file`` instead of the path, if given)."""
        return [str(replace(r, file=file) if file else r) for r in self.repairs]


def _problem(
    name: str,
    column: str | None,
    mask,
    values: pd.Series | None,
    expected: str,
    hint: str = "",
) -> Problem | None:
    """One grouped problem for the rows where ``mask`` is true (None if there are none)."""
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    if len(where) == 0:
        return None
    rows = tuple(int(i) + 1 for i in where[:ROWS_SHOWN])
    shown: tuple[str, ...] = ()
    if values is not None:
        sample = values.iloc[where[:10_000]]
        distinct = pd.unique(sample.astype("string").fillna("").to_numpy())
        shown = tuple(str(v) for v in distinct[: VALUES_SHOWN + 1])
    return Problem(name, rows[0], column, expected, "", len(where), rows, shown, hint)


def _repair(name: str, column: str | None, mask, values: pd.Series | None, action: str):
    """A repair warning over the rows where ``mask`` is true (None if there are none)."""
    where = np.flatnonzero(np.asarray(mask, dtype=bool))
    if len(where) == 0:
        return None
    shown: tuple[str, ...] = ()
    if values is not None:
        distinct = pd.unique(values.iloc[where[:10_000]].astype("string").fillna("").to_numpy())
        shown = tuple(str(v) for v in distinct[: VALUES_SHOWN + 1])
    rows = tuple(int(i) + 1 for i in where[:ROWS_SHOWN])
    return Repair(name, column, action, len(where), rows, shown)


# --- reading -----------------------------------------------------------------------------


def _fail(name: str, expected: str, found: str = "", row=None, hint: str = "") -> ExtractError:
    return ExtractError([Problem(name, row, None, expected, found, hint=hint)])


def _read_parquet(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises several types for a broken file or dataset
        raise _fail(str(path), f"a readable {what}", str(exc).splitlines()[0]) from None


def _read_directory(path: Path) -> pd.DataFrame:
    """A directory of Parquet files (a partitioned dataset) as one extract."""
    name = str(path)
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(path).parts)
    ]
    parquet = [p for p in files if p.suffix.lower() == ".parquet"]
    others = [str(p.relative_to(path)) for p in files if p.suffix.lower() != ".parquet"]
    if not parquet:
        csv = any(p.suffix.lower() == ".csv" for p in files)
        hint = "give one CSV file, not a directory" if csv else ""
        found = f"{len(files)} file(s), none of them .parquet"
        raise _fail(name, "a directory of .parquet files (a partitioned dataset)", found, hint=hint)
    if others:
        shown = ", ".join(others[:5]) + (", ..." if len(others) > 5 else "")
        raise _fail(
            name,
            "a directory holding only .parquet files (a partitioned dataset)",
            f"other files: {shown}",
        )
    return _read_parquet(path, "Parquet dataset").reset_index(drop=True)


def _delimiter_hint(header: str) -> str:
    for delimiter, word in ((";", "semicolon"), ("\t", "tab"), ("|", "pipe")):
        if header.count(delimiter) > header.count(","):
            return f"the file looks {word}-delimited; save it comma-separated"
    return ""


def read_raw(path: Path) -> pd.DataFrame:
    """The extract as stored: a CSV as strings, Parquet (a file or a directory of files
    read as one dataset) with its own types."""
    name = str(path)
    if not path.exists():
        raise _fail(name, "an existing file")
    if path.is_dir():
        return _read_directory(path)
    if path.stat().st_size == 0:
        raise _fail(name, "a non-empty file", "0 bytes")
    if path.suffix.lower() == ".parquet":
        return _read_parquet(path, "Parquet file")
    if path.suffix.lower() != ".csv":
        raise _fail(name, "a .csv or .parquet file", path.suffix)
    raw_bytes = path.read_bytes()
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        found = f"byte {raw_bytes[exc.start]:#x} on line {line}"
        try:
            raw_bytes.decode("cp1252")
            hint = "the file looks Latin-1 encoded (Windows-1252); save it as UTF-8"
        except UnicodeDecodeError:
            hint = ""
        raise _fail(name, "UTF-8 text", found, row=line - 1, hint=hint) from None
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    hint = _delimiter_hint(header)
    if hint:
        raise _fail(name, "comma-separated values", f"header {header[:60]!r}", hint=hint)
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except pd.errors.ParserError as exc:
        raise _fail(name, "the same number of fields on every line", str(exc).strip()) from None
    if frame.empty:
        raise _fail(name, "at least one data row", "a header only")
    return frame.replace("", None)


# --- columns -----------------------------------------------------------------------------


def _columns(raw: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Problem], list[Repair]]:
    """Column names matched ignoring case and spaces; extra columns dropped; missing ones
    reported."""
    repairs, problems = [], []
    normal = {c: re.sub(r"[\s\-]+", "_", str(c).strip().lower()) for c in raw.columns}
    renamed = {c: n for c, n in normal.items() if c != n and n in COLUMNS}
    if renamed:
        shown = ", ".join(f"{c!r} as {n!r}" for c, n in renamed.items())
        repairs.append(
            Repair(name, None, f"column names read ignoring case and spaces: {shown}", 0)
        )
    names = [renamed.get(c, c) for c in raw.columns]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        problems.append(Problem(name, None, ", ".join(duplicated), "each column once"))
        return raw, problems, repairs
    frame = raw.set_axis(names, axis=1)
    extra = [c for c in frame.columns if c not in COLUMNS]
    if extra:
        shown = ", ".join(repr(str(c)) for c in extra)
        repairs.append(Repair(name, None, f"extra column(s) dropped: {shown}", 0))
        frame = frame.drop(columns=extra)
    for column in COLUMNS:
        if column not in frame:
            problems.append(Problem(name, None, column, "this column to be present", "missing"))
    return frame, problems, repairs


def _factorize(column: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes (-1 for missing) and distinct values, cheaply for categorical columns."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), column.cat.categories
    codes, uniques = pd.factorize(column, use_na_sentinel=True)
    return codes, pd.Index(uniques)


def _as_text(values: pd.Index) -> list[str | None]:
    return [None if pd.isna(v) else str(v) for v in values]


def _category(column: pd.Series, allowed: tuple[str, ...]):
    """The column as a categorical of ``allowed``; codes of variants and of unknown values."""
    codes, uniques = _factorize(column)
    lookup = {a.casefold(): i for i, a in enumerate(allowed)}
    exact = {a: i for i, a in enumerate(allowed)}
    target, variants, unknown = [], [], []
    for i, value in enumerate(_as_text(uniques)):  # distinct values only: a few dozen
        clean = None if value is None else value.strip()
        if value in exact:
            target.append(exact[value])
        elif not clean:
            target.append(-1)
        elif clean.casefold() in lookup:
            target.append(lookup[clean.casefold()])
            variants.append(i)
        else:
            target.append(-1)
            unknown.append(i)
    mapped = np.asarray(target + [-1], dtype=np.int64)[codes]  # code -1 picks the last
    values = pd.Categorical.from_codes(mapped, categories=list(allowed))
    return pd.Series(values, index=column.index), np.isin(codes, variants), np.isin(codes, unknown)


def _code(column: pd.Series):
    """GSS codes without surrounding spaces, in upper case (the column unchanged, or as
    strings, if none needed it); where values changed."""
    codes, uniques = _factorize(column)
    text = _as_text(uniques)
    clean = [None if v is None or not v.strip() else v.strip().upper() for v in text]
    changed = [i for i, (a, b) in enumerate(zip(text, clean, strict=True)) if a != b]
    if not changed:
        if isinstance(column.dtype, pd.CategoricalDtype):
            return column, np.zeros(len(column), dtype=bool)
        return column.astype("string"), np.zeros(len(column), dtype=bool)
    values = np.asarray(clean + [None], dtype=object)[codes]
    shown = [i for i in changed if clean[i]]  # an empty code is reported by the schema
    return pd.Series(values, index=column.index, dtype="string"), np.isin(codes, shown)


def _ids(frame, column, name, problems, repairs, unparsed) -> None:
    text = frame[column].astype("string")
    clean = text.str.strip()
    length = clean.str.len()
    spaced = (text.str.len() != length).fillna(False).to_numpy()  # strip only shortens
    repairs.append(_repair(name, column, spaced, text, "spaces around IDs removed"))
    placeholder = clean.isna().to_numpy().copy()
    short = (length <= max(map(len, PLACEHOLDER_IDS))).fillna(False).to_numpy()
    if short.any():  # real IDs are longer than every placeholder: look at short ones only
        placeholder[short] |= clean[short].str.lower().isin(PLACEHOLDER_IDS).to_numpy()
    problems.append(
        _problem(
            name,
            column,
            placeholder,
            text,
            "a pseudonymised ID (placeholders such as 'NULL', 'N/A', '-', 'unknown', '0' "
            "and empty values are not IDs)",
            "a missing ID would join unrelated rows into one person or case",
        )
    )
    unparsed[column] = placeholder
    if spaced.any():
        frame[column] = clean


# --- dates -------------------------------------------------------------------------------


def _date_order(slash: dict[str, pd.DataFrame]) -> str | None:
    """'dmy' when the file's slash dates show a day above 12 and never a month above 12;
    'mdy' for the reverse; 'mixed' when both; None when nothing tells."""
    day_first = any((parts[0] > 12).any() for parts in slash.values())
    month_first = any((parts[1] > 12).any() for parts in slash.values())
    if day_first and month_first:
        return "mixed"
    return "dmy" if day_first else "mdy" if month_first else None


def _date_from_parts(parts: pd.DataFrame, order: str) -> pd.Series:
    day, month = (parts[0], parts[1]) if order == "dmy" else (parts[1], parts[0])
    return pd.to_datetime(
        pd.DataFrame({"year": parts[2], "month": month, "day": day}), errors="coerce"
    )


def _timestamps(column: pd.Series, name, problems, repairs) -> pd.Series:
    """Datetime values as dates: naive midnight as they are; timezone-aware ones read in
    the first of their own zone, UTC and UK time where every value is a midnight."""
    tz = getattr(column.dtype, "tz", None)
    present = column.notna().to_numpy()
    if tz is None:
        unit, _ = np.datetime_data(column.dtype)
        per_day = np.timedelta64(1, "D").astype(f"timedelta64[{unit}]").astype("int64")
        at_midnight = (column.to_numpy().view("int64") % per_day == 0) | ~present
        if bool(at_midnight.all()):
            return column
        problems.append(
            _problem(
                name,
                column.name,
                ~at_midnight,
                column.astype("string"),
                "a date (no time of day)",
                "values carry a time of day",
            )
        )
        return column.where(at_midnight)
    for zone in dict.fromkeys([str(tz), "UTC", UK_TIME]):
        local = column.dt.tz_convert(zone).dt.tz_localize(None)
        if bool(((local == local.dt.normalize()) | ~present).all()):
            repairs.append(
                _repair(
                    name,
                    column.name,
                    present,
                    None,
                    f"timezone-aware timestamps read as {zone} dates",
                )
            )
            return local
    problems.append(
        _problem(
            name,
            column.name,
            present,
            column.astype("string"),
            "a date (timestamps at midnight)",
            "values are timestamps with times of day in every time zone tried",
        )
    )
    return pd.Series(pd.NaT, index=column.index, dtype="datetime64[ns]")


def _dates(frame, name, problems, repairs, unparsed) -> None:
    texts, parsed, slash = {}, {}, {}
    for column in DATE_COLUMNS:
        values = frame[column]
        if pd.api.types.is_datetime64_any_dtype(values):
            frame[column] = _timestamps(values, name, problems, repairs)
            continue
        text = values if pd.api.types.is_string_dtype(values) else values.astype("string")
        dates = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        dates = dates.astype("datetime64[us]")  # all-empty or all-unparsed columns too
        rest = (text.notna() & dates.isna()).to_numpy()
        if rest.any():  # only values that did not parse: without spaces, empty as missing
            text = text.astype("string")
            text[rest] = text[rest].str.strip().replace("", None)
            again = pd.to_datetime(text[rest], format="%Y-%m-%d", errors="coerce")
            dates[rest] = again.astype("datetime64[us]")
            rest = (text.notna() & dates.isna()).to_numpy()
        texts[column], parsed[column] = text, dates
        if rest.any():
            parts = text[rest].str.extract(_SLASH_DATE).dropna().astype("int64")
            if len(parts):
                slash[column] = parts
    order = _date_order(slash)
    for column, text in texts.items():
        dates = parsed[column]
        rest = (text.notna() & dates.isna()).to_numpy()
        if not rest.any():
            frame[column] = dates
            continue
        pending = text[rest]
        midnight = pending.str.extract(_MIDNIGHT)[0].dropna()
        if len(midnight):
            repaired = pd.to_datetime(midnight, format="%Y-%m-%d", errors="coerce").dropna()
            dates.loc[repaired.index] = repaired.astype(dates.dtype)
            mask = text.index.isin(repaired.index)
            repairs.append(_repair(name, column, mask, text, "midnight datetimes read as dates"))
        parts = slash.get(column)
        if parts is not None and order in ("dmy",):
            repaired = _date_from_parts(parts, order).dropna()
            dates.loc[repaired.index] = repaired.astype(dates.dtype)
            mask = text.index.isin(repaired.index)
            repairs.append(
                _repair(name, column, mask, text, "dates written dd/mm/yyyy read day first")
            )
        bad = (text.notna() & dates.isna()).to_numpy()
        if bad.any():
            slashed = text.index.isin(parts.index) if parts is not None else np.zeros(len(text))
            hint = ""
            if (bad & slashed.astype(bool)).any():
                hint = {
                    "mixed": "values look like dd/mm/yyyy mixed with mm/dd/yyyy: the order is "
                    "uncertain",
                    "mdy": "values look like mm/dd/yyyy (month first); write YYYY-MM-DD",
                    None: "values look like dd/mm/yyyy or mm/dd/yyyy, but no day above 12 "
                    "shows which; write YYYY-MM-DD",
                }.get(order, "values look like dd/mm/yyyy but are not real dates")
            elif text[bad].str.contains(_TIME_OF_DAY, regex=True).any():
                hint = "values carry a time of day"
            problems.append(_problem(name, column, bad, text, "a date as YYYY-MM-DD", hint))
            unparsed[column] = bad
        frame[column] = dates


# --- numbers -----------------------------------------------------------------------------


def _notice_days(frame, name, problems, repairs, unparsed, quality) -> None:
    column = INTEGER_COLUMNS[0]
    values = frame[column]
    low, high = NOTICE_DAYS_RANGE
    if pd.api.types.is_integer_dtype(values):  # whole numbers already: check the range only
        outside = ((values < low) | (values > high)).fillna(False).to_numpy(dtype=bool)
        quality["notice_days_out_of_range"] = int(outside.sum())
        if outside.any():
            repairs.append(
                _repair(
                    name,
                    column,
                    outside,
                    values.astype("string"),
                    OUT_OF_RANGE_ACTION,
                )
            )
            frame[column] = values.astype("Int64").mask(outside)
        return
    if pd.api.types.is_numeric_dtype(values):
        numbers = values.astype("Float64")
        text = values.astype("string")
    else:
        text = values.astype("string").str.strip().replace("", None)
        numbers = pd.to_numeric(text, errors="coerce").astype("Float64")
    bad = (text.notna() & (numbers.isna() | (numbers % 1 != 0))).fillna(True).to_numpy()
    bad &= text.notna().to_numpy()
    problems.append(
        _problem(name, column, bad, text, "a whole number of days", "values are not whole numbers")
    )
    outside = (~bad & ((numbers < low) | (numbers > high)).fillna(False).to_numpy()).astype(bool)
    quality["notice_days_out_of_range"] = int(outside.sum())
    repairs.append(
        _repair(
            name,
            column,
            outside,
            text,
            OUT_OF_RANGE_ACTION,
        )
    )
    unparsed[column] = bad
    frame[column] = numbers.where(~(bad | outside)).round().astype("Int64")


# --- the whole extract -------------------------------------------------------------------


def parse(raw: pd.DataFrame, name: str) -> tuple[pd.DataFrame, list[Problem]]:
    """Typed columns from raw ones, with a problem for every kind of value that does not
    parse (``parse_all`` also returns the repairs and quality counts)."""
    frame, problems, *_ = parse_all(raw, name)
    return frame, problems


def parse_all(
    raw: pd.DataFrame, name: str
) -> tuple[pd.DataFrame, list[Problem], list[Repair], dict, dict]:
    """Typed columns from raw ones: the frame, its problems (grouped), the repairs made,
    the quality counts and, per column, the rows whose value did not parse."""
    frame, problems, repairs = _columns(raw, name)
    quality: dict[str, int] = {}
    unparsed: dict[str, np.ndarray] = {}
    if problems:
        return frame, problems, repairs, quality, unparsed
    frame = frame.reset_index(drop=True)
    for column in ID_COLUMNS:
        _ids(frame, column, name, problems, repairs, unparsed)
    for column, allowed in CATEGORY_COLUMNS.items():
        values, variant, unknown = _category(frame[column], allowed)
        text = frame[column].astype("string") if variant.any() or unknown.any() else None
        repairs.append(_repair(name, column, variant, text, "case or space variants matched"))
        problems.append(_problem(name, column, unknown, text, f"one of {allowed}"))
        unparsed[column] = unknown
        frame[column] = values
    codes, changed = _code(frame["local_authority_code"])
    if changed.any():
        text = frame["local_authority_code"].astype("string")
        repairs.append(
            _repair(
                name, "local_authority_code", changed, text, "codes read ignoring case and spaces"
            )
        )
    frame["local_authority_code"] = codes
    _dates(frame, name, problems, repairs, unparsed)
    _notice_days(frame, name, problems, repairs, unparsed, quality)
    missing_birth = frame["child_birth_date"].isna().to_numpy()
    if "child_birth_date" in unparsed:
        missing_birth = missing_birth & ~unparsed["child_birth_date"]
    quality["missing_birth_date"] = int(missing_birth.sum())
    repairs.append(
        _repair(
            name,
            "child_birth_date",
            missing_birth,
            None,
            "rows with no birth date kept, left out of age-based measures",
        )
    )
    problems.append(_adults(frame, name))
    return (
        frame,
        [p for p in problems if p is not None],
        [r for r in repairs if r is not None],
        quality,
        unparsed,
    )


def _adults(frame: pd.DataFrame, name: str) -> Problem | None:
    """Children aged 18 or over at issue (completed years, as in ``prepare.derive``)."""
    issue = frame["issue_date"].to_numpy("datetime64[D]")
    birth = frame["child_birth_date"].to_numpy("datetime64[D]")
    days = (issue - birth).astype("int64")  # NaT gives the smallest int64
    # 18 years hold at least 18 * 365 + 4 days: only rows that old need the exact test
    candidate = np.flatnonzero(days >= 18 * 365 + 4)
    adult = np.zeros(len(frame), dtype=bool)
    years = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    if len(candidate):
        i_date = frame["issue_date"].iloc[candidate]
        b_date = frame["child_birth_date"].iloc[candidate]
        before = (i_date.dt.month * 100 + i_date.dt.day) < (b_date.dt.month * 100 + b_date.dt.day)
        completed = (i_date.dt.year - b_date.dt.year - before.astype("int64")).to_numpy()
        adult[candidate] = completed >= ADULT_AGE_YEARS
        years.iloc[candidate] = completed
    return _problem(
        name,
        "child_birth_date",
        adult,
        years.astype("string").radd("aged "),
        f"a child aged under {ADULT_AGE_YEARS} at issue_date",
        "a parent's birth date, or a wrong issue date, may have been given",
    )


def check(
    frame: pd.DataFrame,
    name: str,
    extract_date: pd.Timestamp,
    unparsed: dict[str, np.ndarray] | None = None,
) -> list[Problem]:
    """Every schema failure in a parsed extract, grouped per (column, check); a failure in
    a row and column whose value did not parse is left out (it is reported already)."""
    try:
        schema(extract_date).validate(frame.reset_index(drop=True), lazy=True)
    except pa.errors.SchemaErrors as err:
        return _grouped(err.failure_cases, name, len(frame), unparsed or {})
    return []


def _grouped(cases: pd.DataFrame, name: str, n: int, unparsed: dict) -> list[Problem]:
    problems = []
    cases = cases[cases["index"].notna()]
    for (column, check_name), group in cases.groupby(["column", "check"], sort=False):
        column, check_name = str(column), str(check_name)
        rows = group["index"].astype("int64").to_numpy()
        reported = column
        expected = check_name
        if "uniqueness" in check_name or "unique" in check_name:
            reported, expected = "case_id, child_id", "a (case_id, child_id) pair not seen before"
        elif check_name in FRAME_CHECK_COLUMN:
            shown, reported = FRAME_CHECK_COLUMN[check_name]
            if column != shown:
                continue
        elif check_name == "not_nullable":
            expected = "a value (empty is not allowed)"
        if reported in unparsed:
            rows = rows[~unparsed[reported][rows]]
        mask = np.zeros(n, dtype=bool)
        mask[rows] = True
        values = None
        if check_name != "not_nullable" and "unique" not in check_name:
            text = group.set_index("index")["failure_case"].astype("string")
            text = text.str.removesuffix(" 00:00:00")
            if reported != column:
                text = pd.Series("empty", index=text.index, dtype="string")
            values = pd.Series(pd.NA, index=range(n), dtype="string")
            values.iloc[text.index.to_numpy()] = text.to_numpy()
        problem = _problem(name, reported, mask, values, expected)
        if problem is not None:
            problems.append(problem)
    return problems


def check_extract(path: Path, extract_date: pd.Timestamp | None = None) -> Checked:
    """The parsed extract with its repairs and quality counts, or an ExtractError listing
    every kind of problem in it."""
    name = str(path)
    extract_date = extract_date or pd.Timestamp.today().normalize()
    frame, problems, repairs, quality, unparsed = parse_all(read_raw(path), name)
    if not any(p.expected == "this column to be present" for p in problems) and not (
        any(p.expected == "each column once" for p in problems)
    ):
        problems += check(frame, name, extract_date, unparsed)
        problems += unknown_local_authorities(frame, name)
    if problems:
        problems.sort(key=lambda p: (p.row or 0, p.column or ""))
        raise ExtractError(problems)
    return Checked(
        frame,
        repairs,
        {k: {"count": quality.get(k, 0), "description": d} for k, d in QUALITY.items()},
    )


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
    return check_extract(path, extract_date).frame
