"""Release information: when this release was published, when the next is due, the status
of the statistics and who to contact. Shown on every briefing, the index, the methods
page and the workbooks' cover sheets; recorded in ``build/stamps/release.json`` so that
changing it rebuilds what shows it. Light (no pandas): ``fjo stamp`` imports it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from fjo_analysis import settings
from fjo_analysis.i18n import N_, _, current

#: Shown, clearly marked, when no contact is configured (FJO_CONTACT).
PLACEHOLDER_CONTACT = N_(
    "Placeholder, not a real contact: no contact was set for this build "
    "(FJO_CONTACT). Set it to the team's email address before publishing."
)
#: Where the methods and quality page is, relative to reports/.
METHODS_PAGE = "methods.html"


def long_date(day: dt.date) -> str:
    """A date as GOV.UK writes it: 27 November 2026 (27 Tachwedd 2026 in Welsh)."""
    return f"{day.day} {day:%B %Y}" if current().code == "en" else current().date(day)


@dataclass(frozen=True)
class Release:
    release_date: dt.date
    next_update: dt.date | None
    status: str
    contact: str | None

    @classmethod
    def of(cls, config: settings.Settings) -> Release:
        return cls(
            config.release_date or config.built_at().date(),
            config.next_update,
            config.statistics_status,
            config.contact,
        )

    @property
    def contact_text(self) -> str:
        return self.contact or _(PLACEHOLDER_CONTACT)

    @property
    def contact_is_placeholder(self) -> bool:
        return self.contact is None

    def items(self) -> list[tuple[str, str]]:
        """The release information as (term, text) pairs, in reading order."""
        return [
            (_("Release date"), long_date(self.release_date)),
            (
                _("Next update"),
                long_date(self.next_update) if self.next_update else _("Not yet announced"),
            ),
            (_("Status"), _(self.status)),
            (_("Contact"), self.contact_text),
        ]


def identity(config: settings.Settings) -> dict:
    """What the release information depends on, for the stamp (the previous release by
    path and SHA-256, so a changed file lists its revisions again)."""
    previous = config.previous_release
    return {
        "release_date": Release.of(config).release_date.isoformat(),
        "next_update": config.next_update.isoformat() if config.next_update else None,
        "statistics_status": config.statistics_status,
        "contact": config.contact,
        "previous_release": None
        if previous is None
        else {"path": str(previous), "sha256": _sha256(previous)},
    }


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
