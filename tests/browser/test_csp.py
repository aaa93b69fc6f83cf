"""The Content-Security-Policy in a real Chromium: the dashboards, the entry pages, the
audit page and the Django admin all work with it on, and none of them trips it.

Rules checked:
- every page is served with the policy (scripts only from the app, no inline, no eval);
- no page records a `securitypolicyviolation` or a console error;
- Plotly charts are drawn and the admin's own scripts run (select-all in a change list);
- the policy really bites: an inline script injected into a page is blocked and reported.
"""

import pytest

from tests.browser.conftest import login, screenshot
from tests.browser.test_dashboards import dashboard_data  # noqa: F401 - a shared fixture
from tests.conftest import PASSWORD

WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def admin_page(page, dashboard_data):  # noqa: F811
    from programs.models import User

    User.objects.create_superuser(
        username="root", password=PASSWORD, email="root@example.org", role="admin"
    )
    page.add_init_script(WATCH_CSP)
    page.failed_urls = []
    page.on(
        "response",
        lambda r: page.failed_urls.append(f"{r.status} {r.url}") if r.status >= 400 else None,
    )
    login(page, "root", PASSWORD)
    return page


def visit(page, path):
    response = page.goto(page.live_url + path)
    page.wait_for_load_state("networkidle")
    assert response.status == 200, (path, response.status)
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("style-src")[0]
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], (path, violations)
    assert page.watch.console_errors == [], (path, page.watch.console_errors, page.failed_urls)
    return response


def test_dashboards_draw_their_charts_under_the_policy(admin_page, dashboard_data):  # noqa: F811
    page = admin_page
    for path in ["/?year=1397", "/province/IR-19/?year=1397", "/breakdowns/?year=1397",
                 f"/office/{dashboard_data['office'].pk}/?year=1397"]:  # fmt: skip
        visit(page, path)
        plots = page.locator(".chart-plot").count()
        assert plots > 0
        page.wait_for_function(
            "n => document.querySelectorAll('.js-plotly-plot svg.main-svg').length >= n",
            arg=plots,
        )
    screenshot(page, "csp-dashboard")


def test_admin_pages_and_their_scripts_work_under_the_policy(admin_page, dashboard_data):  # noqa: F811
    from programs.models import CountyOffice, MonthlyReport

    page = admin_page
    office = CountyOffice.objects.filter(province__code="IR-19").first()
    report = MonthlyReport.objects.filter(office__province__code="IR-19").first()
    for path in [
        "/admin/",
        f"/admin/programs/countyoffice/?province__id__exact={office.province_id}",
        f"/admin/programs/countyoffice/{office.pk}/change/",
        "/admin/programs/monthlyreport/",
        f"/admin/programs/monthlyreport/{report.pk}/change/",
        "/admin/programs/target/add/",
        "/admin/programs/user/add/",
    ]:
        visit(page, path)
    visit(page, "/admin/programs/countyoffice/")
    page.click("#action-toggle")  # admin/js/actions.js: ticks every row
    assert page.locator("input.action-select:checked").count() > 1
    screenshot(page, "csp-admin")


def test_entry_and_audit_pages_work_under_the_policy(admin_page, dashboard_data):  # noqa: F811
    page = admin_page
    office = dashboard_data["office"]
    visit(page, "/audit/")
    visit(page, f"/entry/office/{office.pk}/1403/1/")
    visit(page, "/entry/IR-19/1397/")


def test_injected_inline_scripts_and_handlers_are_blocked(admin_page):
    """The control: the policy really blocks what an HTML injection would add."""
    page = admin_page
    page.goto(page.live_url + "/audit/")
    page.wait_for_load_state("networkidle")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = true'; document.body.appendChild(s); }"
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("window.__cspViolations")[0].startswith("script-src")
    page.evaluate(
        "() => { const b = document.createElement('button'); b.id = 'evil';"
        " b.setAttribute('onclick', 'window.__ran = true'); b.textContent = 'x';"
        " document.body.appendChild(b); }"
    )
    page.click("#evil")
    page.wait_for_function("() => window.__cspViolations.length > 1")
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("window.__cspViolations")[1].startswith("script-src-attr")
