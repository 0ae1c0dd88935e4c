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
    # the label of a reference line and of a band
    N_("26-week limit"),
    N_("middle half of cases"),
    # the built-in data source's name (data.synth)
    N_("illustrative synthetic extract"),
    # a span of years ("2020/21 to 2024/25")
    N_("{first} to {last}"),
)
