"""The release as cells and linear relations, the way a reader could combine them.

A *cell* is one count in the store: a table, an area, a key (year and breakdown) and a
column; published counts and hidden ones (never shown, but implied: ``infants -
newborns``). A *relation* says ``sum(coef * cell) == constant`` (or ``<=``) and holds for
the true counts. The relations a reader could use:

* hierarchy: England = the sum of its nine regions, for every published count of every
  table (a hidden count's follows from its total's and part's); and
  for each local table, the sum of a region's (or Wales's) local areas over a pooled
  period = the sum of the region's single years in it (local areas are published only
  for non-overlapping periods, so no two periods difference into a year); and a family
  court area = the sum of its authorities, period by period;
* within a row: a hidden count = its total minus its part (``older_infants``);
* breakdowns: age bands (and final orders, with "no final order yet") add up to the
  year's children; applicants to the year's private-law cases;
* identities between tables: infants = children aged under 1; over all years, cases
  issued = cases concluded + cases still open, and cases concluded within 26 weeks by
  year of issue = the same by year of final order;
* order: mothers followed up for 3 years <= for 1 year; returned within a time <=
  followed up for it; cumulatively over years, cases concluded <= cases issued, cases
  within 26 weeks by year of final order <= by year of issue <= by year of final order a
  year later; children still waiting for an order <= the largest case x open cases;
* rules a reader would assume, declared wherever the true counts keep them: mothers <=
  cases (a case may have two mothers), cases within 26 weeks + cases still open <= cases,
  and cases still open <= children still waiting for an order.

Where a relation holds only nearly for the true counts (a child who moved counts once in
England but in two regions), its constant is the true difference: the reader is assumed
to know it, which only makes the protection stricter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from fjo_analysis.figures.tables import TABLES, row_keys
from fjo_analysis.geography import ENGLAND, briefing_areas, dfj_members, local_areas
from fjo_analysis.measures.outcomes import STILL_OPEN


@dataclass
class Relations:
    """Sparse rows ``coef * cell`` with their constants; ``upper`` marks ``<=`` rows."""

    row: np.ndarray
    cell: np.ndarray
    coef: np.ndarray
    constant: np.ndarray
    upper: np.ndarray

    @property
    def count(self) -> int:
        return len(self.constant)


def cells_of(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every count of every table, one row each (true values in ``value``)."""
    parts = []
    for name, frame in tables.items():
        spec = TABLES[name]
        frame = frame.copy()
        for hidden, (total, part) in spec.hidden.items():
            frame[hidden] = frame[total] - frame[part]
        key = row_keys(frame, spec.keys)
        year = (
            frame["financial_year"]
            if "financial_year" in frame
            else pd.Series(-1, index=frame.index)
        )
        crumbs = row_keys(frame, [k for k in spec.keys if k != "financial_year"])
        for column in (*spec.counts, *spec.hidden):
            parts.append(
                pd.DataFrame(
                    {
                        "table": name,
                        "area_code": frame["area_code"].to_numpy(),
                        "key": key.to_numpy(),
                        "financial_year": year.to_numpy(),
                        "breakdown": crumbs.to_numpy(),
                        "column": column,
                        "value": pd.to_numeric(frame[column], errors="coerce").to_numpy(
                            dtype=float
                        ),
                        "hidden": column in spec.hidden,
                    }
                )
            )
    cells = pd.concat(parts, ignore_index=True)
    # a count that is not available ([x], e.g. too few years of look-back) is not a cell
    return cells[cells["value"].notna()].reset_index(drop=True)


