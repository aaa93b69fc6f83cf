"""The year-end forecast (reports.forecast): one figure everywhere.

Rules checked:
- only ended months count: the month in progress never moves the forecast;
- with at least two past years with figures the projection is seasonal (the
  past years' monthly pattern), with a range from the lowest to the highest
  past year's pattern that holds the projection; with less history it is the
  straight run-rate line; an ended year's forecast is its total; before any
  month ends there is none;
- a past year with no figures is not history (no data is not a year of zeros);
- the card, the press summary, the cumulative chart's table and the API's
  progress answer show the same figure, with its basis in words («بر اساس ۸ ماه
  پایان‌یافته»), on the country page and on a province page.
"""

import pytest

from reliefjobs.lib.money import number_words
from reports import forecast
from reports.charts import fa_int
from tests.test_dashboard_data import add_office_year, add_target

RISING = [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]  # total 780


def test_straight_line_with_short_history():
    found = forecast.project([100] * 7 + [0] * 5, 7, {1404: RISING})
    assert (found.value, found.method) == (1200, forecast.STRAIGHT)
    assert found.low == found.high == 1200
    assert found.basis == "بر اساس ۷ ماه پایان‌یافته (روند خطی)"
    assert round(found.path[-1]) == 1200 and found.path[6] == 700


def test_seasonal_follows_the_past_pattern():
    this = [2 * v for v in RISING[:8]] + [0] * 4  # twice the past years, 8 months ended
    found = forecast.project(this, 8, {1403: RISING, 1404: RISING})
    assert found.method == forecast.SEASONAL
    assert found.value == 2 * 780  # a straight line would say 720 * 12 / 8 = 1080
    assert found.history == (1403, 1404)
    assert found.basis == "بر اساس ۸ ماه پایان‌یافته و الگوی ماهانه ۲ سال گذشته"


def test_seasonal_range_spans_the_past_years():
    flat = [65] * 12
    found = forecast.project([50] * 6 + [0] * 6, 6, {1402: RISING, 1403: flat, 1404: RISING})
    assert found.method == forecast.SEASONAL
    assert found.low < found.value < found.high
    assert found.low == 600  # the flat year: half the year gone, half the total
    assert found.high == round(300 / (210 / 780))
    assert round(found.low_path[-1]) == found.low and round(found.high_path[-1]) == found.high


def test_the_month_in_progress_does_not_count():
    history = {1403: RISING, 1404: RISING}
    ended = [10, 20, 30, 0, 0, 0, 0, 0, 0, 0, 0, 0]
    with_drafts = [10, 20, 30, 400, 0, 0, 0, 0, 0, 0, 0, 0]
    assert forecast.project(ended, 3, history) == forecast.project(with_drafts, 3, history)


def test_ended_year_and_no_month_ended():
    assert forecast.project(RISING, 12).value == 780
    assert forecast.project(RISING, 12).method == forecast.FINAL
    none = forecast.project([5] * 12, 0)
    assert none.value is None and none.method is None


@pytest.mark.django_db
def test_an_empty_past_year_is_not_history(zanjan):
    office = zanjan.offices.order_by("pk").first()
    add_office_year(office, 1404, jobs=780, loans_count=0, loans_amount_rial=0)
    add_office_year(office, 1405, jobs=360, loans_count=0, loans_amount_rial=0, months=range(1, 9))
    found = forecast.for_scope(1405, 8, [zanjan.pk])
    assert found.method == forecast.STRAIGHT  # 1403 and before: no figures, not zeros
    assert found.value == 540


def _history(province, office_index=0):
    office = province.offices.order_by("pk")[office_index]
    for year in (1402, 1403, 1404):
        add_office_year(office, year, jobs=780, loans_count=0, loans_amount_rial=0)
    # 1405: months 1-8 ended, month 9 (the month in progress on 1405/09/11) has drafts.
    add_office_year(
        office, 1405, jobs=1200, loans_count=10, loans_amount_rial=10**9, months=range(1, 10)
    )
    add_target(province, 1405, "jobs", 2000)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["country", "province"])
def test_card_summary_chart_and_api_agree(client, national_manager, zanjan, tehran, page):
    _history(zanjan)
    _history(tehran)
    client.force_login(national_manager)
    if page == "country":
        html, api = "/?year=1405", "/api/v1/progress?year=1405"
    else:
        html, api = "/province/IR-19/?year=1405", "/api/v1/progress?year=1405&province=IR-19"
    context = client.get(html).context
    answer = client.get(api).json()["forecast"]
    value = answer["projected_jobs"]
    assert answer["method"] == "seasonal" and answer["ended_months"] == 8
    assert answer["basis"].startswith("بر اساس ۸ ماه پایان‌یافته")
    card = next(c for c in context["cards"] if c["label"] == "پیش‌بینی اشتغال تا پایان سال")
    assert card["value"] == fa_int(value)
    assert answer["basis"] in card["sub"]
    assert f"پیش‌بینی می‌شود تا پایان سال {number_words(value)} شغل" in context["narrative"]
    assert answer["basis"] in context["narrative"]
    pace = next(c for c in context["charts"] if c.id == "pace")
    assert pace.table.rows[-1][4] == value
    assert pace.note == answer["basis"]
    # Per province: months 1-8 hold 960 of 1405's 1,200 (month 9 is in progress)
    # and past years had 36/78 of their total by month 8: 960 × 78 / 36 = 2,080
    # (a straight line would say 1,440; with the drafts of month 9, 1,600).
    provinces = 2 if page == "country" else 1
    assert abs(value - 2080 * provinces) <= 0.01 * value
