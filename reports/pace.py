"""Behind pace: where a scope should be by now, and who is furthest behind.

"Pace" is the share of the year's goal a scope should have reached by the end
of the last ended month. Today that share is ended months / 12 (a goal spread
evenly over the year); `expected_share` is the one place that says so, so a
seasonal share (from the forecast's monthly pattern) can replace it without
touching a caller.

A place's standing is its jobs in the ended months against its goal × the
share: 100 % is exactly on pace, 80 % is a fifth behind. The figures of the
month still running are left out: they are partial and would flatter
whoever entered early. A place with no goal (or no ended month yet) has no
standing (None), never 0 %.

This module holds the arithmetic, the two reads it needs (jobs of the ended
months per province and per county office), the pace marks on the goal bars,
the map coloured relative to pace, and the "furthest behind" list.
"""

from __future__ import annotations

from dataclasses import dataclass

import plotly.graph_objects as go
from django.db.models import Sum
from django.utils.translation import gettext as _

from programs.models import MonthlyReport
from reports import plotly_text, tilemap
from reports.charts import (
    BLACK,
    Chart,
    Table,
    _figure,
    _hover,
    _layout,
    fa_int,
    fa_pct,
)
from reports.models import ProvinceMonth

MONTHS = 12
# Where the map's diverging scale ends on either side of pace (100 %).
SCALE_LOW, SCALE_HIGH = 50, 150
# Behind by less than this (in points of pace) reads as "on pace", not "behind".
TOLERANCE = 5
# Orange (behind) → near white (on pace) → blue (ahead): PuOr-like, colour-blind safe.
DIVERGING = [
    [0.0, "#b35806"],
    [0.25, "#f1a340"],
    [0.5, "#f7f7f7"],
    [0.75, "#80b1d3"],
    [1.0, "#2b6ca8"],
]


def expected_share(year: int, elapsed: int) -> float:
    """Share of the year's goal due by the end of the `elapsed`-th month (0.0–1.0).

    A straight line: ended months / 12. `year` is taken so a seasonal share
    (the scope's own monthly pattern) can replace this body later.
    """
    return max(0, min(elapsed, MONTHS)) / MONTHS


def expected_by_now(target: int | None, share: float) -> int | None:
    """Jobs due by now on the way to `target`; None without a usable target or ended month."""
    if target is None or target <= 0 or share <= 0:
        return None
    return round(target * share)


def pace_percent(done: int, target: int | None, share: float) -> float | None:
    """Jobs of the ended months as a percentage of where the goal says they should be."""
    expected = expected_by_now(target, share)
    if not expected:
        return None
    return 100.0 * done / expected


def standing(pace: float | None) -> str:
    """ "ahead", "on" (within TOLERANCE of pace), "behind", or "" (no goal)."""
    if pace is None:
        return ""
    if pace >= 100 + TOLERANCE:
        return "ahead"
    return "on" if pace >= 100 - TOLERANCE else "behind"


@dataclass(frozen=True)
class PlaceOnPace:
    key: object  # province code or county office id
    name: str
    done: int  # jobs in the ended months
    target: int | None
    expected: int | None  # jobs due by now
    pace: float | None  # done / expected, percent
    url: str | None = None

    @property
    def gap(self) -> int | None:
        """Jobs short of pace (negative when ahead)."""
        return None if self.expected is None else self.expected - self.done

    @property
    def standing(self) -> str:
        return standing(self.pace)


def places_on_pace(
    rows: list[dict], done: dict, share: float, *, key: str = "code", link=None
) -> list[PlaceOnPace]:
    """Each row (a province or office with `target_jobs`) on pace, furthest behind first."""
    places = []
    for row in rows:
        got = done.get(row[key], 0)
        places.append(
            PlaceOnPace(
                key=row[key],
                name=row["name"],
                done=got,
                target=row["target_jobs"],
                expected=expected_by_now(row["target_jobs"], share),
                pace=pace_percent(got, row["target_jobs"], share),
                url=link(row) if link else None,
            )
        )
    places.sort(key=lambda p: (p.pace is None, p.pace or 0, p.name))
    return places


