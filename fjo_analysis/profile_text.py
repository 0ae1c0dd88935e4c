"""The sections of a local profile: what each says, from the protected store only.

Each section gives the authority's figure for the latest pooled period, how it changed
since the period before, where it sits against its country and its region's other
authorities, and the table of every period; one section puts the authority on a hex map
of every authority of England and Wales. A profile whose latest figures are mostly
suppressed says why instead of showing tables of [c].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from fjo_analysis import charts
from fjo_analysis import language as say
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE
from fjo_analysis.geography import area, dfj_members, local_areas, local_authorities, units
from fjo_analysis.hexmap import ATTRIBUTION
from fjo_analysis.profile_charts import funnel, hex_map


def _called(code: str) -> str:
    """An area's name as it reads in a sentence ('the North East', 'London', 'Wales')."""
    return say.place(area(code).name)


def _peers(b) -> tuple[str, str, str]:
    """Who a profile's area is ranked among, one of them, and where: ('authorities',
    'authority', 'the North East') or ('family court areas', 'family court area',
    'England') for a family court area."""
    if b.area.level == "dfj":
        return "family court areas", "family court area", _called(b.area.parent)
    return "authorities", "authority", _called(b.area.parent)


#: A profile is "mostly suppressed" when at least this share of its latest counts is.
MOSTLY = 0.5


@dataclass(frozen=True)
class Figure:
    """A chart, its caption and the table of the data behind it."""

    chart: charts.Chart
    caption: str
    data: pd.DataFrame
    columns: list[str] | dict[str, str | None]


@dataclass
class Section:
    heading: str
    text: str
    table: pd.DataFrame | None  # the area's periods (None: the section is its figures)
    caption: str
    columns: dict[str, str | None]
    counts: list[str]
    neighbours: pd.DataFrame | None = None
    figures: list[Figure] = field(default_factory=list)
    draw: Callable[[], None] | None = None  # adds the charts (only to a profile shown)
    wider: bool = False  # a wider area's figures, shown even when the area's are not


@dataclass
class Sections:
    all: list[Section]
    mostly_suppressed: bool

    @property
    def shown(self) -> list[Section]:
        """Every section, or only wider areas' where the area's own are mostly [c]."""
        return [s for s in self.all if s.wider or not self.mostly_suppressed]


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
    direction = "up" if now[column] > before[column] else "down"
    if now[column] == before[column]:
        return f"The {what} was the same as in {before['year']}."
    return f"The {what} was {direction} from {fmt(before[column])} in {before['year']}."


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
    country = b.comparator.name
    comparison = say.compared(latest.rate, latest.comparator_rate, latest.comparison, country)
    text = b.rate_sentence(
        latest.year, latest[count], b.name, what, latest.rate, per, comparison, noun=noun
    )
    text += " " + _change(rows, "rate", "rate")
    neighbours = b.neighbours(table, int(latest.financial_year), "rate")
    peers, _, region = _peers(b)
    place = _place(neighbours, b.area.name, "rate", f"{peers} in {region}")
    text = f"{text} {place}".strip()
    columns = {
        "year": "Period (financial years)",
        count: None,
        "rate": None,
        "rate_lower": None,
        "rate_upper": None,
        "comparator_rate": f"{country}: rate per 10,000, same years",
        "comparison": f"Compared with {country} (95% level)",
        **(extra or {}),
    }
    section = Section(
        heading,
        text,
        rows,
        f"{heading}: {b.area.name}, three-year periods",
        columns,
        [count],
        neighbours=neighbours,
    )
    section.draw = lambda: _add_charts(b, section, table, latest, noun, per, count)
    return section


def _add_charts(b, section: Section, table: str, latest, noun: str, per: str, count: str) -> None:
    """The bars of the region's authorities (or the country's family court areas), and
    the funnel plot of every authority (or family court area) of the country for the
    latest period (none where the country's rate or the over-dispersion is not
    published)."""
    country = b.comparator.name
    peers, one, region = _peers(b)
    bars = charts.bars(
        section.neighbours,
        "area",
        "rate",
        f"Per 10,000 {per} a year",
        f"{noun} per 10,000 {per} a year by {one} in {region}, {latest.year}",
        highlight=b.area.name,
        reference=latest.comparator_rate if isinstance(latest.comparator_rate, float) else None,
        reference_label=country,
    )
    section.figures.append(
        Figure(
            bars,
            f"{section.heading}: {peers} of {region}, {latest.year}",
            section.neighbours,
            ["area", count, "rate", "rate_lower", "rate_upper", "comparison"],
        )
    )
    tau2, reference = latest.get("funnel_tau2"), latest.comparator_rate
    if not isinstance(tau2, float) or not isinstance(reference, float):
        return
    everyone = b.neighbours(table, int(latest.financial_year), "rate", within="country")
    denominator = "live_births" if table == "newborns" else "population"
    drawn = funnel(
        everyone,
        denominator,
        reference,
        tau2,
        b.area.name,
        f"{noun} per 10,000 {per} a year, {latest.year}",
        country,
        f"{per.capitalize()}, summed over the period's years (thousands)",
    )
    mine = everyone[everyone["area"] == b.area.name].copy()
    mine.attrs = everyone.attrs
    mine["position"] = drawn.where
    section.figures.append(
        Figure(
            drawn.chart,
            f"{section.heading}: {b.area.name} against every {one} of {country}, "
            f"{latest.year} (funnel plot)",
            mine,
            {
                "area": None,
                "rate": None,
                "comparator_rate": f"{country}: rate per 10,000, same years",
                "position": "Position against the funnel limits",
                "comparison": f"Compared with {country} (95% level)",
            },
        )
    )


