"""``reports/index.html``: every published briefing by area and by topic.

Built from what is published (each briefing's HTML title and first key finding), so the
index never links to a briefing that failed to build.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import jinja2
from markupsafe import Markup

from fjo_analysis import i18n, settings
from fjo_analysis.build import unpublished_topics
from fjo_analysis.disclosure import Rules
from fjo_analysis.files import publish_text
from fjo_analysis.i18n import _
from fjo_analysis.params import area_params, areas, topic_metadata, topics
from fjo_analysis.release import Release
from fjo_analysis.render.html import CSS, TEMPLATES
from fjo_analysis.render.parts import SYNTHETIC_BANNER, build_date

TITLE = re.compile(r"<h1>(.*?)</h1>", re.S)
FIRST_FINDING = re.compile(r'<section class="findings".*?<li>(.*?)</li>', re.S)


def _size(path: Path) -> str:
    kb = path.stat().st_size / 1024
    return f"{kb / 1024:.1f} MB" if kb >= 1024 else f"{kb:.0f} KB"


def _briefing(
    config: settings.Settings, slug: str, topic: str, area_name: str, suffix: str = ""
) -> dict | None:
    page = config.reports_dir / slug / f"{topic}{suffix}.html"
    if not page.exists():
        return None
    text = page.read_text(encoding="utf-8")
    pdf, xlsx, tidy = page.with_suffix(".pdf"), page.with_suffix(".xlsx"), page.with_suffix(".csv")
    return {
        "href": f"{slug}/{topic}{suffix}.html",
        "area": area_name,
        "title": html.unescape(TITLE.search(text).group(1)),
        "headline": html.unescape(m.group(1)) if (m := FIRST_FINDING.search(text)) else "",
        "pdf": f"{slug}/{topic}{suffix}.pdf" if pdf.exists() else None,
        "pdf_size": _size(pdf) if pdf.exists() else "",
        "xlsx": f"{slug}/{topic}{suffix}.xlsx" if xlsx.exists() else None,
        "csv": f"{slug}/{topic}{suffix}.csv" if tidy.exists() else None,
        "topic": topic,
    }


def _formats(b: dict) -> Markup:
    """A briefing's other formats, named in the current language."""
    label = html.escape(_("for {title}").format(title=b["title"]))
    hidden = f'<span class="visually-hidden"> {label}</span>'
    links = []
    if b["pdf"]:
        links.append(f'<a href="{b["pdf"]}">PDF{hidden}</a> ({b["pdf_size"]})')
    if b["xlsx"]:
        spreadsheet = html.escape(_("Spreadsheet"))
        links.append(f'<a href="{b["xlsx"]}">{spreadsheet}{hidden}</a>')
    if b["csv"]:
        links.append(f'<a href="{b["csv"]}">CSV{hidden}</a>')
    return Markup(" · ".join(links))


def _welsh_briefings(config: settings.Settings, slug: str, topic_meta: dict) -> list[dict]:
    """The Welsh versions of an area's briefings (Wales), for the index's Wales section."""
    if not any(i18n.about_wales(slug, t) for t in topic_meta):
        return []
    cy = i18n.Language("cy")
    name = cy.area_name(area_params(slug, config.root).name)
    found = [_briefing(config, slug, t, name, cy.suffix) for t in topic_meta]
    return [b for b in found if b is not None]


# ---------------------------------------------------------------- release information


def release_context(config: settings.Settings) -> dict:
    """The index's release information, downloads and what changed since the previous
    release (from the published figures.csv)."""
    from fjo_analysis import publish
    from fjo_analysis.revisions import compare, read_figures

    reports = config.reports_dir
    figures = reports / publish.FIGURES
    revisions = None
    if config.previous_release and figures.exists():
        revisions = compare(read_figures(figures), config.previous_release)
    return {
        "release": Release.of(config).items(),
        "methods": publish.METHODS_HTML if (reports / publish.METHODS_HTML).exists() else None,
        "methods_pdf": publish.METHODS_PDF if (reports / publish.METHODS_PDF).exists() else None,
        "figures_csv": publish.FIGURES if figures.exists() else None,
        "dictionary": publish.DICTIONARY if (reports / publish.DICTIONARY).exists() else None,
        "revisions": revisions,
        "revision_blocks": publish.revision_blocks(revisions),
        "revisions_listed": [] if revisions is None else revisions.changes.head(publish.LISTED),
        "revisions_csv": publish.REVISIONS if revisions is not None else None,
    }


