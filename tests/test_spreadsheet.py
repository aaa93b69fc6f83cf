"""The Excel round trip of a province's month (programs.spreadsheet and its pages).

Business rules checked:
- the template has one row per county office of the province, Persian
  headers, the office names and the current values filled in (amounts in toman);
- template → fill → upload → preview (new / changed / unchanged per cell) →
  confirm saves everything through the import pipeline, in rials;
- a file with any bad row applies nothing and names the spreadsheet row;
- rows for another province, or for a locked (approved) or submitted month,
  are refused per row;
- staff of another province get 404; a manager may not upload.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from programs import workflow
from programs.models import CountyOffice, MonthlyReport
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def office(zanjan):
    return CountyOffice.objects.filter(province=zanjan).order_by("name").first()


def _template(client, year=1405, month=7):
    response = client.get(reverse("entry:sheet", args=["IR-19", year, month]))
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _column(sheet, header):
    for cell in sheet[1]:
        if cell.value == header:
            return cell.column
    raise AssertionError(f"no column {header!r}: {[c.value for c in sheet[1]]}")


def _row_of(sheet, office_name):
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == office_name:
            return row[0].row
    raise AssertionError(office_name)


def _upload(client, book):
    out = io.BytesIO()
    book.save(out)
    upload = SimpleUploadedFile("filled.xlsx", out.getvalue())
    return client.post(reverse("entry:upload", args=["IR-19"]), {"file": upload})


JOBS = "فرصت شغلی: کاریابی"
LOANS = "تعداد تسهیلات: بانک ملی ایران / صندوق امداد ولایت"
AMOUNT = "مبلغ تسهیلات (تومان): بانک ملی ایران / صندوق امداد ولایت"
TRAINEES = "آموزش‌دیدگان"


def test_template_lists_offices_with_current_values(office, zanjan, zanjan_staff):
    workflow.save_month(
        office=office,
        year=1405,
        month=7,
        values={"trainees": 52, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    sheet = _template(_client(zanjan_staff)).active
    names = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert names == list(
        CountyOffice.objects.filter(province=zanjan).order_by("name").values_list("name", flat=True)
    )
    assert [c.value for c in sheet[1]][:4] == ["استان", "شهرستان", "سال", "ماه"]
    assert sheet.cell(_row_of(sheet, office.name), _column(sheet, TRAINEES)).value == 52


def test_round_trip_preview_and_confirm(office, zanjan_staff):
    workflow.save_month(
        office=office,
        year=1405,
        month=7,
        values={"trainees": 52, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    client = _client(zanjan_staff)
    book = _template(client)
    sheet = book.active
    row = _row_of(sheet, office.name)
    sheet.cell(row, _column(sheet, JOBS)).value = "۸"
    sheet.cell(row, _column(sheet, LOANS)).value = 77
    sheet.cell(row, _column(sheet, AMOUNT)).value = "9,000,000,000"
    sheet.cell(row, _column(sheet, TRAINEES)).value = 52
    response = _upload(client, book)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok
    states = {c.label: c.state for c in preview.cells}
    assert states[JOBS] == "new" and states[TRAINEES] == "unchanged"
    assert not MonthlyReport.objects.get(office=office, month=7).jobs  # nothing saved yet
    response = client.post(reverse("entry:upload_confirm", args=["IR-19"]))
    assert response.status_code == 302
    report = MonthlyReport.objects.get(office=office, year=1405, month=7)
    assert (report.jobs, report.loans_count, report.loans_amount_rial, report.trainees) == (
        8,
        77,
        90_000_000_000,
        52,
    )


def test_file_with_errors_applies_nothing(office, zanjan_staff):
    client = _client(zanjan_staff)
    book = _template(client)
    sheet = book.active
    sheet.cell(2, _column(sheet, JOBS)).value = 5
    sheet.cell(3, _column(sheet, JOBS)).value = "پنج"
    sheet.cell(4, 2).value = "شهرستان ناموجود"
    sheet.cell(4, _column(sheet, JOBS)).value = 5
    response = _upload(client, book)
    assert response.status_code == 400
    rows = sorted({e.row for e in response.context["preview"].errors})
    assert rows == [3, 4]
    assert client.post(reverse("entry:upload_confirm", args=["IR-19"])).status_code == 302
    assert not MonthlyReport.objects.exists()


def test_rows_for_another_province_or_locked_month_are_refused(
    office, zanjan_staff, zanjan_manager
):
    report = workflow.save_month(
        office=office,
        year=1405,
        month=7,
        values={"trainees": 1, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    workflow.submit_report(report=report, by=zanjan_staff)
    client = _client(zanjan_staff)
    book = _template(client)
    sheet = book.active
    row = _row_of(sheet, office.name)
    sheet.cell(row, _column(sheet, TRAINEES)).value = 9
    sheet.cell(row + 1, 1).value = "تهران"
    sheet.cell(row + 1, _column(sheet, TRAINEES)).value = 9
    preview = _upload(client, book).context["preview"]
    assert {e.row for e in preview.errors} == {row, row + 1}
    workflow.approve_report(report=MonthlyReport.objects.get(pk=report.pk), by=zanjan_manager)
    preview = _upload(client, book).context["preview"]
    assert row in {e.row for e in preview.errors}
    assert MonthlyReport.objects.get(pk=report.pk).trainees == 1


def test_access_to_the_excel_pages(zanjan_manager, tehran_staff):
    assert (
        _client(tehran_staff).get(reverse("entry:sheet", args=["IR-19", 1405, 7])).status_code
        == 404
    )
    assert _client(tehran_staff).get(reverse("entry:upload", args=["IR-19"])).status_code == 404
    assert _client(zanjan_manager).get(reverse("entry:upload", args=["IR-19"])).status_code == 403
    response = Client().get(reverse("entry:sheet", args=["IR-19", 1405, 7]))
    assert response.status_code == 302


def test_confirm_without_preview_saves_nothing(zanjan_staff):
    response = _client(zanjan_staff).post(reverse("entry:upload_confirm", args=["IR-19"]))
    assert response.status_code == 302 and not MonthlyReport.objects.exists()


def test_template_form_takes_persian_digits(zanjan_staff):
    client = _client(zanjan_staff)
    response = client.get(
        reverse("entry:sheet_pick", args=["IR-19"]), {"year": "۱۴۰۵", "month": "8"}
    )
    assert response["Location"] == reverse("entry:sheet", args=["IR-19", 1405, 8])
    response = client.get(reverse("entry:sheet_pick", args=["IR-19"]), {"year": "x", "month": "8"})
    assert response["Location"] == reverse("entry:upload", args=["IR-19"])
