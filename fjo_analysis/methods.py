"""The release's methods and quality page, following the structure of a UK statistics
"quality and methodology information" (QMI) report: output information, data source and
coverage, definitions, methods, disclosure control, quality and known limitations,
revisions, accessibility and technical details.

Every figure on the page comes from the manifests of the processed data and of the
statistics store, the store's tables, the settings and the code's own constants; none is
typed by hand. :func:`summary` is the short version on each workbook's cover sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from fjo_analysis.data.prepare import NEWBORN_MAX_DAYS
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE, Rules
from fjo_analysis.figures.tables import TABLES
from fjo_analysis.i18n import N_, _, current, review_status
from fjo_analysis.measures.private_law import REPEAT_YEARS
from fjo_analysis.measures.recurrence import LOOK_BACK_YEARS
from fjo_analysis.measures.timeliness import LIMIT_WEEKS, SETTLED_OPEN_SHARE
from fjo_analysis.reference import DENOMINATOR_NOTE
from fjo_analysis.release import Release
from fjo_analysis.stats.funnel import WINSORISE
from fjo_analysis.stats.rates import BYAR_FROM
from fjo_analysis.stats.trends import MODEL
from fjo_analysis.years import TREND_YEARS, financial_year_label

TITLE = N_("Family justice briefings: methods and quality information")


@dataclass(frozen=True)
class Section:
    """One section of the page: blocks are ("p", text), ("ul", [text]), ("dl", [(term,
    text)]) or ("table", {"caption", "header", "rows"})."""

    id: str
    heading: str
    blocks: list = field(default_factory=list)


def summary(rules: Rules) -> list[str]:
    """The methods in four sentences (for workbooks' cover sheets), in the current language."""
    return [
        _(
            "Counts come from the protected statistics store of the release: every count is "
            "computed once from case-level data, then protected for all areas and tables "
            "together."
        ),
        _(
            "Counts under {threshold} are suppressed ([c]), and further counts are "
            "suppressed where a reader could work out a suppressed one (secondary suppression "
            "by linear programming); every suppression is audited before release."
        ).format(threshold=rules.threshold),
        _(
            "Rates per 10,000 (children aged 0-17 or live births) and shares are computed from "
            "the published counts, with 95% intervals that allow for children coming to court "
            "in sibling groups (quasi-Poisson rates, Wilson intervals for shares)."
        ),
        _(
            "Trends are the average annual change over the last {years} years (a "
            "quasi-Poisson model); regions are compared with England by funnel limits adjusted "
            "for over-dispersion. The methods and quality page of the release gives the detail."
        ).format(years=TREND_YEARS),
    ]


def _years(source: dict) -> str:
    return _("{first} to {last}").format(
        first=financial_year_label(int(source["first_year"])),
        last=financial_year_label(int(source["last_year"])),
    )


def estimated_denominators(tables: dict[str, pd.DataFrame]) -> tuple[int, int]:
    """(rows whose rate rests on an estimated denominator, rows with a rate), over the
    store's tables with rates."""
    estimated = total = 0
    for name, spec in TABLES.items():
        table = tables[name]
        if not spec.rates or "denominator_estimated" not in table:
            continue
        flags = table["denominator_estimated"].map(lambda v: v is True or v == 1)
        estimated += int(flags.sum())
        total += len(table)
    return estimated, total


def sections(
    processed: dict,
    stats: dict,
    tables: dict[str, pd.DataFrame],
    release: Release,
    coverage: dict,
    revisions: list[Section],
    technical: list[tuple[str, str]],
) -> list[Section]:
    """The page's sections. ``processed`` and ``stats`` are the two manifests; ``tables``
    the store's tables; ``coverage`` {"areas": [names], "topics": [titles]}."""
    source, rules = processed, Rules(stats["rules"]["threshold"], stats["rules"]["round_to"])
    synthetic = bool(source.get("synthetic"))
    estimated, with_rates = estimated_denominators(tables)
    secondary = stats["suppressed"] - stats["primary"]
    # whole phrases: in Welsh "a" (and) mutates the noun after it (a chyfraith)
    law = {
        ("public",): N_("public law"),
        ("private",): N_("private law"),
        ("private", "public"): N_("private law and public law"),
        ("public", "private"): N_("public law and private law"),
    }
    present = tuple(stats.get("law_types", []))
    law_types = _(law[present]) if present in law else ", ".join(present)
    out = [
        Section(
            "output",
            _("Output information"),
            [
                (
                    "dl",
                    [
                        (_("Name"), _("Family justice briefings")),
                        *release.items(),
                        (
                            _("Coverage"),
                            _("{n} areas: ").format(n=len(coverage["areas"]))
                            + ", ".join(coverage["areas"]),
                        ),
                        (_("Topics"), "; ".join(coverage["topics"])),
                        (
                            _("Years covered"),
                            _("financial years {years} (April to March)").format(
                                years=_years(source)
                            ),
                        ),
                    ],
                )
            ],
        ),
        Section(
            "source",
            _("Data source and coverage"),
            [
                (
                    "p",
                    _("Source: {source} (file {file})").format(
                        source=current().value(source["source_name"]), file=source["source_file"]
                    )
                    + (
                        _(" — illustrative synthetic data, not real statistics")
                        if synthetic
                        else ""
                    )
                    + _(
                        ". It holds {rows} case-level rows (one per child per "
                        "set of proceedings) for {law_types} in England and Wales, up to the "
                        "extract date {extract_date}, and covers financial years {years}."
                    ).format(
                        rows=f"{int(source['rows']):,}",
                        law_types=law_types,
                        extract_date=source["extract_date"],
                        years=_years(source),
                    ),
                ),
                ("p", _part_year(source)),
                ("p", _(DENOMINATOR_NOTE)),
            ],
        ),
        Section("definitions", _("Definitions"), [("dl", _definitions())]),
        Section("methods", _("Methods"), [("ul", _methods(stats))]),
        Section(
            "disclosure",
            _("Disclosure control"),
            [
                (
                    "p",
                    _(
                        "No count under {threshold} is published, in any output. Counts "
                        "under {threshold} (0 included) are suppressed and shown as {mark}"
                    ).format(threshold=rules.threshold, mark=MARK)
                    + (
                        _("; counts are rounded to the nearest {round_to}").format(
                            round_to=rules.round_to
                        )
                        if rules.round_to > 1
                        else ""
                    )
                    + _(
                        ". Protection is done once for the whole release, in one statistics "
                        "store, so a figure is suppressed alike wherever it appears."
                    ),
                ),
                (
                    "dl",
                    [
                        (_("Counts in the release"), f"{int(stats['cells']):,}"),
                        (
                            _("Relations a reader could use (totals, differences, breakdowns)"),
                            f"{int(stats['relations']):,}",
                        ),
                        (_("Suppressed counts"), f"{int(stats['suppressed']):,}"),
                        (
                            _("of which under {threshold} (primary)").format(
                                threshold=rules.threshold
                            ),
                            f"{int(stats['primary']):,}",
                        ),
                        (_("of which to protect another (secondary)"), f"{secondary:,}"),
                    ],
                ),
                (
                    "p",
                    _(
                        "Secondary suppression: for every suppressed count, and every count "
                        "that is never published but follows from others, the smallest and "
                        "largest value a reader could work out from everything published is "
                        "found by linear programming (HiGHS). Where that range is narrower "
                        "than {threshold}, the smallest published count sharing a relation "
                        "with it is suppressed too, and the part affected is solved again "
                        "({rounds} rounds in this release)."
                    ).format(threshold=rules.threshold, rounds=int(stats["protection_rounds"])),
                ),
                (
                    "p",
                    _(
                        "Rates, shares, intervals, medians, comparisons and trends are "
                        "computed from the published counts and are suppressed wherever a "
                        "count they rest on is. Before release an audit solves every "
                        "suppressed count again from the published tables, workbooks and CSV "
                        "files, and refuses the release if any range is narrower than the "
                        "threshold, any published count is under it, or any published count "
                        "is not a count of the store. Each output is also scanned for small "
                        "counts in tables and text before it is published. {x} marks a figure "
                        "that is not available."
                    ).format(x=NOT_AVAILABLE),
                ),
            ],
        ),
        Section(
            "quality",
            _("Quality and known limitations"),
            _quality(source, stats, estimated, with_rates, synthetic),
        ),
        *revisions,
        Section("accessibility", _("Accessibility statement"), [("ul", _accessibility())]),
        Section("translation", _("Welsh language"), [("p", translation_status())]),
        Section("technical", _("Technical details"), [("dl", technical)]),
    ]
    return out


def _part_year(source: dict) -> str:
    part = source.get("part_year")
    if part:
        return _(
            "Financial year {year} is only part covered by the extract ({label}) and is "
            "left out of every figure."
        ).format(year=financial_year_label(int(part["financial_year"])), label=part["label"])
    return _(
        "Only complete financial years are published; a part year at the end of an "
        "extract is left out of every figure."
    )


def _definitions() -> list[tuple[str, str]]:
    terms = [
        (
            _("Care proceedings"),
            _(
                "Applications by a local authority for a care or supervision "
                "order (section 31, Children Act 1989). Children are counted once a year, by "
                "their earliest case that year."
            ),
        ),
        (
            _("Newborn"),
            _(
                "A child aged under {days} days when proceedings were "
                "issued; an infant is a child aged under 1 year."
            ).format(days=NEWBORN_MAX_DAYS + 1),
        ),
        (
            _("Financial year"),
            _(
                "1 April to 31 March, written 2024/25; cases are counted by the "
                "date they were issued unless a table says otherwise (final orders: the year "
                "of the order)."
            ),
        ),
        (
            _("Duration"),
            _(
                "Weeks from issue to final order for each case (siblings share one); "
                "the {weeks}-week limit applies from April 2014."
            ).format(weeks=LIMIT_WEEKS),
        ),
        (
            _("Mothers returning to court"),
            _(
                "A later care-proceedings case of the same mother "
                "issued on a later day. 'Earlier proceedings' look back {years} years."
            ).format(years=LOOK_BACK_YEARS),
        ),
        (
            _("Section 8 applications"),
            _(
                "Private-law applications for child arrangements "
                "orders. A repeat application involves a child in an earlier private-law "
                "case in the previous {years} years."
            ).format(years=REPEAT_YEARS),
        ),
    ]
    tables = [
        (
            _(spec.title),
            _("Table {name} in figures.csv. Counts: {counts}").format(
                name=spec.name, counts=", ".join(spec.counts)
            )
            + (_("; rates: {rates}").format(rates=", ".join(spec.rates)) if spec.rates else "")
            + (_("; shares: {shares}").format(shares=", ".join(spec.shares)) if spec.shares else "")
            + _(". figures-dictionary.csv describes every measure."),
        )
        for spec in TABLES.values()
    ]
    return terms + tables


def _methods(stats: dict) -> list[str]:
    settled = financial_year_label(int(stats["settled_year"]))
    return [
        _(
            "Every count is computed once, for England, Wales and each English region, into "
            "a statistics store; the briefings read the store and never count case records."
        ),
        _(
            "Rates per 10,000 children aged 0-17 (or per 10,000 live births for newborns and "
            "infants) are computed from the published counts. Their 95% intervals use Byar's "
            "approximation for counts of {byar} or more and the exact Poisson interval "
            "below, widened as quasi-Poisson intervals are by the national dispersion of "
            "children in sibling groups (a count of children varies more than a Poisson "
            "count because siblings come to court together)."
        ).format(byar=BYAR_FROM),
        _(
            "Shares (%) have Wilson score intervals; shares of children use the sibling "
            "dispersion as their design effect."
        ),
        _(
            "Regions are compared with England by funnel limits around England's rate, "
            "widened for over-dispersion between regions (Spiegelhalter's additive "
            "random-effects adjustment on the square-root scale, {winsorised}% of z-scores "
            "winsorised at each end, estimated each year from the regions' published "
            "counts). England and Wales are compared with the exact conditional test of the "
            "rate ratio."
        ).format(winsorised=int(WINSORISE * 100)),
        _(
            "Trends: the average annual % change in a rate over the last {years} years, "
            "from a {model}, with its 95% interval and the p-value of the test for trend; "
            "the dispersion is never taken below 1 nor below the sibling dispersion."
        ).format(years=TREND_YEARS, model=_(MODEL)),
        _(
            "Durations of cases still open at the extract date are censored, not dropped: "
            "medians, quartiles and the share concluded within {weeks} weeks are "
            "Kaplan-Meier estimates, published only where every count they rest on is. The "
            "latest settled year (at most {open}% of its cases still open) is {settled}."
        ).format(weeks=LIMIT_WEEKS, open=int(SETTLED_OPEN_SHARE * 100), settled=settled),
    ]


def _quality(source, stats, estimated, with_rates, synthetic) -> list:
    limits = [
        _(
            "Denominators: {estimated} of the {with_rates} rows with a rate in the store "
            "rest on an estimated denominator (population or live births interpolated, "
            "apportioned or carried forward; live births are all estimated). Tables mark "
            "them as estimated."
        ).format(estimated=f"{estimated:,}", with_rates=f"{with_rates:,}"),
        _(
            "Designated Family Judge (DFJ) areas: where figures are given for them, which "
            "local authorities each area covers is approximate, as no official lookup was "
            "found."
        ),
        _(
            "Local-authority codes are mapped to April 2024 geography; authorities that "
            "later split are reported as a combined unit, never given to one successor."
        ),
        _(
            "Recent years of durations, final orders and returns to court are incomplete: "
            "cases still open at the extract date have not ended yet, so these figures will "
            "change."
        ),
    ]
    if synthetic:
        limits.insert(
            0,
            _(
                "These figures come from illustrative synthetic data made to the scale and "
                "shape of the real system. They are not real statistics and must not be "
                "quoted."
            ),
        )
    warnings = list(source.get("warnings", []))
    quality = [
        f"{_(q['description'])}: {int(q['count']):,}" for q in source.get("quality", {}).values()
    ]
    return [
        (
            "p",
            _(
                "Relevance: the briefings answer questions the partnership's users ask about "
                "care and private-law proceedings, for each country and English region."
            ),
        ),
        (
            "p",
            _(
                "Accuracy and reliability: figures are counts of all cases in the extract, "
                "not a sample; the intervals show the uncertainty from chance variation, and "
                "the limitations below the rest."
            ),
        ),
        ("ul", limits),
        ("p", _("Data checks made when the extract was prepared (rows affected):")),
        ("ul", quality + warnings or [_("none")]),
        (
            "p",
            _(
                "Coherence and comparability: counts follow the definitions above, which may "
                "differ from the Family Court Statistics Quarterly (which counts cases and "
                "applications by quarter)."
            ),
        ),
    ]


def _accessibility() -> list[str]:
    return [
        _(
            "The web pages aim to meet the Web Content Accessibility Guidelines (WCAG) 2.2 "
            "at level AA: they are tested with axe-core, work without scripts and make no "
            "network requests."
        ),
        _("Every chart has alt text and a table of the data behind it."),
        _(
            "The PDFs are tagged (PDF/UA-1), with a document language, headings and table "
            "headers. The spreadsheets follow the Government Statistical Service guidance on "
            "releasing statistics in spreadsheets; the CSV files hold the same figures in "
            "tidy form."
        ),
        _(
            "If you cannot use a document, or find a problem, contact us (see Output "
            "information) and say which document and what you need."
        ),
    ]


def translation_status() -> str:
    """What the Welsh version is and whether a translator has reviewed it (the catalogue's
    fuzzy entries await review)."""
    status = review_status("cy")
    if status.reviewed:
        return _(
            "Outputs about Wales (the Wales briefings) are published in Welsh and English "
            "from the same figures; the Welsh translation has been reviewed."
        )
    return _(
        "Outputs about Wales (the Wales briefings) are published in Welsh and English from "
        "the same figures. The Welsh translation awaits review by a professional "
        "translator: {fuzzy} of its {strings} strings are marked for review."
    ).format(fuzzy=f"{status.fuzzy:,}", strings=f"{status.strings:,}")
