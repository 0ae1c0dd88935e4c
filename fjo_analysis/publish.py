"""``fjo release``: the release-wide outputs, from the statistics store and the settings.

* ``reports/figures.csv``: every figure of the release, tidy, and
  ``reports/figures-dictionary.csv``, what each column and measure means;
* ``reports/revisions.csv``: what changed since the previous release (only when
  FJO_PREVIOUS_RELEASE is set; otherwise an old one is removed);
* ``reports/methods.html`` and ``reports/methods.pdf``: the methods and quality page, and
  ``methods.cy.html`` / ``methods.cy.pdf``, the same page in Welsh (it covers Wales).

Each is checked for disclosive figures (as ``fjo check`` does) before any is published,
and all are renamed into place together, the HTML last.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import TYPE_CHECKING

from fjo_analysis import i18n, settings
from fjo_analysis.check import check_csv, check_html, check_pdf
from fjo_analysis.disclosure import Rules
from fjo_analysis.errors import BriefingError
from fjo_analysis.figures import store
from fjo_analysis.files import staged, writing
from fjo_analysis.i18n import _
from fjo_analysis.params import area_params, areas, topic_metadata, topics
from fjo_analysis.release import Release, long_date
from fjo_analysis.render import csv as tidy
from fjo_analysis.render.parts import build_date
from fjo_analysis.revisions import REVISED, SUPPRESSED, UNSUPPRESSED, Revisions, compare

if TYPE_CHECKING:  # imported where used: the index needs only this module's names
    from fjo_analysis import methods

FIGURES, DICTIONARY, REVISIONS = "figures.csv", "figures-dictionary.csv", "revisions.csv"
METHODS_HTML, METHODS_PDF = "methods.html", "methods.pdf"
#: The languages of the methods page (Welsh: the release covers Wales).
METHODS_LANGUAGES = ("en", "cy")
#: How many revised figures the pages list (revisions.csv has them all).
LISTED = 20


def revisions_of(config: settings.Settings, figures) -> Revisions | None:
    return compare(figures, config.previous_release) if config.previous_release else None


def revision_blocks(revisions: Revisions | None) -> list:
    """What changed, as page blocks (for the methods page and the index)."""
    if revisions is None:
        return [
            ("p", _("No previous release was given for this build, so no revisions are listed."))
        ]
    counts = {c: revisions.count(c) for c in (REVISED, SUPPRESSED, UNSUPPRESSED)}
    blocks = [
        (
            "p",
            _(
                "Compared with the previous release ({previous}): {revised} figures revised, "
                "{suppressed} newly suppressed, {unsuppressed} no longer suppressed. New "
                "years: {years}. Every change is listed in revisions.csv."
            ).format(
                previous=revisions.previous.name,
                revised=f"{counts[REVISED]:,}",
                suppressed=f"{counts[SUPPRESSED]:,}",
                unsuppressed=f"{counts[UNSUPPRESSED]:,}",
                years=", ".join(revisions.new_years) or _("none"),
            ),
        )
    ]
    if len(revisions.changes):
        blocks.append(
            (
                "table",
                {
                    "id": "revisions-by-table",
                    "caption": _("Figures changed since the previous release, by table"),
                    "header": [_("Table"), _("Figures"), _("Change")],
                    "rows": [
                        [r.table, f"{r.figures:,}", _(r.change)]
                        for r in revisions.by_table().itertuples(index=False)
                    ],
                },
            )
        )
    return blocks


def revisions_section(revisions: Revisions | None) -> methods.Section:
    from fjo_analysis import methods

    policy = _(
        "Every release recomputes all years from the latest extract. Figures for recent "
        "years change as open cases end and late records arrive; suppression may change "
        "as counts change. Errors found after release are corrected at once, and the "
        "correction is explained here. Figures revised since the previous release are "
        "listed below and on the index page."
    )
    return methods.Section(
        "revisions", _("Revisions"), [("p", policy), *revision_blocks(revisions)]
    )


def coverage(config: settings.Settings) -> dict:
    """The areas and topics of the release, named in the current language."""
    root, lang = config.root, i18n.current()
    return {
        "areas": [lang.area_name(area_params(slug, root).name) for slug in areas(root)],
        "topics": [lang.gettext(topic_metadata(root, t).get("title", t)) for t in topics(root)],
    }


def technical(config: settings.Settings, processed: dict) -> list[tuple]:
    rules = Rules(config.suppress_below, config.round_to)
    return [
        (_("Data source"), i18n.current().value(processed["source_name"])),
        (_("Data file SHA-256"), processed["source_sha256"]),
        (_("Code version"), config.version()),
        (
            _("Disclosure settings"),
            _("threshold {threshold}; rounding {rounding}").format(
                threshold=rules.threshold, rounding=rules.round_to or _("none")
            ),
        ),
        (
            _("Release date"),
            long_date(Release.of(config).release_date)
            + ("" if config.release_date else _(" (the build date: FJO_RELEASE_DATE is not set)")),
        ),
        (_("Built"), build_date(config.built_at())),
    ]


def write(config: settings.Settings) -> list[Path]:
    """Write the release-wide outputs; return their paths."""
    from fjo_analysis import methods
    from fjo_analysis.render import methods_page

    processed = _manifest(config.processed_dir / "manifest.json")
    stats = _manifest(config.stats_dir / "manifest.json")
    tables = store.tables(config.stats_dir)
    figures = tidy.release_rows(tables)
    revisions = revisions_of(config, figures)
    out = config.reports_dir
    out.mkdir(parents=True, exist_ok=True)
    moment = config.built_at()
    synthetic, built = bool(processed.get("synthetic")), build_date(moment)
    texts = {
        out / FIGURES: tidy.to_text(figures),
        out / DICTIONARY: tidy.to_text(tidy.dictionary(figures)),
    }
    if revisions is not None:
        texts[out / REVISIONS] = tidy.to_text(revisions.changes)
    pdfs = {}
    try:
        for code in METHODS_LANGUAGES:
            suffix = i18n.activate(code).suffix
            sections = methods.sections(
                processed,
                stats,
                tables,
                Release.of(config),
                coverage(config),
                [revisions_section(revisions)],
                technical(config, processed),
            )
            html_path = out / METHODS_HTML.replace(".html", f"{suffix}.html")
            texts[html_path] = methods_page.html(sections, synthetic, built)
            pdf_path = out / METHODS_PDF.replace(".pdf", f"{suffix}.pdf")
            pdfs[pdf_path] = methods_page.pdf(sections, synthetic, built, int(moment.timestamp()))
    finally:
        i18n.activate(i18n.SOURCE)
    temporary = {final: staged(final) for final in [*texts, *pdfs]}
    try:
        for final, text in texts.items():
            with writing(final):
                temporary[final].write_text(text, encoding="utf-8")
        for final, pdf in pdfs.items():
            with writing(final):
                temporary[final].write_bytes(pdf)
        leaks = _leaks(temporary, config.suppress_below)
        if leaks:
            raise BriefingError(
                "the release's methods page and CSV files are refused, disclosure check "
                "failed:\n" + "\n".join(str(leak) for leak in leaks)
            )
        for final in sorted(temporary, key=lambda p: p.name == METHODS_HTML):
            with writing(final):
                temporary[final].replace(final)
        if revisions is None:
            (out / REVISIONS).unlink(missing_ok=True)
    finally:
        for tmp in temporary.values():
            tmp.unlink(missing_ok=True)
    return list(temporary)


def _leaks(temporary: dict[Path, Path], threshold: int) -> list:
    """Disclosive figures in the staged files, each named by the file it would publish."""
    leaks = []
    for final, tmp in temporary.items():
        if final.suffix == ".csv":
            found = check_csv(tmp, threshold)
        elif final.suffix == ".pdf":
            found = check_pdf(tmp, threshold)
        else:
            found = check_html(tmp, threshold, None)
        leaks += [dataclasses.replace(leak, path=final) for leak in found]
    return leaks


def _manifest(path: Path) -> dict:
    if not path.exists():
        raise FileNotFoundError(f"no manifest at {path}: run `make stats` first")
    return json.loads(path.read_text(encoding="utf-8"))
