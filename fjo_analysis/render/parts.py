"""Read the parts a briefing recorded in its executed notebook, and format their values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import nbformat

from fjo_analysis import i18n
from fjo_analysis.disclosure import MARK, NOT_AVAILABLE
from fjo_analysis.i18n import N_, _
from fjo_analysis.language import NOT_AVAILABLE_NOTE, rounded
from fjo_analysis.release import Release
from fjo_analysis.settings import Settings
from fjo_analysis.stats import NOT_SIGNIFICANT
from fjo_analysis.years import financial_year_label

SYNTHETIC_BANNER = N_(
    "These figures come from made-up data that show how the briefing works. "
    "They are not real statistics."
)
#: Parameters that are wording, not inputs: left out of the provenance block.
WORDING_PARAMETERS = {"area_notes"}
#: Plain names for the notebook parameters shown under "Technical details".
PARAMETER_WORDS = {
    "area": N_("area code"),
    "stats_dir": N_("statistics folder"),
    "data_dir": N_("prepared data folder"),
    "suppress_below": N_("counts suppressed below"),
    "round_to": N_("counts rounded to (0: not rounded)"),
    "lang": N_("language"),
}


@dataclass
class BriefingDoc:
    """Everything a renderer needs, in reading order."""

    title: str
    summary: str
    findings: list[str]
    body: list[dict]  # figures, tables, sections and narrative, in notebook order
    disclosure: list[dict]
    manifest: dict
    parameters: dict
    area: str
    topic: str
    code_version: str
    built: dt.datetime  # the build's date (SOURCE_DATE_EPOCH when set), UTC
    lang: i18n.Language = i18n.Language(i18n.SOURCE)

    @property
    def build_date(self) -> str:
        return build_date(self.built)

    release: Release | None = None  # release information, set by the build

    @property
    def not_available_note(self) -> str:
        """What [x] means, said beside what [c] means on every page."""
        return self.lang.gettext(NOT_AVAILABLE_NOTE)

    @property
    def source_name(self) -> str:
        """The data source's name (the synthetic extract's in the reader's language)."""
        return self.lang.value(self.manifest["source_name"])

    @property
    def suffix(self) -> str:
        """'' or '.cy': the file names of this language's version."""
        return self.lang.suffix

    def other_versions(self) -> list[tuple[i18n.Language, str]]:
        """The other language versions of a document about Wales, by file name (from
        beside this one), for the link between them; none for any other document."""
        if not i18n.about_wales(self.area, self.topic):
            return []
        return [
            (other, f"{self.topic}{other.suffix}.html")
            for other in map(i18n.Language, i18n.LANGUAGES)
            if other.code != self.lang.code
        ]

    @property
    def synthetic(self) -> bool:
        return bool(self.manifest.get("synthetic"))

    def tables(self) -> list[dict]:
        """Every table of the briefing, including the data behind each figure."""
        return [
            p["table"] if p["kind"] == "figure" else p
            for p in self.body
            if p["kind"] in ("figure", "table")
        ]

    def about(self) -> list[tuple[str, str]]:
        """What the briefing was built from, in plain words."""
        m = self.manifest
        return [
            (
                _("Data source"),
                self.source_name + (_(" (illustrative only)") if self.synthetic else ""),
            ),
            (
                _("Data covers"),
                _("financial years {first} to {last}; extract date {extract_date}").format(
                    first=financial_year_label(m["first_year"]),
                    last=financial_year_label(m["last_year"]),
                    extract_date=m["extract_date"],
                ),
            ),
            (_("Built"), self.build_date),
        ]

    def technical(self) -> list[tuple[str, str]]:
        """How to reproduce it: the data file's fingerprint, code version and settings."""
        words = {k: _(w) for k, w in PARAMETER_WORDS.items()}
        settings = "; ".join(
            f"{words.get(k, k.replace('_', ' '))}: {v}"
            for k, v in sorted(self.parameters.items())
            if k not in WORDING_PARAMETERS
        )
        return [
            (_("Data file fingerprint (SHA-256)"), self.manifest["source_sha256"]),
            *self._code_mapping(),
            (_("Code version"), self.code_version),
            (_("Settings used"), settings),
        ]

    def provenance(self) -> list[tuple[str, str]]:
        return self.about() + self.technical()

    def _code_mapping(self) -> list[tuple[str, str]]:
        """How the extract's local-authority codes were mapped to April-2024 geography."""
        by_kind = self.manifest.get("code_mapping", {}).get("rows_by_mapping", {})
        if not by_kind:
            return []
        words = {
            "current": N_("current codes"),
            "retired→successor": N_("retired codes mapped to their successor"),
            "combined unit": N_("codes of authorities that later split, under a combined unit"),
            "newer code→2024 unit": N_("newer codes mapped to the 2024 authority"),
            "unknown": N_("unknown codes"),
        }
        text = "; ".join(
            _("{rows} rows: {what}").format(rows=f"{rows:,}", what=_(words[k]) if k in words else k)
            for k, rows in by_kind.items()
        )
        return [(_("Local-authority codes (April 2024 geography)"), text)]


def build_date(moment: dt.datetime) -> str:
    """A build's date as outputs state it: UTC, ISO 8601 to the minute."""
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def read(
    nb: nbformat.NotebookNode, area: str, topic: str, config: Settings, lang: str = i18n.SOURCE
) -> BriefingDoc:
    """Collect the parts from an executed notebook. Markdown cells are published unless
    tagged 'internal' (in ``lang``: the catalogue has each published cell, as
    ``make translations`` extracts it); raw cells (the Quarto front matter) never are.
    ``lang`` becomes the current language, for the renderers' own words."""
    language = i18n.activate(lang)
    headline, findings, body, disclosure, manifest = None, [], [], [], {}
    for cell in nb.cells:
        if cell.cell_type == "markdown" and "internal" not in cell.metadata.get("tags", []):
            source = cell.source
            if language.code != i18n.SOURCE:
                source = language.gettext(source.strip())
            body.append({"kind": "markdown", "markdown": source})
        for output in cell.get("outputs", []):
            part = output.get("metadata", {}).get("fjo")
            if part is None:
                continue
            kind = part["kind"]
            if kind == "headline":
                headline = part
            elif kind == "finding":
                findings.append(part["text"])
            elif kind == "disclosure":
                disclosure.append(part)
            elif kind == "provenance":
                manifest = part["manifest"]
            else:
                body.append(part)
    if headline is None:
        raise ValueError(f"{area}/{topic}: the notebook recorded no headline (Briefing.headline)")
    params = dict(nb.metadata.get("papermill", {}).get("parameters", {}))
    return BriefingDoc(
        title=headline["title"],
        summary=headline["summary"],
        findings=findings,
        body=body,
        disclosure=disclosure,
        manifest=manifest,
        parameters=params,
        area=area,
        topic=topic,
        code_version=config.version(),
        built=config.built_at(),
        lang=language,
    )


def format_cell(value, kind: str) -> str:
    """A published value as text: counts with separators, rates and shares to 1 dp; a
    comparison as it reads under its "Compared with ..." heading; a label (an area, an
    age band, a final order) in the current language."""
    if value is None:
        return NOT_AVAILABLE
    if value == NOT_SIGNIFICANT:
        return _("not significantly different")
    if value in (MARK, NOT_AVAILABLE) or kind == "text":
        return str(i18n.current().value(value))
    if kind == "count":
        return f"{int(value):,}"
    if kind == "p":
        return "<0.001" if float(value) < 0.001 else f"{float(value):.3f}"
    return f"{rounded(value, 1):,.1f}"
