"""Year over year on every level: this year to date against the same months of
last year (cards with the % change), and the annual totals of the scope's years.

A year with no figures in scope (no monthly report at all) is "no data", said
in words on the cards, the chart and the files: never a row of zeros.
"""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from reliefjobs.lib.jalali import month_name
from reliefjobs.lib.text import to_persian_digits
from reports import charts, units
from reports.charts import Chart, Table, fa_int, fa_pct

YEARS_SHOWN = 10  # annual totals: this year and up to nine before it

MEASURES = ("jobs", "loans_count", "loans_amount_rial", "trainees", "exits")


def _labels() -> dict[str, str]:
    return {
        "jobs": _("Jobs created"),
        "loans_count": _("Loans paid"),
        "loans_amount_rial": _("Loans paid (amount)"),
        "trainees": _("People trained"),
        "exits": _("Households leaving support"),
    }


def no_data() -> str:
    return _("no data")


def change_pct(this: int, last: int | None) -> float | None:
    """Percent change from last year; None without a comparable base (no data or zero)."""
    if last is None or last == 0:
        return None
    return 100.0 * (this - last) / last


def to_date(months: list[dict] | None, ended: int, measure: str) -> int | None:
    """The sum of the first `ended` months; None when the year has no data."""
    if months is None:
        return None
    return sum(m[measure] for m in months[:ended])


def _change_words(value: float) -> str:
    """«۲٪ بیشتر» / «۶٪ کمتر» / «بدون تغییر»: words, not a sign that RTL text reorders."""
    if round(value) == 0:
        return _("no change")
    if value > 0:
        return _("%(pct)s more") % {"pct": fa_pct(value)}
    return _("%(pct)s less") % {"pct": fa_pct(-value)}


def cards(year: int, by_year: dict[int, list[dict]], ended: int) -> list[dict]:
    """One card per measure: this year's ended months against the same months of last year."""
    this, last = by_year.get(year), by_year.get(year - 1)
    last_fa = to_persian_digits(year - 1)
    if ended <= 0:
        return []
    span = (
        month_name(1)
        if ended == 1
        else _("%(first)s to %(last)s") % {"first": month_name(1), "last": month_name(ended)}
    )
    out = []
    for measure, label in _labels().items():
        now, before = to_date(this, ended, measure) or 0, to_date(last, ended, measure)
        money = measure.endswith("_rial")
        shown = units.value(now, units.SCREEN) if money else fa_int(now)
        if before is None:
            sub = _("%(year)s: no data") % {"year": last_fa}
            state = None
        else:
            pct = change_pct(now, before)
            then = units.value(before, units.SCREEN) if money else fa_int(before)
            sub = _("%(year)s: %(value)s") % {"year": last_fa, "value": then}
            if pct is not None:
                sub += f" · {_change_words(pct)}"
            state = None if pct is None else ("ok" if pct >= 0 else "bad")
        out.append(
            {
                "label": f"{label} · {span}",
                "value": shown,
                "sub": sub,
                "state": state,
                "change": None if before is None else change_pct(now, before),
            }
        )
    return out


def annual(year: int, by_year: dict[int, list[dict]], ended: int) -> Chart:
    """Annual totals of the scope's years (the year in progress to date), "no data" where none."""
    # From the first year with figures, and always last year (its "no data" is news too).
    first = min([y for y in by_year if y <= year] + [year - 1])
    years = list(range(max(first, year - YEARS_SHOWN + 1), year + 1))
    labels = [
        to_persian_digits(y) + (f" ({_('to date')})" if y == year and ended < 12 else "")
        for y in years
    ]
    totals = {
        y: {m: sum(r[m] for r in by_year[y]) for m in MEASURES} for y in years if y in by_year
    }
    jobs = [totals[y]["jobs"] if y in totals else None for y in years]
    traces = [
        go.Bar(
            name=_("Jobs created"),
            x=labels,
            y=jobs,
            marker={"color": charts.ACTUAL},
            text=[fa_int(v) if v is not None else no_data() for v in jobs],
            textposition="outside",
            hovertext=[
                f"{lab}<br>{_('Jobs created')}: {fa_int(v) if v is not None else no_data()}"
                for lab, v in zip(labels, jobs, strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            cliponaxis=False,
        )
    ]
    # A year with no figures has no bar: say so where its bar would stand.
    annotations = [
        {
            "x": lab,
            "y": 0,
            "yanchor": "bottom",
            "text": no_data(),
            "showarrow": False,
            "font": {"size": 12, "color": "#52606d"},
        }
        for lab, v in zip(labels, jobs, strict=True)
        if v is None
    ]
    layout = charts._layout(
        height=380,
        showlegend=False,
        annotations=annotations,
        xaxis={**charts._month_axis(labels)},
        yaxis=charts._axis([v or 0 for v in jobs], side="right"),
    )
    names = _labels()
    headers = [_("Year"), *names.values()]
    kinds = ["text", "int", "int", units.MONEY, "int", "int"]
    rows = []
    for y, lab in zip(years, labels, strict=True):
        if y in totals:
            rows.append([lab, *[totals[y][m] for m in MEASURES]])
        else:
            rows.append([lab, *[no_data()] * len(MEASURES)])  # said in the files too
    table = Table(headers, rows, kinds)
    chart = Chart("annual", _("Annual totals"), charts._figure(traces, layout), table)
    missing = [to_persian_digits(y) for y in years if y not in totals]
    if missing:
        chart.note = _("No data for %(years)s") % {"years": "، ".join(missing)}
    return chart


def year_over_year(year: int, by_year: dict[int, list[dict]]) -> Chart:
    """Jobs month by month, this year and last year; last year says "no data" when it has none."""
    return charts.year_vs_last(year, by_year.get(year) or [], by_year.get(year - 1))
