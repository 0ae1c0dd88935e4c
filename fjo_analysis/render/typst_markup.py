"""Typst markup from plain text and from Markdown (headings, lists, emphasis, links)."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_SPECIAL = re.compile(r"([\\#$*_`<>@\[\]~=/\-+\"])")
_parser = MarkdownIt("commonmark", {"html": False})


def escape(text: str) -> str:
    """Plain text safe inside Typst markup."""
    return _SPECIAL.sub(r"\\\1", text)


def string(text: str) -> str:
    """A Typst string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown(text: str, heading_offset: int = 0) -> str:
    """Markdown (CommonMark) as Typst markup."""
    out: list[str] = []
    list_stack: list[str] = []
    for token in _parser.parse(text):
        t = token.type
        if t == "heading_open":
            out.append("=" * (int(token.tag[1]) + heading_offset) + " ")
        elif t in ("heading_close", "paragraph_close"):
            out.append("\n" if list_stack and t == "paragraph_close" else "\n\n")
        elif t in ("bullet_list_open", "ordered_list_open"):
            list_stack.append("- " if t == "bullet_list_open" else "+ ")
        elif t in ("bullet_list_close", "ordered_list_close"):
            list_stack.pop()
            out.append("\n")
        elif t == "list_item_open":
            out.append("  " * (len(list_stack) - 1) + list_stack[-1])
        elif t == "inline":
            out.append(_inline(token.children or []))
        elif t in ("fence", "code_block"):
            out.append(f"#raw({string(token.content)}, block: true)\n\n")
    return "".join(out).strip() + "\n"


def _inline(tokens) -> str:
    out = []
    for token in tokens:
        t = token.type
        if t == "text":
            out.append(escape(token.content))
        elif t in ("strong_open", "strong_close"):
            out.append("*")
        elif t in ("em_open", "em_close"):
            out.append("_")
        elif t == "code_inline":
            out.append(f"#raw({string(token.content)})")
        elif t == "link_open":
            out.append(f"#link({string(token.attrs.get('href', ''))})[")
        elif t == "link_close":
            out.append("]")
        elif t in ("softbreak", "hardbreak"):
            out.append(" " if t == "softbreak" else " \\\n")
    return "".join(out)
