"""PDF: the briefing as a Typst document compiled to tagged PDF/UA-1 (A4, Liberation Sans)."""

from __future__ import annotations

import os

import typst

from fjo_analysis.disclosure import Rules
from fjo_analysis.render.parts import SYNTHETIC_BANNER, BriefingDoc, format_cell
from fjo_analysis.render.typst_markup import escape, markdown, string

ACCENT = 'rgb("#12436D")'
PREAMBLE = """#set document(title: {title}, author: "Family justice briefings (fjo_analysis)")
#set text(lang: "en", region: "GB", font: ("Liberation Sans", "DejaVu Sans"), size: 10.5pt)
#set page(paper: "a4", margin: (x: 1.7cm, y: 1.7cm), header: {header},
  footer: context [#set text(size: 8.5pt); {footer} #h(1fr)
    Page #counter(page).display() of #counter(page).final().first()])
#set par(justify: false, leading: 0.6em)
#show heading.where(level: 1): set text(size: 20pt, fill: {accent})
#show heading.where(level: 2): set text(size: 14pt, fill: {accent})
#show figure.caption: set text(weight: "bold")
#show figure.where(kind: table): set figure.caption(position: top)
#show figure.where(kind: table): set block(breakable: true)
#set table(stroke: (x, y) => if y == 0 {{ (bottom: 1pt) }} else {{ (bottom: 0.4pt + luma(180)) }})
#show table: set text(size: 8pt)
#set table(inset: (x: 4pt, y: 3pt))
"""


def _table(t: dict) -> str:
    align = ", ".join("right" if c["kind"] != "text" else "left" for c in t["columns"])
    header = ", ".join(f"[*{escape(c['label'])}*]" for c in t["columns"])
    cells = ", ".join(
        f"[{escape(format_cell(v, c['kind']))}]"
        for row in t["rows"]
        for v, c in zip(row, t["columns"], strict=True)
    )
    notes = "".join(f"\n#text(size: 8.5pt)[{escape(n)}]\n" for n in t["notes"])
    return (
        f"#figure(kind: table, caption: [{escape(t['caption'])}],\n"
        f"  table(columns: {len(t['columns'])}, align: ({align},),\n"
        f"    table.header({header}),\n    {cells}))\n{notes}\n"
    )


def source(doc: BriefingDoc, rules: Rules) -> tuple[str, dict[str, str]]:
    """Typst source for the briefing and the SVG inputs it reads (by key)."""
    banner = "Illustrative synthetic data: not real statistics" if doc.synthetic else ""
    header = f'[#set text(size: 8.5pt, weight: "bold"); {escape(banner)}]' if banner else "none"
    footer = escape(f"{doc.title} · built {doc.build_date}")
    parts = [PREAMBLE.format(title=string(doc.title), header=header, footer=footer, accent=ACCENT)]
    if doc.synthetic:
        parts.append(
            f'#block(fill: rgb("#FFF4C2"), inset: 8pt, width: 100%)'
            f"[*Illustrative synthetic data.* {escape(SYNTHETIC_BANNER)}]\n"
        )
    parts.append(f"= {escape(doc.title)}\n\n{escape(doc.summary)}\n\n")
    findings = "\n".join(f"- {escape(f)}" for f in doc.findings)
    parts.append(
        f"#block(fill: luma(243), inset: 10pt, width: 100%, stroke: (left: 4pt + "
        f"{ACCENT}))[\n== Key findings\n{findings}\n]\n\n"
    )
    inputs = {}
    for i, part in enumerate(doc.body):
        kind = part["kind"]
        if kind == "figure":
            key = f"figure{i}"
            inputs[key] = part["svg"]
            parts.append(
                f'#figure(image(bytes(sys.inputs.at({string(key)})), format: "svg", '
                f"width: 76%, alt: {string(part['alt'])}),\n"
                f"  caption: [{escape(part['caption'])}])\n\n"
            )
            parts.append(_table(part["table"]))
        elif kind == "table":
            parts.append(_table(part))
        elif kind == "section":
            parts.append(f"== {escape(part['heading'])}\n\n{markdown(part['markdown'])}\n")
        elif kind == "markdown":
            parts.append(markdown(part["markdown"]) + "\n")
    if doc.release:
        release = "\n".join(
            f"/ {escape(term)}: {escape(text)}" for term, text in doc.release.items()
        )
        parts.append(
            f"== Release information\n\n{release}\n/ Methods and quality: "
            f'#link("../methods.pdf")[methods and quality information for this release]\n\n'
        )
    about = "\n".join(f"/ {escape(term)}: {escape(value)}" for term, value in doc.provenance())
    parts.append(
        f"== About this briefing\n\n#set text(size: 9pt)\n{about}\n"
        f"/ Disclosure control: {escape(rules.note)}\n"
    )
    return "".join(parts), inputs


def render(doc: BriefingDoc, rules: Rules) -> bytes:
    """The briefing as a tagged PDF/UA-1 document."""
    text, inputs = source(doc, rules)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return typst.compile(
        text.encode("utf-8"),
        sys_inputs=inputs,
        pdf_standards=["ua-1"],
        timestamp=int(epoch) if epoch else None,
    )