class _Builder:
    def __init__(self, cells: pd.DataFrame):
        self.cells = cells
        self.index = pd.Series(
            np.arange(len(cells)),
            index=pd.MultiIndex.from_frame(cells[["table", "area_code", "key", "column"]]),
        )
        self.rows: list[tuple[np.ndarray, np.ndarray, bool]] = []

    def ids(self, frame: pd.DataFrame) -> np.ndarray:
        """Cell ids of (table, area_code, key, column) rows; -1 where there is no such cell."""
        where = pd.MultiIndex.from_frame(frame[["table", "area_code", "key", "column"]])
        return self.index.reindex(where).fillna(-1).to_numpy(dtype=np.int64)

    def add(self, members: list[np.ndarray], coefs: list[float], upper: bool = False) -> None:
        """One relation per position: sum(coef * member) (== or <=) its true value."""
        ids = np.column_stack(members)
        ok = (ids >= 0).all(axis=1)
        for row in ids[ok]:
            self.rows.append((row, np.asarray(coefs, dtype=float), upper))

    def add_assumed(self, members: list[np.ndarray], coefs: list[float]) -> None:
        """``sum(coef * member) <= 0`` for each position where the true counts satisfy it:
        a rule a reader would assume (there are nearly always more cases than mothers)
        constrains a reader's inference only where it is true."""
        ids = np.column_stack(members)
        ids = ids[(ids >= 0).all(axis=1)]
        coefs = np.asarray(coefs, dtype=float)
        holds = self.cells["value"].to_numpy()[ids] @ coefs <= 1e-9
        for row in ids[holds]:
            self.rows.append((row, coefs, True))

    def add_sums(self, totals: np.ndarray, parts: pd.Series) -> None:
        """``total == sum(parts)`` for each total id (parts: Series of id lists)."""
        for total, members in zip(totals, parts, strict=True):
            members = [m for m in members if m >= 0]
            if total >= 0 and members:
                self.rows.append((np.r_[total, members], np.r_[1.0, -np.ones(len(members))], False))

    def build(self) -> Relations:
        value = self.cells["value"].to_numpy()
        row, cell, coef, constant, upper = [], [], [], [], []
        for r, (ids, coefs, is_upper) in enumerate(self.rows):
            row.append(np.full(len(ids), r))
            cell.append(ids)
            coef.append(coefs)
            total = float(np.dot(coefs, value[ids]))
            if is_upper and total > 1e-9:
                raise ValueError(f"relation {r} does not hold for the true counts")
            constant.append(0.0 if is_upper else total)
            upper.append(is_upper)
        if not row:
            empty = np.array([], dtype=np.int64)
            return Relations(empty, empty, np.array([]), np.array([]), np.array([], dtype=bool))
        return Relations(
            np.concatenate(row),
            np.concatenate(cell),
            np.concatenate(coef),
            np.asarray(constant),
            np.asarray(upper),
        )


def _cumulative(b: _Builder, smaller: pd.Series, years_a, larger: pd.Series, years_b) -> None:
    """sum(smaller over years_a) <= sum(larger over years_b)."""
    a = [smaller[y] for y in years_a if y in smaller.index]
    c = [larger[y] for y in years_b if y in larger.index]
    if a and c:
        b.rows.append((np.array(a + c), np.r_[np.ones(len(a)), -np.ones(len(c))], True))


def _sums_by(cells: pd.DataFrame, group: list[str]) -> pd.Series:
    return cells.groupby(group, sort=False)["id"].agg(list)


def _local_hierarchy(b: _Builder, cells: pd.DataFrame, periods: dict[int, list[int]]) -> None:
    """For each local table, key and column: the sum of a parent's (a region's, or
    Wales's) local areas over a period = the sum of the parent's single years in it."""
    parents = {code: a.parent for code, a in local_areas().items() if a.level != "dfj"}
    local = cells[cells["area_code"].isin(parents)]
    local = local.assign(parent=local["area_code"].map(parents))
    parts = _sums_by(local, ["table", "parent", "financial_year", "breakdown", "column"])
    where = parts.index.to_frame(index=False)
    totals = []
    for year_of_period in zip(*[periods[int(end)] for end in where["financial_year"]], strict=True):
        year = pd.Series(year_of_period, dtype=str)
        key = year.where(where["breakdown"] == "", year + "|" + where["breakdown"])
        totals.append(
            b.ids(
                where.assign(area_code=where["parent"], key=key.to_numpy())[
                    ["table", "area_code", "key", "column"]
                ]
            )
        )
    totals = np.column_stack(totals) if totals else np.empty((0, 0), dtype=np.int64)
    for members, years in zip(parts, totals, strict=True):
        if (years < 0).any():  # a year not available: no published total to match
            continue
        b.rows.append(
            (np.r_[members, years], np.r_[np.ones(len(members)), -np.ones(len(years))], False)
        )


