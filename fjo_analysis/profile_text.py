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
from fjo_analysis.i18n import N_, PROFILES, _, about_wales, current, forms
from fjo_analysis.profile_charts import funnel, hex_map


def _called(code: str) -> str:
    """An area's name as it reads in a sentence ('the North East', 'London', 'Wales')."""
    name = area(code).name
    if current().code != "en":  # a Welsh name reads bare
        return current().area_name(name)
    return say.place(name)


def _peers(b) -> tuple[bool, str]:
    """Whether a profile's area is ranked among family court areas (else among
    authorities), and where: (False, 'the North East') or (True, 'England')."""
    return b.area.level == "dfj", _called(b.area.parent)


def _year(label: str) -> str:
    """A period as the reader's language writes it ('2022/23 to 2024/25')."""
    return current().value(label)


#: A rate's unit over a pooled period, and its denominator summed, as whole phrases.
PER_YEAR = {
    "children": N_("per 10,000 children a year"),
    "live births": N_("per 10,000 live births a year"),
}
RATE_COLUMN = {  # a table's rate column, in the rate's own unit
    "children": N_("Rate per 10,000 children"),
    "live births": N_("Rate per 10,000 live births"),
}
SUMMED = {
    "children": N_("Children, summed over the period's years (thousands)"),
    "live births": N_("Live births, summed over the period's years (thousands)"),
}
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
    dfj, region = _peers(b)
    place = _place(neighbours, b.area.name, "rate", region, dfj)
    text = f"{text} {place}".strip()
    columns = {
        "year": _("Period (financial years)"),
        count: None,
        "rate": _(RATE_COLUMN[per]),
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
    per_year = _(PER_YEAR[per])
    dfj, region = _peers(b)
    by = (
        N_("{noun} {per_year} by family court area in {region}, {year}")
        if dfj
        else N_("{noun} {per_year} by authority in {region}, {year}")
    )
    bars = charts.bars(
        section.neighbours,
        "area",
        "rate",
        per_year[:1].upper() + per_year[1:],
        _(by).format(
            noun=_(noun), per_year=per_year, year=_year(latest.year), **forms("region", region)
        ),
        highlight=b.area.name,
        reference=latest.comparator_rate if isinstance(latest.comparator_rate, float) else None,
        reference_label=country,
    )
    section.figures.append(
        Figure(
            bars,
            _(
                N_("{heading}: family court areas of {region}, {year}")
                if dfj
                else N_("{heading}: authorities of {region}, {year}")
            ).format(heading=section.heading, year=_year(latest.year), **forms("region", region)),
            section.neighbours,
            {
                "area": None,
                count: None,
                "rate": _(RATE_COLUMN[per]),
                "rate_lower": None,
                "rate_upper": None,
                "comparison": None,
            },
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
        _("{noun} {per_year}, {year}").format(
            noun=_(noun), per_year=per_year, year=_year(latest.year)
        ),
        country,
        _(SUMMED[per]),
        dfj=dfj,
    )
    mine = everyone[everyone["area"] == b.area.name].copy()
    mine.attrs = everyone.attrs
    mine["position"] = drawn.where
    against = (
        N_("{heading}: {area} against every family court area of {country}, {year} (funnel plot)")
        if dfj
        else N_("{heading}: {area} against every authority of {country}, {year} (funnel plot)")
    )
    section.figures.append(
        Figure(
            drawn.chart,
            _(against).format(
                heading=section.heading,
                area=b.area_name,
                year=_year(latest.year),
                **forms("country", b.value(country)),
            ),
            mine,
            {
                "area": None,
                "rate": _(RATE_COLUMN[per]),
                "comparator_rate": _("{country}: rate per 10,000, same years").format(
                    country=b.value(country)
                ),
                "position": _("Position against the funnel limits"),
                "comparison": _("Compared with {other} (95% level)").format(
                    **forms("other", b.value(country))
                ),
            },
        )
    )


def _map_section(b) -> Section:
    """Every authority of England and Wales on a hex map of the care proceedings rate for
    the latest period, this one highlighted, and the sentence saying which band it is in."""
    latest = _latest(b.local_figures("care_children"))
    year = _year(latest.year)
    everyone = b.neighbours("care_children", int(latest.financial_year), "rate", within="all")
    drawn = hex_map(
        everyone,
        b.area.code,
        _("children in care proceedings per 10,000 children a year, {year}").format(year=year),
        _("Per 10,000 children a year, {year}").format(year=year),
        what_source=f"children in care proceedings per 10,000 children a year, {latest.year}",
    )
    everyone["band"] = drawn.bands
    everyone = _with_absent(everyone)
    everyone["region"] = [area(local_areas()[c].parent).name for c in everyone["area_code"]]
    if drawn.band == MARK:
        where = _("{area}'s rate is suppressed ({mark}), and shown as such.").format(
            mark=MARK, **forms("area", b.area_name)
        )
    elif drawn.band == NOT_AVAILABLE:
        where = _("{area} has no rate for these years ({missing}).").format(
            missing=NOT_AVAILABLE, **forms("area", b.area_name)
        )
    else:
        where = _("{area} is in {band}; band 1 has the lowest rates.").format(
            band=drawn.band, **forms("area", b.area_name)
        )
    heading = _("Care proceedings in every authority")
    text = _(
        "The map shows each local authority of England and Wales as one hexagon, near "
        "where it is but all the same size, shaded by its rate of children in care "
        "proceedings per 10,000 children a year in {year}, in bands of equal "
        "numbers of authorities. {where} {attribution}."
    ).format(year=year, where=where, attribution=_(ATTRIBUTION))
    caption = _(
        "Children in care proceedings per 10,000 children a year, every authority of "
        "England and Wales, {year} (hex map; layout derived from Open Innovations, "
        "MIT licence)"
    ).format(year=year)
    columns = {"area": None, "region": _("Region (or Wales)"), "rate": None, "band": _("Band")}
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


def _with_absent(everyone: pd.DataFrame) -> pd.DataFrame:
    """The map's table with a row for each authority it shows without figures for the
    period ([x], e.g. one created since), so the table lists every hexagon."""
    absent = sorted(
        set(local_authorities()["la_code"]) - set(everyone["area_code"]),
        key=lambda c: local_areas()[c].name,
    )
    rows = pd.DataFrame(
        {
            "area": [local_areas()[c].name for c in absent],
            "area_code": absent,
            "rate": NOT_AVAILABLE,
            "band": NOT_AVAILABLE,
        }
    )
    out = pd.concat([everyone, rows], ignore_index=True) if absent else everyone
    out.attrs = everyone.attrs
    return out


def _place(neighbours: pd.DataFrame, name: str, column: str, region: str, dfj: bool = False) -> str:
    """'Its rate was the 3rd highest of the 12 authorities in the North East' (of the
    family court areas in England, where ``dfj``)."""
    known = neighbours[neighbours[column].map(lambda v: isinstance(v, int | float))]
    if name not in set(known["area"]):
        return ""
    rank = list(known["area"]).index(name) + 1
    ordinal = say.ordinal(rank) if rank > 1 else ""
    among = (
        N_("Its rate was the {ordinal}highest of the {n} family court areas in {region}.")
        if dfj
        else N_("Its rate was the {ordinal}highest of the {n} authorities in {region}.")
    )
    return _(among).format(
        ordinal=ordinal + " " if ordinal else "",
        rank=rank,
        n=len(neighbours),
        **forms("region", region),
    )


def _share_section(b, table: str, heading: str, sentence: str, caption: str, columns) -> Section:
    """A section on a share (mothers returning, repeat applications): the latest period's
    share and its change. ``columns`` are the base count, the count, the share and its
    interval's bounds."""
    figures = b.local_figures(table)
    latest, share = _latest(figures), columns[2]
    return Section(
        _(heading),
        _(sentence).format(
            year=_year(latest.year), share=say.percent(latest[share]), **forms("area", b.name)
        )
        + _change(figures, share, N_("share"), say.percent),
        figures,
        _(caption).format(area=b.area_name),
        {"year": _("Period (financial years)"), **dict.fromkeys(columns)},
        columns[:2],
    )


def _public_law(b) -> list[Section]:
    """The sections on care proceedings of ``b``'s area."""
    durations = b.local_figures("durations")
    latest = _latest(durations)
    return [
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
        ),
        _share_section(
            b,
            "mothers",
            N_("Mothers returning to court"),
            N_(
                "In {year}, {share} of the mothers in care proceedings in {area} (counted once "
                "a year) had earlier proceedings in the previous five years. "
            ),
            N_("Mothers with earlier proceedings: {area}, three-year periods"),
            ["mothers", "with_earlier_proceedings", "share_pct", "share_lower", "share_upper"],
        ),
    ]


def _private_law(b) -> list[Section]:
    """The sections on private-law applications of ``b``'s area."""
    return [
        _rate_section(
            b,
            "s8_children",
            N_("Children in child arrangements applications"),
            "children",
            N_("were in child arrangements (section 8) applications"),
            "children",
            "children",
        ),
        _share_section(
            b,
            "repeat_applications",
            N_("Repeat private-law applications"),
            N_(
                "In {year}, {share} of private-law cases in {area} involved a child in another "
                "private-law case in the previous three years. "
            ),
            N_("Repeat private-law applications: {area}, three-year periods"),
            ["cases", "repeat_cases", "repeat_pct", "repeat_lower", "repeat_upper"],
        ),
    ]


#: What a profile has no sections on when the extract has no cases of a law type.
LEFT_OUT = {
    "public": N_(
        "The data this profile was built from has no public-law cases, so it has no "
        "sections on care proceedings (children and newborns in proceedings, how long "
        "proceedings take, mothers returning to court, final orders and the map of every "
        "authority)."
    ),
    "private": N_(
        "The data this profile was built from has no private-law cases, so it has no "
        "sections on private law (children in child arrangements applications and repeat "
        "applications)."
    ),
}


def _left_out(b) -> Section | None:
    """The section saying which law types the extract has no cases of (None if none)."""
    missing = [_(text) for law, text in LEFT_OUT.items() if law not in b.law_types]
    if not missing:
        return None
    return Section(_("Not in this profile"), " ".join(missing), None, "", {}, [], wider=True)


def sections(b) -> Sections:
    """Every section of the profile of ``b``'s area, for the law types the extract has."""
    public = "public" in b.law_types
    out = (_public_law(b) if public else []) + (_private_law(b) if "private" in b.law_types else [])
    latest_counts = [s.table.iloc[-1][c] for s in out for c in s.counts]
    share = sum(v == MARK for v in latest_counts) / len(latest_counts)
    if public and b.area.level != "dfj":  # a map of authorities: a family court area lists its own
        out.insert(1, _map_section(b))
    if public:
        out.append(_outcomes(b))
    left_out = _left_out(b)
    found = Sections(([left_out] if left_out else []) + out, share >= MOSTLY)
    for section in found.shown:
        if section.draw is not None:
            section.draw()
    return found


def _outcomes(b) -> Section:
    region = area(b.area.parent)
    called = _called(region.code)
    orders = b.figures("final_orders", region.code, financial_year=b.settled_year)
    return Section(
        _("Outcomes: final orders (national figures)")
        if region.level == "country"
        else _("Outcomes: final orders (regional figures)"),
        _(
            N_(
                "Final orders by type are published for {region} as a whole, not for each "
                "family court area (most types would be fewer than 10 children in one family "
                "court area even over three years). The table shows {region}'s children whose "
                "proceedings were issued in {year}."
            )
            if b.area.level == "dfj"
            else N_(
                "Final orders by type are published for {region} as a whole, not for each "
                "authority (most types would be fewer than 10 children in one authority even "
                "over three years). The table shows {region}'s children whose proceedings were "
                "issued in {year}."
            )
        ).format(year=_year(orders["year"].iloc[0]), **forms("region", called)),
        orders,
        _("Final orders for children, {region}, {year}").format(
            region=b.value(region.name), year=_year(orders["year"].iloc[0])
        ),
        {"final_order": None, "children": None, "share_pct": None},
        ["children"],
        wider=True,
    )


def split_note(b) -> str:
    """Where the authority was created by a split within the data's years: its earlier
    cases are in a combined unit (published in the regional tables, in the store)."""
    table = "care_children" if "public" in b.law_types else "s8_children"
    published = set(b.store.table(table)["area_code"])
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


def profile_link(code: str) -> str:
    """A Markdown link to another profile (profiles share one folder): in the profile's
    language where that profile is published in it (a Welsh profile links to the Welsh
    profiles of Wales's authorities and family court areas), else in English."""
    lang = current()
    suffix = lang.suffix if about_wales(PROFILES, code) else ""
    name = local_areas()[code].name
    return f"[{lang.area_name(name) if suffix else name}]({code}{suffix}.html)"


def membership(b) -> tuple[str, str]:
    """Where the profile's area sits among family court areas: a family court area's
    authorities, or an authority's family court area, each linked to its profile, with
    the warning that the membership is approximate."""
    caveat = _(
        "No official list of which authorities each family court (Designated Family "
        "Judge) area covers is published, so this membership is our approximation."
    )
    if b.area.level == "dfj":
        members = [c for c in dfj_members(b.area.code) if local_areas()[c].level == "la"]
        names = ", ".join(profile_link(c) for c in members)
        return (
            _("Authorities in this area"),
            _("The figures for {area} add up the cases of {n} authorities: {names}.").format(
                n=len(members), names=names, **forms("area", b.name)
            )
            + f" {caveat}",
        )
    code = local_authorities().set_index("la_code").loc[b.area.code, "dfj_area_code"]
    return (
        _("Family court area"),
        _("{area}'s care and private-law cases are heard in the {link}.").format(
            link=profile_link(code), **forms("area", b.area_name)
        )
        + f" {caveat}",
    )


def summary(b, found: Sections, notes: str) -> str:
    """The profile's one-paragraph summary."""
    notes = f"{split_note(b)} {notes}".strip()
    if found.mostly_suppressed and b.area.level == "dfj":
        return (
            _(
                "Most of the figures for {area} cannot be published: beside its authorities' "
                "figures, they would reveal small counts of one of them by subtraction."
            ).format(**forms("area", b.name))
            + f" {notes}"
        ).strip()
    if found.mostly_suppressed:
        return (
            _(
                "{area} has so few family court cases that most of its figures cannot "
                "be published, even added up over three years."
            ).format(area=b.area_name)
            + f" {notes}"
        ).strip()
    first = next(s for s in found.all if not s.wider)
    return f"{_first_sentence(first.text)} {notes}".strip()


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def findings(b, found: Sections) -> list[str]:
    """One finding per section of the area's own figures: its first sentence."""
    if found.mostly_suppressed and b.area.level == "dfj":
        return [
            _(
                "Most of the figures for {area} are suppressed to protect small counts of one "
                "of its authorities (see below); its cases are part of the national figures."
            ).format(**forms("area", b.name))
        ]
    if found.mostly_suppressed:
        return [
            _(
                "Most of {area}'s figures are suppressed because its counts are small "
                "(see below); its cases are part of the regional and national figures."
            ).format(**forms("area", b.area_name))
        ]
    return [_first_sentence(s.text) for s in found.shown if not s.wider]


def why_suppressed(b) -> str:
    region = area(b.area.parent)
    if b.area.level == "dfj":
        return _(
            "The counts of {area} are not small, but most of them are suppressed: its "
            "authorities' figures are published, and with them the area's figures would "
            "reveal, by subtraction, counts of fewer than 10 in one of its authorities, "
            "which could identify families. Each authority's own profile (linked below) "
            "shows what can be published for it. The area's cases are included in the "
            "figures for {country}, published in the national briefings."
        ).format(
            country=b.value(b.comparator.name),
            **forms("area", b.name),
        )
    return _(
        "Even over three years, most of {area}'s counts of children, cases and "
        "mothers are fewer than 10, or would reveal such a count by subtraction from other "
        "published figures; publishing them (or a rate or share made from them) could "
        "identify families. "
        "They are therefore suppressed, together with any figure from which they could be "
        "worked out. Its cases are included in the figures for {region} and "
        "for {country}, which are published in the regional and national "
        "briefings."
    ).format(
        area=b.area_name,
        country=b.value(b.comparator.name),
        **forms("region", _called(region.code)),
    )
