"""The national completeness view (/completeness/): province × month counts.

Rules checked (on 1405/09/11, entry deadline day 10 of the following month):
- a county office owes a month when it was open in it and the month has ended;
  a closed office owes only the months it was open; a month still running is
  owed by nobody, whatever drafts exist;
- each cell counts the owed reports approved, submitted (awaiting approval)
  and late (owed, past the deadline, neither submitted nor approved);
  province totals and country totals add up the cells;
- national managers see all 31 provinces; a provincial manager sees only
  their own province's row (docs/permissions.md: reads are scoped);
- the counts take a fixed number of queries whatever the number of offices;
- the country dashboard links to the view.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import CountyOffice, MonthlyReport, Province, ReportStatus
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import to_gregorian
from reports.completeness import national_completeness
from tests.test_dashboard_data import add_office_year


@pytest.fixture
def statuses(zanjan, tehran):
    """Zanjan 1405: one office approved through Aban, one with Aban submitted, one
    closed in Khordad; the rest owe everything. A Farvardin-to-Azar draft too."""
    first, second, closed, *_rest = list(zanjan.offices.order_by("pk"))
    for office in (first, second, closed):
        add_office_year(
            office, 1405, jobs=90, loans_count=9, loans_amount_rial=9, months=range(1, 10)
        )
    MonthlyReport.objects.filter(office__in=[first, second], year=1405, month__lte=8).update(
        status=ReportStatus.APPROVED
    )
    MonthlyReport.objects.filter(office=second, year=1405, month=8).update(
        status=ReportStatus.SUBMITTED
    )
    MonthlyReport.objects.filter(office=closed, year=1405, month__lte=3).update(
        status=ReportStatus.APPROVED
    )
    CountyOffice.objects.filter(pk=closed.pk).update(
        is_active=False, closed_on=to_gregorian(1405, 3, 15)
    )
    return {"offices": zanjan.offices.count()}


def _row(table, code):
    return next(r for r in table.rows if r.province.code == code)


@pytest.mark.django_db
def test_cells_count_approved_submitted_and_late(statuses):
    table = national_completeness(Province.objects.all(), 1405, clock.today())
    n = statuses["offices"]
    zanjan = _row(table, "IR-19")
    farvardin, khordad, tir, aban, azar = (zanjan.months[m - 1] for m in (1, 3, 4, 8, 9))
    assert (farvardin.expected, farvardin.approved, farvardin.submitted, farvardin.late) == (
        n,
        3,
        0,
        n - 3,
    )
    assert khordad.expected == n  # the closed office was open in Khordad
    assert (tir.expected, tir.approved, tir.late) == (n - 1, 2, n - 3)
    assert (aban.expected, aban.approved, aban.submitted, aban.late) == (n - 1, 1, 1, n - 3)
    assert aban.state == "late"
    # Azar is still running: owed by nobody, though drafts exist.
    assert (azar.expected, azar.state) == (0, "")
    assert zanjan.total.expected == sum(c.expected for c in zanjan.months)
    assert zanjan.total.approved == 3 * 3 + 2 * 4 + 1
    # Totals over the country add up the provinces.
    assert table.totals[7].late == sum(r.months[7].late for r in table.rows)
    assert table.total.expected == sum(r.total.expected for r in table.rows)


@pytest.mark.django_db
@pytest.mark.today("1405/09/05")
def test_a_month_before_its_deadline_is_not_late(statuses):
    table = national_completeness(Province.objects.all(), 1405, clock.today())
    aban = _row(table, "IR-19").months[7]
    assert aban.expected > 0 and aban.late == 0 and aban.state == "open"


@pytest.mark.django_db
def test_counts_take_a_fixed_number_of_queries(statuses, tehran):
    national_completeness(Province.objects.all(), 1405, clock.today())  # settings row made once
    with CaptureQueriesContext(connection) as few:
        national_completeness(Province.objects.all(), 1405, clock.today())
    for office in tehran.offices.order_by("pk")[:3]:
        add_office_year(
            office, 1405, jobs=9, loans_count=3, loans_amount_rial=3, months=range(1, 9)
        )
    with CaptureQueriesContext(connection) as more:
        national_completeness(Province.objects.all(), 1405, clock.today())
    assert len(few) == len(more) <= 4


@pytest.mark.django_db
def test_national_manager_sees_every_province(client, national_manager, statuses):
    client.force_login(national_manager)
    response = client.get("/completeness/?year=1405")
    assert response.status_code == 200
    assert len(response.context["table"].rows) == 31
    html = response.content.decode()
    assert "کامل بودن گزارش‌ها" in html and "آبان" in html
    assert "/entry/IR-19/1405/" in html  # each province links to its entry matrix


@pytest.mark.django_db
def test_provincial_manager_sees_only_their_province(client, zanjan_manager, statuses):
    client.force_login(zanjan_manager)
    response = client.get("/completeness/?year=1405")
    assert response.status_code == 200
    assert [r.province.code for r in response.context["table"].rows] == ["IR-19"]
    assert "تهران" not in response.content.decode()


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in_and_bad_year_is_400(client, national_manager):
    assert client.get("/completeness/").status_code == 302
    client.force_login(national_manager)
    assert client.get("/completeness/?year=abc").status_code == 400


@pytest.mark.django_db
def test_country_dashboard_links_to_completeness(client, national_manager):
    client.force_login(national_manager)
    assert 'href="/completeness/?year=1405"' in client.get("/?year=1405").content.decode()
