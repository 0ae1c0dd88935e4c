"""Paths, disclosure thresholds and the data source: the one place for settings.

Every value can be overridden by an environment variable of the same name with an
``FJO_`` prefix (e.g. ``FJO_EXTRACT=/secure/extract.parquet``), which is how the
Makefile and the secure research environment configure a build.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"

#: Financial years (by starting calendar year) the synthetic extract covers by default.
DEFAULT_START_YEAR = 2010
DEFAULT_END_YEAR = 2024
DEFAULT_SEED = 20240401


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one build."""

    root: Path
    extract: Path | None  # a real extract; None means the built-in synthetic data
    suppress_below: int
    round_to: int
    # Release information (shown on every briefing, the index and the methods page).
    release_date: dt.date | None = None  # None: the build date (see build_day)
    next_update: dt.date | None = None  # None: not yet announced
    statistics_status: str = "Research statistics, not official statistics"
    contact: str | None = None  # None: no contact configured (a marked placeholder is shown)
    previous_release: Path | None = None  # a previous release's figures.csv, to list revisions

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def synthetic_extract(self) -> Path:
        return self.data_dir / "raw" / "synthetic_extract.parquet"

    @property
    def source_extract(self) -> Path:
        return self.extract or self.synthetic_extract

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def stats_dir(self) -> Path:
        return self.build_dir / "stats"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"


#: Disclosure defaults, and the lowest threshold a build may use.
DEFAULT_SUPPRESS_BELOW = 10
MIN_SUPPRESS_BELOW = 5
DEFAULT_ROUND_TO = 0


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the environment variable."""


def _whole_number(name: str, default: int, minimum: int, rule: str) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a whole number ({rule})") from None
    if value < minimum:
        raise SettingsError(f"{name}={value}: refused, {rule}")
    return value


# ------------------------------------------------------------------ release information

DEFAULT_STATISTICS_STATUS = Settings.statistics_status
EMAIL_OR_WEB = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|https://\S+\.\S+")


def build_day() -> dt.date:
    """The build's date: from SOURCE_DATE_EPOCH when set (reproducible), else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not epoch:
        return dt.datetime.now(dt.UTC).date()
    try:
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    except (ValueError, OverflowError, OSError):
        raise SettingsError(f"SOURCE_DATE_EPOCH={epoch!r}: expected seconds since 1970") from None


def _iso_date(name: str) -> dt.date | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a date as YYYY-MM-DD") from None


def _one_line(name: str, default: str | None, limit: int) -> str | None:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if "\n" in text or len(text) > limit:
        raise SettingsError(
            f"{name}={text[:40]!r}...: expected one line of at most {limit} characters"
        )
    return text


def _previous_release(name: str) -> Path | None:
    """A previous release's figures.csv, given as the file or its reports folder."""
    text = os.environ.get(name, "").strip()
    if not text:
        return None
    path = Path(text)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    figures = path / "figures.csv" if path.is_dir() else path
    if not figures.is_file():
        raise SettingsError(f"{name}={text!r}: no figures.csv there ({figures})")
    return figures


def release_settings() -> dict:
    """The release-information fields of :class:`Settings`, checked."""
    release_date = _iso_date("FJO_RELEASE_DATE")
    next_update = _iso_date("FJO_NEXT_UPDATE")
    released = release_date or build_day()
    if next_update is not None and next_update <= released:
        raise SettingsError(
            f"FJO_NEXT_UPDATE={next_update.isoformat()}: must be after the release date "
            f"({released.isoformat()})"
        )
    contact = _one_line("FJO_CONTACT", None, 300)
    if contact is not None and not EMAIL_OR_WEB.search(contact):
        raise SettingsError(
            f"FJO_CONTACT={contact!r}: expected an email address or an https:// web address"
        )
    return {
        "release_date": release_date,
        "next_update": next_update,
        "statistics_status": _one_line("FJO_STATISTICS_STATUS", DEFAULT_STATISTICS_STATUS, 200),
        "contact": contact,
        "previous_release": _previous_release("FJO_PREVIOUS_RELEASE"),
    }


def load() -> Settings:
    """Settings from the environment, with the defaults above, checked at the boundary."""
    root = Path(os.environ.get("FJO_ROOT", ".")).resolve()
    extract = os.environ.get("FJO_EXTRACT") or None
    if extract is not None:
        path = Path(extract)
        path = (path if path.is_absolute() else Path.cwd() / path).resolve()
        if not path.exists():
            raise SettingsError(f"FJO_EXTRACT={extract!r}: no such file ({path})")
        if not (path.is_file() or path.is_dir()):
            raise SettingsError(f"FJO_EXTRACT={extract!r}: not a file ({path})")
    return Settings(
        root=root,
        extract=path if extract else None,
        suppress_below=_whole_number(
            "FJO_SUPPRESS_BELOW",
            DEFAULT_SUPPRESS_BELOW,
            MIN_SUPPRESS_BELOW,
            f"the threshold must be at least {MIN_SUPPRESS_BELOW}",
        ),
        round_to=_whole_number(
            "FJO_ROUND_TO", DEFAULT_ROUND_TO, 0, "0 (no rounding) or a positive base"
        ),
        **release_settings(),
    )
