"""A deterministic synthetic extract at the scale and shape of the real system.

Generative model (per local authority and financial year, by starting calendar year):

* Public law. Newborns (under 7 days at issue) ~ Poisson(newborn rate x live births);
  other infants follow from the newborn share of infant cases; older children ~ Poisson
  (overall rate x children 0-17, less the infants). Rates follow national paths below,
  times a regional multiplier (North East highest, London lowest, about 2:1) and a
  log-normal local-authority effect. Each infant is a case of its own; older children are
  grouped into sibling cases (mean about 2.2). A share of cases (more for newborns) belong
  to a mother with an earlier case in the same authority, found by a log-normal gap back
  in time (median 2.3 years), so recurrence is left-truncated at the data start as in a
  real extract. Durations are log-normal around a median that falls to about 25 weeks in
  2014/15 (the 26-week limit) and drifts up after; cases closing after the extract date
  are open. Final orders depend on age and year (fewer placement orders after 2013).
* Private law. Children ~ Poisson(rate x children 0-17), grouped into cases (mean about
  1.7 children), with applicant mix (fathers most often) and repeat applications that
  bring the same children back (median gap 1.5 years).

Calibrated to published figures (``reference/care_proceedings_national_headlines.csv``,
DESIGN.md): England public-law children each year = Cafcass s31 care applications
(8,832 in 2009-10 rising to 14,597 in 2016-17, 13,556 in 2018-19; later years from the
part-year figures) x 1.75 children per application (court statistics), over the s31
share of public-law cases, so the synthetic England s31 series matches the published
applications within about 3% and has 1.7-1.8 children per case; Wales 800-1,300 children
a year; newborns about 20 per 10,000 live births in 2010 rising to about 35 in 2016, a
third rising to over two-fifths of infant cases; Yorkshire and the Humber and the North
West above 30 per 10,000 live births, London about 18 and the South East about 20; Wales'
average duration about 25 weeks in 2014/15; a quarter of mothers returning; England
private law 80,000-90,000 children a year in recent years. Denominators are the shipped
ONS-based figures (``fjo_analysis.reference``).

Each row carries the local-authority code in force on its issue date (Northamptonshire
E10000021 before April 2021, Cumbria E10000006 before April 2023, Bournemouth and Poole
before April 2019, ...), as a real extract does. The output is illustrative only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from fjo_analysis.data.schema import (
    APPLICANT_TYPES,
    CATEGORY_COLUMNS,
    COLUMNS,
    ETHNICITIES,
    FINAL_ORDERS,
    LAW_TYPES,
    SEXES,
)
from fjo_analysis.geography import (
    COMBINED,
    NEWER,
    RETIRED,
    code_lookup,
    local_authorities,
    read_reference,
)
from fjo_analysis.reference import children_0_17, live_births

#: Children per s31 care application (court statistics: 6,862 children in 4,088 care and
#: supervision applications, Jan-Mar 2021; 9,082 in 4,932 public-law applications, Jul-Sep
#: 2016), and the share of public-law cases that are s31 applications (APPLICATIONS below).
CHILDREN_PER_S31_APPLICATION = 1.75
# Where a code covered several of today's areas' cases before a merge, the share of the
# merged authority's cases each old code carries (2011 Census populations, rounded:
# Bournemouth 183,000, Poole 147,000; Christchurch, then in Dorset county, is left with
# Dorset as the code history maps it).
MERGED_CODE_SHARES = {"E06000028": 0.55, "E06000029": 0.45}
# National paths, interpolated between knots (financial year by starting calendar year).
# Public law in England follows the published s31 series (``s31_applications``); this
# path is Wales' (and England's before the published series).
PUBLIC_RATE_PER_10K = {
    2007: 11.0,
    2010: 13.6,
    2013: 15.0,
    2016: 18.0,
    2018: 17.5,
    2020: 16.0,
    2024: 14.5,
}
NEWBORN_RATE_PER_10K_BIRTHS = {
    2007: 15.0,
    2010: 20.0,
    2013: 26.0,
    2016: 36.0,
    2019: 33.0,
    2024: 28.0,
}
NEWBORN_SHARE_OF_INFANTS = {2007: 0.32, 2016: 0.42, 2024: 0.45}
PRIVATE_RATE_PER_10K = {
    2010: 58.0,
    2013: 53.0,
    2016: 66.0,
    2018: 73.0,
    2020: 71.0,
    2022: 76.0,
    2024: 74.0,
}
MEDIAN_WEEKS = {
    "public England": {
        2010: 48,
        2011: 50,
        2012: 42,
        2013: 30,
        2014: 25,
        2015: 26,
        2016: 28,
        2018: 33,
        2020: 42,
        2021: 46,
        2022: 45,
        2024: 40,
    },
    "public Wales": {
        2010: 52,
        2011: 57,
        2012: 45,
        2013: 27,
        2014: 23,
        2015: 25,
        2016: 27,
        2018: 31,
        2020: 40,
        2021: 44,
        2022: 43,
        2024: 39,
    },
    "private": {2010: 28, 2014: 24, 2018: 30, 2020: 38, 2022: 46, 2024: 45},
}
REGION_MULTIPLIER = {
    "North East": 1.55,
    "North West": 1.35,
    "Yorkshire and The Humber": 1.3,
    "West Midlands": 1.15,
    "East Midlands": 1.0,
    "South West": 0.95,
    "East of England": 0.85,
    "South East": 0.85,
    "London": 0.72,
    "Wales": 1.08,
}
DURATION_SIGMA = {"public": 0.4, "private": 0.6}
RECURRENCE = {"newborn": 0.46, "infant": 0.38, "older": 0.27, "private": 0.18}
RETURN_GAP_YEARS = {"public": (2.3, 0.6), "private": (1.5, 0.7)}
OLDER_AGE_BANDS = {
    "public": ([1, 5, 10, 16], [5, 10, 16, 18], [0.33, 0.30, 0.30, 0.07]),
    "private": ([0, 1, 5, 10, 16], [1, 5, 10, 16, 18], [0.04, 0.30, 0.35, 0.28, 0.03]),
}
SIBLING_NEW_CASE_P = {"public": 0.45, "private": 0.6}
ORDER_P = {
    "infant": [0.35, 0.30, 0.16, 0.09, 0.04, 0.04, 0.02],
    "older": [0.50, 0.08, 0.14, 0.12, 0.09, 0.05, 0.02],
    "private": [0.0, 0.0, 0.04, 0.0, 0.68, 0.25, 0.03],
}
APPLICATIONS = {
    "public": (["care_supervision_s31", "emergency_protection", "placement"], [0.93, 0.04, 0.03]),
    "private": (
        ["child_arrangements_s8", "special_guardianship", "other_private"],
        [0.90, 0.05, 0.05],
    ),
}
PRIVATE_APPLICANTS = (
    ["father", "mother", "both_parents", "other_relative", "other"],
    [0.52, 0.33, 0.03, 0.09, 0.03],
)
NOTICE_BUCKETS = ([0, 1, 3, 7], [1, 3, 7, 22])  # same day, 1-2, 3-6, 7-21 days
NOTICE_P = {"newborn": [0.15, 0.25, 0.30, 0.30], "other": [0.05, 0.10, 0.25, 0.60]}
SEX_P = (["female", "male", "unknown"], [0.485, 0.505, 0.01])
ETHNICITY = (
    ["White", "Mixed", "Asian", "Black", "Other", "Unknown"],
    {"London": [0.45, 0.12, 0.15, 0.20, 0.05, 0.03], "other": [0.80, 0.07, 0.06, 0.03, 0.02, 0.02]},
)


def _path(knots: dict[int, float], years: np.ndarray) -> np.ndarray:
    return np.interp(years, list(knots), list(knots.values()))


def s31_applications() -> dict[int, float]:
    """England s31 care applications a year (Cafcass, by financial year's starting year)
    from the shipped published figures; part years scaled to a full year (April 2019 to
    January 2020 x 12/10; April to September 2023 x 2). Years between are interpolated."""
    table = read_reference("care_proceedings_national_headlines.csv")
    table = table[table["geography"] == "England"]
    full = table[table["measure"] == "Cafcass s31 care applications received"]
    knots = {int(p[:4]): float(v) for p, v in zip(full["period"], full["value"], strict=True)}
    part = table[table["measure"].str.startswith("Cafcass s31 care applications received (")]
    months = {"2019-04 to 2020-01": 10, "2023-04 to 2023-09": 6}
    for period, value in zip(part["period"], part["value"], strict=True):
        knots[int(period[:4])] = float(value) * 12 / months[period]
    return dict(sorted(knots.items()))


# Labels are carried as small integer codes into these categories until the extract is
# assembled (millions of Python strings would cost gigabytes).
KINDS = ("newborn", "infant", "older", "private")
APPLICATION_TYPES = CATEGORY_COLUMNS["application_type"]
DURATION_PATHS = list(MEDIAN_WEEKS)


def _choice(rng, labels, p, size, categories) -> np.ndarray:
    """Codes (positions in ``categories``) of ``size`` labels drawn with probabilities p."""
    lookup = np.array([categories.index(label) for label in labels], dtype=np.int8)
    return lookup[rng.choice(len(labels), size=size, p=p)]


def _categorical(codes, categories) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(codes), categories=list(categories))


def _fy_start(year: np.ndarray) -> np.ndarray:
    """1 April of each year."""
    return ((year - 1970) * 12 + 3).astype("datetime64[M]").astype("datetime64[D]")


class _Generator:
    def __init__(self, seed: int, start_year: int, end_year: int, scale: float):
        self.rng = np.random.default_rng(seed)
        self.years = np.arange(start_year, end_year + 1)
        self.scale = scale
        self.extract_date = np.datetime64(f"{end_year + 1}-03-31")
        las = local_authorities()
        self.las = las
        multiplier = las["region_name"].map(REGION_MULTIPLIER).to_numpy()
        self.la_effect = multiplier * self.rng.lognormal(-0.02, 0.2, len(las))
        self.private_effect = multiplier**0.4 * self.rng.lognormal(-0.005, 0.1, len(las))
        grid = pd.MultiIndex.from_product([las["la_code"], self.years], names=["la_code", "year"])
        self.grid = grid.to_frame(index=False)
        keys = ["la_code", "year"]
        self.children = self.grid.merge(children_0_17(), on=keys, how="left")["population"]
        self.births = self.grid.merge(live_births(), on=keys, how="left")["live_births"]
        self.la_index = np.repeat(np.arange(len(las)), len(self.years))
        self.cell_year = self.grid["year"].to_numpy()
        self.in_england = (las["country"].to_numpy() == "England")[self.la_index]
        self.codes, self.code_periods = _code_periods(las["la_code"].tolist())

    def code_in_force(self, la: np.ndarray, issue: np.ndarray) -> np.ndarray:
        """Positions in ``self.codes`` of the code each case's authority had on its issue
        date (e.g. Northamptonshire's before April 2021)."""
        out = la.astype(np.int16)
        changed = np.isin(la, list(self.code_periods))
        for unit in np.unique(la[changed]):
            rows = np.flatnonzero(la == unit)
            draw = self.rng.random(len(rows))
            for code, start, end, low, high in self.code_periods[unit]:
                when = issue[rows]
                hit = (when >= start) & (when <= end) & (draw >= low) & (draw < high)
                out[rows[hit]] = code
        return out

    def _poisson(self, mean: np.ndarray) -> np.ndarray:
        return self.rng.poisson(np.maximum(mean, 0) * self.scale)

    def public_counts(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Newborns, other infants and older children per cell (LA x year)."""
        effect = self.la_effect[self.la_index]
        year = self.cell_year
        newborn_mean = _path(NEWBORN_RATE_PER_10K_BIRTHS, year) * effect * self.births / 1e4
        share = _path(NEWBORN_SHARE_OF_INFANTS, year)
        infant_mean = newborn_mean * (1 - share) / share
        total_mean = _path(PUBLIC_RATE_PER_10K, year) * effect * self.children / 1e4
        # England: children = published s31 applications x children per application,
        # over the s31 share of public-law cases, spread by population x local effect.
        s31 = s31_applications()
        target = _path(s31, year) * CHILDREN_PER_S31_APPLICATION / APPLICATIONS["public"][1][0]
        weight = pd.Series(np.where(self.in_england, effect * self.children, 0.0))
        per_year = weight.groupby(year).transform("sum").to_numpy()
        england_mean = target * weight.to_numpy() / np.where(per_year > 0, per_year, 1)
        total_mean = np.where(self.in_england & (year >= min(s31)), england_mean, total_mean)
        older_mean = np.maximum(total_mean - newborn_mean - infant_mean, 0.1 * total_mean)
        return self._poisson(newborn_mean), self._poisson(infant_mean), self._poisson(older_mean)

    def cases(self, cell: np.ndarray, law: str) -> pd.DataFrame:
        """One row per case, cells given per case; issue dates uniform in the year."""
        year = self.cell_year[cell]
        start = _fy_start(year)
        days = (_fy_start(year + 1) - start).astype(int)
        issue = start + (self.rng.random(len(cell)) * days).astype("timedelta64[D]")
        return pd.DataFrame(
            {
                "cell": cell,
                "la": self.la_index[cell],
                "year": year,
                "issue_date": issue,
                "law": np.full(len(cell), LAW_TYPES.index(law), dtype=np.int8),
            }
        )

    def group_siblings(self, cell: np.ndarray, law: str) -> np.ndarray:
        """Case number (within this batch) for children listed cell by cell."""
        starts = self.rng.random(len(cell)) < SIBLING_NEW_CASE_P[law]
        if len(cell):
            starts[0] = True
            starts[1:] |= cell[1:] != cell[:-1]
        return np.cumsum(starts) - 1

    def link_returns(self, cases: pd.DataFrame, p_return: np.ndarray, law: str) -> np.ndarray:
        """Index of the root (first) case of each case's mother, by a gap back in time."""
        order = np.lexsort((cases["issue_date"].to_numpy(), cases["la"].to_numpy()))
        cases = cases.iloc[order]
        day = cases["issue_date"].to_numpy().astype("datetime64[D]").astype(np.int64)
        key = cases["la"].to_numpy().astype(np.int64) * 100_000 + (day - day.min())
        median, sigma = RETURN_GAP_YEARS[law]
        gap = np.round(self.rng.lognormal(np.log(median), sigma, len(cases)) * 365.25)
        wants = self.rng.random(len(cases)) < p_return[order]
        target = np.searchsorted(key, key - gap, side="right") - 1
        ok = wants & (target >= 0) & (gap >= 120)
        ok &= key[np.clip(target, 0, None)] // 100_000 == key // 100_000
        link = np.where(ok, target, -1)
        root = np.where(link >= 0, link, np.arange(len(cases)))
        while True:  # pointer jumping: every case points at its chain's first case
            nxt = root[root]
            if np.array_equal(nxt, root):
                break
            root = nxt
        result = np.empty(len(cases), dtype=np.int64)
        result[order] = order[root]
        return result

    def durations_days(self, cases: pd.DataFrame, path: np.ndarray) -> np.ndarray:
        """Days from issue to final order; ``path`` indexes DURATION_PATHS for each case."""
        medians = np.empty(len(cases))
        for i, knots in enumerate(MEDIAN_WEEKS.values()):
            mask = path == i
            medians[mask] = _path(knots, cases["year"].to_numpy()[mask])
        sigma = np.where(
            cases["law"] == LAW_TYPES.index("public"),
            DURATION_SIGMA["public"],
            DURATION_SIGMA["private"],
        )
        return np.round(self.rng.lognormal(np.log(medians * 7), sigma)).astype(int) + 1

    def ages_days(self, law: str, size: int) -> np.ndarray:
        lo, hi, p = OLDER_AGE_BANDS[law]
        band = self.rng.choice(len(p), size=size, p=p)
        lo_days, hi_days = np.array(lo)[band] * 365.25, np.array(hi)[band] * 365.25
        return (lo_days + self.rng.random(size) * (hi_days - lo_days - 1)).astype(int)

    def public(self) -> pd.DataFrame:
        newborn, infant, older = self.public_counts()
        cells = np.arange(len(newborn))
        kinds = [("newborn", np.repeat(cells, newborn)), ("infant", np.repeat(cells, infant))]
        older_cells = np.repeat(cells, older)
        case_of_child = self.group_siblings(older_cells, "public")
        frames, children = [], []
        offset = 0
        for kind, cell in kinds:
            frames.append(self.cases(cell, "public").assign(kind=KINDS.index(kind)))
            lo, hi = (0, 7) if kind == "newborn" else (7, 365)
            age = self.rng.integers(lo, hi, len(cell))
            children.append(pd.DataFrame({"case": offset + np.arange(len(cell)), "age": age}))
            offset += len(cell)
        first = np.r_[0, np.flatnonzero(np.diff(case_of_child)) + 1] if len(older_cells) else []
        frames.append(self.cases(older_cells[first], "public").assign(kind=KINDS.index("older")))
        children.append(
            pd.DataFrame(
                {"case": offset + case_of_child, "age": self.ages_days("public", len(older_cells))}
            )
        )
        cases = pd.concat(frames, ignore_index=True)
        kids = pd.concat(children, ignore_index=True)
        p_return = np.array([RECURRENCE[k] for k in KINDS])[cases["kind"].to_numpy()]
        cases["mother_root"] = self.link_returns(cases, p_return, "public")
        in_wales = self.las["country"].to_numpy()[cases["la"]] == "Wales"
        path = np.where(
            in_wales, DURATION_PATHS.index("public Wales"), DURATION_PATHS.index("public England")
        )
        cases["duration"] = self.durations_days(cases, path)
        notice = self._notice(cases)
        cases["notice"] = notice
        cases["application_type"] = _choice(
            self.rng, *APPLICATIONS["public"], len(cases), APPLICATION_TYPES
        )
        cases["applicant_type"] = np.int8(APPLICANT_TYPES.index("local_authority"))
        rows = kids.join(cases, on="case")
        rows["child_key"] = np.arange(len(rows))
        order_kind = np.where(rows["age"] < 365, "infant", "older")
        rows["final_order"] = self._orders(order_kind, rows["year"].to_numpy())
        return rows

    def _notice(self, cases: pd.DataFrame) -> np.ndarray:
        lo, hi = NOTICE_BUCKETS
        notice = np.empty(len(cases))
        for kind, p in NOTICE_P.items():
            newborn = (cases["kind"] == KINDS.index("newborn")).to_numpy()
            mask = newborn == (kind == "newborn")
            bucket = self.rng.choice(4, size=mask.sum(), p=p)
            notice[mask] = self.rng.integers(np.array(lo)[bucket], np.array(hi)[bucket])
        notice[self.rng.random(len(cases)) < 0.15] = np.nan
        return notice

    def _orders(self, kind: np.ndarray, year: np.ndarray) -> np.ndarray:
        """Final-order codes (positions in FINAL_ORDERS) by age group or law, and year."""
        orders = np.empty(len(kind), dtype=np.int8)
        for name, p in ORDER_P.items():
            mask = kind == name
            if not mask.any():
                continue
            probs = np.tile(np.array(p, dtype=float), (mask.sum(), 1))
            if name != "private":  # fewer placement orders after 2013 (Re B-S), more SGOs
                drift = np.clip(year[mask] - 2013, 0, None)
                probs[:, 1] *= np.maximum(1 - 0.05 * drift, 0.4)
                probs[:, 3] *= 1 + 0.04 * drift
            probs /= probs.sum(axis=1, keepdims=True)
            pick = (self.rng.random(mask.sum())[:, None] > probs.cumsum(axis=1)).sum(axis=1)
            orders[mask] = np.minimum(pick, len(FINAL_ORDERS) - 1)
        return orders

    def private(self) -> pd.DataFrame:
        effect = self.private_effect[self.la_index]
        mean = _path(PRIVATE_RATE_PER_10K, self.cell_year) * effect * self.children / 1e4
        child_cells = np.repeat(np.arange(len(mean)), self._poisson(mean))
        case_of_child = self.group_siblings(child_cells, "private")
        first = np.r_[0, np.flatnonzero(np.diff(case_of_child)) + 1]
        cases = self.cases(child_cells[first], "private").assign(kind=KINDS.index("private"))
        p_return = np.full(len(cases), RECURRENCE["private"])
        root = self.link_returns(cases, p_return, "private")
        cases["mother_root"] = root
        cases["duration"] = self.durations_days(
            cases, np.full(len(cases), DURATION_PATHS.index("private"))
        )
        cases["notice"] = np.nan
        cases["application_type"] = _choice(
            self.rng, *APPLICATIONS["private"], len(cases), APPLICATION_TYPES
        )
        cases["applicant_type"] = _choice(
            self.rng, *PRIVATE_APPLICANTS, len(cases), APPLICANT_TYPES
        )
        # Children belong to their mother's first case; a repeat application brings them back.
        kids = pd.DataFrame({"root_case": case_of_child, "child_key": np.arange(len(child_cells))})
        kids["birth"] = cases["issue_date"].to_numpy()[case_of_child] - self.ages_days(
            "private", len(kids)
        ).astype("timedelta64[D]")
        per_case = cases[["mother_root"]].reset_index(names="case")
        rows = per_case.merge(kids, left_on="mother_root", right_on="root_case")
        rows = rows.drop(columns=["mother_root", "root_case"]).join(cases, on="case")
        rows["age"] = (rows["issue_date"] - rows["birth"]).dt.days
        # under 18 at issue: 18 years hold at least 4 leap days, so at least 18*365+4 days
        rows = rows[rows["age"] < 18 * 365 + 4].drop(columns="birth")
        orders = self._orders(np.full(len(rows), "private"), rows["year"].to_numpy())
        sgo = rows["application_type"] == APPLICATION_TYPES.index("special_guardianship")
        sgo = sgo.to_numpy() & (self.rng.random(len(rows)) < 0.7)
        orders[sgo] = FINAL_ORDERS.index("special_guardianship")
        rows["final_order"] = orders
        return rows

    def extract(self) -> pd.DataFrame:
        public, private = self.public(), self.private()
        private = private.assign(
            case=private["case"] + public["case"].max() + 1,
            mother_root=private["mother_root"] + public["case"].max() + 1,
            child_key=private["child_key"] + public["child_key"].max() + 1,
        )
        rows = pd.concat([public, private], ignore_index=True)
        rows = rows.sort_values(["issue_date", "case", "child_key"], kind="stable")
        n = len(rows)
        issue = rows["issue_date"].to_numpy().astype("datetime64[D]")
        close = issue + rows["duration"].to_numpy().astype("timedelta64[D]")
        open_ = close > self.extract_date
        la_region = self.las["region_name"].to_numpy()[rows["la"].to_numpy()]
        ethnicity = np.empty(n, dtype=np.int8)
        labels, probs = ETHNICITY
        for name, p in probs.items():
            mask = (la_region == "London") == (name == "London")
            ethnicity[mask] = _choice(self.rng, labels, p, mask.sum(), ETHNICITIES)
        final_order = np.where(open_, -1, rows["final_order"].to_numpy())
        return pd.DataFrame(
            {
                "case_id": _ids("C", pd.factorize(rows["case"])[0]),
                "child_id": _ids("K", pd.factorize(rows["child_key"])[0]),
                "mother_id": _ids("M", pd.factorize(rows["mother_root"])[0]),
                "law_type": _categorical(rows["law"], LAW_TYPES),
                "application_type": _categorical(rows["application_type"], APPLICATION_TYPES),
                "applicant_type": _categorical(rows["applicant_type"], APPLICANT_TYPES),
                "issue_date": issue,
                "close_date": np.where(open_, np.datetime64("NaT"), close),
                "local_authority_code": _categorical(
                    self.code_in_force(rows["la"].to_numpy(), issue), self.codes
                ),
                "child_birth_date": issue - rows["age"].to_numpy().astype("timedelta64[D]"),
                "first_hearing_notice_days": pd.array(rows["notice"].to_numpy(), dtype="Int16"),
                "sex": _categorical(_choice(self.rng, *SEX_P, n, SEXES), SEXES),
                "ethnicity": _categorical(ethnicity, ETHNICITIES),
                "final_order": _categorical(final_order, FINAL_ORDERS),
            }
        )[list(COLUMNS)]


def _code_periods(current: list[str]) -> tuple[list[str], dict[int, list[tuple]]]:
    """Every code the extract may carry (today's first), and for each authority whose code
    changed, the periods another code was in force: (code position, from, to, and the
    range of a uniform draw that picks it where codes merged)."""
    lookup = code_lookup()
    lookup = lookup[lookup["mapping"].isin([RETIRED, COMBINED, NEWER])]
    codes = list(current) + sorted(lookup.index)
    position = {code: i for i, code in enumerate(codes)}
    far_past, far_future = np.datetime64("1900-01-01"), np.datetime64("2200-01-01")
    periods: dict[int, list[tuple]] = {}
    for code, row in lookup.sort_index().iterrows():
        start = far_past if pd.isna(row["valid_from"]) else np.datetime64(row["valid_from"], "D")
        end = far_future if pd.isna(row["valid_to"]) else np.datetime64(row["valid_to"], "D")
        for unit in row["unit_code"].split(" / "):
            periods.setdefault(position[unit], []).append([position[code], start, end, code])
    for unit, spans in periods.items():
        merged = [s for s in spans if s[3] in MERGED_CODE_SHARES]
        low = 0.0
        for span in spans:
            share = MERGED_CODE_SHARES.get(span[3], 1.0)
            span_low = low if span in merged else 0.0
            span[3:] = [span_low, span_low + share] if span in merged else [0.0, 1.0]
            low = span_low + share if span in merged else low
        periods[unit] = [tuple(s) for s in spans]
    return codes, periods


def _ids(prefix: str, numbers: np.ndarray) -> pd.Series:
    """Pseudonymised keys such as 'C00000042', as Arrow strings (compact and fast)."""
    padded = pc.utf8_lpad(pc.cast(pa.array(numbers), pa.string()), 8, "0")
    return pd.Series(pd.arrays.ArrowStringArray(pc.binary_join_element_wise(prefix, padded, "")))


def synthesise(seed: int, start_year: int, end_year: int, scale: float = 1.0) -> pd.DataFrame:
    """The synthetic extract: one row per child per set of proceedings."""
    if end_year < start_year:
        raise ValueError(f"end year {end_year} is before start year {start_year}")
    frame = _Generator(seed, start_year, end_year, scale).extract()
    for column in ("issue_date", "close_date", "child_birth_date"):
        frame[column] = frame[column].astype("datetime64[s]")
    return frame


def write(frame: pd.DataFrame, path: Path) -> None:
    """Write the extract as Parquet (or CSV by suffix), atomically and byte-reproducibly."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    if path.suffix == ".csv":
        frame.to_csv(tmp, index=False, date_format="%Y-%m-%d", lineterminator="\n")
    else:
        frame.to_parquet(tmp, index=False, compression="zstd")
    tmp.replace(path)
