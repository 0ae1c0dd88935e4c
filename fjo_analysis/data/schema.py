"""The case-level extract: one row per child per set of proceedings.

The column list, the allowed category values and the pandera schema that checks them.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

LAW_TYPES = ("public", "private")
APPLICATION_TYPES = {
    "public": ("care_supervision_s31", "emergency_protection", "placement"),
    "private": ("child_arrangements_s8", "special_guardianship", "other_private"),
}
APPLICANT_TYPES = ("local_authority", "mother", "father", "both_parents", "other_relative", "other")
SEXES = ("female", "male", "unknown")
ETHNICITIES = ("White", "Mixed", "Asian", "Black", "Other", "Unknown")
FINAL_ORDERS = (
    "care",
    "placement",
    "special_guardianship",
    "supervision",
    "child_arrangements",
    "no_order_withdrawn",
    "other",
)

ID_COLUMNS = ("case_id", "child_id", "mother_id")
DATE_COLUMNS = ("issue_date", "close_date", "child_birth_date")
INTEGER_COLUMNS = ("first_hearing_notice_days",)
CATEGORY_COLUMNS = {
    "law_type": LAW_TYPES,
    "application_type": tuple(t for types in APPLICATION_TYPES.values() for t in types),
    "applicant_type": APPLICANT_TYPES,
    "sex": SEXES,
    "ethnicity": ETHNICITIES,
    "final_order": FINAL_ORDERS,
}
COLUMNS = (
    "case_id",
    "child_id",
    "mother_id",
    "law_type",
    "application_type",
    "applicant_type",
    "issue_date",
    "close_date",
    "local_authority_code",
    "child_birth_date",
    "first_hearing_notice_days",
    "sex",
    "ethnicity",
    "final_order",
)
# A missing child_birth_date is kept (and counted): the row is left out of age-based measures.
# An empty mother_id is rejected by validation as a placeholder ID, not by the schema.
NULLABLE = {
    "close_date",
    "first_hearing_notice_days",
    "final_order",
    "mother_id",
    "child_birth_date",
}


def _column(name: str, extract_date: pd.Timestamp) -> pa.Column:
    checks: list[pa.Check] = []
    if name in CATEGORY_COLUMNS:
        allowed = CATEGORY_COLUMNS[name]
        checks.append(pa.Check.isin(allowed, error=f"one of {allowed}"))
    elif name == "local_authority_code":
        pass  # current or retired codes: validate.unknown_local_authorities lists the rest
    elif name in DATE_COLUMNS:
        checks.append(pa.Check.le(extract_date, error=f"a date not after {extract_date:%Y-%m-%d}"))
        checks.append(pa.Check.ge(pd.Timestamp("1990-01-01"), error="a date from 1990 on"))
    elif name in INTEGER_COLUMNS:
        checks.append(pa.Check.in_range(0, 365, error="whole days from 0 to 365"))
    else:
        checks.append(pa.Check.str_length(min_value=1, error="a non-empty identifier"))
    return pa.Column(nullable=name in NULLABLE, checks=checks)


def schema(extract_date: pd.Timestamp) -> pa.DataFrameSchema:
    """The pandera schema of a parsed extract, with dates checked against ``extract_date``."""
    extract_date = pd.Timestamp(extract_date)
    return pa.DataFrameSchema(
        {name: _column(name, extract_date) for name in COLUMNS},
        checks=[
            pa.Check(
                lambda df: ~(df["close_date"] < df["issue_date"]),
                error="close_date on or after issue_date",
                name="close_after_issue",
            ),
            pa.Check(
                lambda df: ~(df["child_birth_date"] > df["issue_date"]),
                error="child_birth_date on or before issue_date",
                name="born_before_issue",
            ),
            pa.Check(
                lambda df: df["close_date"].isna() | df["final_order"].notna(),
                error="a final_order for every closed case",
                name="closed_has_order",
            ),
        ],
        unique=["case_id", "child_id"],
        report_duplicates="exclude_first",
        strict=True,
        ordered=False,
    )
