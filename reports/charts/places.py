"""Goal against actual by place: the ranked bars of provinces or county offices."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reports import plotly_text, progress
from reports.charts.base import (
    ACTUAL,
    TARGET,
    Chart,
    Table,
    _axis,
    _figure,
    _hover,
    _layout,
    _name_margin,
    fa_int,
    fa_pct,
)

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
