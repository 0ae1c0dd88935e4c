"""Rates, shares, intervals, comparisons and trends, from the protected counts only.

Each derived figure is computed from the *published* counts (rounded, where counts are
rounded) and the public denominators, and is suppressed wherever any count it rests on is
suppressed, so it can never tell a reader more than the counts do. Figures that need
case-level data (medians, Kaplan-Meier estimates) are published only where every count
they rest on is published; with rounding on, Kaplan-Meier percentages are replaced by
the plain share of the rounded counts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, numbers
from fjo_analysis.figures.tables import TABLES, Table
from fjo_analysis.geography import ENGLAND, WALES, area, local_areas
from fjo_analysis.stats.funnel import compare_with_reference, funnel_overdispersion
from fjo_analysis.stats.rates import compare_rates, rate_per_10k, wilson_ci
from fjo_analysis.stats.trends import annual_trend
from fjo_analysis.years import TREND_YEARS

#: Counts of children (in sibling groups): their shares' intervals allow for clustering.
CHILD_COUNTS = {"children", "newborns", "infants"}


def comparator_of(code: str) -> str:
    """The area each area is compared with: England for a region, the other country for a
    country, its own country for a local area."""
    if code == ENGLAND:
        return WALES
    the_area = area(code)
    if code == WALES or the_area.level == "region":
        return ENGLAND
    if the_area.level in ("la", "combined", "dfj"):
        return ENGLAND if the_area.country == "England" else WALES
    raise ValueError(f"no comparison area for {code}")


def is_local(codes: pd.Series) -> np.ndarray:
    """Which area codes are local areas (authorities, combined units, family court areas)."""
    return codes.isin(list(local_areas())).to_numpy()


def _suppressed(column: pd.Series) -> np.ndarray:
    return (column == MARK).to_numpy()


def _mark(values, suppressed: np.ndarray) -> list:
    """[c] where suppressed, [x] where not available, else the value."""
    out = []
    for v, hidden in zip(values, suppressed, strict=True):
        if hidden:
            out.append(MARK)
        elif v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
            out.append(NOT_AVAILABLE)
        else:
            out.append(v.item() if hasattr(v, "item") else v)
    return out


def dispersion_for(out: pd.DataFrame, dispersion: pd.DataFrame, table: str) -> np.ndarray:
    """Each row's sibling dispersion (1 where a table's counts are not of children in
    sibling groups)."""
    own = dispersion[dispersion["table"] == table].set_index("financial_year")["dispersion"]
    if own.empty or "financial_year" not in out:
        return np.ones(len(out))
    return own.reindex(out["financial_year"].astype(int)).fillna(1.0).to_numpy()


def derive_table(
    published: pd.DataFrame,
    truth: pd.DataFrame,
    spec: Table,
    tables: dict,
    round_to: int,
    dispersion: pd.DataFrame,
) -> pd.DataFrame:
    """Add the table's rates, shares and estimates to its published counts. Intervals of
    rates allow for sibling groups (quasi-Poisson, with the national dispersion); shares
    of children use the same figure as their design effect."""
    out = published.copy()
    phi = dispersion_for(out, dispersion, spec.name)
    children_phi = dispersion_for(out, dispersion, "care_children")
    for name, rate in spec.rates.items():
        counts = numbers(out[rate.count])
        hidden = _suppressed(out[rate.count])
        r = rate_per_10k(counts, out[rate.denominator].to_numpy(dtype=float), dispersion=phi)
        out[name] = _mark(r["rate"].to_numpy(), hidden)
        if rate.interval:
            out[f"{name}_lower"] = _mark(r["rate_lower"].to_numpy(), hidden)
            out[f"{name}_upper"] = _mark(r["rate_upper"].to_numpy(), hidden)
    for name, share in spec.shares.items():
        numerator = numbers(out[share.numerator])
        hidden = _suppressed(out[share.numerator])
        if share.denominator is not None:
            denominator = numbers(out[share.denominator])
            hidden = hidden | _suppressed(out[share.denominator])
        elif share.total is not None:
            total_table, total_column = share.total
            totals = tables[total_table].set_index(["area_code", "financial_year"])[total_column]
            looked_up = totals.reindex(
                pd.MultiIndex.from_frame(out[["area_code", "financial_year"]])
            )
            denominator = numbers(looked_up.reset_index(drop=True))
            hidden = hidden | _suppressed(looked_up.reset_index(drop=True))
        else:
            group = [k for k in ("area_code", *spec.keys) if k != share.over]
            grouped = out.groupby(group, sort=False)[share.numerator]
            denominator = grouped.transform(lambda s: numbers(s).sum()).to_numpy(dtype=float)
            hidden = hidden | grouped.transform(lambda s: (s == MARK).any()).to_numpy(dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            pct = np.where(denominator > 0, 100 * numerator / denominator, np.nan)
        out[name] = _mark(pct, hidden)
        if share.interval:
            deff = children_phi if share.numerator in CHILD_COUNTS else 1.0
            low, high = wilson_ci(np.nan_to_num(numerator), denominator, design_effect=deff)
            stem = name.removesuffix("_pct")
            out[f"{stem}_lower"] = _mark(np.where(np.isnan(numerator), np.nan, 100 * low), hidden)
            out[f"{stem}_upper"] = _mark(np.where(np.isnan(numerator), np.nan, 100 * high), hidden)
    for name, bases in spec.estimates.items():
        hidden = np.logical_or.reduce([_suppressed(out[b]) for b in bases])
        values = truth[name].to_numpy(dtype=float)
        if round_to > 1 and name.endswith("_pct"):
            denominator, numerator = (numbers(out[b]) for b in bases)
            with np.errstate(divide="ignore", invalid="ignore"):
                values = np.where(denominator > 0, 100 * numerator / denominator, np.nan)
        out[name] = _mark(values, hidden)
    return out


def add_comparison(
    out: pd.DataFrame,
    spec: Table,
    dispersion: pd.DataFrame,
    periods: dict[int, list[int]] | None = None,
) -> pd.DataFrame:
    """Each area's rate against its comparison area's, year by year, from published counts
    (suppressed where either count is):

    * a region against England, which it is part of: funnel limits around England's rate,
      widened for over-dispersion between regions (Spiegelhalter's additive random-effects
      adjustment on the square-root scale, estimated each year from the regions' published
      counts);
    * England and Wales, two observed rates: the exact conditional test of the rate ratio,
      with both counts scaled by the sibling dispersion, so the verdict is the same
      whichever country's briefing reads it;
    * a local area against its country over the same pooled period (``periods``): funnel
      limits around the country's rate over the period's years, widened for the
      over-dispersion between the country's authorities (or its family court areas, for a
      family court area) (``funnel_tau2``).
    """
    rate = spec.rates[spec.comparison]
    count, denominator = rate.count, rate.denominator
    index = out.set_index(["area_code", "financial_year"])
    comparator = out["area_code"].map(comparator_of)
    other = index.reindex(pd.MultiIndex.from_arrays([comparator, out["financial_year"]]))
    other = other.reset_index(drop=True)
    c1, p1 = numbers(out[count]), out[denominator].to_numpy(dtype=float)
    c2, p2 = numbers(other[count]), other[denominator].to_numpy(dtype=float)
    hidden = _suppressed(out[count]) | _suppressed(other[count])
    phi = dispersion_for(out, dispersion, spec.name)
    verdicts = np.full(len(out), np.nan, dtype=object)
    local = is_local(out["area_code"])
    regional = (comparator == ENGLAND).to_numpy() & (out["area_code"] != WALES).to_numpy() & ~local
    for year in out["financial_year"].unique():
        rows = regional & (out["financial_year"] == year).to_numpy() & ~np.isnan(c1) & ~hidden
        if not rows.any():
            continue
        expected = c2[rows] / p2[rows] * p1[rows]
        spread = funnel_overdispersion(c1[rows], expected)
        verdicts[rows] = compare_with_reference(c1[rows], expected, tau2=spread.tau2)[
            "comparison"
        ].to_numpy()
    countries = ~regional & ~local & ~hidden & ~np.isnan(c1) & ~np.isnan(c2)
    if countries.any():
        test = compare_rates(
            c1[countries], p1[countries], c2[countries], p2[countries], dispersion=phi[countries]
        )
        verdicts[countries] = test["comparison"].to_numpy()
    other_rate = numbers(other[spec.comparison]).copy()
    other_hidden = _suppressed(other[spec.comparison]).copy()
    tau2 = np.full(len(out), np.nan)
    if local.any() and periods:
        pooled_rate, pooled_hidden = _pooled_rates(out, spec, periods)
        keys = list(zip(comparator[local], out["financial_year"][local].astype(int), strict=True))
        other_rate[local] = [pooled_rate.get(k, np.nan) for k in keys]
        other_hidden[local] = [pooled_hidden.get(k, True) for k in keys]
        hidden[local] = _suppressed(out[count])[local] | other_hidden[local]
        # authorities are compared among authorities, family court areas among areas
        courts = out["area_code"][local].map(lambda c: local_areas()[c].level == "dfj")
        for (_, _, _), rows in pd.Series(np.flatnonzero(local)).groupby(
            [
                comparator[local].to_numpy(),
                courts.to_numpy(),
                out["financial_year"][local].to_numpy(),
            ]
        ):
            rows = rows.to_numpy()
            rows = rows[~hidden[rows] & ~np.isnan(c1[rows]) & (p1[rows] > 0)]
            if len(rows) == 0:
                continue
            expected = other_rate[rows] / 10_000 * p1[rows]
            spread = funnel_overdispersion(c1[rows], expected)
            verdicts[rows] = compare_with_reference(c1[rows], expected, tau2=spread.tau2)[
                "comparison"
            ].to_numpy()
            tau2[rows] = spread.tau2
    out = out.copy()
    out["comparator_code"] = comparator.to_numpy()
    out["comparator_rate"] = _mark(other_rate, other_hidden)
    out["comparison"] = _mark(verdicts, hidden)
    if local.any():
        out["funnel_tau2"] = _mark(tau2, hidden)
    return out


def _pooled_rates(out: pd.DataFrame, spec: Table, periods: dict[int, list[int]]):
    """Each country's rate per 10,000 over each pooled period, from its published yearly
    counts and denominators: {(country, last year): rate}, and whether it is suppressed."""
    rate = spec.rates[spec.comparison]
    rates, hidden = {}, {}
    for code in (ENGLAND, WALES):
        rows = out[out["area_code"] == code].set_index("financial_year")
        for end, years in periods.items():
            part = rows.reindex(years)
            hidden[(code, end)] = bool(_suppressed(part[rate.count]).any())
            total = numbers(part[rate.count]).sum()
            people = part[rate.denominator].to_numpy(dtype=float).sum()
            rates[(code, end)] = 10_000 * total / people if people > 0 else np.nan
    return rates, hidden


def trends(
    published: dict[str, pd.DataFrame], last_year: int, dispersion: pd.DataFrame
) -> pd.DataFrame:
    """The annual % change in each trend rate over the last five years, per area, from the
    published counts (quasi-Poisson, allowing at least for the sibling dispersion);
    suppressed where any of those counts is."""
    rows = []
    for name, spec in TABLES.items():
        if spec.trend is None or name not in published:
            continue
        rate = next(r for r in spec.rates.values() if r.count == spec.trend)
        table = published[name]
        window = table[
            (table["financial_year"] > last_year - TREND_YEARS) & ~is_local(table["area_code"])
        ]
        for code, part in window.groupby("area_code", sort=False):
            row = {
                "table": name,
                "area_code": code,
                "first_year": int(part["financial_year"].min()),
                "last_year": int(part["financial_year"].max()),
            }
            columns = ("annual_change_pct", "lower_pct", "upper_pct", "p_value", "model")
            if (part[spec.trend] == MARK).any():
                row |= dict.fromkeys(columns, MARK)
            else:
                fit = annual_trend(
                    part["financial_year"],
                    numbers(part[spec.trend]),
                    part[rate.denominator].to_numpy(dtype=float),
                    dispersion=float(dispersion_for(part, dispersion, name).max()),
                )
                if fit is None:
                    row |= dict.fromkeys(columns, NOT_AVAILABLE)
                else:
                    row |= {
                        "annual_change_pct": fit.annual_change_pct,
                        "lower_pct": fit.lower_pct,
                        "upper_pct": fit.upper_pct,
                        "p_value": fit.p_value,
                        "model": fit.model,
                        "dispersion": fit.dispersion,
                    }
            rows.append(row)
    return pd.DataFrame(rows)
