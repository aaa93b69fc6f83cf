"""Chart data exports: CSV (UTF-8 with BOM) and XLSX of exactly the chart's table.

Rules checked:
- the CSV starts with a BOM, has the table's Persian headers and exactly its rows, months in Jalali;
- the XLSX holds the same header and rows (numbers as numbers), right-to-left;
- an unknown chart or view is a 404; the export follows the page's scope: a Zanjan user cannot export
  another province, office or the country.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

from reports import charts
from tests.test_dashboard_data import add_target, seed_zanjan_1397


@pytest.fixture
def figures(zanjan):
    offices = seed_zanjan_1397(zanjan)
    add_target(zanjan, 1397, "jobs", 4000)
    return offices


def as_text(value):
    return "" if value is None else str(value)


@pytest.mark.django_db
def test_csv_is_exactly_the_chart_table(client, national_manager, figures, zanjan):
    client.force_login(national_manager)
    response = client.get("/export/province/pace.csv?year=1397&province=IR-19")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="province-pace-1397.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    table = charts.province_page(1397, 12, zanjan)["charts"][1].table
    assert rows[0] == table.headers == ["ماه", "اشتغال ماه", "اشتغال تجمعی", "روند هدف", "پیش‌بینی"]
    assert rows[1:] == [[as_text(v) for v in row] for row in table.rows]
    assert rows[1][0] == "فروردین ۱۳۹۷"


@pytest.mark.django_db
def test_xlsx_is_exactly_the_chart_table(client, national_manager, figures):
    client.force_login(national_manager)
    response = client.get("/export/country/provinces.xlsx?year=1397")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    page_table = next(
        c for c in client.get("/?year=1397").context["charts"] if c.id == "provinces"
    ).table
    assert values[0] == page_table.headers
    assert values[1:] == page_table.rows
    assert sheet.sheet_view.rightToLeft
    zanjan_row = next(r for r in values if r[1] == "زنجان")
    assert zanjan_row[2] == 2882 and zanjan_row[6] == 408_000_000_000


@pytest.mark.django_db
def test_breakdown_export_at_office_level(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    response = client.get(f"/export/breakdowns/schemes.csv?year=1397&office={figures[0].pk}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["طرح", "فرصت شغلی ایجادشده"]
    assert sum(int(r[1]) for r in rows[1:]) == sum(
        r.jobs for r in figures[0].reports.filter(year=1397)
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/export/country/nothing.csv?year=1397", "/export/nowhere/pace.csv?year=1397"]
)
def test_unknown_chart_or_view_is_404(client, national_manager, url):
    client.force_login(national_manager)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_zanjan_user_cannot_export_outside_zanjan(client, zanjan_staff, figures, tehran):
    client.force_login(zanjan_staff)
    assert client.get("/export/province/pace.csv?year=1397&province=IR-23").status_code == 404
    office = tehran.offices.first()
    assert client.get(f"/export/office/pace.csv?year=1397&office={office.pk}").status_code == 404
    assert client.get("/export/country/provinces.csv?year=1397").status_code == 403
    assert client.get("/export/province/pace.csv?year=1397&province=IR-19").status_code == 200
