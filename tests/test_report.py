"""The report API as a notebook uses it: each call records a part, or refuses."""

import nbformat
import pytest

from fjo_analysis.engine import run_cell, shell


@pytest.fixture
def run(project):
    ip = shell()
    ip.run_cell(
        f"from fjo_analysis.report import Briefing\n"
        f"from fjo_analysis.measures import outcomes\n"
        f"b = Briefing('W92000004', 'outcomes', {str(project.processed_dir)!r})"
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


def test_an_unprotected_table_is_refused(run):
    failed, _, errors = run("b.table(outcomes.by_year(b.cases, b.area.code), 'Orders', ['year'])")
    assert failed and "has not been through Briefing.protect" in errors[0].evalue


def test_a_figure_needs_alt_text(run):
    failed, _, errors = run(
        "from fjo_analysis.charts import Chart\n"
        "t = b.protect(outcomes.by_year(b.cases, b.area.code), 'orders')\n"
        "b.figure(Chart('<svg/>', ''), caption='Orders', data=t, columns=['year'])"
    )
    assert failed and "has no alt text" in errors[0].evalue


def test_a_protected_table_records_its_log_and_markers(run):
    failed, parts, _ = run(
        "t = b.protect(outcomes.by_year(b.cases, b.area.code), 'orders')\n"
        "b.table(t, 'Orders', ['year', 'final_order', 'children', 'share_pct'])"
    )
    assert not failed
    log, table = parts
    assert log["kind"] == "disclosure" and log["rules"]["threshold"] == 10
    assert table["columns"][2]["label"] == "Children (number)"
    suppressed = [r for r in table["rows"] if r[2] == "[c]"]
    assert suppressed and len(suppressed) <= len(log["entries"])
    assert any("[c] marks" in n for n in table["notes"])
