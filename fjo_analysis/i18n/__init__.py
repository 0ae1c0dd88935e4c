"""Both languages of a release from one source: gettext catalogues, a glossary of fixed
terms, and numbers and dates in the reader's language.

English is the source language: an English build reads no catalogue. Welsh strings live in
``locale/cy/LC_MESSAGES/fjo.po`` (extracted with Babel, ``make translations``), compiled when
first used. Entries marked ``fuzzy`` await review by a professional translator; they are
still used, and :func:`review_status` says how many there are so the methods page can say so.
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "fjo"
#: Language code -> (Babel locale, name in that language).
LANGUAGES = {"en": ("en_GB", "English"), "cy": ("cy", "Cymraeg")}


class LanguageError(ValueError):
    """An unknown language, or a catalogue that cannot be read."""


def catalogue_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read_catalogue(lang: str):
    path = catalogue_path(lang)
    try:
        with path.open("rb") as po:
            return read_po(po, locale=LANGUAGES[lang][0], domain=DOMAIN, abort_invalid=True)
    except (OSError, ValueError, PoFileError) as error:
        raise LanguageError(f"{path}: cannot read the {lang} catalogue ({error})") from error


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    compiled = io.BytesIO()
    # Fuzzy entries are our best translation pending review: publish them (and say so).
    write_mo(compiled, _read_catalogue(lang), use_fuzzy=True)
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


@dataclass(frozen=True)
class ReviewStatus:
    """How much of a catalogue a translator has reviewed."""

    strings: int
    translated: int
    fuzzy: int

    @property
    def reviewed(self) -> bool:
        return self.fuzzy == 0 and self.translated == self.strings


def review_status(lang: str) -> ReviewStatus:
    """Counts of a catalogue's strings, translated ones and those marked for review."""
    entries = [m for m in _read_catalogue(lang) if m.id]
    return ReviewStatus(
        strings=len(entries),
        translated=sum(bool(m.string) for m in entries),
        fuzzy=sum(m.fuzzy for m in entries),
    )


@dataclass(frozen=True)
class Language:
    """The strings, numbers and dates of one language."""

    code: str

    def __post_init__(self):
        if self.code not in LANGUAGES:
            known = ", ".join(LANGUAGES)
            raise LanguageError(f"lang={self.code!r}: expected one of {known}")

    @property
    def locale(self) -> str:
        return LANGUAGES[self.code][0]

    @property
    def name(self) -> str:
        """The language's name in itself, for the link between versions."""
        return LANGUAGES[self.code][1]

    def gettext(self, message: str) -> str:
        """``message`` in this language (the English itself where no translation exists)."""
        return _translations(self.code).gettext(message)

    def number(self, value: float, dp: int = 0) -> str:
        """1234.5 -> '1,234.5' with this language's separators."""
        pattern = "#,##0" + ("." + "0" * dp if dp else "")
        return format_decimal(value, format=pattern, locale=self.locale)

    def date(self, day: dt.date) -> str:
        """27 November 2026 / 27 Tachwedd 2026."""
        return format_date(day, format="d MMMM y", locale=self.locale)
