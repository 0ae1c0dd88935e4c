"""SVG drawn directly: the few shapes our charts use, text measured from the font's own
advance widths, and tick marks at round numbers.

A chart is laid out once, in points (SVG user units, 72 an inch), from the widths of its
texts; nothing is drawn twice and no plotting library is involved, so a chart costs a
millisecond or two. The output is deterministic: the same chart gives the same bytes.
Text stays text (searchable, and read by the output check); the page supplies the font
(Liberation Sans, metrically Arial, with DejaVu Sans as the fallback), the one measured.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from xml.sax.saxutils import escape, quoteattr

FONT_FAMILY = "'Liberation Sans', 'DejaVu Sans', sans-serif"
INK = "#1a1a1a"  # text and tick labels (afcharts: 0.1 grey)
GRID = "#cccccc"  # grid lines and the axis line (afcharts: 0.8 grey)
LINE_HEIGHT = 1.2  # of the font size
ASCENT = 0.73  # a capital's height, of the font size (Liberation Sans: 1409/2048 em)
DESCENT = 0.21


@functools.cache
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths (in ems) of the chart font's characters, and the average one (for a
    character the font lacks)."""
    from fontTools.ttLib import TTFont
    from matplotlib import font_manager

    props = font_manager.FontProperties(
        family=["Liberation Sans", "DejaVu Sans"], weight="bold" if bold else "normal"
    )
    font = TTFont(font_manager.findfont(props), lazy=True)
    em = font["head"].unitsPerEm
    metrics = font["hmtx"].metrics
    widths = {char: metrics[glyph][0] / em for char, glyph in font.getBestCmap().items()}
    return widths, sum(widths.values()) / len(widths)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of one line of ``text`` at ``size`` points."""
    widths, average = _advances(bold)
    return size * sum(widths.get(ord(c), average) for c in text)


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` points (a single word
    wider than that keeps a line of its own)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            candidate = f"{line} {word}" if line else word
            if line and text_width(candidate, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


def nice_ticks(low: float, high: float, target: int = 6) -> list[float]:
    """Round-numbered ticks (steps of 1, 2, 2.5 or 5 times a power of ten) within
    ``low``..``high``: the finest such steps with at most ``target`` of them across."""
    if not high > low:
        return [low]
    raw = (high - low) / target
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw * 0.999)
    first = math.ceil(low / step - 1e-9)
    last = math.floor(high / step + 1e-9)
    return [round(k * step, 10) for k in range(first, last + 1)]


def tick_decimals(ticks: list[float]) -> int:
    """Decimal places that show every tick exactly (0 for 0, 5, 10; 1 for 2.5, 5.0)."""
    for decimals in range(4):
        if all(abs(t - round(t, decimals)) < 1e-9 for t in ticks):
            return decimals
    return 4


def number(value: float) -> str:
    """A coordinate: at most two decimals, no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def points(xy) -> str:
    """An SVG path through ``xy`` (pairs): 'M x y L x y ...'."""
    return " ".join(f"{'L' if i else 'M'} {number(x)} {number(y)}" for i, (x, y) in enumerate(xy))


def style(**properties) -> str:
    """A style attribute's text: ``stroke_width=2`` -> 'stroke-width: 2'."""
    return "; ".join(
        f"{key.replace('_', '-')}: {number(v) if isinstance(v, float | int) else v}"
        for key, v in properties.items()
        if v is not None
    )


#: Hatch patterns (as drawn in an 8-point tile), named as matplotlib names them.
HATCH_PATHS = {
    "//": "M -2 2 L 2 -2 M 0 8 L 8 0 M 6 10 L 10 6",
    "\\\\": "M -2 6 L 2 10 M 0 0 L 8 8 M 6 -2 L 10 2",
    "xx": "M 0 8 L 8 0 M 0 0 L 8 8 M -2 2 L 2 -2 M 6 10 L 10 6 M -2 6 L 2 10 M 6 -2 L 10 2",
    "--": "M 0 4 L 8 4",
    "++": "M 4 0 L 4 8 M 0 4 L 8 4",
    "..": "M 1 2 A 1 1 0 1 0 3 2 A 1 1 0 1 0 1 2 M 5 6 A 1 1 0 1 0 7 6 A 1 1 0 1 0 5 6",
}


