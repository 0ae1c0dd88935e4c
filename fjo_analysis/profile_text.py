"""The sections of a local profile: what each says, from the protected store only.

Each section gives the authority's figure for the latest pooled period, how it changed
since the period before, where it sits against its country and its region's other
authorities, and the table of every period. A profile whose latest figures are mostly
suppressed says why instead of showing tables of [c].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from fjo_analysis import charts
from fjo_analysis import language as say
from fjo_analysis.disclosure import MARK
from fjo_analysis.geography import area, local_areas, units
from fjo_analysis.i18n import N_, _, current, forms
from fjo_analysis.profile_charts import Funnel, funnel


def _called(code: str) -> str:
    """A region's name as it reads in a sentence ('the North East', 'London', 'Wales')."""
    the_area = area(code)
    if current().code != "en":  # a Welsh name reads bare
        return current().area_name(the_area.name)
    return the_area.name if the_area.name in ("London", "Wales") else f"the {the_area.name}"


def _year(label: str) -> str:
    """A period as the reader's language writes it ('2022/23 to 2024/25')."""
    return current().value(label)


#: A rate's unit over a pooled period, and its denominator summed, as whole phrases.
PER_YEAR = {
    "children": N_("per 10,000 children a year"),
    "live births": N_("per 10,000 live births a year"),
}
SUMMED = {
    "children": N_("Children, summed over the period's years (thousands)"),
    "live births": N_("Live births, summed over the period's years (thousands)"),
}
#: A profile is "mostly suppressed" when at least this share of its latest counts is.
MOSTLY = 0.5


@dataclass
class Section:
    heading: str
    text: str
    table: pd.DataFrame
    caption: str
    columns: dict[str, str | None]
    counts: list[str]
    chart: charts.Chart | None = None
    chart_caption: str = ""
    neighbours: pd.DataFrame | None = None
    neighbour_columns: list[str] | None = None
    draw: Callable[[], None] | None = None  # adds the charts (only to a profile shown)
    regional: bool = False  # the region's figures, shown even when the area's are not
    funnel: Funnel | None = None
    funnel_caption: str = ""
    position: pd.DataFrame | None = None
    position_columns: dict[str, str | None] | None = None


@dataclass
class Sections:
    all: list[Section]
    mostly_suppressed: bool

    @property
    def shown(self) -> list[Section]:
        """Every section, or only the regional ones where the area's are mostly [c]."""
        return [s for s in self.all if s.regional or not self.mostly_suppressed]


def _latest(table: pd.DataFrame):
    return table.iloc[-1] if len(table) else None


def _change(table: pd.DataFrame, column: str, what: str, fmt=say.number) -> str:
    """'up from 41.2 in 2019-20 to 2021-22' (or '' where either is not published)."""
    if len(table) < 2:
        return ""
    before, now = table.iloc[-2], table.iloc[-1]
    if MARK in (before[column], now[column]) or not all(
        isinstance(v, int | float) for v in (before[column], now[column])
    ):
        return ""
    if now[column] == before[column]:
        return _("The {what} was the same as in {year}.").format(
            what=_(what), year=_year(before["year"])
        )
    moved = (
        N_("The {what} was up from {value} in {year}.")
        if now[column] > before[column]
        else N_("The {what} was down from {value} in {year}.")
    )
    return _(moved).format(what=_(what), value=fmt(before[column]), year=_year(before["year"]))


def _rate_section(
    b,
    table: str,
    heading: str,
    noun: str,
    what: str,
    per: str,
    count: str,
    extra: dict | None = None,
) -> Section:
    rows = b.local_figures(table)
    latest = _latest(rows)
    country = b.value(b.comparator.name)
    comparison = say.compared(latest.rate, latest.comparator_rate, latest.comparison, country)
    text = b.rate_sentence(
        latest.year, latest[count], b.name, _(what), latest.rate, per, comparison, noun=noun
    )
    text += " " + _change(rows, "rate", N_("rate"))
    neighbours = b.neighbours(table, int(latest.financial_year), "rate")
    region = _called(b.area.parent)
    place = _place(neighbours, b.area.name, "rate", region)
    text = f"{text} {place}".strip()
    columns = {
        "year": _("Period (financial years)"),
        count: None,
        "rate": None,
        "rate_lower": None,
        "rate_upper": None,
        "comparator_rate": _("{country}: rate per 10,000, same years").format(country=country),
        "comparison": _("Compared with {other} (95% level)").format(**forms("other", country)),
        **(extra or {}),
    }
    heading = _(heading)
    section = Section(
        heading,
        text,
        rows,
        _("{heading}: {area}, three-year periods").format(heading=heading, area=b.area_name),
        columns,
        [count],
        chart_caption=_("{heading}: authorities of {region}, {year}").format(
            heading=heading, year=_year(latest.year), **forms("region", region)
        ),
        neighbours=neighbours,
        neighbour_columns=["area", count, "rate", "rate_lower", "rate_upper", "comparison"],
    )
    section.draw = lambda: _add_charts(b, section, table, latest, noun, per)
    return section


