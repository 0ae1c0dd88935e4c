"""The statistics store against independent computations from the processed cases."""

import json

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, Rules
from fjo_analysis.figures.builder import build
from fjo_analysis.figures.store import Store
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.geography import briefing_areas

ENGLAND, WALES = "E92000001", "W92000004"
RATE_TABLES = ("care_children", "newborns", "s8_children")


@pytest.fixture(scope="module")
def store(project, tmp_path_factory):
    """The store of the small project with threshold 10 and no rounding: the session's own
    if ``project`` already built one with these rules (building takes about a minute),
    otherwise built here."""
    stats_dir = getattr(project, "stats_dir", None)
    if stats_dir is not None and (stats_dir / "manifest.json").exists():
        existing = Store(stats_dir)
        if existing.manifest["rules"] == {"threshold": 10, "round_to": 0}:
            return existing
    out = tmp_path_factory.mktemp("figures") / "stats"
    build(project.processed_dir, out, Rules(10, 0))
    return Store(out)


@pytest.fixture(scope="module")
def cases(project):
    return pd.read_parquet(project.processed_dir / "cases.parquet")


@pytest.fixture(scope="module")
def dispersion(store):
    records = json.loads((store.directory / "dispersion.json").read_text(encoding="utf-8"))
    frame = pd.DataFrame(records)
    return frame.set_index(["table", "financial_year"])["dispersion"]


def _value(v):
    """A published value as a float (NaN for [c], [x] and missing)."""
    if v is None or v in (MARK, NOT_AVAILABLE):
        return np.nan
    return float(v)


def _values(column: pd.Series) -> np.ndarray:
    return np.array([_value(v) for v in column], dtype=float)


def _rows_of(frame: pd.DataFrame, code: str) -> pd.DataFrame:
    if code == ENGLAND:
        return frame[frame["country"] == "England"]
    if code == WALES:
        return frame[frame["country"] == "Wales"]
    return frame[frame["region_code"] == code]


def _first_case_per_child_year(rows: pd.DataFrame) -> pd.DataFrame:
    ordered = rows.sort_values(["issue_date", "case_id"])
    return ordered.groupby(["financial_year", "child_id"], sort=False).head(1)


def _s31(cases):
    return cases[(cases.law_type == "public") & (cases.application_type == "care_supervision_s31")]


def _phi(dispersion, table, year) -> float:
    return max(1.0, float(dispersion.get((table, int(year)), 1.0)))


# --- counts -----------------------------------------------------------------------------


def _independent_counts(cases, table: str, code: str) -> pd.Series:
    rows = _rows_of(cases, code)
    if table == "care_children":
        return _s31(rows).groupby("financial_year").child_id.nunique()
    if table == "newborns":
        first = _first_case_per_child_year(_s31(rows))
        newborn = (first.issue_date - first.child_birth_date).dt.days < 7
        return first[newborn].groupby("financial_year").size()
    if table == "s8_children":
        s8 = rows[(rows.law_type == "private") & (rows.application_type == "child_arrangements_s8")]
        return s8.groupby("financial_year").child_id.nunique()
    if table == "durations":
        return _s31(rows).groupby("financial_year").case_id.nunique()
    if table == "repeat_applications":
        return rows[rows.law_type == "private"].groupby("financial_year").case_id.nunique()
    raise KeyError(table)


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("care_children", "children"),
        ("newborns", "newborns"),
        ("s8_children", "children"),
        ("durations", "cases"),
        ("repeat_applications", "cases"),
    ],
)
def test_published_counts_equal_independent_counts(store, cases, table, column):
    published = store.table(table)
    published = published[published["area_code"].isin(briefing_areas())]  # local: test_profiles
    checked = 0
    for code, part in published.groupby("area_code"):
        expected = _independent_counts(cases, table, code)
        for year, value in zip(part["financial_year"], part[column], strict=True):
            if value == MARK:
                continue
            assert _value(value) == expected.get(int(year), 0), (table, code, year)
            checked += 1
    assert checked > 0


def test_counts_suppressed_only_with_a_reason(store):
    """With a threshold of 10 no published count is between 1 and 9."""
    for name, spec in TABLES.items():
        table = store.table(name)
        for column in spec.counts:
            values = _values(table[column])
            shown = values[~np.isnan(values)]
            assert ((shown >= 10) | (shown == 0)).all(), (name, column)


# --- rates and their intervals ----------------------------------------------------------


