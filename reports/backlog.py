"""The bank backlog (clients referred to a bank, not yet paid) where a national
manager looks for it: province × bank at country level.

The per-bank chart of one scope and its monthly trend are in reports.charts.
"""

from __future__ import annotations

import plotly.graph_objects as go
from django.urls import reverse
from django.utils.translation import gettext as _

from reports import charts, plotly_text
from reports.charts import PALETTE, Chart, Table, fa_int


def province_by_bank(year: int, rows: list[dict]) -> Chart:
    """Stacked horizontal bars: one per province with a backlog, one colour per bank,
    the largest backlog on top; the table is the province × bank matrix."""
    banks = sorted({r["bank"] for r in rows})
    names = {r["code"]: r["province"] for r in rows}
    by = {(r["code"], r["bank"]): r["referred"] for r in rows}
    totals = {code: sum(by.get((code, b), 0) for b in banks) for code in names}
    order = sorted(names, key=lambda c: (-totals[c], names[c]))
    labels = [names[c] for c in order]
    traces = []
    for i, bank in enumerate(banks):
        values = [by.get((c, bank), 0) for c in order]
        traces.append(
            go.Bar(
                name=plotly_text.label(bank),
                x=values,
                y=plotly_text.labels(labels),
                orientation="h",
                marker={"color": PALETTE[i % len(PALETTE)]},
                hovertext=[
                    f"<b>{plotly_text.label(n)}</b><br>{plotly_text.label(bank)}: {fa_int(v)}<br>{_('Total')}: {fa_int(totals[c])}"
                    for n, v, c in zip(labels, values, order, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
    xaxis = charts._axis(list(totals.values()))
    xaxis["range"] = list(reversed(xaxis["range"]))
    layout = charts._layout(
        height=max(320, 26 * len(labels) + 140),
        barmode="stack",
        bargap=0.25,
        margin=charts._name_margin(labels),
        xaxis=xaxis,
        yaxis={"side": "right", "autorange": "reversed", "automargin": True, "type": "category"},
    )
    table = Table(
        headers=[_("Province"), *banks, _("Total")],
        rows=[[names[c], *[by.get((c, b), 0) for b in banks], totals[c]] for c in order],
        kinds=["text", *["int"] * (len(banks) + 1)],
    )
    links = {names[c]: f"{reverse('breakdowns')}?year={year}&province={c}" for c in order}
    return Chart(
        "backlog-provinces",
        _("Bank backlog by province and bank"),
        charts._figure(traces, layout),
        table,
        links,
    )
