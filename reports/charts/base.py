"""What every chart is made of: `Chart` and its `Table`, the palette and font,
numbers as people read them (Persian digits, toman), axes and the RTL layout."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import plotly.graph_objects as go

from reliefjobs.lib.money import group_digits, short_toman
from reliefjobs.lib.text import to_persian_digits
from reports import units

FONT = "Vazirmatn FD, Vazirmatn, Tahoma, sans-serif"
# Okabe & Ito (2008), distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#D55E00",
    "#56B4E9",
    "#CC79A7",
    "#F0E442",
    "#000000",
)
PALETTE = [BLUE, ORANGE, GREEN, VERMILLION, SKY, PURPLE, YELLOW, BLACK]
ACTUAL, TARGET, PROJECTION, LAST_YEAR = BLUE, VERMILLION, GREEN, SKY


@dataclass
class Table:
    """A chart's numbers: headers and rows of raw values (int, float, str or None).

    Give money columns (kind "rial") their label without a unit: `headers` then
    holds the file headers (money «… (ریال)», raw rials in the rows, for the
    exports) and `screen_headers` the page's («… (تومان)», shown in toman),
    both from reports.units.
    """

    headers: list[str]
    rows: list[list]
    # How each column reads: "text", "int", "rank" (an int that is not a figure),
    # "rial" (shown in toman), "pct", "dec".
    kinds: list[str] = field(default_factory=list)

    def __post_init__(self):
        kinds = self.kinds or ["text"] * len(self.headers)
        self.labels = list(self.headers)
        self.headers = [
            units.label(h, k, units.FILE) for h, k in zip(self.labels, kinds, strict=True)
        ]
        self.screen_headers = [
            units.label(h, k, units.SCREEN) for h, k in zip(self.labels, kinds, strict=True)
        ]

    def display_rows(self) -> list[list[tuple[str, str]]]:
        """Rows as (kind, Persian text) cells for the page's table."""
        kinds = self.kinds or ["text"] * len(self.headers)
        return [[(k, _display(k, v)) for k, v in zip(kinds, row, strict=True)] for row in self.rows]


def _display(kind: str, value) -> str:
    if value is None:
        return "—"
    if isinstance(value, str):  # a number column's words, e.g. «داده‌ای نیست»
        return value
    if kind in ("int", "rank"):
        return fa_int(value)
    if kind == units.MONEY:
        return units.value(value, units.SCREEN)
    if kind == "pct":
        return fa_pct(value)
    if kind == "dec":
        return fa_decimal(value, 2)
    return str(value)


@dataclass
class Chart:
    id: str
    title: str
    figure: dict
    table: Table
    # Place name → URL of its own dashboard (drill-down from bars, tiles and table rows).
    links: dict = field(default_factory=dict)
    note: str = ""  # a line under the title (e.g. the forecast's basis)

    @property
    def empty(self) -> bool:
        """No figure to draw: every number of its table is missing or zero (the
        page then says «داده‌ای نیست» instead of drawing blank axes)."""
        kinds = self.table.kinds or ["text"] * len(self.table.headers)
        return not any(
            isinstance(v, int | float) and v
            for row in self.table.rows
            for k, v in zip(kinds, row, strict=True)
            if k not in ("text", "rank")
        )


# Numbers as people read them ------------------------------------------------


def fa_int(value: int | None) -> str:
    return "—" if value is None else group_digits(int(value))


def fa_pct(value: float | None) -> str:
    return "—" if value is None else f"{to_persian_digits(round(value))}٪"


def fa_decimal(value: float | None, places: int = 1) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{places}f}".replace(",", "٬").replace(".", "٫")
    return to_persian_digits(text)


def fa_toman(rial: int | None) -> str:
    return "—" if rial is None else units.value(rial, units.SCREEN)


def nice_ticks(top: float, count: int = 5) -> list[float]:
    """Round tick values from 0 to at least `top` (about `count` of them)."""
    if top <= 0:
        return [0, 1]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    n = math.ceil(top / step)
    return [round(i * step, 10) for i in range(n + 1)]


def _toman_tick(toman: float) -> str:
    return short_toman(int(toman) * 10).replace(" تومان", "") if toman else to_persian_digits(0)


def _axis(values: list[float], fmt=fa_int, **extra) -> dict:
    """A value axis with Persian tick labels computed here (Plotly would print Latin digits)."""
    ticks = nice_ticks(max([v for v in values if v is not None] or [0]))
    return {
        "tickmode": "array",
        "tickvals": ticks,
        "ticktext": [fmt(t) for t in ticks],
        "range": [0, ticks[-1] * 1.02],
        "gridcolor": "#e3e7ec",
        "zeroline": False,
        **extra,
    }


def _layout(height: int = 420, **extra) -> dict:
    layout = {
        "template": "none",
        "font": {"family": FONT, "size": 13, "color": "#1f2933"},
        "separators": "٫٬",
        "height": height,
        "margin": {"l": 24, "r": 72, "t": 40, "b": 48},
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "legend": {
            "orientation": "h",
            "x": 1,
            "xanchor": "right",
            "y": 1.02,
            "yanchor": "bottom",
            "traceorder": "normal",
        },
        "hoverlabel": {"font": {"family": FONT}, "align": "right"},
        "showlegend": True,
    }
    layout.update(extra)
    return layout


def _figure(traces: list, layout: dict) -> dict:
    # to_json validates against the plotly.js schema, then plain JSON data
    # goes to the template (json_script) and the cache.
    return json.loads(go.Figure(data=traces, layout=layout).to_json())


def _name_margin(names: list[str]) -> dict:
    """Room on the right for category names: Plotly's automargin does not
    measure right-hand tick labels of Persian text reliably."""
    longest = max((len(n) for n in names), default=4)
    return {"l": 24, "r": min(260, 20 + 8 * longest), "t": 40, "b": 48}


def _hover(lines: list[str]) -> str:
    return "<br>".join(lines)
