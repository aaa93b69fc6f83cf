"""Names with markup are drawn as text in a real Chromium (attack audit, finding 4).

Rule checked: an office named `<a href="https://evil.example/">E</a>` appears on
the province chart's axis as those characters, and the chart's SVG holds no link
(before the fix Plotly drew a clickable <a> to evil.example).
"""

from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD
from tests.test_dashboard_data import add_target, seed_zanjan_1397

LINK = '<a href="https://evil.example/">E</a>'


def test_office_name_with_a_link_is_plain_text_on_the_chart(page, reference_data):
    from programs.models import Province, User

    zanjan = Province.objects.get(code="IR-19")
    offices = seed_zanjan_1397(zanjan, offices=3)
    add_target(zanjan, 1397, "jobs", 4000)
    offices[0].name = LINK
    offices[0].save()
    User.objects.create_user(username="national", password=PASSWORD, role="manager")
    login(page, "national", PASSWORD)
    for url in ("/province/IR-19/?year=1397", "/breakdowns/?year=1397&province=IR-19"):
        page.goto(page.live_url + url)
        page.wait_for_load_state("networkidle")
        page.wait_for_function(
            "() => document.querySelectorAll('.js-plotly-plot svg.main-svg').length > 0"
        )
        svg_links = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot a'))"
            ".map(a => a.getAttribute('href') || a.getAttribute('xlink:href'))"
        )
        assert svg_links == []
        ticks = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot .ytick text'))"
            ".map(t => t.textContent)"
        )
        assert LINK in ticks
        assert page.watch.console_errors == []
    screenshot(page, "chart-label-with-markup")
