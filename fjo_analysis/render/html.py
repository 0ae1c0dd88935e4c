"""HTML: the briefing as one standalone page, rendered with Jinja (no scripts, no CDN).

The page is rendered from the briefing's parts (:mod:`fjo_analysis.render.parts`), which
the PDF and the workbook read too, not from the notebook's cells: the notebook's published
Markdown cells are parts already (in notebook order, unless tagged ``internal``), so an
nbconvert exporter would only have wrapped this template.
"""

from __future__ import annotations

import base64
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt

from fjo_analysis import i18n
from fjo_analysis.disclosure import Rules
from fjo_analysis.related import Links
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc, format_cell

TEMPLATES = Path(__file__).parent / "templates"
CSS = (TEMPLATES / "briefing.css").read_text(encoding="utf-8")
_markdown = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> str:
    """Markdown to HTML with raw HTML disabled."""
    return _markdown.render(text)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES / "fjo"),
        extensions=["jinja2.ext.loopcontrols"],
        autoescape=False,  # the template escapes every value itself (``| e``)
    )
    env.globals["_"] = i18n._  # the current language's (the build activates the document's)
    env.filters.update(
        md=markdown_html,
        cell=format_cell,
        b64=lambda s: base64.b64encode(s.encode()).decode("ascii"),
    )
    return env


TEMPLATE = _environment().get_template("briefing.html.j2")


def _area_name(code: str, slug: str) -> str:
    """The area a document is about, by name (a local profile's authority too)."""
    from fjo_analysis.geography import area

    try:
        return area(code).name
    except (KeyError, ValueError):
        return slug


def methods_page(lang: i18n.Language) -> str:
    """The methods and quality page in this language (relative to reports/)."""
    return f"methods{lang.suffix}.html"


def render(doc: BriefingDoc, rules: Rules, related: Links | None = None) -> str:
    """The briefing as one self-contained HTML page (with ``related``, the links between
    a briefing and its area's local profiles)."""
    resources = {
        "doc": doc,
        "css": CSS,
        "banner": doc.lang.gettext(SYNTHETIC_BANNER),
        "disclosure_note": rules.note,
        "area_name": doc.lang.area_name(_area_name(doc.parameters.get("area", ""), doc.area)),
        "methods": methods_page(doc.lang),
        "related": related,
    }
    return TEMPLATE.render(resources=resources)
