"""Monthly entry in a real browser.

Business rules checked: provincial staff open the completeness matrix, fill a
month with Persian digits, see live totals, Enter does not submit the form by
accident, and submit; a manager approves; staff can then no longer edit. The
matrix and the form are usable at 1366×768 and on a phone; nothing is loaded
from outside and no script error happens. Screenshots: artifacts/screenshots/.
"""

import pytest

from programs.models import CountyOffice, MonthlyReport, Province, ReportStatus
from reliefjobs.lib.jalali import current_period
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD


def _people(django_user_model):
    zanjan = Province.objects.get(code="IR-19")
    staff = django_user_model.objects.create_user(
        username="zanjan_staff",
        password=PASSWORD,
        role="staff",
        province=zanjan,
        first_name="مریم",
        last_name="احمدی",
    )
    manager = django_user_model.objects.create_user(
        username="zanjan_manager",
        password=PASSWORD,
        role="manager",
        province=zanjan,
    )
    return zanjan, staff, manager


def _fresh_login(page, username):
    page.context.clear_cookies()
    login(page, username, PASSWORD)
    # Only this flow's pages are judged, not whichever home page login lands on.
    page.watch.console_errors.clear()


@pytest.mark.calendar
def test_staff_fills_and_submits_manager_approves(page, django_user_model, today):
    zanjan, _staff, _manager = _people(django_user_model)
    office = CountyOffice.objects.filter(province=zanjan).order_by("name").first()
    period = current_period(today).previous()
    month_path = f"/entry/office/{office.pk}/{period.year}/{period.month}/"

    _fresh_login(page, "zanjan_staff")
    page.goto(f"{page.live_url}/entry/")
    assert "/entry/IR-19/" in page.url
    if period.year != current_period(today).year:
        page.goto(f"{page.live_url}/entry/IR-19/{period.year}/")
    # The matrix cell itself: once the month is past its deadline the overdue list
    # above the matrix links to the same month too.
    cell = page.locator(f'table a.cell-link[href="{month_path}"]')
    # «ارسال‌نشده», followed by «N روز تأخیر» once the deadline has passed.
    assert cell.inner_text().strip().startswith("ارسال‌نشده")
    screenshot(page, "entry_matrix")
    cell.click()
    page.wait_for_url(f"**{month_path}")

    jobs = page.locator("input[data-sum='jobs']")
    jobs.nth(0).fill("۱۲")
    jobs.nth(1).press("Enter")  # moves on, never submits
    assert page.url.endswith(month_path)
    jobs.nth(1).fill("٨")
    count = page.locator("input[name^='lc_']").first
    amount = page.locator("input[name^='la_']").first
    count.fill("۳")
    amount.fill("۴۵۰,۰۰۰,۰۰۰")
    page.locator("input[name='trainees']").fill("۵۲")
    page.locator("input[name='trainees']").press("Tab")
    assert page.locator("output[data-total='jobs']").inner_text() == "۲۰"
    assert page.locator("#total-loans-count").inner_text() == "۳"
    assert page.locator("#total-loans-amount").inner_text() == "۴۵۰٬۰۰۰٬۰۰۰"
    assert amount.input_value() == "۴۵۰٬۰۰۰٬۰۰۰"  # shown back formatted after leaving the field
    screenshot(page, "entry_form")

    page.click("button[name=save_submit]")
    page.wait_for_load_state("networkidle")
    # 20 jobs from 3 loans is above the jobs-per-loan bound: confirm with a reason.
    assert page.locator("#warnings").is_visible()
    assert page.locator("input[name='trainees']").input_value() == "۵۲"  # nothing typed is lost
    screenshot(page, "entry_form_warning")
    page.check("input[name=confirm]")
    page.fill("input[name=reason]", "کاریابی بدون وام")
    page.click("button[name=save_submit]")
    page.wait_for_url(f"**{month_path}")
    assert page.locator(".badge").inner_text() == "ارسال‌شده"
    report = MonthlyReport.objects.get(office=office, year=period.year, month=period.month)
    assert (report.jobs, report.loans_count, report.loans_amount_rial, report.trainees) == (
        20,
        3,
        4_500_000_000,
        52,
    )
    assert page.locator("button[name=save]").count() == 0

    _fresh_login(page, "zanjan_manager")
    page.goto(f"{page.live_url}{month_path}")
    page.click("button[data-action=approve]")
    page.wait_for_url(f"**{month_path}")
    assert page.locator(".badge").inner_text() == "تأییدشده"

    _fresh_login(page, "zanjan_staff")
    page.goto(f"{page.live_url}{month_path}")
    assert page.locator("input[name='trainees']").is_disabled()
    assert page.locator("button[name=save]").count() == 0
    assert page.locator("button[data-action]").count() == 0
    assert MonthlyReport.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    screenshot(page, "entry_form_locked")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{page.live_url}/entry/IR-19/{period.year}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    screenshot(page, "entry_matrix_phone")
    page.goto(f"{page.live_url}{month_path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 392
    screenshot(page, "entry_form_phone")

    assert page.watch.console_errors == []
    assert page.watch.foreign_requests == []
