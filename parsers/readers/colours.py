"""Traffic lights drawn as colour: a status cell filled (or dotted) green, yellow or red with no text.

Follow-up tables often print no verdict word, only a coloured cell or a coloured dot in a
`Status` / `Trafiklys` column. The reader turns such an empty cell into the word a text cell
would hold (`grøn`, `gul`, `rød`), which the verdict patterns already read; grey, blue and pale
shading (headers, banded rows) are not traffic lights and stay empty. Both PDF readers use this
module, so they agree.
"""

from __future__ import annotations

import colorsys
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import yaml

Fill = tuple[float, float, float, float, str]  # x0, top, x1, bottom, word

_MIN_SATURATION = 0.35
_MIN_VALUE = 0.35
_INSIDE = 1.5  # a fill may overhang its cell by this much (borders are drawn over it)


def traffic_word(r: float, g: float, b: float) -> str | None:
    """`grøn`, `gul` or `rød` for an RGB colour (0-1) that reads as a traffic light, else None."""
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    if s < _MIN_SATURATION or v < _MIN_VALUE:
        return None
    hue = h * 360
    if hue < 20 or hue >= 335:
        return "rød"
    if 20 <= hue < 72:
        return "gul"  # amber and orange are the middle light
    if 75 <= hue < 170:
        return "grøn"
    return None


def colour_to_rgb(colour: Sequence[float] | float | None) -> tuple[float, float, float] | None:
    """pdfplumber's colour values (grey, RGB or CMYK, each 0-1) as RGB; None for patterns and unknowns."""
    if isinstance(colour, int | float):
        colour = (float(colour),)
    if not isinstance(colour, list | tuple) or not all(isinstance(c, int | float) for c in colour):
        return None
    if len(colour) == 1:
        return (colour[0], colour[0], colour[0])
    if len(colour) == 3:
        return (colour[0], colour[1], colour[2])
    if len(colour) == 4:
        c, m, y, k = colour
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def cell_word(cell: tuple[float, float, float, float], fills: list[Fill]) -> str | None:
    """The traffic-light word of the one coloured shape inside an empty cell (a filled cell or a dot)."""
    x0, top, x1, bottom = cell
    words = {w for fx0, ftop, fx1, fbottom, w in fills
             if fx0 >= x0 - _INSIDE and fx1 <= x1 + _INSIDE and ftop >= top - _INSIDE and fbottom <= bottom + _INSIDE}
    return words.pop() if len(words) == 1 else None


def with_fills(texts: list[str | None], cells: Sequence[tuple[float, float, float, float] | None],
               fills: list[Fill]) -> list[str | None]:
    """Row texts with each empty cell (or lone ●) that holds a traffic-light colour given its word."""
    if not fills:
        return texts
    return [word if (not text or is_symbol(text)) and cell is not None and (word := cell_word(cell, fills))
            else text for text, cell in zip(texts, cells, strict=False)]


SYMBOLS = frozenset("●⬤◉■▲◆★•")  # a coloured symbol standing alone in a cell is a traffic light too


def is_symbol(text: str) -> bool:
    return len(text.strip()) == 1 and text.strip() in SYMBOLS


@cache
def _named() -> dict[str, str]:
    data = yaml.safe_load((Path(__file__).resolve().parent.parent / "patterns" / "colours.yaml").read_text("utf-8"))
    return {str(k).lower(): str(v) for k, v in data["named"].items()}


_HEX = re.compile(r"#?([0-9a-f]{6}|[0-9a-f]{3})", re.I)
_RGB = re.compile(r"rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)", re.I)


def css_word(value: str | None) -> str | None:
    """The traffic-light word of a CSS or Word colour value (`#00B050`, `00B050`, `rgb(0,176,80)`, `green`)."""
    if not value:
        return None
    value = value.strip().lower()
    if value in ("auto", "none", "transparent", "inherit"):
        return None
    value = _named().get(value, value)
    if m := _RGB.match(value):
        r, g, b = (int(x) / 255 for x in m.groups())
        return traffic_word(r, g, b)
    if m := _HEX.fullmatch(value):
        digits = m.group(1)
        if len(digits) == 3:
            digits = "".join(c * 2 for c in digits)
        r, g, b = (int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))
        return traffic_word(r, g, b)
    return None


_STYLE_COLOUR = re.compile(r"(?:^|;)\s*(background(?:-color)?|color)\s*:\s*([^;]+)", re.I)


def style_colours(style: str | None) -> tuple[str | None, str | None]:
    """(background word, text-colour word) of an inline CSS style."""
    background = text = None
    for prop, value in _STYLE_COLOUR.findall(style or ""):
        word = css_word(value.split()[0] if prop.lower() == "background" and value.split() else value)
        if prop.lower().startswith("background"):
            background = background or word
        else:
            text = text or word
    return background, text
