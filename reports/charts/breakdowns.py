"""Breakdown charts: horizontal bars by scheme, bank or funding source, and the
backlog (referred to a bank, not yet paid) month by month."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reliefjobs.lib.jalali import month_label
from reports import plotly_text, units
from reports.charts.base import (
    BLUE,
    PALETTE,
    TARGET,
    Chart,
    Table,
    _axis,
    _figure,
    _layout,
    _name_margin,
    _toman_tick,
    fa_decimal,
    fa_int,
    fa_toman,
)
from reports.charts.months import (
    _month_axis,
)

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
