"""Financial years and local areas' pooled periods, as numbers and as text."""

from __future__ import annotations

#: Years pooled for local areas: non-overlapping periods ending with the last year, so no
#: two published periods can be differenced into a single year.
LOCAL_POOL_YEARS = 3
#: Years a published trend is fitted over: the last five.
TREND_YEARS = 5


def financial_year_label(start_year: int) -> str:
    """``2023`` -> ``"2023/24"``."""
    return f"{start_year}/{(start_year + 1) % 100:02d}"


def years_label(first_year: int, last_year: int) -> str:
    """A run of financial years as text, by its first and last: '2022/23 to 2024/25'."""
    return f"{financial_year_label(first_year)} to {financial_year_label(last_year)}"


def local_periods(first_year: int, last_year: int) -> dict[int, list[int]]:
    """The pooled periods of local areas, by their last year: non-overlapping runs of
    :data:`LOCAL_POOL_YEARS` years ending with ``last_year`` (an incomplete run at the
    start is left out)."""
    periods = {}
    end = last_year
    while end - LOCAL_POOL_YEARS + 1 >= first_year:
        periods[end] = list(range(end - LOCAL_POOL_YEARS + 1, end + 1))
        end -= LOCAL_POOL_YEARS
    return dict(sorted(periods.items()))


def period_label(last_year: int) -> str:
    """A local pooled period as text, by its last year: '2022/23 to 2024/25'."""
    return years_label(last_year - LOCAL_POOL_YEARS + 1, last_year)
