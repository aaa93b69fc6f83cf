"""One forecast figure per page, in a real Chromium: the year-end card, the press
summary and the API's `forecast` say the same number, on the country page and
on a province page (reports.forecast), and the cumulative chart names the method.
"""

import pytest

from reliefjobs.lib.money import number_words
from reliefjobs.lib.text import parse_int
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD, SUITE_DAY
from tests.test_dashboard_data import add_office_year, add_target

CARD = "پیش‌بینی اشتغال تا پایان سال"

# Built on the suite's day (its months and forecast): not one of the calendar-edge runs.
pytestmark = pytest.mark.today(SUITE_DAY)


@pytest.fixture
def history(reference_data):
    from programs.models import Province, User

    for code in ("IR-19", "IR-23"):
        province = Province.objects.get(code=code)
        office = province.offices.order_by("pk").first()
        for year in (1402, 1403, 1404):
            add_office_year(office, year, jobs=780, loans_count=60, loans_amount_rial=6 * 10**9)
        # 1405/09/11: months 1-8 ended, month 9 in progress (its drafts must not count).
        add_office_year(
            office,
            1405,
            jobs=1200,
            loans_count=90,
            loans_amount_rial=9 * 10**9,
            months=range(1, 10),
        )
        add_target(province, 1405, "jobs", 2500)
    User.objects.create_user(username="national", password=PASSWORD, role="manager")


@pytest.mark.parametrize(
    ("url", "api"),
    [
        ("/?year=1405", "/api/v1/progress?year=1405"),
        ("/province/IR-19/?year=1405", "/api/v1/progress?year=1405&province=IR-19"),
    ],
)
def test_card_summary_and_api_show_one_forecast(page, history, url, api):
    login(page, "national", PASSWORD)
    page.goto(page.live_url + url)
    page.wait_for_load_state("networkidle")
    card = page.locator(".cards .stat").filter(has_text=CARD).first
    value = parse_int(card.locator(".stat-value").inner_text())
    answer = page.request.get(page.live_url + api).json()["forecast"]
    assert answer["projected_jobs"] == value
    assert answer["method"] == "seasonal"
    narrative = page.inner_text("#narrative-text")
    assert f"تا پایان سال {number_words(value)} شغل" in narrative
    assert answer["basis"] in narrative and answer["basis"] in card.inner_text()
    assert "پیش‌بینی فصلی" in page.inner_text("#fig-pace")
    assert page.watch.console_errors == []
    screenshot(page, "h05-forecast-" + ("country" if url.startswith("/?") else "province"))
