"""Validate an extract, derive the analysis columns and write ``data/processed/``.

Derived: region, country and DFJ area; financial year (April to March, labelled
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

from fjo_analysis.areas import local_authorities
from fjo_analysis.data.validate import validate

CASES_FILE = "cases.parquet"
MANIFEST_FILE = "manifest.json"
AGE_BAND_EDGES_YEARS = [0, 1, 5, 10, 16, 18]
AGE_BANDS = ["under 1", "1-4", "5-9", "10-15", "16-17"]
NEWBORN_MAX_DAYS = 6  # aged under 7 days at issue


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def financial_year_label(start_year: int) -> str:
    """``2023`` -> ``"2023/24"``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def derive(cases: pd.DataFrame) -> tuple[pd.DataFrame, pd.Timestamp]:
    """The analysis columns, and the censoring date (the latest date in the extract)."""
    extract_date = max(cases["issue_date"].max(), cases["close_date"].max(skipna=True))
    if pd.isna(extract_date):
        extract_date = cases["issue_date"].max()
    las = local_authorities().set_index("la_code")
    out = cases.copy()
    for column in ("region_code", "region_name", "country", "dfj_area"):
        out[column] = out["local_authority_code"].map(las[column]).astype("category")
    issue = out["issue_date"]
    out["financial_year"] = (issue.dt.year - (issue.dt.month < 4)).astype("int16")
    age_days = (issue - out["child_birth_date"]).dt.days
    out["age_at_issue_days"] = age_days.astype("int32")
    birth = out["child_birth_date"]
    not_yet_birthday = (issue.dt.month * 100 + issue.dt.day) < (birth.dt.month * 100 + birth.dt.day)
    years = (issue.dt.year - birth.dt.year - not_yet_birthday).to_numpy()  # completed years
    out["newborn"] = age_days <= NEWBORN_MAX_DAYS
    out["infant"] = years < 1
    band = np.searchsorted(AGE_BAND_EDGES_YEARS, years, side="right") - 1
    out["age_band"] = pd.Categorical.from_codes(
        np.clip(band, 0, len(AGE_BANDS) - 1), categories=AGE_BANDS, ordered=True
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


def prepare(source: Path, out_dir: Path, synthetic: bool) -> dict:
    """Validate ``source``, write the processed cases and their manifest; return the manifest."""
    cases = validate(source)
    processed, extract_date = derive(cases)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest = {
        "source_name": "illustrative synthetic extract" if synthetic else source.name,
        "source_file": source.name,
        "source_sha256": sha256(source),
        "synthetic": synthetic,
        "rows": len(processed),
        "extract_date": f"{extract_date:%Y-%m-%d}",
        "first_year": int(processed["financial_year"].min()),
        "last_year": int(processed["financial_year"].max()),
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
    processed_dir: Path, columns: list[str] | None = None, law_type: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """The processed cases (all columns, or those named; one law type, or both) and their
    manifest."""
    manifest = json.loads((processed_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    filters = None if law_type is None else [("law_type", "==", law_type)]
    cases = pd.read_parquet(processed_dir / CASES_FILE, columns=columns, filters=filters)
    return cases, manifest