def test_every_rate_is_count_over_denominator(store):
    checked = 0
    for name, spec in TABLES.items():
        table = store.table(name)
        for rate_name, rate in spec.rates.items():
            count = _values(table[rate.count])
            denominator = table[rate.denominator].astype(float).to_numpy()
            value = _values(table[rate_name])
            shown = ~np.isnan(count)
            np.testing.assert_allclose(
                value[shown], count[shown] / denominator[shown] * 10_000, rtol=1e-12
            )
            assert (table.loc[~shown, rate_name] == table.loc[~shown, rate.count]).all()
            checked += shown.sum()
    assert checked > 0


def _quasi_poisson_interval(count: float, phi: float) -> tuple[float, float]:
    effective = count / phi
    if effective >= 10:
        z = stats.norm.ppf(0.975)
        o, o1 = effective, effective + 1
        low = o * (1 - 1 / (9 * o) - z / (3 * np.sqrt(o))) ** 3
        high = o1 * (1 - 1 / (9 * o1) + z / (3 * np.sqrt(o1))) ** 3
    else:
        low = stats.chi2.ppf(0.025, 2 * effective) / 2 if effective > 0 else 0.0
        high = stats.chi2.ppf(0.975, 2 * effective + 2) / 2
    return low * phi, high * phi


def test_rate_intervals_are_quasi_poisson(store, dispersion):
    checked = 0
    for name in RATE_TABLES:
        spec = TABLES[name]
        table = store.table(name)
        for rate_name, rate in spec.rates.items():
            if not rate.interval:
                continue
            for _, row in table.iterrows():
                count = _value(row[rate.count])
                if np.isnan(count):
                    assert row[f"{rate_name}_lower"] in (MARK, NOT_AVAILABLE)
                    continue
                phi = _phi(dispersion, name, row["financial_year"])
                low, high = _quasi_poisson_interval(count, phi)
                scale = 10_000 / float(row[rate.denominator])
                assert _value(row[f"{rate_name}_lower"]) == pytest.approx(low * scale, abs=1e-6)
                assert _value(row[f"{rate_name}_upper"]) == pytest.approx(high * scale, abs=1e-6)
                checked += 1
    assert checked > 0


def test_dispersion_is_sibling_clustering(store, cases, dispersion):
    """sum(m^2) / sum(m) over the cases bringing m counted children (England and Wales)."""
    first = _first_case_per_child_year(_s31(cases))
    sizes = first.groupby(["financial_year", "case_id"]).size()
    for year, m in sizes.groupby(level=0):
        m = m.to_numpy(dtype=float)
        assert dispersion[("care_children", int(year))] == pytest.approx((m**2).sum() / m.sum())


# --- England against Wales --------------------------------------------------------------


def _binomtest_verdict(c1, p1, c2, p2, phi):
    """Verdict of the exact conditional test on counts / phi, where integer rounding of the
    effective counts cannot change it (None where it could)."""
    x, y = c1 / phi, c2 / phi
    p0 = p1 / (p1 + p2)
    verdicts = set()
    for k in {int(np.floor(x)), int(np.ceil(x))}:
        for other in {int(np.floor(y)), int(np.ceil(y))}:
            n = k + other
            greater = stats.binomtest(k, n, p0, alternative="greater").pvalue
            less = stats.binomtest(k, n, p0, alternative="less").pvalue
            if 2 * greater < 0.05:
                verdicts.add("higher")
            elif 2 * less < 0.05:
                verdicts.add("lower")
            else:
                verdicts.add("not significantly different from")
    return verdicts.pop() if len(verdicts) == 1 else None


OPPOSITE = {
    "higher": "lower",
    "lower": "higher",
    "not significantly different from": "not significantly different from",
}


@pytest.mark.parametrize("name", RATE_TABLES)
def test_england_against_wales(store, dispersion, name):
    spec = TABLES[name]
    rate = spec.rates[spec.comparison]
    table = store.table(name)
    england = table[table.area_code == ENGLAND].set_index("financial_year")
    wales = table[table.area_code == WALES].set_index("financial_year")
    assert (england["comparator_code"] == WALES).all() and (
        wales["comparator_code"] == ENGLAND
    ).all()
    checked = 0
    for year in england.index:
        e, w = england.loc[year], wales.loc[year]
        c1, c2 = _value(e[rate.count]), _value(w[rate.count])
        if np.isnan(c1) or np.isnan(c2):
            assert e["comparison"] == MARK and w["comparison"] == MARK
            continue
        # never contradict each other
        assert OPPOSITE[e["comparison"]] == w["comparison"], (name, year)
        assert _value(e["comparator_rate"]) == pytest.approx(_value(w[spec.comparison]))
        expected = _binomtest_verdict(
            c1,
            float(e[rate.denominator]),
            c2,
            float(w[rate.denominator]),
            _phi(dispersion, name, year),
        )
        if expected is not None:
            assert e["comparison"] == expected, (name, year)
            checked += 1
    if name != "newborns":  # Wales's newborns are mostly suppressed in the small data
        assert checked > 0


