"""Plotly figures and their data tables, built server-side once per view.

Every chart is a `Chart`: an id, a title, the figure as plain JSON data (for
`json_script` and static/js/dashboard.js) and the `Table` of exactly the
numbers it draws (shown on demand and exported to CSV/XLSX).

Conventions (see the dashboards issue): months are Jalali category labels,
every number a user reads is in Persian digits with «٬» separators (ticks and
hover text are formatted here, not by Plotly), the layout is right-to-left
(value axis on the right, time running right to left, legend at top right),
the font is Vazirmatn FD, the palette is Okabe-Ito (colour-blind safe) and a
target is always drawn differently from an actual (a vermillion tick or a
dashed line, never a bar).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from reliefjobs.lib.jalali import month_label, month_name
from reliefjobs.lib.money import group_digits, short_toman
from reliefjobs.lib.text import to_persian_digits
from reports import plotly_text, progress, units

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


# Goal vs actual by place ----------------------------------------------------


def ranked(rows: list[dict]) -> list[dict]:
    """Rows sorted by achievement (no target last), each with `achievement` added."""
    out = [{**r, "achievement": progress.achievement(r["jobs"], r["target_jobs"])} for r in rows]
    out.sort(
        key=lambda r: (r["achievement"] is None, -(r["achievement"] or 0), -r["jobs"], r["name"])
    )
    return out


def goal_vs_actual(
    chart_id: str, title: str, rows: list[dict], place_header: str, link=None, marks=None
) -> Chart:
    """Horizontal bars of jobs per place, best achievement on top, target as a tick.

    `marks`: an extra marker trace on the same rows (reports.pace's "where it
    should be by now").
    """
    rows = ranked(rows)
    links = {r["name"]: link(r) for r in rows} if link else {}
    names = [r["name"] for r in rows]
    hover = [
        _hover(
            [
                f"<b>{plotly_text.label(r['name'])}</b>",
                f"{_('Jobs created')}: {fa_int(r['jobs'])}",
                f"{_('Target')}: {fa_int(r['target_jobs'])}",
                f"{_('Achieved')}: {fa_pct(r['achievement'])}",
            ]
        )
        for r in rows
    ]
    bars = go.Bar(
        name=_("Jobs created"),
        x=[r["jobs"] for r in rows],
        y=plotly_text.labels(names),
        orientation="h",
        marker={"color": ACTUAL},
        hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>",
        text=[fa_pct(r["achievement"]) if r["achievement"] is not None else "" for r in rows],
        # Upright, full-size labels: inside a bar wide enough, beside it otherwise
        # (Plotly would rotate and shrink them inside narrow bars).
        textposition="auto",
        textangle=0,
        insidetextanchor="start",
        insidetextfont={"color": "#ffffff"},
        outsidetextfont={"color": "#1f2933"},
        cliponaxis=False,
        customdata=[links.get(n) for n in names] if links else None,
    )
    with_target = [r for r in rows if r["target_jobs"] is not None]
    targets = go.Scatter(
        name=_("Target"),
        x=[r["target_jobs"] for r in with_target],
        y=[plotly_text.label(r["name"]) for r in with_target],
        mode="markers",
        marker={"symbol": "line-ns-open", "size": 16, "line": {"width": 4, "color": TARGET}},
        hovertext=[hover[rows.index(r)] for r in with_target],
        hovertemplate="%{hovertext}<extra></extra>",
    )
    values = [r["jobs"] for r in rows] + [r["target_jobs"] for r in with_target]
    traces = [bars, targets]
    if marks is not None:
        traces.append(marks)
        values += list(marks.x)
    layout = _layout(
        height=max(320, 28 * len(rows) + 110),
        bargap=0.25,
        margin=_name_margin(names),
        # RTL: names on the right, bars growing leftwards from them.
        xaxis=_axis(values, autorange=None, **{"side": "bottom"}),
        yaxis={"side": "right", "autorange": "reversed", "automargin": True, "type": "category"},
    )
    layout["xaxis"]["range"] = list(reversed(layout["xaxis"]["range"]))
    table = Table(
        headers=[
            _("Rank"),
            place_header,
            _("Jobs created"),
            _("Jobs target"),
            _("Achieved (%)"),
            _("Loans paid"),
            _("Loans paid (amount)"),
            _("Referred to bank"),
            _("People trained"),
            _("Households leaving support"),
        ],
        rows=[
            [
                i + 1,
                r["name"],
                r["jobs"],
                r["target_jobs"],
                None if r["achievement"] is None else round(r["achievement"], 1),
                r["loans_count"],
                r["loans_amount_rial"],
                r["referred"],
                r["trainees"],
                r["exits"],
            ]
            for i, r in enumerate(rows)
        ],
        kinds=["rank", "text", "int", "int", "pct", "int", "rial", "int", "int", "int"],
    )
    return Chart(chart_id, title, _figure(traces, layout), table, links)


# Months --------------------------------------------------------------------


def _month_axis(labels: list[str]) -> dict:
    # RTL: Farvardin at the right, next to the value axis, time running leftwards.
    # Ticks read the month name alone (the year is in the title); on a phone
    # static/js/dashboard.js keeps every second or third of them.
    short = [month_name(m) for m in range(1, 13)] if len(labels) == 12 else labels
    return {
        "type": "category",
        "categoryorder": "array",
        "categoryarray": labels,
        "autorange": "reversed",
        "tickmode": "array",
        "tickvals": labels,
        "ticktext": short,
        "tickangle": 0,
        "automargin": True,
    }


def cumulative_vs_pace(
    year: int, months: list[dict], target: int | None, elapsed: int, forecast=None
) -> Chart:
    """Cumulative jobs against the straight-line target pace, with the year-end
    forecast (reports.forecast) from the last ended month and its range as a band."""
    from reports import forecast as fc

    if forecast is None:
        forecast = fc.project([m["jobs"] for m in months], elapsed)
    labels = [month_label(year, m["month"]) for m in months]
    monthly_jobs = [m["jobs"] for m in months]
    cum = progress.cumulative(monthly_jobs)
    shown = max(elapsed, max((m["month"] for m in months if m["jobs"]), default=0))
    actual_cum = cum[:shown]
    pace = progress.straight_line_pace(target)
    traces = [
        go.Bar(
            name=_("Jobs in the month"),
            x=labels,
            y=monthly_jobs,
            marker={"color": SKY},
            hovertext=[
                f"{lab}<br>{_('Jobs in the month')}: {fa_int(v)}"
                for lab, v in zip(labels, monthly_jobs, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        ),
        go.Scatter(
            name=_("Cumulative jobs"),
            x=labels[: len(actual_cum)],
            y=actual_cum,
            mode="lines+markers",
            line={"color": ACTUAL, "width": 3},
            hovertext=[
                f"{lab}<br>{_('Cumulative jobs')}: {fa_int(v)}"
                for lab, v in zip(labels, actual_cum, strict=False)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
        ),
    ]
    values = cum + [0]
    if pace:
        traces.append(
            go.Scatter(
                name=_("Target pace"),
                x=labels,
                y=pace,
                mode="lines",
                line={"color": TARGET, "width": 3, "dash": "dash"},
                hovertext=[
                    f"{lab}<br>{_('Target pace')}: {fa_int(round(v))}"
                    for lab, v in zip(labels, pace, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        values += pace
    projecting = forecast.method in (fc.SEASONAL, fc.STRAIGHT)
    projection_row = [None] * 12
    low_row, high_row = [None] * 12, [None] * 12
    annotations = []
    if projecting:
        start = elapsed - 1
        steps = range(start, 12)
        x = labels[start:]
        if forecast.method == fc.SEASONAL:
            # The band: the lowest and highest past year's pattern (fill between them).
            low, high = forecast.low_path[start:], forecast.high_path[start:]
            traces.append(
                go.Scatter(
                    name=_("Range of past years"),
                    x=x,
                    y=low,
                    mode="lines",
                    line={"color": PROJECTION, "width": 0},
                    hoverinfo="skip",
                    showlegend=False,
                )
            )
            traces.append(
                go.Scatter(
                    name=_("Range of past years"),
                    x=x,
                    y=high,
                    mode="lines",
                    line={"color": PROJECTION, "width": 0},
                    fill="tonexty",
                    fillcolor="rgba(0,158,115,0.18)",
                    hoverinfo="skip",
                )
            )
            values += high
            for m, lo, hi in zip(steps, low, high, strict=True):
                if m >= elapsed:
                    low_row[m], high_row[m] = round(lo), round(hi)
            name = _("Seasonal projection (pattern of past years)")
        else:
            name = _("Projection at the run rate")
        line = forecast.path[start:]
        for m, v in zip(steps, line, strict=True):
            if m >= elapsed:
                projection_row[m] = round(v)
        hover = []
        for m, v in zip(steps, line, strict=True):
            text = f"{labels[m]}<br>{_('Projection')}: {fa_int(round(v))}"
            if high_row[m] is not None:
                text += f"<br>{_('Range')}: {fa_int(low_row[m])} – {fa_int(high_row[m])}"
            hover.append(text)
        traces.append(
            go.Scatter(
                name=name,
                x=x,
                y=line,
                mode="lines",
                line={"color": PROJECTION, "width": 3, "dash": "dot"},
                hovertext=hover,
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        values += line
        annotations.append(
            {
                "text": f"{name}: {forecast.basis}",
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "xanchor": "right",
                "y": -0.18,
                "yanchor": "top",
                "showarrow": False,
                "font": {"size": 12, "color": "#52606d"},
            }
        )
    layout = _layout(
        height=460,
        bargap=0.35,
        xaxis=_month_axis(labels),
        yaxis=_axis(values, side="right"),
        annotations=annotations,
        margin={"l": 24, "r": 72, "t": 40, "b": 90 if annotations else 48},
    )
    band = forecast.method == fc.SEASONAL
    table = Table(
        headers=[
            _("Month"),
            _("Jobs in the month"),
            _("Cumulative jobs"),
            _("Target pace"),
            _("Projection"),
            *([_("Projection, low"), _("Projection, high")] if band else []),
        ],
        rows=[
            [
                labels[i],
                monthly_jobs[i],
                cum[i] if i < shown else None,
                None if pace is None else round(pace[i]),
                projection_row[i],
                *([low_row[i], high_row[i]] if band else []),
            ]
            for i in range(12)
        ],
        kinds=["text", "int", "int", "int", "int", *(["int", "int"] if band else [])],
    )
    chart = Chart(
        "pace", _("Cumulative jobs against the target pace"), _figure(traces, layout), table
    )
    chart.note = forecast.basis if projecting else ""
    return chart


def year_vs_last(year: int, this: list[dict], last: list[dict] | None) -> Chart:
    """Jobs month by month, this year and last; `last` None = last year has no data
    (said on the chart and in its table, never drawn as zeros)."""
    from reports.yoy import no_data

    labels = [month_name(m) for m in range(1, 13)]
    this = this or [{"month": m, "jobs": 0} for m in range(1, 13)]
    traces = []
    series = [
        (to_persian_digits(year - 1), last, LAST_YEAR),
        (to_persian_digits(year), this, ACTUAL),
    ]
    for name, rows, colour in series:
        if rows is None:
            continue
        traces.append(
            go.Bar(
                name=name,
                x=labels,
                y=[r["jobs"] for r in rows],
                marker={"color": colour},
                hovertext=[
                    f"{lab} {name}<br>{_('Jobs created')}: {fa_int(r['jobs'])}"
                    for lab, r in zip(labels, rows, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    values = [r["jobs"] for r in this + (last or [])]
    annotations = []
    if last is None:
        missing = _("No data for %(years)s") % {"years": to_persian_digits(year - 1)}
        annotations.append(
            {
                "text": missing,
                "xref": "paper",
                "yref": "paper",
                "x": 0.5,
                "y": 1.0,
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 13, "color": "#52606d"},
            }
        )
    layout = _layout(
        height=400,
        barmode="group",
        xaxis=_month_axis(labels),
        yaxis=_axis(values, side="right"),
        annotations=annotations,
    )
    table = Table(
        headers=[
            _("Month"),
            _("Jobs in %(year)s") % {"year": to_persian_digits(year - 1)},
            _("Jobs in %(year)s") % {"year": to_persian_digits(year)},
        ],
        rows=[
            [labels[i], no_data() if last is None else last[i]["jobs"], this[i]["jobs"]]
            for i in range(12)
        ],
        kinds=["text", "int", "int"],
    )
    chart = Chart(
        "year-vs-last",
        _("Jobs month by month: this year and last year"),
        _figure(traces, layout),
        table,
    )
    if last is None:
        chart.note = missing
    return chart


# Breakdowns ----------------------------------------------------------------


def hbar(
    chart_id: str,
    title: str,
    names: list[str],
    values: list,
    *,
    value_header: str,
    name_header: str,
    money: bool = False,
    colour: str = BLUE,
    extra_cols=(),
    reference=None,
    reference_label: str = "",
    fmt=None,
) -> Chart:
    """A horizontal bar per category (RTL), with an optional reference line (e.g. national figure)."""
    fmt = fmt or (fa_toman if money else fa_int)
    plotted = [units.plotted(v) for v in values] if money else list(values)
    hover = [
        f"<b>{plotly_text.label(n)}</b><br>{plotly_text.label(value_header)}: {fmt(v)}"
        for n, v in zip(names, values, strict=True)
    ]
    traces = [
        go.Bar(
            name=plotly_text.label(value_header),
            x=plotted,
            y=plotly_text.labels(names),
            orientation="h",
            marker={"color": colour},
            hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    ]
    axis_values = [v for v in plotted if v is not None]
    shapes = []
    if reference is not None:
        ref = units.plotted(reference) if money else reference
        axis_values.append(ref)
        shapes.append(
            {
                "type": "line",
                "x0": ref,
                "x1": ref,
                "yref": "paper",
                "y0": 0,
                "y1": 1,
                "line": {"color": TARGET, "width": 3, "dash": "dash"},
            }
        )
        traces.append(
            go.Scatter(
                name=f"{plotly_text.label(reference_label)}: {fmt(reference)}",
                x=[None],
                y=[None],
                mode="lines",
                line={"color": TARGET, "width": 3, "dash": "dash"},
                showlegend=True,
            )
        )
    tick_fmt = _toman_tick if money else (fmt if fmt not in (fa_int, fa_toman) else fa_int)
    xaxis = _axis(axis_values, fmt=tick_fmt)
    xaxis["range"] = list(reversed(xaxis["range"]))
    if money:
        xaxis["title"] = units.axis_title()
    layout = _layout(
        height=max(260, 30 * len(names) + 110),
        bargap=0.3,
        margin=_name_margin(names),
        shapes=shapes,
        xaxis=xaxis,
        yaxis={"side": "right", "autorange": "reversed", "automargin": True, "type": "category"},
        showlegend=reference is not None,
    )
    headers = [name_header, value_header, *[h for h, _k, _v in extra_cols]]
    kinds = [
        "text",
        "rial" if money else ("dec" if fmt is fa_decimal else "int"),
        *[k for _h, k, _v in extra_cols],
    ]
    rows = [
        [n, v, *[vals[i] for _h, _k, vals in extra_cols]]
        for i, (n, v) in enumerate(zip(names, values, strict=True))
    ]
    if reference is not None:
        rows.append([reference_label, reference, *[None for _ in extra_cols]])
    return Chart(chart_id, title, _figure(traces, layout), Table(headers, rows, kinds))


def backlog_trend(year: int, rows: list[dict]) -> Chart:
    """Clients referred and not yet paid, per bank, month by month (stacked)."""
    labels = [month_label(year, m) for m in range(1, 13)]
    banks = sorted({r["bank"] for r in rows})
    by = {(r["bank"], r["month"]): r["referred"] for r in rows}
    traces = []
    for i, bank in enumerate(banks):
        values = [by.get((bank, m), 0) for m in range(1, 13)]
        traces.append(
            go.Bar(
                name=plotly_text.label(bank),
                x=labels,
                y=values,
                marker={"color": PALETTE[i % len(PALETTE)]},
                hovertext=[
                    f"{plotly_text.label(bank)}<br>{lab}: {fa_int(v)}"
                    for lab, v in zip(labels, values, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    month_totals = [sum(by.get((b, m), 0) for b in banks) for m in range(1, 13)]
    layout = _layout(
        height=440,
        barmode="stack",
        xaxis=_month_axis(labels),
        yaxis=_axis(month_totals, side="right"),
    )
    table = Table(
        headers=[_("Month"), *banks, _("Total")],
        rows=[
            [labels[m - 1], *[by.get((b, m), 0) for b in banks], month_totals[m - 1]]
            for m in range(1, 13)
        ],
        kinds=["text", *["int"] * (len(banks) + 1)],
    )
    return Chart("backlog-trend", _("Bank backlog month by month"), _figure(traces, layout), table)


# Pages: what each view shows, from the named queries ----------------------


@dataclass(frozen=True)
class Scope:
    """What a view covers: the country, one province or one county office."""

    level: str  # "country" | "province" | "office"
    province: object = None
    office: object = None

    @property
    def province_ids(self) -> list[int] | None:
        return None if self.province is None else [self.province.pk]

    @property
    def key(self) -> str:
        """The cache key part: "national", or the province / office id."""
        if self.office is not None:
            return f"office-{self.office.pk}"
        return "national" if self.province is None else f"province-{self.province.pk}"

    @property
    def label(self) -> str:
        if self.office is not None:
            return f"{self.office.name} ({self.province.name})"
        return _("Whole country") if self.province is None else self.province.name

    @property
    def place(self) -> str:
        """The place as the Persian narrative names it."""
        if self.office is not None:
            return f"شهرستان {self.office.name}"
        return "کشور" if self.province is None else f"استان {self.province.name}"


def cards(figures: dict, forecast, elapsed: int) -> list[dict]:
    """Headline cards: jobs against target, the year-end forecast, loans, training, exits."""
    state = progress.outlook(figures["jobs"], figures["target_jobs"], elapsed)
    projected = forecast.value
    on_track = None if projected is None or state.target is None else projected >= state.target
    verdict = (
        (_("meets the target") if on_track else _("below the target"))
        if on_track is not None
        else ""
    )
    basis = "" if elapsed >= 12 else forecast.basis
    if forecast.low is not None and forecast.low != forecast.high:
        basis += " · " + _("range %(low)s – %(high)s") % {
            "low": fa_int(forecast.low),
            "high": fa_int(forecast.high),
        }
    out = [
        {
            "label": _("Jobs created"),
            "value": fa_int(figures["jobs"]),
            "sub": _("target %(target)s · %(pct)s achieved")
            % {"target": fa_int(state.target), "pct": fa_pct(state.achievement)}
            if state.target is not None
            else _("no target set"),
            "state": None,
        },
        {
            "label": _("Projected jobs at year end"),
            "value": fa_int(projected),
            "sub": " · ".join(p for p in (verdict, basis) if p)
            if elapsed > 0
            else _("no month ended yet"),
            "state": None if on_track is None else ("ok" if on_track else "bad"),
        },
        {
            "label": _("Loans paid"),
            "value": fa_int(figures["loans_count"]),
            "sub": _("target %(target)s") % {"target": fa_int(figures["target_loans_count"])}
            if figures["target_loans_count"] is not None
            else "",
            "state": None,
        },
        {
            "label": _("Loans paid (amount)"),
            "value": fa_toman(figures["loans_amount_rial"]),
            "sub": "",
            "state": None,
        },
        {
            "label": _("People trained"),
            "value": fa_int(figures["trainees"]),
            "sub": "",
            "state": None,
        },
        {
            "label": _("Households leaving support"),
            "value": fa_int(figures["exits"]),
            "sub": "",
            "state": None,
        },
    ]
    if state.target is not None and elapsed < 12 and state.pace_needed:
        out.insert(
            2,
            {
                "label": _("Jobs needed each remaining month"),
                "value": fa_int(state.pace_needed),
                "sub": "",
                "state": None,
            },
        )
    return out


def _summary(year, scope, figures, elapsed, forecast=None) -> str:
    from reports import narrative, queries

    sources = [
        r["source"]
        for r in queries.loans_by_funding_source(
            year, scope.province_ids, getattr(scope.office, "pk", None)
        )
    ]
    return narrative.summary(
        year=year,
        place=scope.place,
        figures=figures,
        funding_sources=sources,
        elapsed=elapsed,
        forecast=forecast,
    )


def _history(year: int, scope: Scope) -> dict[int, list[dict]]:
    """The scope's years with figures, month by month, for the forecast and year over year."""
    from reports import queries, yoy

    return queries.monthly_by_year(
        range(year - yoy.YEARS_SHOWN + 1, year + 1),
        scope.province_ids,
        getattr(scope.office, "pk", None),
    )


def _forecast(year: int, elapsed: int, scope: Scope, months: list[dict], by_year: dict):
    from reports import forecast

    return forecast.for_scope(
        year,
        elapsed,
        scope.province_ids,
        getattr(scope.office, "pk", None),
        this_year=[m["jobs"] for m in months],
        past=by_year,
    )


def _year_over_year(year: int, elapsed: int, by_year: dict) -> tuple[list[dict], list[Chart]]:
    from reports import yoy

    return yoy.cards(year, by_year, elapsed), [
        yoy.year_over_year(year, by_year),
        yoy.annual(year, by_year, elapsed),
    ]


def country_page(year: int, elapsed: int) -> dict:
    from reports import pace, queries

    scope = Scope("country")
    rows = queries.province_progress(year, None)

    def link(row):
        return f"{reverse('province', args=[row['code']])}?year={year}"

    figures = queries.totals(rows)
    months = queries.monthly(year, None)
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)
    share = pace.expected_share(year, elapsed)
    places = pace.places_on_pace(rows, pace.done_by_province(year, elapsed), share, link=link)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "pace": _pace_panel(
            year, elapsed, months, figures, places, pgettext("pace", "provinces"), outlook
        ),
        "charts": [
            goal_vs_actual(
                "provinces",
                _("Jobs against target by province"),
                rows,
                _("Province"),
                link,
                marks=pace.pace_marks(rows, share),
            ),
            pace.pace_map(places, share, link),
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def _pace_panel(year, elapsed, months, figures, places, place_word, outlook) -> dict:
    """The first block of a page; its year end is the page's one forecast."""
    from reports import pace

    done = sum(m["jobs"] for m in months[:elapsed])
    return pace.panel(
        year=year,
        elapsed=elapsed,
        done=done,
        target=figures["target_jobs"],
        projected=outlook.value,
        places=places,
        place_word=place_word,
    )


def province_page(year: int, elapsed: int, province) -> dict:
    from reports import pace, queries

    scope = Scope("province", province=province)
    figures = queries.province_progress(year, [province.pk])[0]
    offices = queries.office_progress(year, province.pk)
    months = queries.monthly(year, [province.pk])
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)

    def link(row):
        return f"{reverse('office', args=[row['id']])}?year={year}"

    share = pace.expected_share(year, elapsed)
    done = pace.done_by_office(year, elapsed, province.pk, offices)
    places = pace.places_on_pace(offices, done, share, key="id", link=link)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "pace": _pace_panel(
            year, elapsed, months, figures, places, pgettext("pace", "county offices"), outlook
        ),
        "charts": [
            goal_vs_actual(
                "offices",
                _("Jobs against target by county office"),
                offices,
                _("County office"),
                link,
                marks=pace.pace_marks(offices, share),
            ),
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def months_table(year: int, rows: list[dict]) -> Table:
    from programs.models import ReportStatus

    labels = dict(ReportStatus.choices)
    return Table(
        headers=[
            _("Month"),
            _("Status"),
            _("Jobs created"),
            _("Loans paid"),
            _("Loans paid (amount)"),
            _("Referred to bank"),
            _("People trained"),
            _("Households leaving support"),
        ],
        rows=[
            [
                month_label(year, r["month"]),
                str(labels.get(r["status"], r["status"])),
                r["jobs"],
                r["loans_count"],
                r["loans_amount_rial"],
                r["referred"],
                r["trainees"],
                r["exits"],
            ]
            for r in rows
        ],
        kinds=["text", "text", "int", "int", "rial", "int", "int", "int"],
    )


def office_page(year: int, elapsed: int, office) -> dict:
    from reports import queries

    scope = Scope("office", province=office.province, office=office)
    found = queries.office_progress(year, office.province_id, office.pk)
    figures = (
        found[0]
        if found
        else {**dict.fromkeys(queries.FIGURES, 0), **dict.fromkeys(queries.TARGET_KEYS)}
    )
    months = queries.monthly(year, office_id=office.pk)
    by_year = _history(year, scope)
    outlook = _forecast(year, elapsed, scope, months, by_year)
    yoy_cards, yoy_charts = _year_over_year(year, elapsed, by_year)
    return {
        "forecast": outlook,
        "yoy_cards": yoy_cards,
        "cards": cards(figures, outlook, elapsed),
        "targets": [
            (label, fa_toman(figures[key]) if key.endswith("_rial") else fa_int(figures[key]))
            for key, label in _target_labels()
        ],
        "months": months_table(year, queries.office_months(year, office.pk)),
        "charts": [
            cumulative_vs_pace(year, months, figures["target_jobs"], elapsed, outlook),
            *_scheme_bank_charts(year, scope),
            *yoy_charts,
        ],
        "narrative": _summary(year, scope, figures, elapsed, outlook),
    }


def _target_labels():
    return [
        ("target_jobs", _("Jobs target")),
        ("target_loans_count", _("Loans target")),
        ("target_loans_amount_rial", _("Loans target (amount)")),
        ("target_trainees", _("Training target")),
    ]


def _scheme_bank_charts(year: int, scope: Scope) -> list[Chart]:
    from reports import queries

    ids, office_id = scope.province_ids, getattr(scope.office, "pk", None)
    schemes = queries.jobs_by_scheme(year, ids, office_id)
    banks = queries.loans_by_bank(year, ids, office_id)
    backlog = queries.referrals_by_bank(year, ids, office_id)
    return [
        hbar(
            "schemes",
            _("Jobs by scheme"),
            [r["scheme"] for r in schemes],
            [r["jobs"] for r in schemes],
            value_header=_("Jobs created"),
            name_header=_("Scheme"),
        ),
        hbar(
            "banks",
            _("Loans by agent bank"),
            [r["bank"] for r in banks],
            [r["amount_rial"] for r in banks],
            value_header=_("Loans paid (amount)"),
            name_header=_("Agent bank"),
            money=True,
            extra_cols=[(_("Loans paid"), "int", [r["count"] for r in banks])],
        ),
        hbar(
            "backlog",
            _("Bank backlog: referred, not yet paid"),
            [r["bank"] for r in backlog],
            [r["referred"] for r in backlog],
            value_header=_("Referred to bank"),
            name_header=_("Agent bank"),
            colour=ORANGE,
        ),
    ]


def breakdown_page(year: int, scope: Scope) -> dict:
    from reports import queries

    ids, office_id = scope.province_ids, getattr(scope.office, "pk", None)
    sources = queries.loans_by_funding_source(year, ids, office_id)
    banks = queries.loans_by_bank(year, ids, office_id)
    charts = _scheme_bank_charts(year, scope)
    charts.insert(
        2,
        hbar(
            "sources",
            _("Loans by funding source"),
            [r["source"] for r in sources],
            [r["amount_rial"] for r in sources],
            value_header=_("Loans paid (amount)"),
            name_header=_("Funding source"),
            money=True,
            colour=GREEN,
            extra_cols=[(_("Loans paid"), "int", [r["count"] for r in sources])],
        ),
    )
    charts.append(backlog_trend(year, queries.referrals_by_bank_month(year, ids, office_id)))
    if scope.level == "country":
        from reports import backlog

        charts.append(backlog.province_by_bank(year, queries.referrals_by_province_bank(year)))
    all_count = sum(r["count"] for r in banks)
    all_amount = sum(r["amount_rial"] for r in banks)
    charts.append(
        hbar(
            "loan-size",
            _("Average loan by agent bank"),
            [r["bank"] for r in banks],
            [r["amount_rial"] // r["count"] if r["count"] else None for r in banks],
            value_header=_("Average loan"),
            name_header=_("Agent bank"),
            money=True,
            colour=PURPLE,
            reference=all_amount // all_count if all_count else None,
            reference_label=_("All banks"),
        )
    )
    if scope.office is None:
        charts.extend(_efficiency(year, scope))
    return {"charts": charts}


def _efficiency(year: int, scope: Scope) -> list[Chart]:
    """Rials per job and jobs per loan for each province (or office), the scope's own figure as reference."""
    from reports import queries

    if scope.province is None:
        rows, header, ref_label = (
            queries.province_progress(year, None),
            _("Province"),
            _("Whole country"),
        )
    else:
        rows = queries.office_progress(year, scope.province.pk)
        header, ref_label = _("County office"), _("Province as a whole")
    whole = queries.totals(rows)
    per_job = [(r["name"], progress.safe_ratio(r["loans_amount_rial"], r["jobs"])) for r in rows]
    per_loan = [(r["name"], progress.safe_ratio(r["jobs"], r["loans_count"])) for r in rows]
    per_job = sorted([p for p in per_job if p[1] is not None], key=lambda p: p[1])
    per_loan = sorted([p for p in per_loan if p[1] is not None], key=lambda p: -p[1])
    ref_job = progress.safe_ratio(whole["loans_amount_rial"], whole["jobs"])
    ref_loan = progress.safe_ratio(whole["jobs"], whole["loans_count"])
    return [
        hbar(
            "rial-per-job",
            _("Loan money per job created"),
            [p[0] for p in per_job],
            [round(p[1]) for p in per_job],
            value_header=_("Loan money per job"),
            name_header=header,
            money=True,
            colour=BLUE,
            reference=None if ref_job is None else round(ref_job),
            reference_label=ref_label,
        ),
        hbar(
            "jobs-per-loan",
            _("Jobs per loan"),
            [p[0] for p in per_loan],
            [round(p[1], 2) for p in per_loan],
            value_header=_("Jobs per loan"),
            name_header=header,
            colour=GREEN,
            fmt=fa_decimal,
            reference=None if ref_loan is None else round(ref_loan, 2),
            reference_label=ref_label,
        ),
    ]