def _dfj_membership(b: _Builder, cells: pd.DataFrame) -> None:
    """For each local table, period, key and column: a family court area = the sum of its
    units (authorities and combined units). The membership is approximate, so this is a
    relation a reader would try; its constant is the true difference (a child who moved
    between two of the area's authorities in a year counts once in the area)."""
    unit_of = {
        u: code for code, a in local_areas().items() if a.level == "dfj" for u in dfj_members(code)
    }
    members = cells[cells["area_code"].isin(unit_of)]
    members = members.assign(area_code=members["area_code"].map(unit_of))
    parts = _sums_by(members, ["table", "area_code", "key", "column"])
    b.add_sums(b.ids(parts.index.to_frame(index=False)), parts)


def relations_of(
    cells: pd.DataFrame, largest_case: int = 1, periods: dict[int, list[int]] | None = None
) -> Relations:
    """The relations between the cells (see the module docstring); ``largest_case`` is the
    most children in one case (a reader may assume a bound like it); ``periods`` (last
    year -> years) are the pooled periods of local areas' cells."""
    b = _Builder(cells)
    cells = cells.assign(id=np.arange(len(cells)))
    regions = {
        c for c, a in briefing_areas().items() if a.level == "region" and a.country == "England"
    }
    # hierarchy: England = sum of its regions, for every table, key and published column
    # (a hidden column's hierarchy follows from its total's and part's: declaring it too
    # would only join every area's hidden cells into one large problem)
    counted = cells[~cells["hidden"]]
    parts = _sums_by(counted[counted["area_code"].isin(regions)], ["table", "key", "column"])
    totals = counted[counted["area_code"] == ENGLAND].set_index(["table", "key", "column"])["id"]
    common = parts.index.intersection(totals.index)
    b.add_sums(totals.loc[common].to_numpy(), parts.loc[common])
    if periods:
        _local_hierarchy(b, counted, periods)
        _dfj_membership(b, counted)
    # within a row: hidden = total - part
    for name, spec in TABLES.items():
        for hidden, (total, part) in spec.hidden.items():
            rows = cells[(cells["table"] == name) & (cells["column"] == total)]
            frame = rows[["table", "area_code", "key"]]
            b.add([b.ids(frame.assign(column=c)) for c in (total, part, hidden)], [1.0, -1.0, -1.0])
    # breakdowns that add up to a published total elsewhere
    for table, column, total_table, total_column in (
        ("care_age_bands", "children", "care_children", "children"),
        ("final_orders", "children", "care_children", "children"),
        ("applicants", "cases", "repeat_applications", "cases"),
    ):
        rows = cells[(cells["table"] == table) & (cells["column"] == column)]
        parts = _sums_by(rows, ["area_code", "financial_year"])
        where = parts.index.to_frame(index=False)
        where = where.assign(
            table=total_table, key=where["financial_year"].astype(str), column=total_column
        )
        b.add_sums(b.ids(where), parts)
    # identities between tables
    infants = cells[(cells["table"] == "newborns") & (cells["column"] == "infants")]
    frame = infants[["area_code", "key"]]
    b.add(
        [
            b.ids(frame.assign(table="newborns", column="infants")),
            b.ids(
                frame.assign(
                    table="care_age_bands", key=frame["key"] + "|under 1", column="children"
                )
            ),
        ],
        [1.0, -1.0],
    )
    # the same cases counted by year of issue and by year of final order: over all years,
    # cases issued = cases concluded + cases still open, and likewise within 26 weeks
    for issued, concluded in (
        (
            [("durations", "cases", 1.0), ("durations", "open_cases", -1.0)],
            ("disposals", "disposals"),
        ),
        ([("durations", "within_26_weeks", 1.0)], ("disposals", "disposals_within_26_weeks")),
    ):
        for _, group in cells.groupby("area_code", sort=False):
            ids, coefs = [], []
            for table, column, sign in issued:
                part = group[(group["table"] == table) & (group["column"] == column)]["id"]
                ids += part.tolist()
                coefs += [sign] * len(part)
            part = group[(group["table"] == concluded[0]) & (group["column"] == concluded[1])]
            if part.empty:  # local areas: concluded cases are not published
                continue
            ids += part["id"].tolist()
            coefs += [-1.0] * len(part)
            if ids:
                b.rows.append((np.array(ids), np.array(coefs), False))
    # year of issue against year of final order, cumulatively: nothing concludes before
    # it is issued, and a case concluded within 26 weeks concludes in its year of issue or
    # the next
    for _, group in cells.groupby("area_code", sort=False):

        def by_year(table, column, group=group):
            part = group[(group["table"] == table) & (group["column"] == column)]
            return part.set_index("financial_year")["id"]

        issued, open_, concluded = (
            by_year("durations", "cases"),
            by_year("durations", "open_cases"),
            by_year("disposals", "disposals"),
        )
        within, within_concluded = (
            by_year("durations", "within_26_weeks"),
            by_year("disposals", "disposals_within_26_weeks"),
        )
        years = sorted(set(issued.index) & set(concluded.index))
        for year in years:
            upto = [y for y in years if y <= year]
            _cumulative(b, concluded, upto, issued, upto)  # concluded <= issued
            _cumulative(b, within_concluded, upto, within, upto)
            after = [y for y in years if y <= year + 1]
            if year + 1 in years:
                _cumulative(b, within, upto, within_concluded, after)
        # children still waiting for an order are in cases still open: waiting children
        # <= largest case x open cases
        waiting = group[
            (group["table"] == "final_orders")
            & (group["column"] == "children")
            & (group["breakdown"] == STILL_OPEN)
        ].set_index("financial_year")["id"]
        for year in waiting.index.intersection(open_.index):
            b.rows.append(
                (
                    np.array([waiting[year], open_[year]]),
                    np.array([1.0, -float(largest_case)]),
                    True,
                )
            )
    # rules a reader would assume, wherever they hold: no more mothers than cases, cases
    # within 26 weeks and cases still open are different cases, and an open case has a
    # child still waiting for an order
    durations = cells[(cells["table"] == "durations") & (cells["column"] == "cases")]
    frame = durations[["area_code", "key"]].assign(table="durations")
    b.add_assumed(
        [
            b.ids(frame.assign(table="mothers", column="mothers")),
            b.ids(frame.assign(column="cases")),
        ],
        [1.0, -1.0],
    )
    b.add_assumed(
        [b.ids(frame.assign(column=c)) for c in ("within_26_weeks", "open_cases", "cases")],
        [1.0, 1.0, -1.0],
    )
    b.add_assumed(
        [
            b.ids(frame.assign(column="open_cases")),
            b.ids(
                frame.assign(
                    table="final_orders", key=frame["key"] + f"|{STILL_OPEN}", column="children"
                )
            ),
        ],
        [1.0, -1.0],
    )
    # order: mothers followed up for longer are a subset of those followed for less, and
    # those who returned within a time are a subset of those followed up for it
    ttr = cells[cells["table"] == "time_to_return"]
    for _, group in ttr.groupby("area_code", sort=False):
        group = group.assign(years=group["key"].astype(int)).sort_values("years")
        followed = group[group["column"] == "mothers_followed"]["id"].to_numpy()
        returned = group[group["column"] == "mothers_returned"]["id"].to_numpy()
        for longer, shorter in zip(followed[1:], followed[:-1], strict=True):
            b.rows.append((np.array([longer, shorter]), np.array([1.0, -1.0]), True))
        for back, out_of in zip(returned, followed, strict=True):
            b.rows.append((np.array([back, out_of]), np.array([1.0, -1.0]), True))
    return b.build()
