"""The dashboards in a real Chromium: every view loads with no console error,
every Plotly chart is drawn (an svg.main-svg inside each .js-plotly-plot),
the page is right-to-left and Persian, and nothing is requested from any host
but the app. Screenshots of each view go to artifacts/screenshots/.
"""

import pytest

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.test_dashboard_data import add_office_year, add_target, seed_zanjan_1397


@pytest.fixture
def dashboard_data(reference_data):
    from programs.models import Province, User

    zanjan = Province.objects.get(code="IR-19")
    tehran = Province.objects.get(code="IR-23")
    offices = seed_zanjan_1397(zanjan, offices=4)
    add_target(zanjan, 1397, "jobs", 3000)
    for office, target in zip(offices, (500, 700, 900, 1000), strict=True):
        add_target(zanjan, 1397, "jobs", target, office=office)
    for i, province in enumerate(Province.objects.exclude(pk=zanjan.pk).order_by("code")[:12]):
        office = province.offices.order_by("pk").first()
        add_office_year(
            office,
            1397,
            jobs=300 + 90 * i,
            loans_count=200 + 40 * i,
            loans_amount_rial=(30 + 5 * i) * 10**9,
            trainees=50,
            exits=8,
            referred=20 + i,
        )
        add_target(province, 1397, "jobs", 900 + 20 * i)
    add_office_year(
        tehran.offices.order_by("pk")[1],
        1396,
        jobs=453,
        loans_count=120,
        loans_amount_rial=536 * 10**9,
    )
    # The current year, part way through: the projection and the pace needed show.
    from reliefjobs.lib.jalali import current_period

    now = current_period()
    if now.month > 1:
        for office in offices[:2]:
            add_office_year(
                office,
                now.year,
                jobs=150 * (now.month - 1),
                loans_count=90,
                loans_amount_rial=9 * 10**9,
                referred=12,
                months=range(1, now.month),
            )
        add_target(zanjan, now.year, "jobs", 4000)
    User.objects.create_user(username="national", password=PASSWORD, role="manager")
    User.objects.create_user(username="zanjan", password=PASSWORD, role="manager", province=zanjan)
    return {"zanjan": zanjan, "office": offices[0]}


def assert_whole(page):
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    plots = page.locator(".chart-plot")
    count = plots.count()
    assert count > 0
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n", arg=count
    )
    for i in range(count):
        assert plots.nth(i).locator("svg.main-svg").count() >= 1
    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []


def test_national_manager_sees_every_view(page, dashboard_data):
    login(page, "national", PASSWORD)
    views = [
        ("dashboard-country", "/?year=1397"),
        ("dashboard-province", "/province/IR-19/?year=1397"),
        ("dashboard-office", f"/office/{dashboard_data['office'].pk}/?year=1397"),
        ("dashboard-breakdowns-country", "/breakdowns/?year=1397"),
        ("dashboard-breakdowns-province", "/breakdowns/?year=1397&province=IR-19"),
        ("dashboard-province-current-year", "/province/IR-19/"),
    ]
    for name, url in views:
        page.goto(page.live_url + url)
        page.wait_for_load_state("networkidle")
        assert_whole(page)
        assert "Jobs created" not in page.content()
        screenshot(page, name)


def test_zanjan_manager_lands_on_zanjan_and_copies_the_narrative(page, dashboard_data):
    login(page, "zanjan", PASSWORD)
    page.goto(page.live_url + "/?year=1397")
    page.wait_for_load_state("networkidle")
    assert "/province/IR-19/" in page.url
    assert_whole(page)
    assert "۲ هزار و ۴۰۲ فقره وام اشتغال" in page.inner_text("#narrative-text")
    page.click(".js-copy")
    # A function, not an expression: Playwright polls an expression with eval(), which
    # the Content-Security-Policy (no 'unsafe-eval') refuses.
    page.wait_for_function("() => document.querySelector('.copy-status').textContent.length > 0")
    screenshot(page, "dashboard-province-zanjan-user")