def _add_charts(b, section: Section, table: str, latest, noun: str, per: str) -> None:
    """The bars of the region's authorities, and the funnel plot of every authority of the
    country for the latest period (none where the country's rate or the over-dispersion
    is not published)."""
    country = b.comparator.name
    region = _called(b.area.parent)
    per_year = _(PER_YEAR[per])
    section.chart = charts.bars(
        section.neighbours,
        "area",
        "rate",
        per_year[:1].upper() + per_year[1:],
        _("{noun} {per_year} by authority in {region}, {year}").format(
            noun=_(noun), per_year=per_year, year=_year(latest.year), **forms("region", region)
        ),
        highlight=b.area.name,
        reference=latest.comparator_rate if isinstance(latest.comparator_rate, float) else None,
        reference_label=country,
    )
    tau2, reference = latest.get("funnel_tau2"), latest.comparator_rate
    if not isinstance(tau2, float) or not isinstance(reference, float):
        return
    everyone = b.neighbours(table, int(latest.financial_year), "rate", whole_country=True)
    denominator = "live_births" if table == "newborns" else "population"
    section.funnel = funnel(
        everyone,
        denominator,
        reference,
        tau2,
        b.area.name,
        _("{noun} {per_year}, {year}").format(
            noun=_(noun), per_year=per_year, year=_year(latest.year)
        ),
        country,
        _(SUMMED[per]),
    )
    section.funnel_caption = _(
        "{heading}: {area} against every authority of {country}, {year} (funnel plot)"
    ).format(
        heading=section.heading, area=b.area_name, country=b.value(country), year=_year(latest.year)
    )
    mine = everyone[everyone["area"] == b.area.name].copy()
    mine.attrs = everyone.attrs
    mine["position"] = section.funnel.where
    section.position = mine
    section.position_columns = {
        "area": None,
        "rate": None,
        "comparator_rate": _("{country}: rate per 10,000, same years").format(
            country=b.value(country)
        ),
        "position": _("Position against the funnel limits"),
        "comparison": _("Compared with {other} (95% level)").format(
            **forms("other", b.value(country))
        ),
    }


def _place(neighbours: pd.DataFrame, name: str, column: str, region: str) -> str:
    """'It was the 3rd highest of the 12 authorities in the North East.'"""
    known = neighbours[neighbours[column].map(lambda v: isinstance(v, int | float))]
    if name not in set(known["area"]):
        return ""
    rank = list(known["area"]).index(name) + 1
    ordinal = say.ordinal(rank) if rank > 1 else ""
    return _("Its rate was the {ordinal}highest of the {n} authorities in {region}.").format(
        ordinal=ordinal + " " if ordinal else "",
        rank=rank,
        n=len(neighbours),
        **forms("region", region),
    )


