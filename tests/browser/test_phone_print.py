"""Phone and print are first-class layouts of every dashboard (issue 11, item 7).

Rules checked, on the demo data at 1405/09/11 (a year with eight ended months),
for the country, province, breakdowns and county office dashboards and the
national completeness table:
- at 390 px (and 360 px) no page scrolls sideways: the document is no wider
  than the screen (a wide table scrolls inside its own box);
- the country and province pages answer "on track? who is behind?" on the
  first screen (the pace block ends above the fold at 1440 × 900 and 390 × 844);
- on a phone the month axis shows a few short month names, upright;
- printed on A4 landscape each dashboard takes at most two pages, and no chart
  is cut by a page break (each chart is drawn no taller than a page and no
  wider than its print column).

Screenshots at 1440 px and 390 px, the printed PDFs and (where poppler's
pdftoppm is installed) each printed page as a PNG go to artifacts/screenshots/.
"""

import re
import shutil
import subprocess

import pytest

from tests.browser.conftest import ARTIFACTS, login, screenshot
from tests.conftest import PASSWORD, SUITE_DAY

PRINTABLE_PX = (1047, 718)  # A4 landscape less 10 mm margins, at 96 px per inch

# Built on the suite's day (its months and forecast): not one of the calendar-edge runs.
pytestmark = pytest.mark.today(SUITE_DAY)


@pytest.fixture
def demo(reference_data):
    from django.core.management import call_command

    from programs.models import CountyOffice, User

    call_command("load_demo", verbosity=0)
    User.objects.create_user(username="reader", password=PASSWORD, role="manager")
    office = CountyOffice.objects.filter(province__code="IR-19").order_by("pk").first()
    return {
        "country": "/?year=1405",
        "province": "/province/IR-19/?year=1405",
        "breakdowns": "/breakdowns/?year=1405",
        "office": f"/office/{office.pk}/?year=1405",
        "completeness": "/completeness/?year=1405",
    }


def _open(page, url):
    page.goto(page.live_url + url)
    page.wait_for_load_state("networkidle")
    count = page.locator(".chart-plot").count()
    page.wait_for_function(
        "n => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n", arg=count
    )
    page.wait_for_timeout(400)  # dashboard.js re-lays out charts for the width


def _overflow(page):
    return page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )


def _pace_panel_bottom(page):
    """Where the "on track? who is behind?" block ends, from the top of the page."""
    return page.evaluate(
        "() => document.querySelector('.pace-panel').getBoundingClientRect().bottom + scrollY"
    )


def _month_ticks(page, figure_id):
    return page.evaluate(
        """id => Array.from(document.querySelectorAll('#fig-' + id + ' .xtick text'))
                 .map(t => t.textContent)""",
        figure_id,
    )


def test_no_dashboard_scrolls_sideways_on_a_phone(page, demo):
    login(page, "reader", PASSWORD)
    for name, url in demo.items():
        page.set_viewport_size({"width": 1440, "height": 900})
        _open(page, url)
        screenshot_first_screen(page, f"phone-print-{name}-1440")
        if name in ("country", "province"):
            assert _pace_panel_bottom(page) <= 900, f"{name}: who is behind is below the fold"
        for width in (360, 390):
            page.set_viewport_size({"width": width, "height": 844})
            _open(page, url)
            scroll, client = _overflow(page)
            assert scroll <= client, f"{name} at {width} px is {scroll} px wide"
            if name in ("country", "province"):
                assert _pace_panel_bottom(page) <= 844, (
                    f"{name} at {width} px: verdict below the fold"
                )
        screenshot(page, f"phone-print-{name}-390")
        screenshot_first_screen(page, f"phone-print-{name}-390-first-screen")
    assert page.watch.console_errors == []


def test_month_ticks_on_a_phone_are_few_short_and_upright(page, demo):
    login(page, "reader", PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, demo["province"])
    ticks = _month_ticks(page, "pace")
    assert 3 <= len(ticks) <= 4, ticks
    assert "فروردین" in ticks and all("۱۴۰۵" not in t for t in ticks)
    rotated = page.evaluate(
        """() => Array.from(document.querySelectorAll('#fig-pace .xtick text'))
                 .filter(t => /rotate\\((?!0)/.test(t.getAttribute('transform') || '')).length"""
    )
    assert rotated == 0
    page.set_viewport_size({"width": 1440, "height": 900})
    page.wait_for_timeout(800)
    assert len(_month_ticks(page, "pace")) == 12


def test_every_dashboard_prints_on_at_most_two_a4_landscape_pages(page, demo):
    login(page, "reader", PASSWORD)
    for name, url in demo.items():
        page.set_viewport_size({"width": 1440, "height": 900})
        _open(page, url)
        page.emulate_media(media="print")
        page.wait_for_timeout(800)
        sizes = page.evaluate(
            """() => Array.from(document.querySelectorAll('.js-plotly-plot svg.main-svg'))
                 .map(s => [s.getBoundingClientRect().width, s.getBoundingClientRect().height])"""
        )
        assert sizes or name == "completeness"
        for width, height in sizes:
            assert width <= PRINTABLE_PX[0] and height <= PRINTABLE_PX[1] - 60, (name, sizes)
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
        _save_pdf(name, pdf)
        assert 1 <= pages <= 2, f"{name} prints to {pages} pages"
        page.emulate_media(media="screen")
    assert page.watch.console_errors == []


def screenshot_first_screen(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def _save_pdf(name, pdf: bytes):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"print-{name}.pdf"
    path.write_bytes(pdf)
    for old in ARTIFACTS.glob(f"print-{name}-page-*.png"):
        old.unlink()  # a page count that shrank leaves no stale page behind
    if shutil.which("pdftoppm"):
        subprocess.run(
            ["pdftoppm", "-r", "80", "-png", str(path), str(ARTIFACTS / f"print-{name}-page")],
            check=False,
            timeout=60,
        )
