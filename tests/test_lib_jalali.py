"""The one Jalali calendar module.

Rules checked:
- leap years: ۱۴۰۳/۱۲/۳۰ exists, ۱۴۰۴/۱۲/۳۰ does not; Esfand has 29 or 30 days;
- conversions: 1 Farvardin 1398 = 2019-03-21; 8 Ordibehesht 1398 = 2019-04-28
  (the Zanjan article's date), both ways;
- month names فروردین … اسفند (and English), labels with Persian digits;
- the fiscal year is the Jalali year: its first and last day;
- a period's next and previous month cross year ends; periods order by time;
- typed dates with Persian digits or dashes; impossible dates are refused.
"""

import datetime as dt

import pytest

from reliefjobs.lib import jalali
from reliefjobs.lib.jalali import Period


def test_1403_is_leap_and_esfand_30_exists():
    assert jalali.is_leap(1403)
    assert jalali.days_in_month(1403, 12) == 30
    assert jalali.is_valid_date(1403, 12, 30)
    assert jalali.to_gregorian(1403, 12, 30) == dt.date(2025, 3, 20)


def test_1404_is_not_leap_and_esfand_30_is_invalid():
    assert not jalali.is_leap(1404)
    assert jalali.days_in_month(1404, 12) == 29
    assert not jalali.is_valid_date(1404, 12, 30)
    with pytest.raises(ValueError):
        jalali.to_gregorian(1404, 12, 30)


@pytest.mark.parametrize(("month", "days"), [(1, 31), (6, 31), (7, 30), (11, 30)])
def test_month_lengths(month, days):
    assert jalali.days_in_month(1402, month) == days


def test_month_13_and_0_are_refused():
    for month in (0, 13):
        with pytest.raises(ValueError):
            jalali.days_in_month(1402, month)
        assert not jalali.is_valid_date(1402, month, 1)


def test_first_farvardin_1398_is_21_march_2019():
    assert jalali.to_gregorian(1398, 1, 1) == dt.date(2019, 3, 21)
    j = jalali.from_gregorian(dt.date(2019, 3, 21))
    assert (j.year, j.month, j.day) == (1398, 1, 1)


def test_8_ordibehesht_1398_is_28_april_2019():
    assert jalali.to_gregorian(1398, 2, 8) == dt.date(2019, 4, 28)
    assert jalali.period_of(dt.date(2019, 4, 28)) == Period(1398, 2)
    assert jalali.format_date(dt.date(2019, 4, 28)) == "۱۳۹۸/۰۲/۰۸"
    assert jalali.format_date(dt.date(2019, 4, 28), persian=False) == "1398/02/08"


def test_from_gregorian_accepts_datetime():
    j = jalali.from_gregorian(dt.datetime(2019, 3, 21, 10, 0))
    assert (j.year, j.month, j.day) == (1398, 1, 1)


def test_month_names_persian_and_english():
    assert jalali.month_name(1) == "فروردین"
    assert jalali.month_name(2) == "اردیبهشت"
    assert jalali.month_name(12) == "اسفند"
    assert jalali.month_name(7, persian=False) == "Mehr"
    assert len(set(jalali.MONTH_NAMES)) == 12
    with pytest.raises(ValueError):
        jalali.month_name(13)


def test_month_label_uses_persian_digits():
    assert jalali.month_label(1403, 1) == "فروردین ۱۴۰۳"
    assert jalali.month_label(1403, 1, persian=False) == "Farvardin 1403"
    assert Period(1398, 2).label() == "اردیبهشت ۱۳۹۸"


def test_fiscal_year_is_the_jalali_year():
    assert jalali.fiscal_year_bounds(1398) == (dt.date(2019, 3, 21), dt.date(2020, 3, 19))
    first, last = jalali.fiscal_year_bounds(1403)
    assert (first, last) == (dt.date(2024, 3, 20), dt.date(2025, 3, 20))
    assert jalali.fiscal_year_of(dt.date(2019, 3, 20)) == 1397
    assert jalali.fiscal_year_of(dt.date(2019, 3, 21)) == 1398


def test_period_next_and_previous_cross_year_end():
    assert Period(1403, 12).next() == Period(1404, 1)
    assert Period(1404, 1).previous() == Period(1403, 12)
    assert Period(1403, 5).next() == Period(1403, 6)
    assert Period(1403, 5).previous() == Period(1403, 4)
    assert Period(1403, 12) < Period(1404, 1)


def test_period_first_and_last_day():
    period = Period(1403, 12)
    assert period.first_day == dt.date(2025, 2, 19)
    assert period.last_day == dt.date(2025, 3, 20)
    assert Period(1404, 12).last_day == dt.date(2026, 3, 20)


def test_current_period_follows_today():
    assert jalali.current_period(dt.date(2019, 4, 28)) == Period(1398, 2)


def test_elapsed_months_of_a_year():
    today = dt.date(2019, 4, 28)  # 1398/02/08
    assert jalali.elapsed_months(1398, today) == 1
    assert jalali.elapsed_months(1397, today) == 12
    assert jalali.elapsed_months(1399, today) == 0


def test_parse_date_accepts_persian_digits_and_dashes():
    assert jalali.parse_date("۱۳۹۸/۰۲/۰۸") == dt.date(2019, 4, 28)
    assert jalali.parse_date("1398-2-8") == dt.date(2019, 4, 28)


@pytest.mark.parametrize("text", ["1404/12/30", "1398/13/01", "1398/02", "hello", ""])
def test_parse_date_refuses_impossible_or_malformed_dates(text):
    with pytest.raises(ValueError):
        jalali.parse_date(text)


def test_year_range_check():
    jalali.check_year(1300)
    jalali.check_year(1500)
    for year in (1299, 1501, 2024):
        with pytest.raises(ValueError):
            jalali.check_year(year)
