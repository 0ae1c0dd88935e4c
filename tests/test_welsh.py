"""Welsh outputs (issue 14): the Wales briefings in both languages, read as a reader would.

The catalogue's own checks are fast (placeholders, glossary forms, the labels that arrive
as data); the built outputs are the six Wales topics in English and Welsh on the small
extract: both exist, link to each other, carry the same numbers, read as Welsh (no English
left but proper nouns and codes), have Welsh alt text and a PDF tagged ``cy``.
"""

from __future__ import annotations

import collections
import functools
import io
import re
import string
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from pypdf import PdfReader

from fjo_analysis import i18n
from fjo_analysis.geography import local_areas, local_authorities
from fjo_analysis.i18n import Language, forms, glossary
from fjo_analysis.i18n.values import VALUES
from fjo_analysis.measures.care_proceedings import AGE_NOT_KNOWN
from fjo_analysis.measures.infants import GROUPS, NOTICE_BANDS
from fjo_analysis.measures.outcomes import ORDER_LABELS, STILL_OPEN
from fjo_analysis.measures.private_law import APPLICANT_LABELS
from fjo_analysis.reference import AGE_BANDS
from fjo_analysis.revisions import REVISED, SUPPRESSED, UNSUPPRESSED
from fjo_analysis.stats import HIGHER, LOWER, NOT_SIGNIFICANT
from fjo_analysis.stats.trends import MODEL
from tests.chromium import launched, problems

WALES = "wales"
FORMATS = ("html", "pdf", "xlsx", "csv")
#: Welsh prepositions that come with a name already mutated (i18n.forms).
PREPOSITIONS = ("yn_", "na_", "a_", "i_")
#: English words that are not Welsh words: one of them in a Welsh page is a string left
#: untranslated. (Short words that are Welsh too, "a", "i", "o", "is", "am", are left out.)
ENGLISH_ONLY = {
    "the", "and", "of", "with", "were", "was", "from", "for", "than", "per", "children",
    "rate", "cases", "newborns", "infants", "mothers", "years", "year", "court", "table",
    "briefing", "suppressed", "proceedings", "care", "order", "orders", "median", "weeks",
    "share", "highest", "lowest", "compared", "higher", "lower", "trend", "available",
    "chart", "notes", "release", "methods", "synthetic", "illustrative", "findings",
    "applications", "private", "public", "within", "what", "show", "built", "this", "that",
}  # fmt: skip
#: Proper nouns, codes and references that stay as they are in Welsh (never reader prose).
ALLOWED = re.compile(
    r"Cafcass Cymru|SHA-256|[0-9a-f]{64}|fjo_analysis[^;<]*|W92000004|E92000001|"
    r"FJO_\w+|build/stats|Byar|Wilson|Kaplan-Meier|Spiegelhalter|Schenker|Gentleman|"
    r"Humber|UTC|synthetic_extract\.parquet|figures(?:-dictionary)?\.csv|revisions\.csv|"
    r"HiGHS|axe-core|WCAG|Family Court Statistics Quarterly|quasi-Poisson|"
    r"Tabl \w+ yn figures\.csv\. Cyfrifon: [^.]*|"  # the CSV's table and column names
    r"Cyfeiriadau:.*?55:182-186\.",  # the references cite English titles
    re.S,
)
NUMBER = re.compile(r"-?\d+(?:,\d{3})*(?:\.\d+)?")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.fixture(scope="module")
def catalogue():
    with i18n.catalogue_path("cy").open("rb") as po:
        return [m for m in read_po(po) if m.id]


def test_every_welsh_template_fills_from_what_its_english_is_given(catalogue):
    """A Welsh string may use a name with a Welsh preposition (``{yn_area}`` for
    ``{area}``) but nothing its English is not given: else it fails when formatted."""
    for m in catalogue:
        if not m.string or "{" not in m.id:
            continue
        english = _placeholders(m.id)
        allowed = english | {p + n for p in PREPOSITIONS for n in english}
        allowed |= {"rank"} if "ordinal" in english else set()
        allowed |= {"yn_area", "yn_other", "i_other", "a_other"}  # Briefing.t gives these
        assert _placeholders(m.string) <= allowed, (m.id, m.string)


def test_the_catalogue_is_complete_for_the_briefings_and_marked_for_review(catalogue):
    untranslated = [m.id[:50] for m in catalogue if not m.string]
    # only the local profile's notes wait (profiles are not yet published in Welsh)
    assert all("profile" in loc[0] for m in catalogue if not m.string for loc in m.locations), (
        untranslated
    )
    status = i18n.review_status("cy")
    assert status.strings == len(catalogue)
    assert status.fuzzy >= status.translated - 10  # all but a few identical labels await review
    assert not status.reviewed