def _map_section(b) -> Section:
    """Every authority of England and Wales on a hex map of the care proceedings rate for
    the latest period, this one highlighted, and the sentence saying which band it is in."""
    latest = _latest(b.local_figures("care_children"))
    everyone = b.neighbours("care_children", int(latest.financial_year), "rate", within="all")
    drawn = hex_map(
        everyone,
        b.area.code,
        f"children in care proceedings per 10,000 children a year, {latest.year}",
        f"Per 10,000 children a year, {latest.year}",
    )
    everyone["region"] = [area(local_areas()[c].parent).name for c in everyone["area_code"]]
    everyone["band"] = drawn.bands
    if drawn.band == MARK:
        where = f"{b.area.name}'s rate is suppressed ({MARK}), and shown as such."
    elif drawn.band == NOT_AVAILABLE:
        where = f"{b.area.name} has no rate for these years ({NOT_AVAILABLE})."
    else:
        where = f"{b.area.name} is in {drawn.band}; band 1 has the lowest rates."
    heading = "Care proceedings in every authority"
    text = (
        "The map shows each local authority of England and Wales as one hexagon, near "
        "where it is but all the same size, shaded by its rate of children in care "
        f"proceedings per 10,000 children a year in {latest.year}, in bands of equal "
        f"numbers of authorities. {where} {ATTRIBUTION}."
    )
    caption = (
        f"Children in care proceedings per 10,000 children a year, every authority of "
        f"England and Wales, {latest.year} (hex map; layout derived from Open Innovations, "
        "MIT licence)"
    )
    columns = {"area": None, "region": "Region (or Wales)", "rate": None, "band": "Band"}
    return Section(
        heading,
        text,
        None,
        "",
        {},
        [],
        figures=[Figure(drawn.chart, caption, everyone, columns)],
        wider=True,
    )


def _place(neighbours: pd.DataFrame, name: str, column: str, among: str) -> str:
    """'Its rate was the 3rd highest of the 12 authorities in the North East.'"""
    known = neighbours[neighbours[column].map(lambda v: isinstance(v, int | float))]
    if name not in set(known["area"]):
        return ""
    rank = list(known["area"]).index(name) + 1
    ordinal = say.ordinal(rank) if rank > 1 else ""
    return (
        f"Its rate was the {ordinal + ' ' if ordinal else ''}highest of the "
        f"{len(neighbours)} {among}."
    )


