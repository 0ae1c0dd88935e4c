"""The report API as a notebook uses it: each call records a part, or refuses."""

import nbformat
import pytest

from fjo_analysis.engine import run_cell, shell


@pytest.fixture
def run(project):
    ip = shell()
    ip.run_cell(
        f"import pandas as pd\n"
        f"from fjo_analysis.report import Briefing\n"
        f"b = Briefing('W92000004', 'outcomes', {str(project.stats_dir)!r})"
    )

    def cell(source):
        node = nbformat.v4.new_code_cell(source)
        failed = run_cell(ip, node)
        parts = [o.metadata["fjo"] for o in node.outputs if "fjo" in o.get("metadata", {})]
        errors = [o for o in node.outputs if o.output_type == "error"]
        return failed, parts, errors

    return cell


def test_note_and_finding_record_parts(run):
    failed, parts, _ = run(
        "b.note('What the data cannot tell us', '- not why')\n"
        "b.finding('In 2019/20, 1,234 children were in proceedings.')"
    )
    assert not failed
    assert [p["kind"] for p in parts] == ["section", "finding"]
    assert parts[0]["heading"] == "What the data cannot tell us"


def test_a_small_count_in_text_is_refused(run):
    failed, _, errors = run("b.finding('In 2019/20, 4 children were in proceedings.')")
    assert failed and errors[0].ename == "DisclosureError" and "4 children" in errors[0].evalue


def test_a_table_not_from_the_store_is_refused(run):
    failed, _, errors = run(
        "b.table(pd.DataFrame({'year': ['2019/20'], 'children': [3]}), 'Orders', ['year'])"
    )
    assert failed and "does not come from the statistics store" in errors[0].evalue


def test_a_store_built_with_other_rules_is_refused(project):
    from fjo_analysis.disclosure import DisclosureError
    from fjo_analysis.report import Briefing

    with pytest.raises(DisclosureError, match="threshold 10.*uses 20"):
        Briefing("W92000004", "outcomes", project.stats_dir, suppress_below=20)


def test_a_figure_needs_alt_text(run):
    failed, _, errors = run(
        "from fjo_analysis.charts import Chart\n"
        "t = b.figures('final_orders')\n"
        "b.figure(Chart('<svg/>', ''), caption='Orders', data=t, columns=['year'])"
    )
    assert failed and "has no alt text" in errors[0].evalue


def test_a_store_table_records_its_log_and_markers(run):
    failed, parts, _ = run(
        "t = b.figures('final_orders')\n"
        "b.table(t, 'Orders', ['year', 'final_order', 'children', 'share_pct'])"
    )
    assert not failed
    log, table = parts
    assert log["kind"] == "disclosure" and log["table"] == "final_orders:W92000004"
    assert table["columns"][2]["label"] == "Children (number)"
    suppressed = [r for r in table["rows"] if r[2] == "[c]"]
    assert suppressed and len(suppressed) == len(log["entries"])
    assert all("reason" not in e and "value" not in e for e in log["entries"])
    assert any("[c] marks" in n for n in table["notes"])


def test_areas_order_suppressed_rows_last_by_name(run):
    failed, parts, errors = run("t = b.areas('newborns', b.last_year, rank_by='rate')")
    assert not failed, errors
    failed, _, _ = run(
        "shown = [v for v in t['rate'] if v != '[c]']\n"
        "assert shown == sorted(shown, reverse=True)\n"
        "hidden = t[t['rate'] == '[c]']['area'].tolist()\n"
        "assert hidden == sorted(hidden) and t['area'].tolist()[len(shown):] == hidden\n"
        "assert t.loc[t['area'] == 'England', 'comparison'].iloc[0] == '[x]'"
    )
    assert not failed


def test_ranked_rows_are_each_callers_own(project):
    """What a process has ranked for one document is handed to the next as a copy: a
    profile that adds a column or changes a value leaves the next one's rows untouched;
    the rows are those a plain selection from the store gives, in rank order; and a table
    read again (a rebuilt store) is ranked afresh, never matched by its content."""
    from fjo_analysis.figures.store import Store
    from fjo_analysis.report import ranked

    table = Store(project.stats_dir).table("care_children")
    year = int(max(table["financial_year"]))
    codes = tuple(sorted(set(table.loc[table["financial_year"] == year, "area_code"])))
    first = ranked(table, year, codes, "rate")
    first["band"] = 1
    first.loc[0, "rate"] = -1.0
    again = ranked(table, year, codes, "rate")
    assert "band" not in again and again.loc[0, "rate"] != -1.0

    assert sorted(again["area_code"]) == list(codes)
    shown = [v for v in again["rate"] if v != "[c]"]
    assert len(shown) > 5 and shown == sorted(shown, reverse=True)
    hidden = again.loc[again["rate"] == "[c]", "area"].tolist()
    assert hidden and again["area"].tolist()[len(shown) :] == hidden == sorted(hidden)

    rebuilt = table.copy()
    top = again["area_code"].iloc[0]
    rebuilt.loc[(rebuilt["area_code"] == top) & (rebuilt["financial_year"] == year), "rate"] = -1.0
    assert ranked(rebuilt, year, codes, "rate")["area_code"].iloc[len(shown) - 1] == top