def test_labels_that_arrive_as_data_are_all_in_the_catalogue(catalogue):
    labels = {
        *AGE_BANDS,
        AGE_NOT_KNOWN,
        *ORDER_LABELS.values(),
        STILL_OPEN,
        *APPLICANT_LABELS.values(),
        *NOTICE_BANDS,
        *GROUPS,
        HIGHER,
        LOWER,
        NOT_SIGNIFICANT,
        MODEL,
        REVISED,
        SUPPRESSED,
        UNSUPPRESSED,
    }
    assert labels <= set(VALUES)
    translated = {m.id for m in catalogue if m.string}
    assert labels <= translated


@pytest.mark.parametrize(
    ("english", "yn", "na", "i"),
    [
        ("Wales", "yng Nghymru", "na Chymru", "i Gymru"),
        ("England", "yn Lloegr", "na Lloegr", "i Loegr"),
        ("Cardiff", "yng Nghaerdydd", "na Chaerdydd", "i Gaerdydd"),
        ("Powys", "ym Mhowys", "na Phowys", "i Bowys"),
        ("Torfaen", "yn Nhorfaen", "na Thorfaen", "i Dorfaen"),
        ("Gwynedd", "yng Ngwynedd", "na Gwynedd", "i Wynedd"),
        ("Blaenau Gwent", "ym Mlaenau Gwent", "na Blaenau Gwent", "i Flaenau Gwent"),
        ("Bridgend", "ym Mhen-y-bont ar Ogwr", "na Phen-y-bont ar Ogwr", "i Ben-y-bont ar Ogwr"),
        ("Merthyr Tydfil", "ym Merthyr Tudful", "na Merthyr Tudful", "i Ferthyr Tudful"),
        ("Swansea", "yn Abertawe", "nag Abertawe", "i Abertawe"),
        ("Rhondda Cynon Taf", "yn Rhondda Cynon Taf", "na Rhondda Cynon Taf", "i Rondda Cynon Taf"),
        ("London", "yn Llundain", "na Llundain", "i Lundain"),
        ("North East", "yng Ngogledd-ddwyrain Lloegr", "na Gogledd-ddwyrain Lloegr",
         "i Ogledd-ddwyrain Lloegr"),
    ],
)  # fmt: skip
def test_names_mutate_after_welsh_prepositions(english, yn, na, i):
    welsh = Language("cy").area_name(english)
    names = forms("area", welsh)
    assert (names["yn_area"], names["na_area"], names["i_area"]) == (yn, na, i)


def test_every_welsh_authority_has_a_welsh_name_and_a_form_after_yn():
    cy = Language("cy")
    wales = local_authorities().query("country == 'Wales'")
    for name, welsh in zip(wales["la_name"], wales["la_name_welsh"], strict=True):
        assert cy.area_name(name) == welsh
        assert re.fullmatch(r"(yn|yng|ym) \S.*", i18n.yn(welsh)), welsh


def test_welsh_sentences_put_no_noun_after_a_number():
    """The forms generated with numbers: a count after a colon, 'o' before a plural noun
    and 'fesul 10,000 o blant' as a whole phrase, never '{n} plant' (which would need the
    numeral's mutation)."""
    cy = i18n.activate("cy")
    try:
        from fjo_analysis import language

        text = language.rate_sentence(
            "2024/25", 1234, cy.area_name("Wales"), "a oedd yn destun achosion gofal", 14.2,
            "children", language.compared(14.2, 16.1, "lower", cy.area_name("England")),
        )  # fmt: skip
        assert text == (
            "Nifer y plant yng Nghymru a oedd yn destun achosion gofal yn 2024/25: 1,234, sef "
            "14.2 fesul 10,000 o blant — yn is na Lloegr (16.1)."
        )
        for years, label in [(3, "O fewn 3 o flynyddoedd"), (7, "O fewn 7 o flynyddoedd")]:
            assert cy.gettext("Within {years} years").format(years=years) == label
        assert cy.gettext("Within 1 year") == "O fewn 1 flwyddyn"
        compared = language.compared(9.0, 8.0, NOT_SIGNIFICANT, cy.area_name("Wales"))
        assert compared == "ddim yn sylweddol wahanol i Gymru (8.0)"
    finally:
        i18n.activate("en")


