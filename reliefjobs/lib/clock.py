"""The one clock: what day and time it is for the agency's business.

Every caller that needs "today" or "now" (deadlines, which months may be
written, projections, the demo, stamps on transitions) asks here; nothing else
calls `date.today()` or `timezone.now()` (ruff's banned-api rule keeps it so).

The day can be pinned:
- for demos and screenshots, by the environment variable `RELIEFJOBS_TODAY`,
  a Jalali date such as `1405-01-01`, `1405/1/1` or `۱۴۰۵/۰۱/۰۱`;
- for tests, by `pinned(day)` (the `today` fixture in tests/conftest.py).
A pinned day keeps the real time of day, so stamps still order correctly.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from django.utils import timezone

ENV_VAR = "RELIEFJOBS_TODAY"

_pinned_day: dt.date | None = None


@lru_cache(maxsize=8)
def parse_pinned_day(text: str) -> dt.date:
    """The Gregorian day of a Jalali date given as `RELIEFJOBS_TODAY`; ValueError if invalid."""
    from reliefjobs.lib.jalali import parse_date

    return parse_date(text)


def pinned_day() -> dt.date | None:
    """The day the clock is pinned to (by a test, then by the environment), or None."""
    if _pinned_day is not None:
        return _pinned_day
    raw = os.environ.get(ENV_VAR, "").strip()
    return parse_pinned_day(raw) if raw else None


def today() -> dt.date:
    """Today's date in the agency's time zone (Asia/Tehran)."""
    return pinned_day() or timezone.localdate()


def now() -> dt.datetime:
    """Now, as an aware datetime; on a pinned day, that day at the real time of day."""
    real = timezone.now()
    day = pinned_day()
    if day is None:
        return real
    local = timezone.localtime(real)
    return local.replace(year=day.year, month=day.month, day=day.day)


@contextmanager
def pinned(day: dt.date) -> Iterator[dt.date]:
    """Pin the clock to `day` (a Gregorian date) for the duration of the block."""
    global _pinned_day
    previous, _pinned_day = _pinned_day, day
    try:
        yield day
    finally:
        _pinned_day = previous
