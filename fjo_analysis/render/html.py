"""HTML: our own nbconvert exporter and template (no scripts, no CDN, alt text from parts)."""

from __future__ import annotations

import base64
from pathlib import Path

import nbformat
from markdown_it import MarkdownIt
from nbconvert.exporters import TemplateExporter

from fjo_analysis.disclosure import Rules
from fjo_analysis.geography import briefing_areas
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc, format_cell

TEMPLATES = Path(__file__).parent / "templates"
CSS = (TEMPLATES / "briefing.css").read_text(encoding="utf-8")
_markdown = MarkdownIt("commonmark", {"html": False})


def markdown_html(text: str) -> str:
    """Markdown to HTML with raw HTML disabled."""
    return _markdown.render(text)


class BriefingExporter(TemplateExporter):
    """nbconvert exporter for a briefing: the template reads the parts, not the raw cells."""

    export_from_notebook = "FJO briefing"
    output_mimetype = "text/html"

    def __init__(self, **kw):
        super().__init__(
            template_name="fjo",
            template_file="briefing.html.j2",
            extra_template_basedirs=[str(TEMPLATES)],
            **kw,
        )
        self.register_filter("md", markdown_html)
        self.register_filter("cell", format_cell)
        self.register_filter("b64", lambda s: base64.b64encode(s.encode()).decode("ascii"))

    def _file_extension_default(self):
        return ".html"


def render(doc: BriefingDoc, nb: nbformat.NotebookNode, rules: Rules) -> str:
    """The briefing as one self-contained HTML page."""
    areas = {a.code: a.name for a in briefing_areas().values()}
    resources = {
        "doc": doc,
        "css": CSS,
        "banner": SYNTHETIC_BANNER,
        "disclosure_note": rules.note,
        "area_name": areas.get(doc.parameters.get("area", ""), doc.area),
    }
    html, _ = BriefingExporter().from_notebook_node(nb, resources=resources)
    return html
