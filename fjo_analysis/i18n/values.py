"""Labels that reach tables and charts as data (an age band, a final order, a comparison),
marked here for the catalogue: the modules that define them are statistics code, which a
translation must not rebuild. ``tests/test_welsh.py`` checks this list against them."""

from __future__ import annotations

from fjo_analysis.i18n import N_

VALUES = (
    # reference.AGE_BANDS and measures.care_proceedings.AGE_NOT_KNOWN
    N_("under 1"),
    N_("1-4"),
    N_("5-9"),
    N_("10-15"),
    N_("16-17"),
    N_("not known"),
    # measures.outcomes.ORDER_LABELS and STILL_OPEN
    N_("Care order"),
    N_("Placement order"),
    N_("Special guardianship order"),
    N_("Supervision order"),
    N_("Child arrangements order"),
    N_("No order or withdrawn"),
    N_("Other"),
    N_("No final order yet"),
    # measures.private_law.APPLICANT_LABELS
    N_("Father"),
    N_("Mother"),
    N_("Both parents"),
    N_("Other relative"),
    N_("Other applicant"),
    # measures.infants.NOTICE_BANDS and GROUPS
    N_("same day"),
    N_("1-2 days"),
    N_("3-6 days"),
    N_("7 days or more"),
    N_("Newborns"),
    N_("Children aged 1 week and over"),
    # stats.rates: how an area compares
    N_("higher"),
    N_("lower"),
    N_("not significantly different from"),
    # stats.trends.MODEL
    N_("quasi-Poisson GLM (log link, population offset)"),
    # settings: the default status of the statistics
    N_("Research statistics, not official statistics"),
    # nouns of language.rate_sentence
    N_("children"),
    N_("babies"),
    N_("newborns"),
    # the label of a reference line and of a band
    N_("26-week limit"),
    N_("middle half of cases"),
    # revisions: the kinds of change the methods page lists
    N_("revised"),
    N_("newly suppressed"),
    N_("no longer suppressed"),
    # the built-in data source's name (data.synth)
    N_("illustrative synthetic extract"),
    # reference.DENOMINATOR_NOTE
    N_(
        "Rates of children per 10,000 use the ONS mid-year estimate of children aged 0-17 "
        "(or of the age band) in the year the financial year starts; rates of newborns and "
        "infants per 10,000 live births use live births in that calendar year. Population "
        "figures are ONS (as republished by DfE for England 2012-2024); where a year, area or "
        "age band is not published (England and Wales 2010, Wales 2012-2020, areas whose "
        "boundaries changed, age bands outside 2011 and 2021-2023) they are estimated by "
        "interpolation or apportionment and flagged as estimated denominators. Live births by "
        "calendar year are all estimated from the population aged under 1 and ONS mid-year "
        "births."
    ),
    # figures.tables: each table's title
    N_("Children in care proceedings by year"),
    N_("Children in care proceedings by age at issue"),
    N_("Newborns and infants in care proceedings by year"),
    N_("Notice of the first hearing, newborns and older children"),
    N_("Duration of care proceedings by year of issue"),
    N_("Care proceedings concluded by year of final order"),
    N_("Final orders (or none yet) for children by year of issue"),
    N_("Mothers in care proceedings with earlier proceedings in the previous five years"),
    N_("Mothers back in court within 1, 3, 5 and 7 years of their first proceedings"),
    N_("Children in child arrangements (section 8) applications by year"),
    N_("Private-law cases by applicant"),
    N_("Repeat private-law applications within three years"),
    # data.prepare: the data checks the manifest describes
    N_(
        "children with no birth date: kept, but left out of age-based measures (age bands, "
        "newborns, infants)"
    ),
    N_(
        "first-hearing notice days outside 0-365: treated as missing, so left out of "
        "measures of notice"
    ),
    # a span of years ("2020/21 to 2024/25")
    N_("{first} to {last}"),
)
