"""The year-end forecast of jobs: one function, used by the card, the press summary,
the cumulative chart, the API and the exports (docs/forecast.md).

Only ENDED months count: the month in progress holds drafts and partial figures,
and adding them over the ended months overstates the run rate.

Method, by how much history the scope has:
- "seasonal": at least two past years with figures. Each past year says which
  share of its annual total it had reached by the same month; this year's ended
  months divided by the mean share is the projection, and the projections from
  each past year's share alone give the range (lowest to highest). The path to
  year end follows the mean monthly pattern.
- "straight": fewer past years. The run rate of the ended months continued to
  year end (the range is the figure itself).
- "final": the year has ended; the forecast is the actual total.
- None: no month has ended yet (value None).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reliefjobs.lib.text import to_persian_digits
from reports import progress

MONTHS = 12
MIN_HISTORY = 2  # past years needed for a seasonal projection
MAX_HISTORY = 5  # the most recent past years used (older patterns matter less)

SEASONAL, STRAIGHT, FINAL = "seasonal", "straight", "final"


@dataclass(frozen=True)
class Forecast:
    """A year-end projection of one scope's jobs, with its basis."""

    value: int | None
    low: int | None
    high: int | None
    method: str | None  # SEASONAL | STRAIGHT | FINAL | None (no month ended)
    ended_months: int
    history: tuple[int, ...] = ()  # the past years a seasonal pattern came from
    # Cumulative projection for months 1-12 (None up to the last ended month,
    # which holds the actual cumulative figure so the line joins it).
    path: list = field(default_factory=list)
    low_path: list = field(default_factory=list)
    high_path: list = field(default_factory=list)

    @property
    def basis(self) -> str:
        """The basis in words, in Persian (the summary is press copy): «بر اساس ۸ ماه پایان‌یافته»."""
        if self.method is None:
            return "هنوز ماهی پایان نیافته است"
        if self.method == FINAL:
            return "سال پایان یافته است؛ رقم واقعی"
        text = f"بر اساس {to_persian_digits(self.ended_months)} ماه پایان‌یافته"
        if self.method == SEASONAL:
            text += f" و الگوی ماهانه {to_persian_digits(len(self.history))} سال گذشته"
        else:
            text += " (روند خطی)"
        return text

    def as_json(self) -> dict:
        """The API's form (plain ints and strings)."""
        return {
            "projected_jobs": self.value,
            "projected_jobs_low": self.low,
            "projected_jobs_high": self.high,
            "method": self.method,
            "ended_months": self.ended_months,
            "history_years": list(self.history),
            "basis": self.basis,
        }


def _shares(months: list[int]) -> list[float] | None:
    """Cumulative share of the annual total at each month end; None for an empty year."""
    total = sum(months)
    if total <= 0:
        return None
    return [c / total for c in progress.cumulative(months)]


def project(
    this_year: list[int], ended: int, history: dict[int, list[int]] | None = None
) -> Forecast:
    """The forecast from this year's monthly jobs (12 values; only the first
    `ended` are read) and past years' monthly jobs ({year: 12 values}, years with
    no figures left out)."""
    ended = max(0, min(ended, MONTHS))
    done = sum(this_year[:ended])
    cum = progress.cumulative(this_year[:ended])
    if ended == 0:
        return Forecast(None, None, None, None, 0)
    if ended == MONTHS:
        return Forecast(done, done, done, FINAL, MONTHS, path=[None] * MONTHS)
    patterns = {}
    for year in sorted(history or {}, reverse=True)[:MAX_HISTORY]:
        shares = _shares(history[year])
        if shares is not None and shares[ended - 1] > 0:
            patterns[year] = shares
    head = [None] * (ended - 1) + [cum[-1]]
    if len(patterns) >= MIN_HISTORY:
        mean = [sum(p[m] for p in patterns.values()) / len(patterns) for m in range(MONTHS)]

        def along(shares):
            return head + [done * shares[m] / shares[ended - 1] for m in range(ended, MONTHS)]

        each = {y: round(done / p[ended - 1]) for y, p in patterns.items()}
        low_year = min(each, key=each.get)
        high_year = max(each, key=each.get)
        path = along(mean)
        return Forecast(
            value=round(path[-1]),
            low=each[low_year],
            high=each[high_year],
            method=SEASONAL,
            ended_months=ended,
            history=tuple(sorted(patterns)),
            path=path,
            low_path=along(patterns[low_year]),
            high_path=along(patterns[high_year]),
        )
    value = progress.projection(done, ended)
    path = head + [
        done + (value - done) * (m - ended) / (MONTHS - ended) for m in range(ended + 1, 13)
    ]
    return Forecast(value, value, value, STRAIGHT, ended, path=path)


def for_scope(
    year: int,
    ended: int,
    province_ids: list[int] | None = None,
    office_id: int | None = None,
    this_year: list[int] | None = None,
    past: dict[int, list[dict]] | None = None,
) -> Forecast:
    """The forecast of a scope (the country, provinces or one office), reading the
    past years in one query. `this_year` (monthly jobs) and `past`
    (queries.monthly_by_year of at least the MAX_HISTORY years before) save the
    queries when the caller has them."""
    from reports import queries

    if ended <= 0:
        return Forecast(None, None, None, None, 0)
    if this_year is None:
        this_year = [m["jobs"] for m in queries.monthly(year, province_ids, office_id)]
    history = {}
    if 0 < ended < MONTHS:
        past = queries.monthly_by_year(range(year - MAX_HISTORY, year), province_ids, office_id)
        history = {y: [m["jobs"] for m in rows] for y, rows in past.items()}
    return project(this_year, ended, history)


def backtest(history: dict[int, list[int]], held_out: int) -> list[dict]:
    """How the seasonal projection would have done in a past year: for each number
    of ended months, the projection from the years before `held_out` against its
    actual total. Rows: ended, projected, actual, error_pct, method."""
    actual = sum(history[held_out])
    before = {y: v for y, v in history.items() if y < held_out}
    out = []
    for ended in range(1, MONTHS):
        found = project(history[held_out], ended, before)
        out.append(
            {
                "ended": ended,
                "projected": found.value,
                "low": found.low,
                "high": found.high,
                "actual": actual,
                "error_pct": 100.0 * (found.value - actual) / actual if actual else None,
                "method": found.method,
            }
        )
    return out
