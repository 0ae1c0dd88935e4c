import pandas as pd
import pytest

from fjo_analysis.data.prepare import code_mapping, derive
from fjo_analysis.data.validate import unknown_local_authorities
from fjo_analysis.geography import (
    COMBINED,
    CURRENT,
    ENGLAND,
    NEWER,
    REFERENCE_VINTAGE,
    RETIRED,
    UNKNOWN,
    WALES,
    area,
    briefing_areas,
    la_codes_in,
    local_authorities,
    map_codes,
    region_codes,
    units,
    unknown_codes,
)


def test_eleven_briefing_areas_with_gss_codes():
    areas = briefing_areas()
    assert len(areas) == 11
    assert areas[ENGLAND].name == "England" and areas[WALES].name == "Wales"
    regions = [a for a in areas.values() if a.level == "region"]
    assert sorted(a.code for a in regions) == [f"E1200000{i}" for i in range(1, 10)]
    assert areas["E12000007"].name == "London"
    assert region_codes() == [f"E1200000{i}" for i in range(1, 10)]


def test_local_authorities_are_the_175_of_april_2024():
    las = local_authorities()
    assert las["la_code"].is_unique
    assert (las["country"] == "Wales").sum() == 22
    assert (las["country"] == "England").sum() == 153
    assert las["la_code"].str.fullmatch(r"[EW]0[689]\d{6}|E10\d{6}").all()
    expected = {"la_code", "la_name", "la_name_welsh", "region_code", "region_name", "country"}
    assert expected | {"dfj_area"} <= set(las.columns)
    assert las.set_index("la_code").loc["W06000001", "la_name_welsh"] == "Ynys Môn"
    assert set(la_codes_in(WALES)) == set(las.loc[las.country == "Wales", "la_code"])
    assert len(la_codes_in("E12000001")) == 12  # the North East's 12 authorities
    assert "E06000061" in la_codes_in("E12000004") and "E10000021" not in set(las["la_code"])


def test_dfj_areas_are_the_real_43_names():
    las = local_authorities()
    assert las["dfj_area"].notna().all()
    by_country = las.groupby("country")["dfj_area"].nunique()
    assert by_country["England"] == 40 and by_country["Wales"] == 3
    assert "Northumbria & North Durham" in set(las["dfj_area"])


def test_unknown_area_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown area code 'X'.*E92000001"):
        area("X")


def _map(pairs):
    codes = pd.Series([c for c, _ in pairs])
    dates = pd.Series(pd.to_datetime([d for _, d in pairs]))
    return map_codes(codes, dates)


def test_split_authority_maps_to_a_combined_unit_never_one_successor():
    mapped = _map([("E10000021", "2019-06-01"), ("E10000006", "2022-01-10")])
    assert mapped["unit_code"].tolist() == ["E06000061 / E06000062", "E06000063 / E06000064"]
    assert (mapped["mapping"] == COMBINED).all() and mapped["code_in_force"].all()
    combined = units().set_index("la_code").loc["E06000061 / E06000062"]
    assert combined["la_name"] == "North Northamptonshire / West Northamptonshire"
    assert (combined["region_name"], combined["country"]) == ("East Midlands", "England")
    assert combined["dfj_area"] == "Northampton"


def test_merged_recoded_and_chained_codes_map_to_their_successor():
    mapped = _map(
        [
            ("E06000028", "2015-01-01"),  # Bournemouth -> BCP (merge)
            ("E10000002", "2018-01-01"),  # Buckinghamshire county -> unitary
            ("E10000022", "2009-01-01"),  # Northumberland county -> E06000048 -> E06000057
            ("E08000038", "2025-06-01"),  # Barnsley's 2025 code -> the 2024 authority
            ("E06000061", "2023-01-01"),
        ]
    )
    assert mapped["unit_code"].tolist() == [
        "E06000058",
        "E06000060",
        "E06000057",
        "E08000016",
        "E06000061",
    ]
    assert mapped["mapping"].tolist() == [RETIRED, RETIRED, RETIRED, NEWER, CURRENT]
    assert mapped["code_in_force"].all()


def test_code_used_outside_its_dates_is_mapped_but_flagged():
    mapped = _map([("E10000021", "2022-01-01"), ("E06000061", "2019-01-01")])
    assert mapped["mapping"].tolist() == [COMBINED, CURRENT]
    assert not mapped["code_in_force"].any()


def test_unknown_codes_listed_once_each_with_row_count_and_vintage():
    codes = pd.Series(["E99999999", "E06000001", "E99999999", "nowhere", None])
    mapped = map_codes(codes, pd.Series(pd.to_datetime(["2020-01-01"] * 5)))
    assert mapped["mapping"].tolist()[:4] == [UNKNOWN, CURRENT, UNKNOWN, UNKNOWN]
    assert mapped["unit_code"].isna().tolist() == [True, False, True, True, True]
    listed = unknown_codes(codes)
    assert listed[["code", "rows"]].values.tolist() == [["E99999999", 2], ["nowhere", 1]]
    assert (listed["reference_vintage"] == REFERENCE_VINTAGE).all()
    problems = unknown_local_authorities(pd.DataFrame({"local_authority_code": codes}), "x.csv")
    assert [(p.row, p.found) for p in problems] == [(1, "E99999999"), (4, "nowhere")]
    assert "2 row(s) have this code" in problems[0].expected and "April 2024" in str(problems[0])


def test_prepare_maps_historical_codes_keeps_the_original_and_counts_them(small_extract):
    cases = small_extract.head(6).copy()
    history = ["E10000021", "E10000006", "E06000028", "E06000029", "W06000015", "E10000002"]
    cases["local_authority_code"] = pd.Categorical(history)
    cases["issue_date"] = pd.Timestamp("2018-06-01")
    cases["child_birth_date"] = pd.Timestamp("2015-06-01")
    cases["close_date"] = pd.NaT
    out, _ = derive(cases)
    assert out["local_authority_code"].astype(str).tolist() == history
    assert out["la_unit_code"].astype(str).tolist() == [
        "E06000061 / E06000062",
        "E06000063 / E06000064",
        "E06000058",
        "E06000058",
        "W06000015",
        "E06000060",
    ]
    assert out["region_name"].astype(str).tolist() == [
        "East Midlands",
        "North West",
        "South West",
        "South West",
        "Wales",
        "South East",
    ]
    assert out["country"].astype(str).tolist() == ["England"] * 4 + ["Wales", "England"]
    assert out["dfj_area"].notna().all()
    summary = code_mapping(out)
    assert summary["rows_by_mapping"] == {CURRENT: 1, RETIRED: 3, COMBINED: 2}
    assert {"from_code": "E06000028", "to_unit": "E06000058", "mapping": RETIRED, "rows": 1} in (
        summary["mapped_codes"]
    )
