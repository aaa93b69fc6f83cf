"""Year over year on the country, province and county office pages (reports.yoy).

Rules checked:
- this year's ended months are compared with the same months of last year,
  with the % change; the month in progress is left out of both;
- a year with no figures says "no data" (cards, the month-by-month chart and
  its CSV, the annual totals), never zeros: Zanjan 1397 against 1396;
- the annual totals list each year with figures, the year in progress "to date".
"""

import csv
import io

import pytest

from reports import yoy
from tests.test_dashboard_data import add_office_year, seed_zanjan_1397

NO_DATA = "داده‌ای نیست"


def test_change_needs_a_base():
    assert yoy.change_pct(150, 100) == 50
    assert yoy.change_pct(5, 0) is None
    assert yoy.change_pct(5, None) is None
    assert yoy.to_date(None, 8, "jobs") is None


@pytest.mark.django_db
def test_a_year_without_figures_is_no_data_not_zeros(client, national_manager, zanjan):
    seed_zanjan_1397(zanjan)
    client.force_login(national_manager)
    response = client.get("/province/IR-19/?year=1397")
    jobs = response.context["yoy_cards"][0]
    assert jobs["value"] == "۲٬۸۸۲" and jobs["sub"] == f"۱۳۹۶: {NO_DATA}"
    assert "٪" not in jobs["sub"]
    chart = next(c for c in response.context["charts"] if c.id == "year-vs-last")
    assert [t["name"] for t in chart.figure["data"]] == ["۱۳۹۷"]  # no bars of zeros for 1396
    assert NO_DATA in chart.note and NO_DATA in chart.figure["layout"]["annotations"][0]["text"]
    assert all(row[1] == NO_DATA for row in chart.table.rows)
    body = client.get("/export/province/year-vs-last.csv?year=1397&province=IR-19")
    rows = list(csv.reader(io.StringIO(body.content.decode("utf-8-sig"))))
    assert rows[1][1] == NO_DATA and "0" not in {r[1] for r in rows[1:]}
    annual = next(c for c in response.context["charts"] if c.id == "annual")
    assert annual.table.rows[0] == ["۱۳۹۶", *[NO_DATA] * 5]
    assert annual.table.rows[1][:2] == ["۱۳۹۷", 2882]
    assert f"{NO_DATA}" in annual.note


def _two_years(province):
    office = province.offices.order_by("pk").first()
    add_office_year(office, 1404, jobs=1200, loans_count=120, loans_amount_rial=12 * 10**10)
    # 1405 to month 9; on 1405/09/11 month 9 is in progress.
    add_office_year(
        office, 1405, jobs=900, loans_count=90, loans_amount_rial=9 * 10**10, months=range(1, 10)
    )
    return office


@pytest.mark.django_db
def test_every_level_compares_the_same_ended_months(client, national_manager, zanjan):
    office = _two_years(zanjan)
    client.force_login(national_manager)
    # Months 1-8: 1404 has 550 of 1200 (the helper's split, rising by month), 1405 900 × 36/45 = 720.
    for url in ("/?year=1405", "/province/IR-19/?year=1405", f"/office/{office.pk}/?year=1405"):
        context = client.get(url).context
        jobs = context["yoy_cards"][0]
        assert jobs["label"].endswith("فروردین تا آبان"), url
        assert jobs["value"] == "۷۲۰", url
        assert jobs["sub"] == "۱۴۰۴: ۵۵۰ · ۳۱٪ بیشتر", url
        assert round(jobs["change"]) == 31
        annual = next(c for c in context["charts"] if c.id == "annual")
        assert annual.table.rows[-2][:2] == ["۱۴۰۴", 1200]
        assert annual.table.rows[-1][:2] == ["۱۴۰۵ (تاکنون)", 900]
        chart = next(c for c in context["charts"] if c.id == "year-vs-last")
        assert [t["name"] for t in chart.figure["data"]] == ["۱۴۰۴", "۱۴۰۵"]
