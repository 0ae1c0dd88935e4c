"""Paths, disclosure thresholds, the data source and the build's date: the one place for
settings.

Every value comes from an environment variable (e.g. ``FJO_EXTRACT=/secure/extract.parquet``),
which is how the Makefile and the secure research environment configure a build. They are
read here only, once, by :func:`load`, checked at that boundary (a bad value names its
variable) and passed along as one frozen :class:`Settings`; no other module reads the
environment (a test checks it).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fjo_analysis import __version__

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "reference"

#: Financial years (by starting calendar year) the synthetic extract covers by default.
DEFAULT_START_YEAR = 2010
DEFAULT_END_YEAR = 2024
DEFAULT_SEED = 20240401

#: Disclosure defaults, and the lowest threshold a build may use.
DEFAULT_SUPPRESS_BELOW = 10
MIN_SUPPRESS_BELOW = 5
DEFAULT_ROUND_TO = 0


@dataclass(frozen=True)
class Settings:
    """Resolved settings for one build."""

    root: Path
    extract: Path | None  # a real extract; None means the built-in synthetic data
    suppress_below: int = DEFAULT_SUPPRESS_BELOW
    round_to: int = DEFAULT_ROUND_TO
    #: SOURCE_DATE_EPOCH: the build date every output states (None: the time of the build).
    source_date_epoch: int | None = None
    #: FJO_CODE_VERSION: the code version outputs state (None: ``git describe``).
    code_version: str | None = None
    #: FJO_WARM=0 builds each briefing in its own Jupyter kernel instead of the warm builder.
    warm: bool = True
    #: FJO_RUN_ID and FJO_BRIEFING_COUNT (set by make): progress lines count one make run.
    run_id: str | None = None
    briefing_count: int | None = None
    # Release information (shown on every briefing, the index and the methods page).
    release_date: dt.date | None = None  # None: the build date (see build_day)
    next_update: dt.date | None = None  # None: not yet announced
    statistics_status: str = "Research statistics, not official statistics"
    contact: str | None = None  # None: no contact configured (a marked placeholder is shown)
    previous_release: Path | None = None  # a previous release's figures.csv, to list revisions

    # Where everything is, below the project root.
    data_dir = property(lambda self: self.root / "data")
    synthetic_extract = property(lambda self: self.data_dir / "raw" / "synthetic_extract.parquet")
    source_extract = property(lambda self: self.extract or self.synthetic_extract)
    processed_dir = property(lambda self: self.data_dir / "processed")
    build_dir = property(lambda self: self.root / "build")
    stats_dir = property(lambda self: self.build_dir / "stats")
    reports_dir = property(lambda self: self.root / "reports")

    def built_at(self) -> dt.datetime:
        """The build's date (UTC): SOURCE_DATE_EPOCH when set (reproducible), else now."""
        if self.source_date_epoch is not None:
            return dt.datetime.fromtimestamp(self.source_date_epoch, dt.UTC)
        return dt.datetime.now(dt.UTC).replace(microsecond=0)

    def version(self) -> str:
        """The code version outputs state: FJO_CODE_VERSION, else ``git describe`` of the
        package's working tree, else the package version."""
        if self.code_version:
            return self.code_version
        try:
            out = subprocess.run(
                ["git", "describe", "--always", "--dirty", "--tags"],
                capture_output=True,
                text=True,
                check=True,
                cwd=PACKAGE_DIR,
            )
            return f"fjo_analysis {__version__} ({out.stdout.strip()})"
        except (OSError, subprocess.CalledProcessError):
            return f"fjo_analysis {__version__}"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names the environment variable."""


def _whole_number(
    env: Mapping[str, str], name: str, default: int | None, minimum: int, rule: str
) -> int | None:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        value = int(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a whole number ({rule})") from None
    if value < minimum:
        raise SettingsError(f"{name}={value}: refused, {rule}")
    return value


def _extract(env: Mapping[str, str]) -> Path | None:
    extract = env.get("FJO_EXTRACT") or None
    if extract is None:
        return None
    path = Path(extract)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    if not path.exists():
        raise SettingsError(f"FJO_EXTRACT={extract!r}: no such file ({path})")
    if not (path.is_file() or path.is_dir()):
        raise SettingsError(f"FJO_EXTRACT={extract!r}: not a file ({path})")
    return path


def _warm(env: Mapping[str, str]) -> bool:
    text = env.get("FJO_WARM", "1").strip()
    if text not in ("0", "1"):
        raise SettingsError(f"FJO_WARM={text!r}: expected 1 (the warm builder) or 0 (a kernel)")
    return text == "1"


# ------------------------------------------------------------------ release information

DEFAULT_STATISTICS_STATUS = Settings.statistics_status
EMAIL_OR_WEB = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}|https://\S+\.\S+")


def _iso_date(env: Mapping[str, str], name: str) -> dt.date | None:
    text = env.get(name, "").strip()
    if not text:
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise SettingsError(f"{name}={text!r}: expected a date as YYYY-MM-DD") from None


def _one_line(env: Mapping[str, str], name: str, default: str | None, limit: int) -> str | None:
    text = env.get(name, "").strip()
    if not text:
        return default
    if "\n" in text or len(text) > limit:
        raise SettingsError(
            f"{name}={text[:40]!r}...: expected one line of at most {limit} characters"
        )
    return text


def _previous_release(env: Mapping[str, str], name: str) -> Path | None:
    """A previous release's figures.csv, given as the file or its reports folder."""
    text = env.get(name, "").strip()
    if not text:
        return None
    path = Path(text)
    path = (path if path.is_absolute() else Path.cwd() / path).resolve()
    figures = path / "figures.csv" if path.is_dir() else path
    if not figures.is_file():
        raise SettingsError(f"{name}={text!r}: no figures.csv there ({figures})")
    return figures


