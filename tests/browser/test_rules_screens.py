"""The rules' screens in a real browser (issue 10): the Excel upload preview
with a warning, confirmed with a reason, and the read-only monthly report in
the admin with its link to the month page. Screenshots: artifacts/screenshots/
(rules_upload_warning, rules_upload_reason_error, rules_admin_report).
"""

import io

import pytest
from openpyxl import Workbook

from programs import entry_queries, spreadsheet, workflow
from programs.models import CountyOffice, MonthlyReport, Province
from tests.browser.conftest import login, screenshot
from tests.conftest import PASSWORD, SUITE_DAY

YEAR = 1405  # the suite stands on 1405/09/11

# Built on the suite's day (its months and forecast): not one of the calendar-edge runs.
pytestmark = pytest.mark.today(SUITE_DAY)


def _staff(django_user_model):
    zanjan = Province.objects.get(code="IR-19")
    staff = django_user_model.objects.create_user(
        username="zanjan_staff", password=PASSWORD, role="staff", province=zanjan, is_staff=True
    )
    return zanjan, staff


def _history(office, staff):
    for month in range(1, 7):
        workflow.save_month(
            office=office,
            year=YEAR,
            month=month,
            values={"trainees": 10, "exits": 0},
            by=staff,
            expected_version=0,
        )


def _file(tmp_path, office, trainees):
    headers = spreadsheet._headers(entry_queries.month_grid())
    book = Workbook()
    sheet = book.active
    sheet.append(["استان", "شهرستان", "سال", "ماه", headers["trainees"]])
    sheet.append([office.province.name, office.name, YEAR, 7, trainees])
    out = io.BytesIO()
    book.save(out)
    path = tmp_path / "filled.xlsx"
    path.write_bytes(out.getvalue())
    return path


def test_upload_preview_shows_a_warning_and_needs_a_reason(page, django_user_model, tmp_path):
    zanjan, staff = _staff(django_user_model)
    office = CountyOffice.objects.filter(province=zanjan).order_by("name").first()
    _history(office, staff)
    login(page, "zanjan_staff", PASSWORD)
    page.goto(f"{page.live_url}/entry/IR-19/upload/")
    page.set_input_files("#id_file", str(_file(tmp_path, office, 500)))
    page.click("form.entry-filter button.primary")
    page.wait_for_load_state("networkidle")
    assert page.locator("#warnings").is_visible()
    assert "سطر ۲" in page.locator("#warnings").inner_text()
    screenshot(page, "rules_upload_warning")
    page.check("#id_confirm")
    page.click("#confirm-upload")
    page.wait_for_load_state("networkidle")
    assert page.locator("#reason-error").is_visible()
    screenshot(page, "rules_upload_reason_error")
    assert not MonthlyReport.objects.filter(office=office, year=YEAR, month=7).exists()
    page.check("#id_confirm")
    page.fill("#id_reason", "دوره آموزشی ویژه")
    page.click("#confirm-upload")
    page.wait_for_url("**/entry/IR-19/1405/**")
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=7)
    assert report.trainees == 500
    assert report.confirmations.get().reason == "دوره آموزشی ویژه"


def test_admin_report_page_is_read_only_with_a_link_to_the_month(page, django_user_model):
    zanjan, staff = _staff(django_user_model)
    office = CountyOffice.objects.filter(province=zanjan).order_by("name").first()
    _history(office, staff)
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=6)
    login(page, "zanjan_staff", PASSWORD)
    page.goto(f"{page.live_url}/admin/programs/monthlyreport/{report.pk}/change/")
    link = page.locator("#month-page-link")
    assert link.is_visible()
    assert page.locator("input[name=trainees]").count() == 0  # nothing to type into
    screenshot(page, "rules_admin_report")
    link.click()
    page.wait_for_url(f"**/entry/office/{office.pk}/{YEAR}/6/")
