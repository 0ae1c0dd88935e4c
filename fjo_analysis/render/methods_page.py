"""The methods and quality page as HTML and as a tagged PDF/UA-1 (Typst, as the briefings)."""

from __future__ import annotations

import jinja2

from fjo_analysis import i18n
from fjo_analysis.i18n import _
from fjo_analysis.methods import TITLE, Section
from fjo_analysis.render.html import CSS, TEMPLATES
from fjo_analysis.render.parts import SYNTHETIC_BANNER
from fjo_analysis.render.pdf import compile_pdf, opening
from fjo_analysis.render.typst_markup import escape


def html(sections: list[Section], synthetic: bool, built: str) -> str:
    """The page in the current language (``i18n.activate``), linked to its other version."""
    lang = i18n.current()
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False)
    env.globals["_"] = i18n._
    return env.get_template("methods.html.j2").render(
        title=_(TITLE),
        css=CSS,
        sections=sections,
        synthetic=synthetic,
        banner=_(SYNTHETIC_BANNER),
        built=built,
        lang=lang,
        suffix=lang.suffix,
        others=[i18n.Language(c) for c in i18n.LANGUAGES if c != lang.code],
    )


def _block(b) -> str:
    kind, body = b
    if kind == "p":
        return f"{escape(body)}\n\n"
    if kind == "ul":
        return "".join(f"- {escape(item)}\n" for item in body) + "\n"
    if kind == "dl":
        return "".join(f"/ {escape(term)}: {escape(text)}\n" for term, text in body) + "\n"
    header = ", ".join(f"[*{escape(h)}*]" for h in body["header"])
    cells = ", ".join(f"[{escape(str(v))}]" for row in body["rows"] for v in row)
    columns = len(body["header"])
    return (
        f"#figure(kind: table, caption: [{escape(body['caption'])}],\n"
        f"  table(columns: {columns}, align: left,\n"
        f"    table.header({header}),\n    {cells}))\n\n"
    )


def typst_source(sections: list[Section], synthetic: bool, built: str) -> str:
    lang, title = i18n.current(), _(TITLE)
    parts = [opening(title, built, lang, synthetic)]
    parts.append(f"= {escape(title)}\n\n")
    for s in sections:
        parts.append(f"== {escape(s.heading)}\n\n")
        parts.extend(_block(b) for b in s.blocks)
    return "".join(parts)


def pdf(sections: list[Section], synthetic: bool, built: str, timestamp: int) -> bytes:
    """The page as a tagged PDF/UA-1 document, dated ``timestamp`` (the build's)."""
    return compile_pdf(typst_source(sections, synthetic, built), timestamp)