def sections(b) -> Sections:
    """Every section of the profile of ``b``'s authority."""
    out = [
        _rate_section(
            b,
            "care_children",
            "Children in care proceedings",
            "children",
            "were in care proceedings (counted once a year)",
            "children",
            "children",
        ),
        _rate_section(
            b,
            "newborns",
            "Newborns in care proceedings",
            "newborns",
            "were subject to care proceedings within a week of birth",
            "live births",
            "newborns",
            {"infants": None},
        ),
    ]
    durations = b.local_figures("durations")
    latest = _latest(durations)
    out.append(
        Section(
            "How long care proceedings take",
            f"Of the {b.count(latest.cases)} cases issued in {b.name} in {latest.year}, "
            f"{say.percent(latest.within_26_weeks_pct)} concluded within the 26-week limit; "
            f"the median duration was {say.number(latest.median_weeks)} weeks. "
            + _change(durations, "median_weeks", "median duration", say.number),
            durations,
            f"Duration of care proceedings: {b.area.name}, by period of issue",
            {
                "year": "Period of issue (financial years)",
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
            "Mothers returning to court",
            f"In {latest.year}, {say.percent(latest.share_pct)} of the mothers in care "
            f"proceedings in {b.name} (counted once a year) had earlier proceedings in the "
            "previous five years. " + _change(mothers, "share_pct", "share", say.percent),
            mothers,
            f"Mothers with earlier proceedings: {b.area.name}, three-year periods",
            {
                "year": "Period (financial years)",
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
            "Children in child arrangements applications",
            "children",
            "were in child arrangements (section 8) applications",
            "children",
            "children",
        )
    )
    repeats = b.local_figures("repeat_applications")
    latest = _latest(repeats)
    out.append(
        Section(
            "Repeat private-law applications",
            f"In {latest.year}, {say.percent(latest.repeat_pct)} of private-law cases in "
            f"{b.name} involved a child in another private-law case in the previous three "
            "years. " + _change(repeats, "repeat_pct", "share", say.percent),
            repeats,
            f"Repeat private-law applications: {b.area.name}, three-year periods",
            {
                "year": "Period (financial years)",
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
    if b.area.level != "dfj":  # a map of authorities: a family court area lists its own
        out.insert(1, _map_section(b))
    out.append(_outcomes(b))
    found = Sections(out, share >= MOSTLY)
    for section in found.shown:
        if section.draw is not None:
            section.draw()
    return found


def _outcomes(b) -> Section:
    region = area(b.area.parent)
    called = _called(region.code)
    one = "family court area" if b.area.level == "dfj" else "authority"
    orders = b.figures("final_orders", region.code, financial_year=b.settled_year)
    return Section(
        f"Outcomes: final orders ({'national' if region.level == 'country' else 'regional'} "
        "figures)",
        f"Final orders by type are published for {called} as a whole, not for each "
        f"{one} (most types would be fewer than 10 children in one {one} even over "
        f"three years). The table shows {called}'s children whose proceedings were issued "
        f"in {orders['year'].iloc[0]}.",
        orders,
        f"Final orders for children, {region.name}, {orders['year'].iloc[0]}",
        {"final_order": None, "children": None, "share_pct": None},
        ["children"],
        wider=True,
    )


def split_note(b) -> str:
    """Where the authority was created by a split within the data's years: its earlier
    cases are in a combined unit (published in the regional tables, in the store)."""
    published = set(b.store.table("care_children")["area_code"])
    notes = []
    for unit in units()[units()["combined"]].itertuples(index=False):
        if b.area.code in unit.members.split(";") and unit.la_code in published:
            notes.append(
                f"Cases from before {b.area.name} was created are counted under the combined "
                f"unit {local_areas()[unit.la_code].name}, in the regional tables."
            )
    return " ".join(notes)


def profile_link(code: str) -> str:
    """A Markdown link to another profile (profiles share one folder)."""
    return f"[{local_areas()[code].name}]({code}.html)"


def membership(b) -> tuple[str, str]:
    """Where the profile's area sits among family court areas: a family court area's
    authorities, or an authority's family court area, each linked to its profile, with
    the warning that the membership is approximate."""
    caveat = (
        "No official list of which authorities each family court (Designated Family "
        "Judge) area covers is published, so this membership is our approximation."
    )
    if b.area.level == "dfj":
        members = [c for c in dfj_members(b.area.code) if local_areas()[c].level == "la"]
        names = ", ".join(profile_link(c) for c in members)
        return (
            "Authorities in this area",
            f"The figures for {b.name} add up the cases of {len(members)} authorities: "
            f"{names}. {caveat}",
        )
    code = local_authorities().set_index("la_code").loc[b.area.code, "dfj_area_code"]
    return (
        "Family court area",
        f"{b.area.name}'s care and private-law cases are heard in the "
        f"{profile_link(code)}. {caveat}",
    )


def summary(b, found: Sections, notes: str) -> str:
    """The profile's one-paragraph summary."""
    notes = f"{split_note(b)} {notes}".strip()
    if found.mostly_suppressed and b.area.level == "dfj":
        return (
            f"Most of the figures for {b.name} cannot be published: beside its authorities' "
            f"figures, they would reveal small counts of one of them by subtraction. {notes}"
        ).strip()
    if found.mostly_suppressed:
        return (
            f"{b.area.name} has so few family court cases that most of its figures cannot "
            f"be published, even added up over three years. {notes}"
        ).strip()
    return f"{_first_sentence(found.all[0].text)} {notes}".strip()


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def findings(b, found: Sections) -> list[str]:
    """One finding per section of the area's own figures: its first sentence."""
    if found.mostly_suppressed and b.area.level == "dfj":
        return [
            f"Most of the figures for {b.name} are suppressed to protect small counts of one "
            "of its authorities (see below); its cases are part of the national figures."
        ]
    if found.mostly_suppressed:
        return [
            f"Most of {b.area.name}'s figures are suppressed because its counts are small "
            "(see below); its cases are part of the regional and national figures."
        ]
    return [_first_sentence(s.text) for s in found.shown if not s.wider]


def why_suppressed(b) -> str:
    region = area(b.area.parent)
    if b.area.level == "dfj":
        return (
            f"The counts of {b.name} are not small, but most of them are suppressed: its "
            "authorities' figures are published, and with them the area's figures would "
            "reveal, by subtraction, counts of fewer than 10 in one of its authorities, "
            "which could identify families. Each authority's own profile (linked below) "
            "shows what can be published for it. The area's cases are included in the "
            f"figures for {b.comparator.name}, published in the national briefings."
        )
    return (
        f"Even over three years, most of {b.area.name}'s counts of children, cases and "
        "mothers are fewer than 10, or would reveal such a count by subtraction from other "
        "published figures; publishing them (or a rate or share made from them) could "
        "identify families. "
        "They are therefore suppressed, together with any figure from which they could be "
        f"worked out. Its cases are included in the figures for {_called(region.code)} and "
        f"for {b.comparator.name}, which are published in the regional and national "
        "briefings."
    )
