"""Fixed terms and their Welsh: the glossary file plus the Welsh names of local
authorities (ONS, ``utla_name_welsh``), and the check that a catalogue uses them."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

GLOSSARY = Path(__file__).resolve().parent / "glossary.csv"
STATUSES = ("confirmed", "awaiting review")
#: The note of a local authority's term (its Welsh name is the ONS file's).
AUTHORITY = "place name (local authority, ONS utla_name_welsh)"

#: Welsh initial-consonant mutations (soft, nasal, aspirate), longest radical first.
_MUTATIONS = (
    ("Ll", ("L",)),
    ("Rh", ("R",)),
    ("C", ("G", "Ngh", "Ch")),
    ("P", ("B", "Mh", "Ph")),
    ("T", ("D", "Nh", "Th")),
    ("G", ("", "Ng")),
    ("B", ("F", "M")),
    ("D", ("Dd", "N")),
    ("M", ("F",)),
)


def mutations(word: str) -> tuple[str, ...]:
    """The mutated forms of a Welsh word or name (Caerdydd -> Gaerdydd, Nghaerdydd,
    Chaerdydd), so a sentence such as "yng Nghaerdydd" still counts as using the name."""
    for radical, mutated in _MUTATIONS:
        if word.startswith(radical):
            rest = word[len(radical) :]
            return tuple((m + rest) if m else rest[:1].upper() + rest[1:] for m in mutated)
    return ()


@dataclass(frozen=True)
class Term:
    english: str
    welsh: str
    forms: tuple[str, ...]  # the Welsh term and its other accepted forms (mutations, plurals)
    status: str
    note: str = ""

    def used_in(self, english_text: str) -> bool:
        return re.search(rf"\b{re.escape(self.english)}\b", english_text, re.IGNORECASE) is not None

    def rendered_in(self, welsh_text: str) -> bool:
        text = welsh_text.casefold()
        return any(form.casefold() in text for form in self.forms)


class GlossaryError(ValueError):
    """A glossary row that cannot be used; the message names the file and row."""


@cache
def terms() -> tuple[Term, ...]:
    """The glossary's terms, then each Welsh local authority's name (confirmed: ONS)."""
    from fjo_analysis.geography import local_authorities

    found = []
    with GLOSSARY.open(newline="", encoding="utf-8") as file:
        for line, row in enumerate(csv.DictReader(file), start=2):
            if not row["english"].strip() or not row["welsh"].strip():
                raise GlossaryError(f"{GLOSSARY}, row {line}: english and welsh are required")
            if row["status"] not in STATUSES:
                raise GlossaryError(
                    f"{GLOSSARY}, row {line}: status {row['status']!r}, expected one of {STATUSES}"
                )
            forms = [row["welsh"], *filter(None, row["welsh_forms"].split(";"))]
            found.append(
                Term(row["english"], row["welsh"], tuple(forms), row["status"], row["note"])
            )
    las = local_authorities().dropna(subset=["la_name_welsh"])
    for name, welsh in zip(las["la_name"], las["la_name_welsh"], strict=True):
        found.append(Term(name, welsh, (welsh, *mutations(welsh)), "confirmed", AUTHORITY))
    return tuple(found)


@cache
def welsh_names() -> dict[str, str]:
    """Places by their English name -> Welsh name: the glossary's place names (countries,
    English regions) and every Welsh authority (ONS)."""
    return {
        t.english: t.welsh
        for t in terms()
        if t.note.startswith("place name") or t.note == AUTHORITY
    }


def inconsistencies(pairs) -> list[str]:
    """Each translated ``(english, welsh)`` pair that uses a term in English but none of
    its Welsh forms, described for the translator."""
    problems = []
    for english, welsh in pairs:
        if not welsh:
            continue
        english = re.sub(r"\{\w*\}", " ", english)  # a placeholder ({region}) is no term
        for term in terms():
            if term.used_in(english) and not term.rendered_in(welsh):
                problems.append(
                    f"{english[:60]!r}: uses {term.english!r} but its Welsh has none of "
                    f"{', '.join(repr(f) for f in term.forms)}"
                )
    return problems
