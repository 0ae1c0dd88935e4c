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
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

from fjo_analysis.i18n.glossary import mutations

#: A span of financial years as a label: "2020/21 to 2024/25".
_SPAN = re.compile(r"(\d{4}/\d{2}) to (\d{4}/\d{2})")
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

    @property
    def suffix(self) -> str:
        """What a document's file name carries before its format: '' or '.cy'."""
        return "" if self.code == SOURCE else f".{self.code}"

    def area_name(self, name: str) -> str:
        """An area's name in this language (Wales -> Cymru; Cardiff -> Caerdydd): the
        glossary's, else the name itself (an English authority has no Welsh name)."""
        if self.code == SOURCE:
            return name
        from fjo_analysis.i18n.glossary import welsh_names

        return welsh_names().get(name, name)

    def value(self, text):
        """A label in a table or chart (an area, an age band, a final order) in this
        language; anything else (a number, [c], [x]) as it is."""
        if self.code == SOURCE or not isinstance(text, str) or not text:
            return text
        named = self.area_name(text)
        if named != text:
            return named
        span = _SPAN.fullmatch(text)
        if span:
            return self.gettext("{first} to {last}").format(first=span[1], last=span[2])
        return self.gettext(text)


#: The language the catalogue's message ids are written in.
SOURCE = "en"
#: The area slug of the Wales briefings, and of the local profiles (profiles.PROFILES).
WALES, PROFILES = "wales", "profiles"


def about_wales(area_slug: str, topic: str) -> bool:
    """Whether a document is about Wales, so published in Welsh too: the Wales briefings
    and the profiles of Wales's authorities (GSS codes W06...) and of its family court
    areas (NORTH_WALES, SOUTH_EAST_WALES, SWANSEA)."""
    if area_slug == WALES:
        return True
    if area_slug != PROFILES:
        return False
    if topic.startswith("W06"):
        return True
    from fjo_analysis.geography import WALES as WALES_CODE
    from fjo_analysis.geography import local_areas  # (read only for a family court area)

    found = local_areas().get(topic)
    return found is not None and found.level == "dfj" and found.parent == WALES_CODE


def _mutated(name: str, kind: int, letters: str) -> tuple[str, str]:
    """The name's first word mutated (``kind``: 0 soft, 1 nasal, 2 aspirate) where its
    first letters are among those this mutation changes; and the rest of the name."""
    first, _, rest = name.partition(" ")
    found = mutations(first)
    if any(first.startswith(radical) for radical in letters.split()) and len(found) > kind:
        first = found[kind]
    return first, rest


def yn(name: str) -> str:
    """'in' before a Welsh place name, with the nasal mutation it causes: yng Nghymru, ym
    Mhowys, yn Nhorfaen, ym Merthyr Tudful, yn Abertawe, yn Lloegr."""
    word, rest = _mutated(name, 1, "C P T G B D")
    preposition = "yng" if word.startswith("Ng") else "ym" if word.startswith("M") else "yn"
    return " ".join(filter(None, [preposition, word, rest]))


def na(name: str) -> str:
    """'than' before a name, with the aspirate mutation: na Chymru, na Lloegr, nag Abertawe."""
    word, rest = _mutated(name, 2, "C P T")
    return " ".join(filter(None, ["nag" if word[:1] in "AEIOUWYÂ" else "na", word, rest]))


def a(name: str) -> str:
    """'with' before a name, with the aspirate mutation: â Chymru, â Lloegr, ag Abertawe."""
    word, rest = _mutated(name, 2, "C P T")
    return " ".join(filter(None, ["ag" if word[:1] in "AEIOUWYÂ" else "â", word, rest]))


def i(name: str) -> str:
    """'to' or 'from' before a name, with the soft mutation: i Gymru, i Loegr, i Bowys."""
    word, rest = _mutated(name, 0, "Ll Rh C P T G B D M")
    return " ".join(filter(None, ["i", word, rest]))


def forms(key: str, name: str) -> dict[str, str]:
    """A name for a sentence template, as it reads after each Welsh preposition:
    ``{key}``, ``{yn_key}``, ``{na_key}``, ``{a_key}``, ``{i_key}``. English templates
    use ``{key}`` only ("in {area}"); Welsh ones use the form their preposition needs."""
    return {
        key: name,
        f"yn_{key}": yn(name),
        f"na_{key}": na(name),
        f"a_{key}": a(name),
        f"i_{key}": i(name),
    }


_current = Language(SOURCE)


def activate(code: str) -> Language:
    """Make ``code`` the language of the document being built (a notebook's Briefing and
    the renderers set it; each briefing is built in a process of its own)."""
    global _current
    _current = Language(code)
    return _current


def current() -> Language:
    return _current


def _(message: str) -> str:
    """``message`` in the current language (extracted by ``make translations``)."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalogue where it is defined; translate it where used."""
    return message
