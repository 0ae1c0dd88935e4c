"""Validate an extract, derive the analysis columns and write ``data/processed/``.

Derived: the April-2024 local-authority unit of each row's code (retired codes mapped by
the code history, split authorities to a combined unit; see ``fjo_analysis.geography``)
and its region, country and DFJ area; financial year (April to March, labelled
``2023/24``); age at issue in days and the age bands the partnership uses (newborn under
7 days; infant under 1 year; 1-4, 5-9, 10-15, 16-17); duration in weeks for closed cases
and weeks observed so far for open ones (censored at the extract date, never dropped).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd

from fjo_analysis.data.validate import check_extract
from fjo_analysis.errors import ExtractError, Problem
from fjo_analysis.geography import map_codes, mapping_counts, units
from fjo_analysis.reference import AGE_BAND_EDGES, AGE_BANDS

CASES_FILE = "cases.parquet"
MANIFEST_FILE = "manifest.json"
NEWBORN_MAX_DAYS = 6  # aged under 7 days at issue
COMPLETE_WITHIN_DAYS = 7  # a year is complete if the latest issue date is in its last week


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks; of a directory (a Parquet dataset), over its
    files' relative paths and contents in sorted order."""
    digest = hashlib.sha256()
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        if path.is_dir():
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
        with open(file, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def derive(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The analysis columns, and the censoring date (the latest date in the extract)."""
    extract_date = max(cases["issue_date"].max(), cases["close_date"].max(skipna=True))
    if pd.isna(extract_date):
        extract_date = cases["issue_date"].max()
    out = map_local_authorities(cases.copy())
    issue = out["issue_date"]
    out["financial_year"] = (issue.dt.year - (issue.dt.month < 4)).astype("int16")
    # A child with no birth date keeps the row; the age columns are missing, so every
    # age-based measure leaves the child out (validation counts them in the manifest).
    birth = out["child_birth_date"]
    known = birth.notna().to_numpy()
    age_days = (issue - birth).dt.days
    out["age_at_issue_days"] = age_days.astype("Int32")
    not_yet_birthday = (issue.dt.month * 100 + issue.dt.day) < (birth.dt.month * 100 + birth.dt.day)
    years = (issue.dt.year - birth.dt.year - not_yet_birthday).fillna(-1).to_numpy("int64")
    out["newborn"] = (age_days <= NEWBORN_MAX_DAYS).astype("boolean").mask(~known)
    out["infant"] = pd.Series(years < 1, index=out.index, dtype="boolean").mask(~known)
    band = np.searchsorted(AGE_BAND_EDGES, years, side="right") - 1
    out["age_band"] = pd.Categorical.from_codes(
        np.where(known, np.clip(band, 0, len(AGE_BANDS) - 1), -1),
        categories=list(AGE_BANDS),
        ordered=True,
    )
    out["is_open"] = out["close_date"].isna()
    end = out["close_date"].fillna(extract_date)
    out["duration_weeks"] = ((end - issue).dt.days / 7).astype("float32")
    for column in (
        "law_type",
        "application_type",
        "applicant_type",
        "sex",
        "ethnicity",
        "final_order",
        "local_authority_code",
    ):
        out[column] = out[column].astype("category")
    return out, extract_date


def map_local_authorities(out: pd.DataFrame) -> pd.DataFrame:
    """Add each row's April-2024 unit (``la_unit_code``; ``local_authority_code`` keeps the
    extract's own code), how it was mapped (``la_code_mapping``), and the unit's region,
    country and DFJ area."""
    mapped = map_codes(out["local_authority_code"], out["issue_date"])
    out["la_unit_code"] = mapped["unit_code"]
    out["la_code_mapping"] = mapped["mapping"]
    lookup = units().set_index("la_code")
    for column in ("region_code", "region_name", "country", "dfj_area"):
        out[column] = mapped["unit_code"].map(lookup[column]).astype("category")
    return out


def code_mapping(processed: pd.DataFrame) -> dict:
    """Rows by how their local-authority code was mapped, and each mapped code (from code,
    to unit, rows) for the manifest and ``fjo data validate``."""
    by_kind = processed["la_code_mapping"].value_counts(sort=False)
    mapped = mapping_counts(
        processed["local_authority_code"],
        pd.DataFrame(
            {"unit_code": processed["la_unit_code"], "mapping": processed["la_code_mapping"]}
        ),
    )
    return {
        "rows_by_mapping": {str(k): int(v) for k, v in by_kind.items() if v},
        "mapped_codes": [
            {
                "from_code": r.from_code,
                "to_unit": None if pd.isna(r.to_unit) else r.to_unit,
                "mapping": r.mapping,
                "rows": int(r.rows),
            }
            for r in mapped.itertuples(index=False)
        ],
    }


def years_covered(issue_dates: pd.Series) -> tuple[int, int, dict | None]:
    """The first and the last COMPLETE financial year of an extract, and its part year.

    Rule: an extract is complete up to the end of a financial year (31 March) when its
    latest issue date falls in the last week of that year (25-31 March), since a few
    quiet days at the end of an extract are normal but a missing week or more is not.
    Otherwise the financial year of the latest issue date is a part year: it is never
    reported as a full year (``last_year`` is the year before it), and ``part_year``
    says how far it goes, e.g. ``{"financial_year": 2020, "to": "2020-09-30",
    "label": "(part year to 30 September 2020)"}``; else ``part_year`` is None.
    Likewise at the start (see ``part_year_start``): the first year is complete when the
    earliest issue date falls in the first week of April.
    """
    earliest, latest = issue_dates.min(), issue_dates.max()
    first = int(earliest.year - (earliest.month < 4))
    if earliest > pd.Timestamp(first, 4, COMPLETE_WITHIN_DAYS):
        first += 1
    year = int(latest.year - (latest.month < 4))
    year_end = pd.Timestamp(year + 1, 3, 31)
    if latest >= year_end - pd.Timedelta(days=COMPLETE_WITHIN_DAYS - 1):
        return first, year, None
    label = f"(part year to {latest.day} {latest:%B %Y})"
    return first, year - 1, {"financial_year": year, "to": f"{latest:%Y-%m-%d}", "label": label}


def part_year_start(issue_dates: pd.Series) -> dict | None:
    """The part year at the start of an extract whose earliest issue date is after the
    first week of April, e.g. ``{"financial_year": 2009, "from": "2010-01-04", "label":
    "(part year from 4 January 2010)"}``; None when the first year is complete."""
    earliest = issue_dates.min()
    year = int(earliest.year - (earliest.month < 4))
    if earliest <= pd.Timestamp(year, 4, COMPLETE_WITHIN_DAYS):
        return None
    label = f"(part year from {earliest.day} {earliest:%B %Y})"
    return {"financial_year": year, "from": f"{earliest:%Y-%m-%d}", "label": label}


def prepare(source: Path, out_dir: Path, synthetic: bool) -> dict:
    """Validate ``source``, write the processed cases and their manifest; return the manifest.

    The manifest records, besides the source and its hash: ``first_year`` and
    ``last_year`` (the complete financial years measures report), ``part_year`` and
    ``part_year_start`` (see ``years_covered``; their cases stay in the processed file
    and ``load`` leaves them out), ``quality`` (kind ->
    ``{"count": n, "description": "..."}`` for rows kept but left out of a measure) and
    ``warnings`` (one line per repair made to the extract).
    """
    checked = check_extract(source)
    processed, extract_date = derive(checked.frame)
    first_year, last_year, part_year = years_covered(processed["issue_date"])
    if last_year < first_year:
        to = part_year["to"] if part_year else ""
        raise ExtractError(
            [
                Problem(
                    str(source),
                    None,
                    "issue_date",
                    "at least one complete financial year (April to March)",
                    f"issue dates up to {to}",
                )
            ]
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {
        "source_name": "illustrative synthetic extract" if synthetic else source.name,
        "source_file": source.name,
        "source_sha256": sha256(source),
        "synthetic": synthetic,
        "rows": len(processed),
        "extract_date": f"{extract_date:%Y-%m-%d}",
        "first_year": first_year,
        "last_year": last_year,
        "part_year": part_year,
        "part_year_start": part_year_start(processed["issue_date"]),
        "quality": checked.quality,
        "warnings": checked.warnings(source.name),
        "code_mapping": code_mapping(processed),
    }
    tmp = out_dir / f".{CASES_FILE}.tmp"
    processed.to_parquet(tmp, index=False, compression="zstd")
    manifest["files"] = {CASES_FILE: sha256(tmp)}  # checked by every make (fjo stamp)
    tmp.replace(out_dir / CASES_FILE)
    tmp = out_dir / f".{MANIFEST_FILE}.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(out_dir / MANIFEST_FILE)
    return manifest


def load(
    processed_dir: Path,
    columns: list[str] | None = None,
    law_type: str | None = None,
    part_year: bool = False,
) -> tuple[pd.DataFrame, dict]:
    """The processed cases (all columns, or those named; one law type, or both) and their
    manifest.

    Only cases issued in the complete financial years ``manifest["first_year"]`` to
    ``manifest["last_year"]`` are returned, so every measure built on them reports full
    years only; ``part_year=True`` adds the cases of part years at the end and start of
    the extract (``manifest["part_year"]``, ``manifest["part_year_start"]``), e.g. to
    label them "(part year to 30 September 2020)".
    """
    manifest = json.loads((processed_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    filters = [] if law_type is None else [("law_type", "==", law_type)]
    if not part_year and "last_year" in manifest:
        filters.append(("financial_year", ">=", int(manifest["first_year"])))
        filters.append(("financial_year", "<=", int(manifest["last_year"])))
    filters = filters or None
    cases = pd.read_parquet(processed_dir / CASES_FILE, columns=columns, filters=filters)
    return cases, manifest