@dataclass
class Drawing:
    """An SVG being drawn, ``width`` points wide; :meth:`svg` closes it at a height."""

    width: float
    parts: list[str] = field(default_factory=list)
    patterns: dict[tuple, str] = field(default_factory=dict)

    def add(self, markup: str) -> None:
        self.parts.append(markup)

    def open(self, **attributes) -> None:
        """Open a group (``id``, ``class``: write ``cls``); close it with :meth:`close`."""
        self.add(f"<g{_attributes(attributes)}>")

    def close(self) -> None:
        self.add("</g>")

    def path(self, d: str, cls: str | None = None, **properties) -> None:
        """A path of style ``properties`` (``fill_opacity=0.25``: 'fill-opacity: 0.25')."""
        self.add(f'<path{_attributes({"class": cls})} d="{d}" style="{style(**properties)}"/>')

    def line(self, xy, colour: str, width: float, dash: str | None = None, **more) -> None:
        self.path(
            points(xy),
            fill="none",
            stroke=colour,
            stroke_width=width,
            stroke_dasharray=dash,
            stroke_linejoin="round",
            **more,
        )

    def rect(self, x: float, y: float, w: float, h: float, cls: str | None = None, **properties):
        corners = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)]
        self.path(points(corners) + " Z", cls, **properties)

    def text(
        self,
        x: float,
        y: float,
        lines: str | list[str],
        size: float,
        bold: bool = False,
        anchor: str = "start",
        colour: str = INK,
        rotate: float = 0,
        halo: bool = False,
        cls: str | None = None,
    ) -> None:
        """Text whose first baseline is at ``y``; each further line one line lower (or,
        rotated, further right)."""
        lines = [lines] if isinstance(lines, str) else lines
        attributes = {
            "x": number(x),
            "y": number(y),
            "font-size": number(size),
            "font-weight": "bold" if bold else None,
            "text-anchor": anchor if anchor != "start" else None,
            "fill": colour,
            "transform": f"rotate({number(rotate)} {number(x)} {number(y)})" if rotate else None,
            "class": cls,
        }
        if halo:  # white behind the glyphs: a line beneath stays visible between them
            attributes.update(
                {"stroke": "white", "stroke-width": "4", "paint-order": "stroke",
                 "stroke-linejoin": "round"}
            )  # fmt: skip
        if len(lines) == 1:
            body = escape(lines[0])
        else:
            step = number(size * LINE_HEIGHT)
            body = "".join(
                f"<tspan{_attributes({'x': number(x), 'dy': step if i else None})}>"
                f"{escape(line)}</tspan>"
                for i, line in enumerate(lines)
            )
        self.add(f"<text{_attributes(attributes)}>{body}</text>")

    def hatch(self, kind: str, colour: str, background: str = "none") -> str:
        """A fill of ``kind`` hatching in ``colour`` over ``background``: 'url(#...)'."""
        key = (kind, colour, background)
        if key not in self.patterns:
            self.patterns[key] = f"hatch{len(self.patterns)}"
        return f"url(#{self.patterns[key]})"

    def svg(self, height: float) -> str:
        defs = "".join(
            f'<pattern id="{name}" patternUnits="userSpaceOnUse" width="8" height="8">'
            + (f'<rect width="8" height="8" fill="{background}"/>' if background != "none" else "")
            + f'<path d="{HATCH_PATHS[kind]}" style="{_hatch_style(kind, colour)}"/></pattern>'
            for (kind, colour, background), name in self.patterns.items()
        )
        w, h = number(self.width), number(height)
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}pt" height="{h}pt" '
            f'viewBox="0 0 {w} {h}" font-family="{FONT_FAMILY}">'
            + (f"<defs>{defs}</defs>" if defs else "")
            + "".join(self.parts)
            + "</svg>\n"
        )


def _hatch_style(kind: str, colour: str) -> str:
    if kind == "..":
        return style(fill=colour, stroke="none")
    return style(fill="none", stroke=colour, stroke_width=1.5, stroke_linecap="square")


def _attributes(attributes: dict) -> str:
    return "".join(
        f" {'class' if key == 'cls' else key}={quoteattr(str(value))}"
        for key, value in attributes.items()
        if value is not None
    )