def furthest_behind(places: list[PlaceOnPace], limit: int = 5) -> list[PlaceOnPace]:
    """The places behind pace, furthest behind first, at most `limit`."""
    return [p for p in places if p.standing == "behind"][:limit]


# Reads ------------------------------------------------------------------------


def done_by_province(year: int, elapsed: int, province_ids: list[int] | None = None) -> dict:
    """{province code: jobs in months 1..elapsed} (one query, on the rollup table)."""
    rows = ProvinceMonth.objects.filter(year=year, month__lte=elapsed)
    if province_ids is not None:
        rows = rows.filter(province_id__in=province_ids)
    return dict(
        rows.values("province__code")
        .annotate(done=Sum("jobs"))
        .values_list("province__code", "done")
    )


def done_by_office(year: int, elapsed: int, province_id: int, rows: list[dict]) -> dict:
    """{county office id: jobs in months 1..elapsed} for one province.

    A whole year is the yearly rollup already in `rows` (no query); a year in
    progress has no per-office monthly rollup, so it sums the province's
    monthly reports of the ended months (one query, at most offices × 11 rows).
    """
    if elapsed >= MONTHS:
        return {r["id"]: r["jobs"] for r in rows}
    return dict(
        MonthlyReport.objects.filter(office__province_id=province_id, year=year, month__lte=elapsed)
        .values("office_id")
        .annotate(done=Sum("jobs"))
        .values_list("office_id", "done")
    )


# What the pages show ------------------------------------------------------------


def panel(
    *,
    year: int,
    elapsed: int,
    done: int,
    target: int | None,
    projected: int | None,
    places: list[PlaceOnPace],
    place_word: str,
) -> dict:
    """The "are we on track, who is behind, what will the year end at" block."""
    share = expected_share(year, elapsed)
    pace = pace_percent(done, target, share)
    judged = [p for p in places if p.pace is not None]
    behind = [p for p in judged if p.standing == "behind"]
    return {
        "elapsed": elapsed,
        "share_pct": fa_pct(100 * share),
        "done": fa_int(done),
        "expected": fa_int(expected_by_now(target, share)),
        "pace": fa_pct(pace),
        "standing": standing(pace),
        "projected": fa_int(projected),
        "target": fa_int(target),
        "behind_count": len(behind),
        "judged_count": len(judged),
        "place_word": place_word,
        "furthest": [
            {
                "name": p.name,
                "url": p.url,
                "pace": fa_pct(p.pace),
                "gap": fa_int(p.gap),
                "done": fa_int(p.done),
                "expected": fa_int(p.expected),
            }
            for p in furthest_behind(places)
        ],
    }


def pace_marks(rows: list[dict], share: float) -> go.Scatter | None:
    """Black ticks on the goal bars: where each place's jobs should be by now."""
    if not 0 < share < 1:
        return None  # no month ended, or the year is over: the goal tick says it all
    marked = [
        (r["name"], expected_by_now(r["target_jobs"], share))
        for r in rows
        if expected_by_now(r["target_jobs"], share)
    ]
    return go.Scatter(
        name=_("Where it should be by now"),
        x=[v for _n, v in marked],
        y=[plotly_text.label(n) for n, _v in marked],  # the same categories as the bars
        mode="markers",
        # An open symbol is drawn in marker.color (marker.line only sets its width).
        marker={
            "symbol": "line-ns-open",
            "size": 12,
            "color": BLACK,
            "line": {"width": 2.5, "color": BLACK},
        },
        hovertext=[
            _hover(
                [f"<b>{plotly_text.label(n)}</b>", f"{_('Where it should be by now')}: {fa_int(v)}"]
            )
            for n, v in marked
        ],
        hovertemplate="%{hovertext}<extra></extra>",
    )


