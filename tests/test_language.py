import pytest

from fjo_analysis import language
from fjo_analysis.stats.trends import Trend


def test_the_example_sentence():
    text = language.rate_sentence(
        "2023/24",
        1240,
        "the North East",
        "were subject to care proceedings",
        23.456,
        "children",
        language.compared(23.456, 14.2, "higher", "England"),
    )
    assert text == (
        "In 2023/24, 1,240 children in the North East were subject to care "
        "proceedings, 23.5 per 10,000 children — higher than England (14.2)."
    )


def test_suppressed_values_read_plainly():
    text = language.rate_sentence(
        "2023/24", "[c]", "Rutland", "were subject to care proceedings", "[c]", "children"
    )
    assert text == "In 2023/24, [c] children in Rutland were subject to care proceedings."
    assert language.percent("[c]") == "[c]" and language.interval("[c]", 3) == ""
    assert language.count(float("nan")) == "not available"


@pytest.mark.parametrize(
    "value,dp,text",
    [
        (12345.678, 1, "12,345.7"),
        (0.05, 1, "0.1"),
        (2.5, 0, "3"),  # halves away from zero, as official statistics round (not to even)
        (12.5, 0, "13"),
        (2.25, 1, "2.3"),
        (-2.25, 1, "-2.3"),
        (13.48, 0, "13"),
    ],
)
def test_number_rounding(value, dp, text):
    assert language.number(value, dp) == text


def test_every_output_rounds_a_half_the_same_way():
    """A share of exactly 12.5% reads 13% in a chart or sentence, and 12.5 in a table, a
    workbook and the CSV; 2.25 reads 2.3 everywhere (Python's round() gives 2.2)."""
    from decimal import ROUND_HALF_UP, Decimal

    from fjo_analysis.profile_charts import rate_bands
    from fjo_analysis.render import csv, parts, xlsx

    assert round(2.25, 1) == 2.2 and round(12.5) == 12  # what the outputs must not do
    for value in (2.25, 12.5, 0.125, 46 / 368 * 100):
        expected = float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
        assert language.rounded(value, 1) == expected
        assert parts.format_cell(value, "pct") == f"{expected:,.1f}"
        assert xlsx._cell(value, "pct") == expected
        assert csv.value_text(value, "%") == f"{expected:.1f}"
    assert language.percent(46 / 368 * 100) == "13%"
    band, ranges = rate_bands([21.25, 21.3, 5.0, 8.0, 12.0, 30.0])
    assert band[0] == band[1] and ranges[band[0]][0] == 21.3  # both published as 21.3


def test_trend_sentences():
    falling = Trend(-2.14, -3.0, -1.3, 0.001, "Poisson GLM", "", 2019, 2024)
    assert language.trend_sentence(falling, "the rate") == (
        "From 2019/20 to 2024/25 the rate fell by 2.1% a year on average "
        "(95% confidence interval -3.0% to -1.3%)."
    )
    flat = Trend(0.4, -0.6, 1.4, 0.44, "negative binomial", "", 2010, 2024)
    assert language.trend_sentence(flat, "the rate") == (
        "From 2010/11 to 2024/25 there was no clear trend in the rate "
        "(an average change of 0.4% a year, 95% confidence interval -0.6% to 1.4%)."
    )
    assert "too few years" in language.trend_sentence(None, "the rate")


def test_comparison_words_never_say_similar():
    text = language.compared(14.8, 14.7, "not significantly different from", "Wales")
    assert text == "not significantly different from Wales (14.7)"
    assert "suppressed" in language.compared("[c]", 14.7, "[c]", "Wales")
    assert "suppressed" in language.compared(14.8, "[c]", "[c]", "Wales")


def test_a_suppressed_trend_is_not_described():
    text = language.trend_sentence("[c]", "the rate")
    assert "suppressed" in text and "%" not in text


def test_regions_sentence_counts_each_verdict():
    import pandas as pd

    table = pd.DataFrame(
        {
            "area_code": ["E92000001", "E12000001", "E12000002", "E12000003", "W92000004"],
            "comparison": ["[x]", "higher", "[c]", "not significantly different from", "lower"],
        }
    )
    assert language.regions_sentence(table, "rate", "2024/25") == (
        "In 2024/25, the rate was higher than England's in 1 of the 3 English regions, lower "
        "in 0 and not significantly different in 1; 1 could not be compared because a count "
        "is suppressed."
    )


def test_the_briefings_helpers_follow_the_configured_threshold(monkeypatch):
    """With FJO_SUPPRESS_BELOW=20 a count of 15 is refused by b.count, not printed; the
    unbound helper knows no rules and would print it."""
    from fjo_analysis import settings
    from fjo_analysis.disclosure import DisclosureError, Rules

    monkeypatch.setenv("FJO_SUPPRESS_BELOW", "20")
    config = settings.load()
    b = language.Phrases()
    b.rules = Rules(config.suppress_below, config.round_to)
    assert language.count(15) == "15"
    with pytest.raises(DisclosureError, match="under the threshold 20"):
        b.count(15)
    with pytest.raises(DisclosureError, match="under the threshold 20"):
        b.rate_sentence("2023/24", 15, "Rutland", "were in proceedings", 2.0, "children")
    assert b.count(20) == "20" and b.count(1240) == "1,240"
    assert b.count("[c]") == "[c]" and b.count(float("nan")) == "not available"
    assert b.rate_sentence(
        "2023/24", "[c]", "Rutland", "were in proceedings", "[c]", "children"
    ) == ("In 2023/24, [c] children in Rutland were in proceedings.")


def test_the_briefings_helpers_follow_the_configured_rounding(monkeypatch):
    from fjo_analysis.disclosure import DisclosureError, Rules

    b = language.Phrases()
    b.rules = Rules(10, 5)
    assert b.count(1240) == "1,240"
    with pytest.raises(DisclosureError, match="not rounded to the nearest 5"):
        b.count(1242)


def test_a_briefing_is_bound_to_its_rules(project):
    """The Briefing a notebook makes is its Phrases, with the build's rules."""
    from fjo_analysis.disclosure import DisclosureError
    from fjo_analysis.report import Briefing

    b = Briefing("E12000007", "infants", project.stats_dir, project.suppress_below)
    assert b.rules.threshold == project.suppress_below == 10
    assert b.count(10) == "10"
    with pytest.raises(DisclosureError, match="under the threshold 10"):
        b.count(9)


def test_notebooks_use_the_bound_helpers():
    from pathlib import Path

    for path in (Path(__file__).parent.parent / "notebooks").glob("*.ipynb"):
        text = path.read_text(encoding="utf-8")
        assert "import language" not in text and "say." not in text, path.name


def test_the_summary_synthesis_differs_from_the_rate_sentence():
    trend = Trend(-2.1, -3.0, -1.3, 0.001, "quasi-Poisson", "", 2019, 2024)
    text = language.summary_sentence(
        "2024/25",
        "rate of newborns",
        "London",
        18.64,
        "live births",
        "lower than England (27.4)",
        trend,
    )
    assert text == (
        "In 2024/25 the rate of newborns in London was 18.6 per 10,000 live births, "
        "lower than England (27.4), and has fallen since 2019/20."
    )
    assert language.summary_sentence("2024/25", "rate", "Wales", "[c]", "children", "", None) == (
        "In 2024/25 the rate in Wales cannot be given because a count is suppressed."
    )
