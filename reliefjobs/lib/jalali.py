"""The one Jalali calendar module: months, fiscal years and conversions.

The agency's fiscal year is the Jalali year (1 Farvardin to the end of
Esfand); a reporting period is a (Jalali year, month) pair.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import jdatetime

from reliefjobs.lib.text import to_persian_digits

MONTH_NAMES = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)
MONTH_NAMES_EN = (
    "Farvardin",
    "Ordibehesht",
    "Khordad",
    "Tir",
    "Mordad",
    "Shahrivar",
    "Mehr",
    "Aban",
    "Azar",
    "Dey",
    "Bahman",
    "Esfand",
)
MIN_YEAR = 1300
MAX_YEAR = 1500


class Period(NamedTuple):
    """A reporting month: Jalali year and month (1 = Farvardin)."""

    year: int
    month: int

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    @property
    def first_day(self) -> dt.date:
        return month_first_day(self.year, self.month)

    @property
    def last_day(self) -> dt.date:
        return month_last_day(self.year, self.month)

    def label(self, persian: bool = True) -> str:
        return month_label(self.year, self.month, persian=persian)


def check_month(month: int) -> None:
    if not 1 <= month <= 12:
        raise ValueError(f"month must be between 1 and 12, not {month}")


def check_year(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(
            f"year must be a Jalali year between {MIN_YEAR} and {MAX_YEAR}, not {year}"
        )


def is_leap(year: int) -> bool:
    return jdatetime.date(year, 1, 1).isleap()


def days_in_month(year: int, month: int) -> int:
    check_month(month)
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def is_valid_date(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= days_in_month(year, month)


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    """A Jalali date as a Gregorian date; ValueError if it does not exist."""
    if not is_valid_date(year, month, day):
        raise ValueError(f"{year}/{month:02d}/{day:02d} is not a valid Jalali date")
    return jdatetime.date(year, month, day).togregorian()


def from_gregorian(value: dt.date) -> jdatetime.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return jdatetime.date.fromgregorian(date=value)


def month_first_day(year: int, month: int) -> dt.date:
    return to_gregorian(year, month, 1)


def month_last_day(year: int, month: int) -> dt.date:
    return to_gregorian(year, month, days_in_month(year, month))


def fiscal_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Jalali fiscal year."""
    return month_first_day(year, 1), month_last_day(year, 12)


def fiscal_year_of(value: dt.date) -> int:
    return from_gregorian(value).year


def period_of(value: dt.date) -> Period:
    j = from_gregorian(value)
    return Period(j.year, j.month)


def current_period(today: dt.date | None = None) -> Period:
    """The month `today` falls in; by default, today's month by the one clock."""
    from reliefjobs.lib import clock

    return period_of(today or clock.today())


def month_name(month: int, persian: bool = True) -> str:
    check_month(month)
    return (MONTH_NAMES if persian else MONTH_NAMES_EN)[month - 1]


def month_label(year: int, month: int, persian: bool = True) -> str:
    """«فروردین ۱۴۰۳» (or "Farvardin 1403")."""
    if persian:
        return f"{month_name(month)} {to_persian_digits(year)}"
    return f"{month_name(month, persian=False)} {year}"


def format_date(value: dt.date | dt.datetime | None, persian: bool = True) -> str:
    """A date as «۱۳۹۸/۰۲/۰۸»; a datetime in local time as «۱۳۹۸/۰۲/۰۸ ۱۴:۳۰»."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        from django.utils import timezone

        if timezone.is_aware(value):
            value = timezone.localtime(value)
        j = jdatetime.datetime.fromgregorian(datetime=value)
        text = j.strftime("%Y/%m/%d %H:%M")
    else:
        text = from_gregorian(value).strftime("%Y/%m/%d")
    return to_persian_digits(text) if persian else text


def parse_date(text: str) -> dt.date:
    """A Jalali date typed as 1398/02/08, ۱۳۹۸-۰۲-۰۸ or similar, as a Gregorian date."""
    from reliefjobs.lib.text import to_latin_digits

    cleaned = to_latin_digits(text.strip()).replace("-", "/").replace(".", "/")
    parts = cleaned.split("/")
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise ValueError(f"{text!r} is not a Jalali date like 1398/02/08")
    year, month, day = (int(p) for p in parts)
    return to_gregorian(year, month, day)


def elapsed_months(year: int, today: dt.date | None = None) -> int:
    """How many months of a fiscal year have ended by today (0-12)."""
    now = current_period(today)
    if now.year < year:
        return 0
    if now.year > year:
        return 12
    return now.month - 1