# -- local profiles: the area finder (issue 13) ------------------------------------------


def _profiles(config: settings.Settings) -> list[dict]:
    """Every published local profile, A-Z: name (and Welsh name), code, region, href."""
    from fjo_analysis.geography import local_authorities
    from fjo_analysis.profiles import PROFILES

    las = local_authorities()
    out = []
    for la in las.sort_values("la_name").itertuples(index=False):
        page = config.reports_dir / PROFILES / f"{la.la_code}.html"
        if page.exists():
            welsh = la.la_name_welsh if isinstance(la.la_name_welsh, str) else ""
            out.append(
                {
                    "code": la.la_code,
                    "name": la.la_name,
                    "welsh": welsh if welsh != la.la_name else "",
                    "region": la.region_name,
                    "letter": la.la_name[0].upper(),
                    "href": f"{PROFILES}/{la.la_code}.html",
                    "welsh_href": f"{PROFILES}/{la.la_code}.cy.html"
                    if page.with_suffix(".cy.html").exists()
                    else None,
                }
            )
    return out


def _court_profiles(config: settings.Settings) -> list[dict]:
    """Every published family court area profile, by country then name."""
    from fjo_analysis.geography import local_areas
    from fjo_analysis.profiles import PROFILES

    courts = [a for a in local_areas().values() if a.level == "dfj"]
    cy = i18n.Language("cy")
    out = []
    for a in sorted(courts, key=lambda a: (a.country, a.name)):
        page = config.reports_dir / PROFILES / f"{a.code}.html"
        if page.exists():
            welsh = page.with_suffix(f"{cy.suffix}.html")
            out.append(
                {
                    "code": a.code,
                    "name": a.name,
                    "country": a.country,
                    "href": f"{PROFILES}/{a.code}.html",
                    "welsh": cy.area_name(a.name),
                    "welsh_href": f"{PROFILES}/{welsh.name}" if welsh.exists() else None,
                }
            )
    return out


# ------------------------------------------------------------------------------------------


def _in_welsh(caller):
    """A part of the index in Welsh (its Wales section): ``{% call welsh() %}``."""
    i18n.activate("cy")
    try:
        return caller()
    finally:
        i18n.activate(i18n.SOURCE)


def write_index(config: settings.Settings) -> Path:
    """Write reports/index.html atomically and return its path."""
    root = config.root
    every_topic = {t: topic_metadata(root, t) for t in topics(root)}
    unpublished = unpublished_topics(config)
    topic_meta = {t: m for t, m in every_topic.items() if t not in unpublished}
    by_area, missing = [], []
    by_topic = {t: [] for t in topic_meta}
    for slug in areas(root):
        params = area_params(slug, root)
        found = []
        for t in topic_meta:
            b = _briefing(config, slug, t, params.name)
            if b is None:
                missing.append(f"{params.name}: {topic_meta[t].get('title', t)}")
                continue
            found.append(b)
            by_topic[t].append(b)
        by_area.append(
            {
                "slug": slug,
                "name": params.name,
                "briefings": found,
                "welsh": _welsh_briefings(config, slug, topic_meta),
            }
        )
    manifest = json.loads((config.processed_dir / "manifest.json").read_text(encoding="utf-8"))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False)
    env.globals.update(_=i18n._, welsh=_in_welsh)
    page = env.get_template("index.html.j2").render(
        css=CSS,
        areas=by_area,
        missing=missing,
        unpublished=[
            (every_topic[t].get("title", t), why) for t, why in sorted(unpublished.items())
        ],
        manifest=manifest,
        synthetic=manifest["synthetic"],
        banner=SYNTHETIC_BANNER,
        formats=_formats,
        topics=[
            {
                "slug": t,
                "title": m.get("title", t),
                "question": m.get("question", ""),
                "briefings": by_topic[t],
            }
            for t, m in topic_meta.items()
        ],
        version=config.version(),
        built=build_date(config.built_at()),
        disclosure_note=Rules(config.suppress_below, config.round_to).note,
        **release_context(config),
        profiles=_profiles(config),
        courts=_court_profiles(config),
    )
    path = config.reports_dir / "index.html"
    publish_text(path, page)
    return path