# -- the built briefings ----------------------------------------------------------------


@pytest.fixture(scope="module")
def welsh(project):
    """The six Wales briefings built in English and in Welsh."""
    from fjo_analysis.build import build
    from fjo_analysis.params import topics

    try:
        for topic in topics(project.root):
            for lang in ("en", "cy"):
                build(WALES, topic, project, engine="fjo-inprocess", lang=lang)
    finally:
        i18n.activate(i18n.SOURCE)  # built in this process: English again for other tests
    return project


def _topics(project) -> list[str]:
    from fjo_analysis.params import topics

    return topics(project.root)


def _page(project, topic: str, suffix: str = "") -> BeautifulSoup:
    path = project.reports_dir / WALES / f"{topic}{suffix}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def _reader_text(page: BeautifulSoup) -> str:
    """What a reader meets: the visible text, alt text and the title (not the link to the
    other language, which is marked as that language)."""
    for other in [*page.find_all("style"), *page.body.find_all(lang=True)]:
        other.decompose()
    alts = [img["alt"] for img in page.find_all("img")]
    return " ".join([page.title.get_text(), page.body.get_text(" "), *alts])


def test_every_wales_briefing_exists_in_both_languages_linked_both_ways(welsh):
    for topic in _topics(welsh):
        for suffix in ("", ".cy"):
            for fmt in FORMATS:
                assert (welsh.reports_dir / WALES / f"{topic}{suffix}.{fmt}").exists()
        english, cymraeg = _page(welsh, topic), _page(welsh, topic, ".cy")
        assert english.html["lang"] == "en-GB" and cymraeg.html["lang"] == "cy"
        to_welsh = english.find("a", hreflang="cy")
        to_english = cymraeg.find("a", hreflang="en")
        assert to_welsh["href"] == f"{topic}.cy.html" and to_welsh.get_text() == "Cymraeg"
        assert to_english["href"] == f"{topic}.html" and to_english.get_text() == "English"
        assert cymraeg.find("a", string="Fersiwn PDF")["href"] == f"{topic}.cy.pdf"


@functools.cache
def _english_named() -> re.Pattern:
    """Whole names of the authorities published under their English name in Welsh."""
    cy = Language("cy")
    names = {a.name for a in local_areas().values() if a.level == "la"}
    english = sorted((n for n in names if cy.area_name(n) == n), key=len, reverse=True)
    return re.compile(r"\b(?:" + "|".join(map(re.escape, english)) + r")\b")


def _english_left(english: BeautifulSoup, cymraeg: BeautifulSoup) -> set[str]:
    """Words of the Welsh page that are English: words of the English page that no Welsh
    string of the catalogue uses, and words that are never Welsh (ENGLISH_ONLY)."""
    catalogue = [m for m in read_po(i18n.catalogue_path("cy").open("rb")) if m.id]
    welsh_words = {
        w.casefold()
        for m in catalogue
        for w in re.findall(r"[^\W\d_]+", ALLOWED.sub(" ", m.string or ""))
    }
    # places by their Welsh names (many are the same in both languages: Conwy, Powys)
    welsh_words |= {
        w.casefold()
        for term in glossary.terms()
        for form in term.forms
        for w in re.findall(r"[^\W\d_]+", form)
    }
    english_words = {w.casefold() for w in re.findall(r"[^\W\d_]+", _reader_text(english))}
    text = ALLOWED.sub(" ", _reader_text(cymraeg))
    # English authorities have no Welsh name: a profile's hex map table lists every one
    text = _english_named().sub(" ", text)
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
    return (ENGLISH_ONLY & words) | {w for w in words & english_words if w not in welsh_words}


def test_the_welsh_pages_hold_no_untranslated_english(welsh):
    for topic in _topics(welsh):
        left = _english_left(_page(welsh, topic), _page(welsh, topic, ".cy"))
        assert not left, (topic, sorted(left))


def _numbers(page: BeautifulSoup) -> dict[str, list[str]]:
    """The figures a page publishes: its summary and findings, each table's cells (by
    table, in order) and each chart's alt text."""
    main = page.find("main")
    found = {
        "summary": NUMBER.findall(main.find("p", class_="summary").get_text()),
        "findings": NUMBER.findall(main.find("section", class_="findings").get_text()),
        "alt": [n for img in main.find_all("img") for n in NUMBER.findall(img["alt"])],
    }
    for i, table in enumerate(main.find_all("table")):
        cells = [c.get_text() for c in table.find_all(["td", "th"]) if c.find_parent("tbody")]
        found[f"table {i} {table['data-table']}"] = [
            n for cell in cells for n in NUMBER.findall(cell)
        ]
    return found