def release_settings(build_day: dt.date, env: Mapping[str, str]) -> dict:
    """The release-information fields of :class:`Settings`, checked (the release date is
    the build's day unless FJO_RELEASE_DATE says otherwise)."""
    release_date = _iso_date(env, "FJO_RELEASE_DATE")
    next_update = _iso_date(env, "FJO_NEXT_UPDATE")
    released = release_date or build_day
    if next_update is not None and next_update <= released:
        raise SettingsError(
            f"FJO_NEXT_UPDATE={next_update.isoformat()}: must be after the release date "
            f"({released.isoformat()})"
        )
    contact = _one_line(env, "FJO_CONTACT", None, 300)
    if contact is not None and not EMAIL_OR_WEB.search(contact):
        raise SettingsError(
            f"FJO_CONTACT={contact!r}: expected an email address or an https:// web address"
        )
    return {
        "release_date": release_date,
        "next_update": next_update,
        "statistics_status": _one_line(
            env, "FJO_STATISTICS_STATUS", DEFAULT_STATISTICS_STATUS, 200
        ),
        "contact": contact,
        "previous_release": _previous_release(env, "FJO_PREVIOUS_RELEASE"),
    }


def load(env: Mapping[str, str] = os.environ) -> Settings:
    """Settings from the environment (this process's unless given: a warm builder's worker
    reads its client's), with the defaults above, checked at the boundary."""
    epoch = _whole_number(
        env, "SOURCE_DATE_EPOCH", None, 0, "seconds since 1970-01-01 UTC, 0 or more"
    )
    build_day = (
        dt.datetime.fromtimestamp(epoch, dt.UTC) if epoch is not None else dt.datetime.now(dt.UTC)
    ).date()
    return Settings(
        root=Path(env.get("FJO_ROOT", ".")).resolve(),
        extract=_extract(env),
        suppress_below=_whole_number(
            env,
            "FJO_SUPPRESS_BELOW",
            DEFAULT_SUPPRESS_BELOW,
            MIN_SUPPRESS_BELOW,
            f"the threshold must be at least {MIN_SUPPRESS_BELOW}",
        ),
        round_to=_whole_number(
            env, "FJO_ROUND_TO", DEFAULT_ROUND_TO, 0, "0 (no rounding) or a positive base"
        ),
        source_date_epoch=epoch,
        code_version=env.get("FJO_CODE_VERSION", "").strip() or None,
        warm=_warm(env),
        run_id=env.get("FJO_RUN_ID", "").strip() or None,
        briefing_count=_whole_number(env, "FJO_BRIEFING_COUNT", None, 1, "the number of briefings"),
        **release_settings(build_day, env),
    )


def server_environment() -> dict[str, str]:
    """The environment the warm builder's server starts with: this one, with one BLAS thread
    and one Typst (rayon) thread: two briefings build at once on two cores, one thread
    each, not two apiece (Typst's second thread costs a fifth more CPU for a tenth less
    time alone)."""
    return {"OPENBLAS_NUM_THREADS": "1", "RAYON_NUM_THREADS": "1", **os.environ}