def sections(b) -> Sections:
    """Every section of the profile of ``b``'s authority."""
    out = [
        _rate_section(
            b,
            "care_children",
            N_("Children in care proceedings"),
            "children",
            N_("were in care proceedings (counted once a year)"),
            "children",
            "children",
        ),
        _rate_section(
            b,
            "newborns",
            N_("Newborns in care proceedings"),
            "newborns",
            N_("were subject to care proceedings within a week of birth"),
            "live births",
            "newborns",
            {"infants": None},
        ),
    ]
    durations = b.local_figures("durations")
    latest = _latest(durations)
    out.append(
        Section(
            _("How long care proceedings take"),
            _(
                "Of the {cases} cases issued in {area} in {year}, {within} concluded within "
                "the 26-week limit; the median duration was {median} weeks. "
            ).format(
                cases=b.count(latest.cases),
                year=_year(latest.year),
                within=say.percent(latest.within_26_weeks_pct),
                median=say.number(latest.median_weeks),
                **forms("area", b.name),
            )
            + _change(durations, "median_weeks", N_("median duration"), say.number),
            durations,
            _("Duration of care proceedings: {area}, by period of issue").format(area=b.area_name),
            {
                "year": _("Period of issue (financial years)"),
                "cases": None,
                "within_26_weeks": None,
                "within_26_weeks_pct": None,
                "median_weeks": None,
            },
            ["cases", "within_26_weeks"],
        )
    )
    mothers = b.local_figures("mothers")
    latest = _latest(mothers)
    out.append(
        Section(
            _("Mothers returning to court"),
            _(
                "In {year}, {share} of the mothers in care proceedings in {area} (counted once "
                "a year) had earlier proceedings in the previous five years. "
            ).format(
                year=_year(latest.year),
                share=say.percent(latest.share_pct),
                **forms("area", b.name),
            )
            + _change(mothers, "share_pct", N_("share"), say.percent),
            mothers,
            _("Mothers with earlier proceedings: {area}, three-year periods").format(
                area=b.area_name
            ),
            {
                "year": _("Period (financial years)"),
                "mothers": None,
                "with_earlier_proceedings": None,
                "share_pct": None,
                "share_lower": None,
                "share_upper": None,
            },
            ["mothers", "with_earlier_proceedings"],
        )
    )
    out.append(
        _rate_section(
            b,
            "s8_children",
            N_("Children in child arrangements applications"),
            "children",
            N_("were in child arrangements (section 8) applications"),
            "children",
            "children",
        )
    )
    repeats = b.local_figures("repeat_applications")
    latest = _latest(repeats)
    out.append(
        Section(
            _("Repeat private-law applications"),
            _(
                "In {year}, {share} of private-law cases in {area} involved a child in another "
                "private-law case in the previous three years. "
            ).format(
                year=_year(latest.year),
                share=say.percent(latest.repeat_pct),
                **forms("area", b.name),
            )
            + _change(repeats, "repeat_pct", N_("share"), say.percent),
            repeats,
            _("Repeat private-law applications: {area}, three-year periods").format(
                area=b.area_name
            ),
            {
                "year": _("Period (financial years)"),
                "cases": None,
                "repeat_cases": None,
                "repeat_pct": None,
                "repeat_lower": None,
                "repeat_upper": None,
            },
            ["cases", "repeat_cases"],
        )
    )
    latest_counts = [s.table.iloc[-1][c] for s in out for c in s.counts]
    share = sum(v == MARK for v in latest_counts) / len(latest_counts)
    out.append(_outcomes(b))
    found = Sections(out, share >= MOSTLY)
    for section in found.shown:
        if section.draw is not None:
            section.draw()
    return found


def _outcomes(b) -> Section:
    region = area(b.area.parent)
    called = _called(region.code)
    orders = b.figures("final_orders", region.code, financial_year=b.settled_year)
    return Section(
        _("Outcomes: final orders (regional figures)"),
        _(
            "Final orders by type are published for {region} as a whole, not for each "
            "authority (most types would be fewer than 10 children in one authority even over "
            "three years). The table shows {region}'s children whose proceedings were issued "
            "in {year}."
        ).format(year=_year(orders["year"].iloc[0]), **forms("region", called)),
        orders,
        _("Final orders for children, {region}, {year}").format(
            region=b.value(region.name), year=_year(orders["year"].iloc[0])
        ),
        {"final_order": None, "children": None, "share_pct": None},
        ["children"],
        regional=True,
    )


def split_note(b) -> str:
    """Where the authority was created by a split within the data's years: its earlier
    cases are in a combined unit (published in the regional tables, in the store)."""
    published = set(b.store.table("care_children")["area_code"])
    notes = []
    for unit in units()[units()["combined"]].itertuples(index=False):
        if b.area.code in unit.members.split(";") and unit.la_code in published:
            notes.append(
                _(
                    "Cases from before {area} was created are counted under the combined "
                    "unit {unit}, in the regional tables."
                ).format(area=b.area_name, unit=local_areas()[unit.la_code].name)
            )
    return " ".join(notes)


def summary(b, found: Sections, notes: str) -> str:
    """The profile's one-paragraph summary."""
    notes = f"{split_note(b)} {notes}".strip()
    if found.mostly_suppressed:
        return (
            _(
                "{area} has so few family court cases that most of its figures cannot "
                "be published, even added up over three years."
            ).format(area=b.area_name)
            + f" {notes}"
        ).strip()
    return f"{_first_sentence(found.all[0].text)} {notes}".strip()


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def findings(b, found: Sections) -> list[str]:
    """One finding per section of the area's own figures: its first sentence."""
    if found.mostly_suppressed:
        return [
            _(
                "Most of {area}'s figures are suppressed because its counts are small "
                "(see below); its cases are part of the regional and national figures."
            ).format(**forms("area", b.area_name))
        ]
    return [_first_sentence(s.text) for s in found.shown if not s.regional]


def why_suppressed(b) -> str:
    region = area(b.area.parent)
    return _(
        "{area} is one of the smallest authorities in England and Wales. Even over "
        "three years, most of its counts of children, cases and mothers are fewer than 10, "
        "and publishing them (or a rate or share made from them) could identify families. "
        "They are therefore suppressed, together with any figure from which they could be "
        "worked out. Its cases are included in the figures for {region} and "
        "for {country}, which are published in the regional and national "
        "briefings."
    ).format(
        area=b.area_name,
        country=b.value(b.comparator.name),
        **forms("region", _called(region.code)),
    )
