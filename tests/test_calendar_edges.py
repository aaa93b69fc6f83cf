"""The product on the calendar's edges: the demo, the dashboards, the deadlines.

Each edge day below is pinned, so the ordinary run covers every edge whatever
the real date. `test_the_demo_reads_right_on_this_day` is marked `calendar`: it
stands on the run's own day, and .ci/run runs it again (with the rest of the
`calendar` tests and the browser flows) under faketime on each edge day.

Business rules checked:
- the demo is right on any day: on 1 Farvardin the new year has no figures and
  the dashboard says so (with a link to last year, which is complete and
  approved); on the last day of Esfand every month of the year has figures;
- every dashboard, the entry matrix and the progress API answer 200 with no
  NaN or Infinity on each edge day;
- a month's report is due on day 10 of the next month: on the deadline day it
  is not late, on the day after it is one day late (also across 31/30-day
  months: Shahrivar's deadline is 10 Mehr).
"""

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from programs import demo
from programs.entry_queries import completeness_matrix
from programs.models import MonthlyReport, Province
from reliefjobs.lib import jalali

pytestmark = pytest.mark.django_db
QUICK = ["IR-19", "IR-23"]  # synthetic data for two provinces keeps the test quick

FIRST_OF_YEAR = "1405/01/01"
LEAP_ESFAND_END = "1403/12/30"
COMMON_ESFAND_END = "1404/12/29"
DEADLINE_DAY = "1405/07/10"  # Shahrivar's reports are due today
AFTER_DEADLINE = "1405/07/11"
FIRST_OF_MEHR = "1405/07/01"  # months turn from 31 days to 30
EDGES = [
    FIRST_OF_YEAR,
    LEAP_ESFAND_END,
    COMMON_ESFAND_END,
    DEADLINE_DAY,
    AFTER_DEADLINE,
    FIRST_OF_MEHR,
]


def on(day: str):
    return pytest.param(day, marks=pytest.mark.today(day), id=day.replace("/", "-"))


def pages(year: int) -> list[str]:
    return [
        f"/?year={year}",
        "/",
        f"/province/IR-19/?year={year}",
        f"/breakdowns/?year={year}",
        f"/entry/IR-19/{year}/",
        f"/api/v1/progress?year={year}",
        f"/?year={year - 1}",
    ]


def read_every_page(client: Client, year: int) -> dict[str, str]:
    bodies = {}
    for url in pages(year):
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for bad in ("NaN", "Infinity", "ZeroDivision"):
            assert bad not in body, (url, bad)
        bodies[url] = body
    return bodies


def check_the_demo(day, national_manager) -> None:
    # The command, as `make run` calls it: it reads the day from the one clock.
    call_command("load_demo", provinces=",".join(QUICK), stdout=io.StringIO())
    now = jalali.current_period(day)
    client = Client()
    client.force_login(national_manager)
    bodies = read_every_page(client, now.year)
    progress = json.loads(bodies[f"/api/v1/progress?year={now.year}"])
    assert progress["year"] == now.year

    this_year = MonthlyReport.objects.filter(year=now.year, office__province__code__in=QUICK)
    last_year = MonthlyReport.objects.filter(year=now.year - 1, office__province__code__in=QUICK)
    assert set(last_year.values_list("month", flat=True)) == set(range(1, 13))
    assert not last_year.exclude(status="approved").exists()
    # The month in progress has drafts in proportion to its days passed: none on its first day.
    entered = now.month if day > now.first_day else now.month - 1
    assert set(this_year.values_list("month", flat=True)) == set(range(1, entered + 1))
    dashboard = bodies[f"/?year={now.year}"]
    if now.month == 1:
        assert "year-notice" in dashboard
        assert f"?year={now.year - 1}" in dashboard
    else:
        assert "year-notice" not in dashboard
    if day == now.last_day and now.month == 12:
        assert entered == 12


@pytest.mark.parametrize("day", [on(day) for day in EDGES])
def test_the_demo_reads_right_on_the_edge_days(day, today, national_manager):
    check_the_demo(today, national_manager)


@pytest.mark.calendar
def test_the_demo_reads_right_on_this_day(today, national_manager):
    check_the_demo(today, national_manager)


@pytest.mark.parametrize(
    "days_late",
    [
        pytest.param(0, marks=pytest.mark.today(DEADLINE_DAY), id="deadline-day"),
        pytest.param(1, marks=pytest.mark.today(AFTER_DEADLINE), id="day-after"),
    ],
)
def test_a_month_is_late_from_the_day_after_its_deadline(days_late, today):
    demo.load_demo(today=today, provinces=["IR-19"])
    shahrivar = MonthlyReport.objects.filter(office__province__code="IR-19", year=1405, month=6)
    shahrivar.update(status="draft")
    matrix = completeness_matrix(Province.objects.get(code="IR-19"), 1405, today)
    cells = [row.cells[5] for row in matrix.rows if row.cells[5].expected]
    assert cells
    assert {cell.days_late for cell in cells} == {days_late}
    late = {office.pk for office, months in matrix.overdue if any(c.month == 6 for c in months)}
    assert bool(late) is bool(days_late)


@pytest.mark.today(FIRST_OF_MEHR)
def test_mehr_has_thirty_days_and_shahrivar_thirty_one(today):
    now = jalali.current_period(today)
    assert (now.year, now.month) == (1405, 7)
    assert (now.last_day - now.first_day).days + 1 == 30
    previous = now.previous()
    assert (previous.last_day - previous.first_day).days + 1 == 31
    assert today == now.first_day
