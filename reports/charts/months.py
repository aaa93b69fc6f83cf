"""Charts over the months of a year: the cumulative goal line and the forecast
band, this year against last year."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reliefjobs.lib.jalali import month_label, month_name
from reliefjobs.lib.text import to_persian_digits
from reports import progress
from reports.charts.base import (
    ACTUAL,
    LAST_YEAR,
    PROJECTION,
    SKY,
    TARGET,
    Chart,
    Table,
    _axis,
    _figure,
    _layout,
    fa_int,
)

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