def pace_map(places: list[PlaceOnPace], share: float, link=None) -> Chart:
    """The tile-grid map, each province coloured by its jobs against pace (100 % = on pace).

    The scale diverges at pace: orange behind, near white on pace, blue
    ahead; 50 % and 150 % are its ends, so 55 % and 72 % read differently.
    """
    by_code = {p.key: p for p in places}
    grid_any = [[None] * tilemap.COLUMNS for _ in range(tilemap.ROWS)]
    grid_pace = [[None] * tilemap.COLUMNS for _ in range(tilemap.ROWS)]
    xs, ys, labels, hovers, colours, urls = [], [], [], [], [], []
    for code, (row, col) in tilemap.TILES.items():
        p = by_code.get(code)
        if p is None:
            continue
        grid_any[row][col] = 0
        if p.pace is not None:
            grid_pace[row][col] = max(SCALE_LOW, min(p.pace, SCALE_HIGH))
        xs.append(col)
        ys.append(row)
        labels.append(f"{tilemap.tile_name(p.name)}<br>{fa_pct(p.pace)}")
        hovers.append(
            _hover(
                [
                    f"<b>{plotly_text.label(p.name)}</b>",
                    f"{_('Jobs in the ended months')}: {fa_int(p.done)}",
                    f"{_('Where it should be by now')}: {fa_int(p.expected)}",
                    f"{_('Against pace')}: {fa_pct(p.pace)}",
                    f"{_('Target')}: {fa_int(p.target)}",
                ]
            )
        )
        deep = p.pace is not None and abs(p.pace - 100) > 30
        colours.append("#ffffff" if deep else "#1f2933")
        urls.append(p.url)
    ticks = [SCALE_LOW, 75, 100, 125, SCALE_HIGH]
    base = go.Heatmap(
        z=grid_any,
        colorscale=[[0, "#e3e7ec"], [1, "#e3e7ec"]],
        showscale=False,
        xgap=4,
        ygap=4,
        hoverinfo="skip",
    )
    heat = go.Heatmap(
        z=grid_pace,
        zmin=SCALE_LOW,
        zmax=SCALE_HIGH,
        zmid=100,
        colorscale=DIVERGING,
        xgap=4,
        ygap=4,
        hoverinfo="skip",
        colorbar={
            "title": {
                "text": _("Against pace (%): 100 = where it should be by now"),
                "side": "top",
            },
            "orientation": "h",
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": [fa_pct(t) for t in ticks],
            "x": 0.5,
            "xanchor": "center",
            "y": -0.02,
            "yanchor": "top",
            "len": 0.7,
            "thickness": 12,
        },
    )
    text = go.Scatter(
        x=xs,
        y=ys,
        mode="text",
        text=labels,
        textfont={"color": colours, "size": 11},
        hovertext=hovers,
        hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False,
        customdata=urls if link else None,
    )
    hidden = {"visible": False, "fixedrange": True}
    layout = _layout(
        height=560,
        showlegend=False,
        margin={"l": 10, "r": 10, "t": 10, "b": 80},
        # Height per width of the tile grid: dashboard.js sizes the map on phones and paper.
        meta={"aspect": tilemap.ROWS / tilemap.COLUMNS},
        xaxis={**hidden, "range": [-0.5, tilemap.COLUMNS - 0.5]},
        yaxis={**hidden, "autorange": "reversed", "scaleanchor": "x"},
    )
    table = Table(
        headers=[
            _("Province"),
            _("Jobs in the ended months"),
            _("Where it should be by now"),
            _("Against pace (%)"),
            _("Jobs target"),
        ],
        rows=[
            [p.name, p.done, p.expected, None if p.pace is None else round(p.pace, 1), p.target]
            for p in sorted(places, key=lambda p: p.key)
        ],
        kinds=["text", "int", "int", "pct", "int"],
    )
    links = {p.name: p.url for p in places if p.url} if link else {}
    return Chart(
        "map",
        _("Provinces against pace: where each should be by now"),
        _figure([base, heat, text], layout),
        table,
        links,
    )