def test_region_comparisons_are_suppressed_with_their_counts(store):
    for name in RATE_TABLES:
        spec = TABLES[name]
        rate = spec.rates[spec.comparison]
        table = store.table(name)
        england = table[table.area_code == ENGLAND].set_index("financial_year")[rate.count]
        for _, row in table.iterrows():
            if row["area_code"] in (ENGLAND, WALES) or row["area_code"] not in briefing_areas():
                continue  # local areas: their country over the period (test_profiles)
            assert row["comparator_code"] == ENGLAND
            if row[rate.count] == MARK or england[row["financial_year"]] == MARK:
                assert row["comparison"] == MARK
            else:
                assert row["comparison"] in OPPOSITE


# --- shares -----------------------------------------------------------------------------


def test_shares_equal_numerator_over_denominator(store):
    checked = 0
    for name, spec in TABLES.items():
        table = store.table(name)
        for share_name, share in spec.shares.items():
            numerator = _values(table[share.numerator])
            if share.denominator is not None:
                denominator = _values(table[share.denominator])
            elif share.total is not None:
                other = store.table(share.total[0])
                totals = {
                    (a, int(y)): _value(v)
                    for a, y, v in zip(
                        other.area_code, other.financial_year, other[share.total[1]], strict=True
                    )
                }
                denominator = np.array(
                    [
                        totals.get((a, int(y)), np.nan)
                        for a, y in zip(table.area_code, table.financial_year, strict=True)
                    ]
                )
            else:
                keys = [k for k in ("area_code", *spec.keys) if k != share.over]
                sums = {}
                for key, part in table.groupby(keys, sort=False):
                    sums[key] = _values(part[share.numerator]).sum()  # NaN if any [c]
                denominator = np.array(
                    [sums[tuple(r)] for r in table[keys].itertuples(index=False, name=None)]
                )
            value = _values(table[share_name])
            ok = ~np.isnan(numerator) & ~np.isnan(denominator) & (denominator > 0)
            np.testing.assert_allclose(
                value[ok], 100 * numerator[ok] / denominator[ok], rtol=1e-12, err_msg=name
            )
            checked += ok.sum()
    assert checked > 0


def test_shares_over_a_breakdown_add_up_to_100(store):
    table = store.table("final_orders")
    for (_, _), part in table.groupby(["area_code", "financial_year"]):
        shares = _values(part["share_pct"])
        counts = _values(part["children"])
        if not np.isnan(counts).any():
            assert shares.sum() == pytest.approx(100)


# --- suppression carries through --------------------------------------------------------


def test_derived_figures_are_suppressed_with_their_counts(store):
    for name, spec in TABLES.items():
        table = store.table(name)
        for rate_name, rate in spec.rates.items():
            hidden = table[rate.count] == MARK
            assert (table.loc[hidden, rate_name] == MARK).all(), (name, rate_name)
            if rate.interval:
                assert (table.loc[hidden, f"{rate_name}_lower"] == MARK).all()
                assert (table.loc[hidden, f"{rate_name}_upper"] == MARK).all()
        for share_name, share in spec.shares.items():
            hidden = table[share.numerator] == MARK
            if share.denominator is not None:
                hidden |= table[share.denominator] == MARK
            elif share.total is not None:
                other = store.table(share.total[0])
                marked = {
                    (a, int(y))
                    for a, y, v in zip(
                        other.area_code, other.financial_year, other[share.total[1]], strict=True
                    )
                    if v == MARK
                }
                hidden |= np.array(
                    [
                        (a, int(y)) in marked
                        for a, y in zip(table.area_code, table.financial_year, strict=True)
                    ]
                )
            else:
                keys = [k for k in ("area_code", *spec.keys) if k != share.over]
                hidden |= table.groupby(keys)[share.numerator].transform(
                    lambda s: (s == MARK).any()
                )
            assert (table.loc[hidden, share_name] == MARK).all(), (name, share_name)
            if share.interval:
                stem = share_name.removesuffix("_pct")
                assert (table.loc[hidden, f"{stem}_lower"] == MARK).all()
                assert (table.loc[hidden, f"{stem}_upper"] == MARK).all()
        for estimate, bases in spec.estimates.items():
            hidden = np.logical_or.reduce([(table[b] == MARK).to_numpy() for b in bases])
            assert (table.loc[hidden, estimate] == MARK).all(), (name, estimate)


