"""Build the statistics store (``fjo stats``): count every table for every area, protect
the counts jointly (:mod:`fjo_analysis.disclosure.joint`), derive the published figures
and write them, with the private files the audit reads, under ``build/stats/``
(:mod:`fjo_analysis.figures.store` describes the files and reads them back)."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd

from fjo_analysis.data import schema
from fjo_analysis.data.prepare import load, sha256
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, Rules
from fjo_analysis.disclosure.cells import cells_of, relations_of
from fjo_analysis.disclosure.joint import protect, rounded
from fjo_analysis.figures.compute import compute
from fjo_analysis.figures.derive import add_comparison, derive_table, trends
from fjo_analysis.figures.store import MANIFEST
from fjo_analysis.figures.tables import TABLES, row_keys
from fjo_analysis.geography import ENGLAND, WALES
from fjo_analysis.measures.timeliness import SETTLED_OPEN_SHARE
from fjo_analysis.years import LOCAL_POOL_YEARS, local_periods, years_label

#: The processed columns the measures read (loading fewer is faster and smaller): the
#: extract's, but for those only validation and derivation read, and the derived ones.
COLUMNS = [
    *(
        c
        for c in schema.COLUMNS
        if c not in ("local_authority_code", "child_birth_date", "sex", "ethnicity")
    ),
    "financial_year",
    "country",
    "region_code",
    "la_unit_code",
    "newborn",
    "infant",
    "age_band",
    "is_open",
    "duration_weeks",
]


def publish_counts(
    tables: dict, cells: pd.DataFrame, suppressed: np.ndarray, round_to: int
) -> dict:
    """Each table's published counts: rounded, ``[c]`` where suppressed, ``[x]`` where not
    available; hidden counts dropped."""
    cells = cells.assign(
        shown=np.where(
            suppressed,
            MARK,
            pd.Series(rounded(cells["value"].to_numpy(), round_to)).astype("int64").astype(object),
        )
    )
    lookup = cells.set_index(["table", "area_code", "key", "column"])["shown"]
    out = {}
    for name, frame in tables.items():
        spec = TABLES[name]
        frame = frame.reset_index(drop=True).copy()
        key = row_keys(frame, spec.keys)
        for column in spec.counts:
            where = pd.MultiIndex.from_arrays(
                [[name] * len(frame), frame["area_code"], key, [column] * len(frame)]
            )
            frame[column] = lookup.reindex(where).fillna(NOT_AVAILABLE).to_numpy()
        out[name] = frame[["area_code", *spec.keys, *spec.counts, *_denominators(frame, spec)]]
    return out


def _denominators(frame: pd.DataFrame, spec) -> list[str]:
    names = {r.denominator for r in spec.rates.values()} | {"period", "denominator_estimated"}
    return [c for c in frame.columns if c in names]


def build(processed_dir: Path, out_dir: Path, rules: Rules) -> dict:
    """Compute, protect, derive and write the store; return its manifest."""
    start = time.perf_counter()
    cases, source = load(processed_dir, COLUMNS)
    first, last = int(source["first_year"]), int(source["last_year"])
    periods = local_periods(first, last)
    if not periods:
        raise ValueError(
            f"the extract covers {last - first + 1} complete financial year(s) "
            f"({years_label(first, last)}): local areas "
            f"are published for pooled periods of {LOCAL_POOL_YEARS} years, so the "
            f"statistics need at least {LOCAL_POOL_YEARS}"
        )
    truth = compute(cases, first, last, pd.Timestamp(source["extract_date"]))
    dispersion = truth.pop("dispersion")
    largest_case = int(truth.pop("largest_case")["children"].iloc[0])
    computed = time.perf_counter()
    cells = cells_of(truth)
    relations = relations_of(cells, largest_case, periods)
    protection = protect(cells, relations, rules)
    protected = time.perf_counter()
    published = publish_counts(truth, cells, protection.suppressed, rules.round_to)
    for name, spec in TABLES.items():
        table = derive_table(
            published[name],
            truth[name].reset_index(drop=True),
            spec,
            published,
            rules.round_to,
            dispersion,
        )
        if spec.comparison:
            table = add_comparison(table, spec, dispersion, periods)
        published[name] = table
    trend_table = trends(published, last, dispersion)
    manifest = {
        "settled_year": settled_year(truth["durations"], first),
        "law_types": sorted(cases["law_type"].dropna().astype(str).unique().tolist()),
        "rules": {"threshold": rules.threshold, "round_to": rules.round_to},
        "source": source,
        "tables": sorted(published),
        "local_periods": {str(end): years for end, years in periods.items()},
        "cells": int(len(cells)),
        "relations": int(relations.count),
        "suppressed": int(protection.suppressed.sum()),
        "primary": int(protection.primary.sum()),
        "protection_rounds": protection.rounds,
        "seconds": {
            "compute": round(computed - start, 2),
            "protect": round(protected - computed, 2),
        },
    }
    staging = out_dir.with_name(f".{out_dir.name}.{os.getpid()}.tmp")
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "tables").mkdir(parents=True)
    (staging / "private").mkdir()
    for name, table in published.items():
        _write_json(staging / "tables" / f"{name}.json", table.to_dict(orient="records"))
    _write_json(staging / "trends.json", trend_table.to_dict(orient="records"))
    _write_json(staging / "dispersion.json", dispersion.to_dict(orient="records"))
    tidy(published).to_csv(staging / "figures.csv", index=False)
    log = cells.assign(suppressed=protection.suppressed, reason=protection.reasons())
    log.loc[log["suppressed"], ["table", "area_code", "key", "column"]].to_csv(
        staging / "suppressed.csv", index=False
    )
    log.to_parquet(staging / "private" / "cells.parquet", index=False)
    np.savez(
        staging / "private" / "relations.npz",
        row=relations.row,
        cell=relations.cell,
        coef=relations.coef,
        constant=relations.constant,
        upper=relations.upper,
    )
    manifest["files"] = {
        str(path.relative_to(staging)): sha256(path)
        for path in sorted(staging.rglob("*"))
        if path.is_file()
    }
    _write_json(staging / MANIFEST, manifest)
    _replace_dir(staging, out_dir)
    return manifest


def settled_year(durations: pd.DataFrame, first_year: int) -> int:
    """The latest year of issue in which at least nine in ten of England and Wales's cases
    have concluded: one year for every area and topic of the release."""
    countries = durations[durations["area_code"].isin([ENGLAND, WALES])]
    totals = countries.groupby("financial_year")[["cases", "open_cases"]].sum()
    settled = totals.index[totals["open_cases"] <= SETTLED_OPEN_SHARE * totals["cases"]]
    return int(settled.max()) if len(settled) else first_year


def _write_json(path: Path, data) -> None:
    path.write_text(
        json.dumps(data, indent=0, sort_keys=True, default=_plain) + "\n", encoding="utf-8"
    )


def _plain(value):
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} to the store")


def _replace_dir(staging: Path, target: Path) -> None:
    """Swap a finished directory into place (the old one is removed after the swap)."""
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def tidy(published: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """All published figures as one long table: table, area, year, breakdown, measure, value."""
    parts = []
    for name, table in published.items():
        spec = TABLES[name]
        breakdown = spec.breakdown
        long = table.melt(id_vars=["area_code", *spec.keys], var_name="measure", value_name="value")
        parts.append(
            pd.DataFrame(
                {
                    "table": name,
                    "area_code": long["area_code"],
                    "financial_year": long.get("financial_year", ""),
                    "breakdown": long[breakdown] if breakdown else "",
                    "measure": long["measure"],
                    "value": long["value"],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)