def test_both_versions_publish_identical_numbers(welsh):
    for topic in _topics(welsh):
        english, cymraeg = _numbers(_page(welsh, topic)), _numbers(_page(welsh, topic, ".cy"))
        assert english.keys() == cymraeg.keys()
        for part in ("summary", "findings", "alt"):
            # a Welsh sentence may order its figures differently
            assert collections.Counter(english[part]) == collections.Counter(cymraeg[part]), (
                topic,
                part,
            )
        tables = [k for k in english if k.startswith("table")]
        assert tables and all(english[k] == cymraeg[k] for k in tables), topic


def test_both_workbooks_hold_identical_numbers_and_welsh_sheets(welsh):
    for topic in _topics(welsh):
        books = [
            load_workbook(welsh.reports_dir / WALES / f"{topic}{suffix}.xlsx", read_only=True)
            for suffix in ("", ".cy")
        ]
        numbers = [
            [
                v
                for sheet in book.worksheets[3:]
                for row in sheet.iter_rows(values_only=True)
                for v in row
                if isinstance(v, int | float)
            ]
            for book in books
        ]
        assert numbers[0] and numbers[0] == numbers[1], topic
        english, cymraeg = books
        assert english.sheetnames[:3] == ["Cover", "Contents", "Notes"]
        assert cymraeg.sheetnames[:3] == ["Clawr", "Cynnwys", "Nodiadau"]
        cover = [c for row in cymraeg.worksheets[0].iter_rows(values_only=True) for c in row]
        assert {"Gwybodaeth ragarweiniol", "Am y data hyn"} <= set(cover)
        text = " ".join(c for c in cover if isinstance(c, str))
        assert not ENGLISH_ONLY & {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
        assert all(name.startswith("Tabl ") for name in cymraeg.sheetnames[3:])
        title = next(cymraeg.worksheets[3].iter_rows(values_only=True))[0]
        english_title = next(english.worksheets[3].iter_rows(values_only=True))[0]
        assert title != english_title
        for book in books:
            book.close()


def test_both_csv_files_hold_the_same_figures(welsh):
    for topic in _topics(welsh):
        english, cymraeg = (
            (welsh.reports_dir / WALES / f"{topic}{s}.csv").read_text().splitlines()
            for s in ("", ".cy")
        )
        assert english[0] == cymraeg[0] and len(english) == len(cymraeg)
        drop_area = [re.sub(r"^([^,]*,[^,]*),[^,]*,", r"\1,,", line) for line in english]
        assert drop_area == [re.sub(r"^([^,]*,[^,]*),[^,]*,", r"\1,,", x) for x in cymraeg]
        assert ",W92000004,Cymru," in "\n".join(cymraeg)


def test_welsh_pdfs_are_tagged_cy_and_read_in_welsh(welsh):
    for topic in _topics(welsh):
        for suffix, lang, heading in (("", "en-GB", "Key findings"), (".cy", "cy", "Prif")):
            path = welsh.reports_dir / WALES / f"{topic}{suffix}.pdf"
            pdf = PdfReader(io.BytesIO(path.read_bytes()))
            assert pdf.trailer["/Root"]["/Lang"] == lang, (topic, suffix)
            assert heading in pdf.pages[0].extract_text()
            if suffix:
                text = ALLOWED.sub(" ", " ".join(page.extract_text() for page in pdf.pages))
                words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
                assert not ENGLISH_ONLY & words, (topic, sorted(ENGLISH_ONLY & words))
            assert (
                "pdfuaid:part" in pdf.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
            )


@pytest.mark.browser
def test_no_axe_violations_on_any_welsh_page(welsh):
    with launched() as browser:
        found = {
            topic: problems(browser, welsh.reports_dir / WALES / f"{topic}.cy.html")
            for topic in _topics(welsh)
        }
    assert found == {topic: [] for topic in found}


def test_the_output_check_reads_welsh_counts():
    """A count under the threshold is found in Welsh as in English: after its label and a
    colon in a sentence, and under a '(nifer)' header in a table."""
    from fjo_analysis.check import COUNT_HEADER
    from fjo_analysis.disclosure import small_counts_in

    assert small_counts_in(
        "Nifer y plant yng Nghymru a oedd yn destun achosion gofal yn 2024/25: 3, sef 4.2", 10
    )
    assert small_counts_in("Cyfran y babanod (nifer: 7): 52%.", 10)
    assert small_counts_in(
        "Nifer yr achosion yn 2024/25: 533; nifer ar agor (31 Mawrth 2025): 4;", 10
    )
    # a year, a share, a rate or a count at or above the threshold is not one
    for text in (
        "Nifer y plant yn 2024/25: 911, sef 14.7 fesul 10,000 o blant.",
        "Roedd nifer y plant ar ei uchaf yn 2017/18: 1,149; yn 2024/25: 911.",
        "Nifer y mamau: 518; o'r rhain, roedd 145 (28%) wedi bod",
        "Cyfran (nifer: 12): 5%.",
    ):
        assert small_counts_in(text, 10) == [], text
    assert COUNT_HEADER.search("Plant (nifer)") and COUNT_HEADER.search("Children (number)")


def test_documents_about_wales_are_the_wales_briefings_and_welsh_profiles():
    from fjo_analysis import profiles

    assert i18n.PROFILES == profiles.PROFILES
    assert i18n.about_wales("wales", "infants") and i18n.about_wales("profiles", "W06000015")
    assert not i18n.about_wales("london", "infants")
    assert not i18n.about_wales("profiles", "E06000001")
    # Wales's family court areas are about Wales too; England's are not
    assert i18n.about_wales("profiles", "SWANSEA") and not i18n.about_wales("profiles", "TRURO")


def test_make_builds_welsh_profiles_of_every_welsh_court_area_and_no_other():
    from fjo_analysis.geography import local_areas

    makefile = (Path(__file__).resolve().parents[1] / "Makefile").read_text(encoding="utf-8")
    named = re.search(r"^WELSH_COURT_AREAS := (.*)$", makefile, re.M).group(1).split()
    courts = [c for c, a in local_areas().items() if a.level == "dfj"]
    assert sorted(named) == sorted(c for c in courts if i18n.about_wales("profiles", c))


@pytest.fixture(scope="module")
def methods_pages(project):
    """The release's methods page, written in both languages."""
    from fjo_analysis.publish import write

    write(project)
    return {
        suffix: BeautifulSoup(
            (project.reports_dir / f"methods{suffix}.html").read_text(encoding="utf-8"),
            "html.parser",
        )
        for suffix in ("", ".cy")
    }


def test_the_methods_page_is_in_welsh_and_says_the_translation_awaits_review(
    project, methods_pages
):
    english, cymraeg = methods_pages[""], methods_pages[".cy"]
    assert english.html["lang"] == "en-GB" and cymraeg.html["lang"] == "cy"
    assert english.find("a", hreflang="cy")["href"] == "methods.cy.html"
    assert cymraeg.find("a", hreflang="en")["href"] == "methods.html"
    status = i18n.review_status("cy")
    assert status.fuzzy > 0
    for page, words in ((english, "awaits review"), (cymraeg, "aros i gael ei adolygu")):
        section = page.find("h2", id="translation").find_parent("section").get_text(" ")
        assert words in section
        assert f"{status.fuzzy:,}" in section and f"{status.strings:,}" in section
    assert not _english_left(english, cymraeg)
    pdf = PdfReader(io.BytesIO((project.reports_dir / "methods.cy.pdf").read_bytes()))
    assert pdf.trailer["/Root"]["/Lang"] == "cy"
    assert "Y Gymraeg" in "".join(page.extract_text() for page in pdf.pages)


@pytest.mark.browser
def test_no_axe_violations_on_the_welsh_methods_page(project, methods_pages):
    with launched() as browser:
        assert problems(browser, project.reports_dir / "methods.cy.html") == []


def test_the_index_lists_the_welsh_briefings_in_welsh(welsh, methods_pages):
    from fjo_analysis.index import write_index

    page = BeautifulSoup(write_index(welsh).read_text(encoding="utf-8"), "html.parser")
    section = page.find("section", lang="cy")
    assert section.find("h4").get_text() == "Yn Gymraeg"
    links = [a["href"] for a in section.find_all("a")]
    topics = _topics(welsh)
    assert [f"wales/{t}.cy.html" for t in topics] == [h for h in links if h.endswith(".cy.html")][
        : len(topics)
    ]
    assert "methods.cy.html" in links
    titles = [th.get_text() for th in section.find("tbody").find_all("th")]
    assert titles == [_page(welsh, t, ".cy").h1.get_text() for t in topics]
    del section["lang"]  # read as the page a reader meets (_reader_text skips lang= parts)
    alone = BeautifulSoup(f"<html><title></title><body>{section}</body></html>", "html.parser")
    assert "Yn Gymraeg" in _reader_text(alone)
    assert not _english_left(_page(welsh, topics[0]), alone)
    # the rest of the index stays English, and lists the English Wales briefings too
    assert page.html["lang"] == "en-GB"
    assert f"wales/{topics[0]}.html" in [a["href"] for a in page.find_all("a")]


#: Cardiff; Merthyr Tydfil, small (many [c]); the Swansea family court area
PROFILED = ("W06000015", "W06000024", "SWANSEA")


@pytest.fixture(scope="module")
def welsh_profiles(project):
    """Two Welsh authorities' profiles, built in English and in Welsh."""
    from fjo_analysis.build import build
    from fjo_analysis.profiles import write_params

    write_params(project)
    try:
        for code in PROFILED:
            for lang in ("en", "cy"):
                build("profiles", code, project, engine="fjo-inprocess", lang=lang)
    finally:
        i18n.activate(i18n.SOURCE)
    return project


def _profile(project, code: str, suffix: str = "") -> BeautifulSoup:
    path = project.reports_dir / "profiles" / f"{code}{suffix}.html"
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_welsh_profiles_are_welsh_linked_and_carry_the_same_numbers(welsh_profiles):
    for code in PROFILED:
        english, cymraeg = _profile(welsh_profiles, code), _profile(welsh_profiles, code, ".cy")
        assert cymraeg.html["lang"] == "cy"
        assert english.find("a", hreflang="cy")["href"] == f"{code}.cy.html"
        assert cymraeg.find("a", hreflang="en")["href"] == f"{code}.html"
        welsh_name = (
            i18n.Language("cy").area_name(local_areas()[code].name)
            if code == "SWANSEA"
            else local_authorities().set_index("la_code").loc[code, "la_name_welsh"]
        )
        assert cymraeg.h1.get_text() == f"Proffil cyfiawnder teuluol: {welsh_name}"
        assert not _english_left(english, cymraeg), code
        numbers = _numbers(english), _numbers(cymraeg)
        assert numbers[0].keys() == numbers[1].keys()
        for part in numbers[0]:
            if part.startswith("table"):
                assert numbers[0][part] == numbers[1][part], (code, part)
            else:
                assert collections.Counter(numbers[0][part]) == collections.Counter(
                    numbers[1][part]
                ), (code, part)
        pdf = PdfReader(welsh_profiles.reports_dir / "profiles" / f"{code}.cy.pdf")
        assert pdf.trailer["/Root"]["/Lang"] == "cy"


@pytest.mark.browser
def test_no_axe_violations_on_welsh_profiles(welsh_profiles):
    with launched() as browser:
        found = {
            code: problems(browser, welsh_profiles.reports_dir / "profiles" / f"{code}.cy.html")
            for code in PROFILED
        }
    assert found == {code: [] for code in found}


def test_the_audit_reads_welsh_workbooks_and_csv_files(welsh, tmp_path):
    """The release audit checks every count of a Welsh workbook ('(nifer)' columns) and
    CSV against the store, as it does the English: clean as built, and a count that is
    not the store's is found."""
    import shutil

    from openpyxl import load_workbook as open_book

    from fjo_analysis.disclosure import Rules
    from fjo_analysis.disclosure.audit import csv_problems, workbook_problems

    reports = tmp_path / "reports"
    reports.mkdir()
    for topic in _topics(welsh):
        for fmt in ("xlsx", "csv"):
            shutil.copy(welsh.reports_dir / WALES / f"{topic}.cy.{fmt}", reports)
    rules = Rules(10, 0)
    assert workbook_problems(reports, welsh.stats_dir, rules) == []
    assert csv_problems(reports, welsh.stats_dir) == []
    path = reports / f"{_topics(welsh)[0]}.cy.xlsx"
    book = open_book(path)
    sheet = book["Tabl 1"]
    header_row = next(
        row for row in sheet.iter_rows() if any(str(c.value).endswith("(nifer)") for c in row)
    )
    column = next(c.column for c in header_row if str(c.value).endswith("(nifer)"))
    sheet.cell(row=header_row[0].row + 1, column=column).value = 987_654_321
    book.save(path)
    found = workbook_problems(reports, welsh.stats_dir, rules)
    assert [f for f in found if "987654321" in str(f)], found