def test_every_listed_suppressed_cell_is_shown_as_c(store):
    suppressed = pd.read_csv(store.directory / "suppressed.csv", dtype=str)
    assert len(suppressed) > 0
    for name, cells in suppressed.groupby("table"):
        spec = TABLES[name]
        table = store.table(name)
        key = table[list(spec.keys)].astype(str).agg("|".join, axis=1)
        shown = {
            (a, k, column): v
            for column in spec.counts
            for a, k, v in zip(table.area_code, key, table[column], strict=True)
        }
        for cell in cells.itertuples(index=False):
            if cell.column in spec.counts:
                assert shown[(cell.area_code, cell.key, cell.column)] == MARK, cell


# --- trends -----------------------------------------------------------------------------


def test_trends_equal_quasi_poisson_glm(store, dispersion):
    trends = store.trends()
    last = int(store.manifest["source"]["last_year"])
    checked = 0
    for _, row in trends.iterrows():
        name, code = row["table"], row["area_code"]
        spec = TABLES[name]
        rate = next(r for r in spec.rates.values() if r.count == spec.trend)
        table = store.table(name)
        part = table[(table.area_code == code) & (table.financial_year.astype(int) > last - 5)]
        counts = _values(part[spec.trend])
        if np.isnan(counts).any():
            assert row["annual_change_pct"] == MARK
            continue
        years = part["financial_year"].astype(float).to_numpy()
        population = part[rate.denominator].astype(float).to_numpy()
        exog = sm.add_constant(years - years.min())
        model = sm.GLM(counts, exog, family=sm.families.Poisson(), offset=np.log(population))
        first = model.fit()
        known = max(_phi(dispersion, name, y) for y in years)
        phi = max(1.0, first.pearson_chi2 / first.df_resid, known)
        fit = model.fit(scale=phi, use_t=True)
        low, high = fit.conf_int(alpha=0.05)[1]
        assert _value(row["annual_change_pct"]) == pytest.approx(
            100 * np.expm1(fit.params[1]), abs=1e-6
        )
        assert _value(row["lower_pct"]) == pytest.approx(100 * np.expm1(low), abs=1e-6)
        assert _value(row["upper_pct"]) == pytest.approx(100 * np.expm1(high), abs=1e-6)
        assert _value(row["p_value"]) == pytest.approx(fit.pvalues[1], abs=1e-9)
        assert _value(row["dispersion"]) == pytest.approx(phi)
        assert int(row["first_year"]) == int(years.min())
        checked += 1
    assert checked > 0


@pytest.mark.parametrize(
    "table_name,count,quartiles",
    [
        (
            "durations",
            "cases",
            {"lower_quartile_weeks": 0.25, "median_weeks": 0.5, "upper_quartile_weeks": 0.75},
        ),
        ("disposals", "disposals", {"disposal_median_weeks": 0.5}),
    ],
)
def test_published_quartiles_do_not_narrow_a_suppressed_count_within_26_weeks(
    store, table_name, count, quartiles
):
    """An attack: the q-quartile of n durations is over 26 weeks only if fewer than
    ceil(q n) cases ended within 26 weeks, and at most 26 weeks only if at least that
    many did. A suppressed count within 26 weeks must keep a range of at least 10."""
    table = store.table(table_name)
    within = "within_26_weeks" if table_name == "durations" else "disposals_within_26_weeks"
    attacked = table[(table[within] == MARK) & (table[count] != MARK)]
    for row in attacked.itertuples(index=False):
        n = int(getattr(row, count))
        low, high = 0, n
        for column, q in quartiles.items():
            weeks = getattr(row, column)
            if weeks in (MARK, NOT_AVAILABLE) or pd.isna(weeks):
                continue
            needed = int(np.ceil(q * n))
            if float(weeks) > 26:
                high = min(high, needed - 1)
            else:
                low = max(low, needed)
        assert high - low >= 10 or (low, high) == (0, n), (row.area_code, row.financial_year)
