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

from fjo_analysis.data.validate import validate
from fjo_analysis.geography import map_codes, mapping_counts, units
from fjo_analysis.reference import AGE_BANDS

CASES_FILE = "cases.parquet"
MANIFEST_FILE = "manifest.json"
AGE_BAND_EDGES_YEARS = [0, 1, 5, 10, 16, 18]
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
    out = map_local_authorities(cases.copy())
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
        np.clip(band, 0, len(AGE_BANDS) - 1), categories=list(AGE_BANDS), ordered=True
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
    processed_dir: Path, columns: list[str] | None = None, law_type: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """The processed cases (all columns, or those named; one law type, or both) and their
    manifest."""
    manifest = json.loads((processed_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
    filters = None if law_type is None else [("law_type", "==", law_type)]
    cases = pd.read_parquet(processed_dir / CASES_FILE, columns=columns, filters=filters)
    return cases, manifest
