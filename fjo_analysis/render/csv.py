"""Tidy CSV downloads: each briefing's tables, and the whole release's figures, one figure
a row (table, area_code, area, year, breakdown, measure, unit, value), with ``[c]`` and
``[x]`` as in the published tables; and the data dictionary that explains them.

A Welsh briefing's CSV (``<topic>.cy.csv``) holds the same rows: the column names, tables,
measures, units, breakdowns and values are identifiers the data dictionary defines (and
the audit matches against the store), so they are the same in both languages; only the
area's name is in Welsh.

Both come from the protected statistics store only (a briefing's tables are read from it),
and both write a value the same way (:func:`value_text`), so the audit can match every
count in a CSV against the store.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from fjo_analysis.columns import COLUMNS
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.geography import area, local_areas
from fjo_analysis.language import rounded
from fjo_analysis.render.parts import BriefingDoc
from fjo_analysis.years import financial_year_label, period_label

HEADER = ("table", "area_code", "area", "year", "breakdown", "measure", "unit", "value")
#: Units by column kind; "number" marks a count (what ``fjo check`` and the audit check).
UNITS = {
    "count": "number",
    "rate": "per 10,000",
    "pct": "%",
    "weeks": "weeks",
    "p": "p-value",
    "text": "text",
}
COUNT_UNIT = UNITS["count"]
#: Columns that say which row a figure belongs to (not measures).
YEAR_COLUMNS = ("financial_year", "year", "years")
#: Store columns that are not measures of their own kind in COLUMNS.
STORE_UNITS = {
    "population": "number (denominator)",
    "live_births": "number (denominator)",
    "denominator_estimated": "flag",
    "comparator_code": "area code",
    "period": "text",
}


def value_text(value, unit: str) -> str:
    """A published value as the CSV writes it: counts whole, rates, shares and weeks to
    1 decimal place, p-values to 4; markers as they are."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return NOT_AVAILABLE
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if unit.startswith("number"):
        return str(int(round(float(value))))
    if unit == "p-value":
        return f"{float(value):.4f}"
    if unit in ("per 10,000", "%", "weeks"):
        return f"{rounded(value, 1):.1f}"
    return f"{float(value):g}"


def store_unit(table: str, column: str) -> str:
    """The unit of a store column."""
    spec = TABLES[table]
    if column in spec.counts:
        return COUNT_UNIT
    if column in STORE_UNITS:
        return STORE_UNITS[column]
    kind = COLUMNS.get(column, ("", "rate"))[1]
    return UNITS[kind]


def _area_name(code: str) -> str:
    try:
        return area(code).name
    except (KeyError, ValueError):
        return code


def year_label(code: str, financial_year) -> str:
    """A row's year as published: a local area's three-year period, else the year."""
    if code in local_areas():
        return period_label(int(financial_year))
    return financial_year_label(int(financial_year))


def release_rows(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure of the store's tables, one a row (HEADER)."""
    rows = []
    for name, spec in TABLES.items():
        table = tables[name]
        if table.empty:  # a law type the extract has no cases of
            continue
        rest = [k for k in spec.keys if k != "financial_year"]
        measures = [c for c in table.columns if c not in ("area_code", *spec.keys)]
        names = {c: _area_name(c) for c in table["area_code"].unique()}
        for record in table.to_dict(orient="records"):
            year = record.get("financial_year")
            key = (
                name,
                record["area_code"],
                names[record["area_code"]],
                year_label(record["area_code"], year) if year is not None else "",
                " | ".join(str(record[k]) for k in rest),
            )
            for column in measures:
                unit = store_unit(name, column)
                rows.append((*key, column, unit, value_text(record[column], unit)))
    return pd.DataFrame(rows, columns=list(HEADER))


def briefing_rows(doc: BriefingDoc) -> pd.DataFrame:
    """Every figure in a briefing's tables (and the data behind its charts), one a row."""
    rows = []
    for t in doc.tables():
        table, _, rest = t["name"].partition(":")
        if table == "trend":
            table = f"trend:{rest}"
        names = [c["name"] for c in t["columns"]]
        spec = TABLES.get(table)
        keys = [k for k in (spec.keys if spec else ()) if k != "financial_year"]
        skip = {*YEAR_COLUMNS, "area", "area_code", *keys}
        for row, known in zip(t["rows"], t["keys"], strict=True):
            values = {**known, **dict(zip(names, row, strict=True))}
            breakdown = " | ".join(str(values[k]) for k in keys if k in values)
            code = values.get("area_code") or str(doc.parameters["area"])
            year = next((str(values[c]) for c in ("year", "years") if c in values), "")
            if values.get("financial_year") is not None and (not year or code in local_areas()):
                year = year_label(code, values["financial_year"])
            for c in t["columns"]:
                if c["name"] in skip:
                    continue
                unit = UNITS[c["kind"]]
                rows.append(
                    (
                        table,
                        code,
                        doc.lang.area_name(_area_name(code)),
                        year,
                        breakdown,
                        c["name"],
                        unit,
                        value_text(values[c["name"]], unit),
                    )
                )
    return pd.DataFrame(rows, columns=list(HEADER)).drop_duplicates(ignore_index=True)


def to_text(frame: pd.DataFrame) -> str:
    out = io.StringIO()
    frame.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    return out.getvalue()


def dictionary(frame: pd.DataFrame) -> pd.DataFrame:
    """The data dictionary of the release's figures: what each column and each measure
    (by table) means, and its unit."""
    columns = [
        ("table", "The table of the statistics store the figure belongs to"),
        (
            "area_code",
            "ONS code of the area (country, region or local authority; joined codes for a "
            "combined unit of a split authority), or the HMCTS code of a family court area",
        ),
        ("area", "Name of the area"),
        (
            "year",
            "Financial year (April to March), e.g. 2024/25; for a local authority or "
            "family court area, the three financial years added up, e.g. 2022/23 to 2024/25",
        ),
        (
            "breakdown",
            "The row of the table within the year (e.g. age band); two "
            "breakdowns are separated by ' | '",
        ),
        ("measure", "What the figure measures (one row of this dictionary each)"),
        ("unit", "number (a count), per 10,000, %, weeks, p-value, text or flag"),
        (
            "value",
            f"The figure; {MARK} suppressed to protect confidentiality, "
            f"{NOT_AVAILABLE} not available",
        ),
    ]
    rows = [("column", "", name, "", text) for name, text in columns]
    measures = (
        frame[["table", "measure", "unit"]].drop_duplicates().sort_values(["table", "measure"])
    )
    for r in measures.itertuples(index=False):
        rows.append(("measure", r.table, r.measure, r.unit, _describe(r.table, r.measure)))
    return pd.DataFrame(rows, columns=["entry", "table", "name", "unit", "description"])


def _describe(table: str, measure: str) -> str:
    if measure in ("population", "live_births"):
        return "Denominator of the rate: " + measure.replace("_", " ")
    if measure == "denominator_estimated":
        return "Whether the denominator is estimated (true) or published (false)"
    if measure == "comparator_code":
        return "Code of the area this area is compared with"
    if measure == "period":
        return "Years the figures cover"
    label = COLUMNS.get(measure, (measure.replace("_", " ").capitalize(), ""))[0]
    return f"{TABLES[table].title}: {label}"
