"""The work list ("what waits for me") in a real browser, on the demo.

Business rules checked: each of the five demo users lands on their work list after
logging in through the form; on the demo's state (1405/09/11, the day after Aban's
deadline) every list of their role is non-empty; the bell shows the notices the
reminder command left; a returned month's form shows the manager's comment above
the form and the matrix cell carries it as its tooltip. Nothing is loaded from
outside and no script error happens. Screenshots: artifacts/screenshots/home_*.png,
month_returned_banner.png, notices_list.png.
"""

from io import StringIO

import pytest
from django.core.management import call_command

from programs import demo, workflow
from programs.models import MonthlyReport, ReportStatus, User
from tests.browser.conftest import login, screenshot

SECTIONS = {
    "zanjan_staff": ("#returned", "#due", "#waiting"),
    "tehran_staff": ("#due", "#waiting"),
    "zanjan_manager": ("#waiting", "#due", "#pace"),
    "national_manager": ("#completeness", "#most-overdue", "#unlocked"),
    "admin": ("#completeness", "#most-overdue", "#unlocked"),
}


def _demo_state():
    """The demo for Zanjan and Tehran; a recent unlock and a Zanjan month returned to
    staff are made sure of (the demo draws them at random)."""
    demo.load_demo(provinces=["IR-19", "IR-23"])
    demo._demo_users()
    admin = User.objects.get(username="admin")
    manager = User.objects.get(username="zanjan_manager")
    zanjan = MonthlyReport.objects.filter(office__province__code="IR-19", year=1405)
    if not zanjan.filter(status=ReportStatus.RETURNED).exists():
        report = zanjan.filter(status=ReportStatus.SUBMITTED, month=8).first()
        workflow.return_report(report=report, by=manager, comment="آمار آموزش ثبت نشده است.")
    if not MonthlyReport.objects.filter(transitions__action="unlock").exists():
        report = zanjan.filter(status=ReportStatus.APPROVED).order_by("-month").first()
        workflow.unlock_report(report=report, by=admin, reason="نامهٔ بانک عامل: اصلاح مبلغ")
    call_command("send_reminders", stdout=StringIO())


@pytest.mark.today("1405/09/11")
def test_each_demo_user_lands_on_a_full_work_list(page, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    _demo_state()
    for username in SECTIONS:
        page.context.clear_cookies()
        login(page, username, demo.DEMO_PASSWORD)
        assert page.url.endswith("/home/"), username
        for section in SECTIONS[username]:
            box = page.locator(section)
            assert box.is_visible(), (username, section)
            count = box.locator(".count")
            if count.count():
                assert count.inner_text() not in ("۰", "0"), (username, section)
        if username in ("zanjan_staff", "tehran_staff", "zanjan_manager"):
            assert page.locator("#bell .bell-count").inner_text() == "۱", username
        screenshot(page, f"home_{username}")

    page.context.clear_cookies()
    login(page, "zanjan_staff", demo.DEMO_PASSWORD)
    page.locator("#returned a").first.click()
    page.wait_for_load_state("networkidle")
    banner = page.locator("#returned-comment")
    assert banner.is_visible() and banner.locator("blockquote").inner_text().strip()
    box, form = banner.bounding_box(), page.locator("#month-form").bounding_box()
    assert box["y"] < form["y"]
    screenshot(page, "month_returned_banner")
    page.goto(f"{page.live_url}/entry/IR-19/1405/")
    tooltip = page.locator("td.st-returned a.cell-link").first.get_attribute("title")
    assert tooltip and ":" in tooltip
    page.click("#bell")
    page.wait_for_url("**/notices/")
    screenshot(page, "notices_list")

    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
