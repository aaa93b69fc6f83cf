"""Printing a dashboard: on A4 landscape every chart fits the page.

Plotly draws at the screen's width; the page is right to left, so a chart
wider than the printable width (277 mm ≈ 1,047 px) would lose its left side.
"""

from tests.browser.conftest import login
from tests.browser.test_dashboards import dashboard_data  # noqa: F401  (fixture)
from tests.conftest import PASSWORD

PRINTABLE_PX = 1047


def _widest_chart(page):
    return page.evaluate(
        """() => Math.max(...Array.from(document.querySelectorAll('.js-plotly-plot svg.main-svg'))
                .map(svg => svg.getBoundingClientRect().width))"""
    )


def test_province_charts_fit_a4_landscape_when_printed(page, dashboard_data):  # noqa: F811
    login(page, "national", PASSWORD)
    page.goto(f"{page.live_url}/province/IR-19/?year=1397")
    page.wait_for_selector(".js-plotly-plot svg.main-svg")
    assert _widest_chart(page) > PRINTABLE_PX  # at 1366 px the screen charts are wider
    page.emulate_media(media="print")
    page.wait_for_timeout(500)
    assert _widest_chart(page) <= PRINTABLE_PX
    page.emulate_media(media="screen")
    page.wait_for_timeout(500)
    assert _widest_chart(page) > PRINTABLE_PX
    assert page.watch.console_errors == []
