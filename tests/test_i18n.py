"""The translation machinery: catalogue compilation, the notebook extractor, the glossary
and Welsh formatting."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from fjo_analysis import i18n
from fjo_analysis.geography import local_authorities
from fjo_analysis.i18n import Language, LanguageError, glossary
from fjo_analysis.i18n.extract import extract_notebook


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    """A Welsh catalogue of our own, in place of the repository's."""

    def write(entries: list[tuple[str, str, bool]]):
        catalog = Catalog(locale="cy", domain=i18n.DOMAIN)
        for english, welsh, fuzzy in entries:
            catalog.add(english, welsh, flags=["fuzzy"] if fuzzy else [])
        path = tmp_path / "cy" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
        path.parent.mkdir(parents=True)
        with path.open("wb") as po:
            write_po(po, catalog)
        monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
        i18n._translations.cache_clear()
        return path

    yield write
    i18n._translations.cache_clear()


def test_welsh_uses_translations_marked_for_review_and_counts_them(catalogue):
    catalogue(
        [
            ("Summary", "Crynodeb", False),
            ("Key findings", "Prif ganfyddiadau", True),
            ("Technical details", "", False),
        ]
    )
    cy = Language("cy")
    assert cy.gettext("Summary") == "Crynodeb"
    assert cy.gettext("Key findings") == "Prif ganfyddiadau"  # fuzzy, still published
    assert cy.gettext("Technical details") == "Technical details"  # untranslated: English
    status = i18n.review_status("cy")
    assert (status.strings, status.translated, status.fuzzy) == (3, 2, 1)
    assert not status.reviewed


def test_english_reads_no_catalogue(catalogue):
    catalogue([("Summary", "Crynodeb", False)])
    assert Language("en").gettext("Summary") == "Summary"


def test_unknown_language_is_refused_by_name():
    with pytest.raises(LanguageError, match=r"lang='fr'.*en, cy"):
        Language("fr")


def test_unreadable_catalogue_names_the_file(tmp_path, monkeypatch):
    path = tmp_path / "cy" / "LC_MESSAGES" / "fjo.po"
    path.parent.mkdir(parents=True)
    path.write_text('msgid "a"\nmsgstr "b"\ngarbage\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n._translations.cache_clear()
    try:
        with pytest.raises(LanguageError, match=str(path)):
            Language("cy").gettext("a")
    finally:
        i18n._translations.cache_clear()


def test_numbers_are_identical_in_both_languages_and_dates_are_welsh():
    en, cy = Language("en"), Language("cy")
    for value, dp in [(0, 0), (7, 0), (1234, 0), (12345.678, 1), (1_000_000, 0), (0.05, 2)]:
        assert cy.number(value, dp) == en.number(value, dp)
    assert en.number(12345.678, 1) == "12,345.7"
    assert cy.date(dt.date(2026, 11, 27)) == "27 Tachwedd 2026"
    assert en.date(dt.date(2026, 11, 27)) == "27 November 2026"
    assert cy.date(dt.date(2027, 3, 1)) == "1 Mawrth 2027"


def _notebook(cells) -> io.BytesIO:
    return io.BytesIO(json.dumps({"cells": cells, "nbformat": 4}).encode())


def test_extractor_takes_published_markdown_and_marked_strings_only():
    notebook = _notebook(
        [
            {"cell_type": "markdown", "metadata": {"tags": ["internal"]}, "source": ["# For us"]},
            {"cell_type": "markdown", "metadata": {}, "source": ["## Newborns\n", "\n", "Text."]},
            {
                "cell_type": "code",
                "metadata": {},
                "source": ['b.finding(_("In {year}, the rate rose."))\n', 'print("not marked")'],
            },
            {"cell_type": "markdown", "metadata": {}, "source": ["  \n"]},
        ]
    )
    found = list(extract_notebook(notebook, {"_": None}, [], {}))
    assert [(line, message) for line, _, message, _ in found] == [
        (2, "## Newborns\n\nText."),
        (3, "In {year}, the rate rose."),
    ]


def test_welsh_mutations_of_known_words():
    assert glossary.mutations("Caerdydd") == ("Gaerdydd", "Nghaerdydd", "Chaerdydd")
    assert glossary.mutations("Powys") == ("Bowys", "Mhowys", "Phowys")
    assert glossary.mutations("Llanelli") == ("Lanelli",)
    assert glossary.mutations("Gwynedd") == ("Wynedd", "Ngwynedd")
    assert glossary.mutations("Bro Morgannwg") == ("Fro Morgannwg", "Mro Morgannwg")
    assert glossary.mutations("Abertawe") == ()  # vowels do not mutate this way


def test_glossary_holds_every_welsh_authority_by_its_ons_welsh_name():
    las = local_authorities()
    wales = las[las["country"] == "Wales"]
    assert len(wales) == 22 and wales["la_name_welsh"].notna().all()
    welsh_of = {t.english: t.welsh for t in glossary.terms()}
    for name, welsh in zip(wales["la_name"], wales["la_name_welsh"], strict=True):
        assert welsh_of[name] == welsh
    assert welsh_of["Cardiff"] == "Caerdydd"


def test_glossary_finds_a_term_left_in_english_or_translated_otherwise():
    problems = glossary.inconsistencies(
        [
            ("Children in care proceedings in Wales", "Plant mewn achosion gofal yng Nghymru"),
            ("Care proceedings in Cardiff", "Care proceedings yng Nghaerdydd"),
            ("Rates per 10,000 children", "Cyfraddau fesul 10,000 o blant"),
            ("The family court", ""),  # untranslated: nothing to compare yet
        ]
    )
    assert len(problems) == 1 and "'care proceedings'" in problems[0]


def test_bad_glossary_row_names_the_file_and_row(tmp_path, monkeypatch):
    bad = tmp_path / "glossary.csv"
    bad.write_text(
        "english,welsh,welsh_forms,status,note\nSummary,Crynodeb,,maybe,\n", encoding="utf-8"
    )
    monkeypatch.setattr(glossary, "GLOSSARY", bad)
    glossary.terms.cache_clear()
    try:
        with pytest.raises(glossary.GlossaryError, match=r"glossary.csv, row 2: status 'maybe'"):
            glossary.terms()
    finally:
        glossary.terms.cache_clear()


def test_the_welsh_catalogue_uses_the_glossary():
    with i18n.catalogue_path("cy").open("rb") as po:
        catalog = read_po(po)
    pairs = [(m.id, m.string) for m in catalog if m.id]
    assert glossary.inconsistencies(pairs) == []
