"""The work list: the home page after logging in ("what waits for me").

Business rules checked (the cycle is the month that ended last, due by the
entry settings' deadline day of the following month):
- logging in lands on the work list;
- provincial staff see, for their province only, the months returned to them
  with the manager's comment, the months due this cycle per county office (not
  started / draft / returned, overdue by N days), each a link to the month form,
  and the months they sent that wait for approval;
- a provincial manager sees the months waiting for approval oldest first with
  how long they have waited, the offices that have not sent this cycle, and the
  province's jobs against the straight-line pace of its target;
- national managers and admins see the provinces by completeness this cycle, the
  most overdue offices, and months unlocked recently with the reason;
- a page costs the same number of queries with 10× the offices and months.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notices import worklist
from programs import workflow
from programs.models import CountyOffice, Province
from programs.services import TargetValue, apply_targets
from reliefjobs.lib import clock, jalali
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CYCLE = (1405, 8)  # on 1405/09/11 the cycle is Aban, due 1405/09/10
RETURN_COMMENT = "مبلغ تسهیلات بانک سپه با فهرست بانک هم‌خوانی ندارد"
UNLOCK_REASON = "اصلاح مبلغ وام پس از نامه بانک"


def month_in(office, by, *, year=1405, month=8, status="draft", day=None, manager=None, admin=None):
    """A month of an office moved to `status` through the workflow (on `day`, if given)."""

    def steps():
        report = workflow.save_month(
            office=office,
            year=year,
            month=month,
            values={"trainees": 1, "exits": 0},
            by=by,
            expected_version=0,
        )
        if status == "draft":
            return report
        report = workflow.submit_report(report=report, by=by)
        if status == "returned":
            return workflow.return_report(report=report, by=manager, comment=RETURN_COMMENT)
        if status in ("approved", "unlocked"):
            report = workflow.approve_report(report=report, by=manager)
        if status == "unlocked":
            return workflow.unlock_report(report=report, by=admin, reason=UNLOCK_REASON)
        return report

    if day is None:
        return steps()
    with clock.pinned(jalali.parse_date(day)):
        return steps()


def offices_of(code, count=None):
    offices = list(CountyOffice.objects.filter(province__code=code).order_by("name"))
    return offices[:count] if count else offices


def build_province(code, staff, manager, admin, *, extra=0):
    """A province's months this cycle in every state; `extra` more offices, each with
    a submitted month, for the 10× case."""
    province = Province.objects.get(code=code)
    offices = offices_of(code)
    for i in range(extra):
        offices.append(CountyOffice.objects.create(province=province, name=f"دفتر آزمایشی {i}"))
    a, b, c, d, *rest = offices
    month_in(a, staff, status="returned", manager=manager, day="1405/09/05")
    month_in(b, staff, status="draft")
    month_in(c, staff, status="submitted", day="1405/09/01")
    month_in(d, staff, month=7, status="submitted", day="1405/08/08")
    month_in(d, staff, month=7, status="unlocked", year=1404, manager=manager, admin=admin)
    for office in rest[: max(extra, 1)]:
        month_in(office, staff, status="submitted", day="1405/09/09")
    apply_targets(values=[TargetValue(1405, province.pk, "jobs", 1200)], by=admin)
    return offices


@pytest.fixture
def zanjan_months(zanjan_staff, zanjan_manager, admin_user):
    return build_province("IR-19", zanjan_staff, zanjan_manager, admin_user)


def _get(client, user, path="/home/"):
    client.force_login(user)
    response = client.get(path)
    assert response.status_code == 200
    return response


def test_login_lands_on_the_work_list(client, zanjan_staff):
    response = client.post(
        reverse("login"), {"username": "zanjan_staff", "password": PASSWORD}, follow=False
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("notices:home") == "/home/"


def test_cycle_is_the_last_month_with_the_settings_deadline(today):
    cycle = worklist.current_cycle()
    assert cycle.period == CYCLE
    assert cycle.deadline == jalali.parse_date("1405/09/10")
    assert cycle.days_late == 1 and cycle.days_left == -1


@pytest.mark.today("1405/09/07")
def test_before_the_deadline_days_are_left_not_late():
    cycle = worklist.current_cycle()
    assert (cycle.days_left, cycle.days_late) == (3, 0)


def test_staff_sees_returned_with_comment_due_and_waiting(client, zanjan_staff, zanjan_months):
    a, b, c, d, e = zanjan_months[:5]
    page = _get(client, zanjan_staff).content.decode()
    work = worklist.province_work(zanjan_staff.province)
    due = {(m.office.pk, m.status) for m in work.due}
    assert (a.pk, "returned") in due and (b.pk, "draft") in due
    assert all(m.days_late == 1 for m in work.due)
    # every other office of the cycle has not started
    assert {m.status for m in work.due if m.office.pk not in (a.pk, b.pk)} <= {"missing"}
    assert c.pk not in {m.office.pk for m in work.due}
    returned = {(r.office_id, r.year, r.month): r.back_comment for r in work.returned}
    # a month the manager returned, and an approved month an admin unlocked
    assert returned == {(a.pk, 1405, 8): RETURN_COMMENT, (d.pk, 1404, 7): UNLOCK_REASON}
    assert RETURN_COMMENT in page
    assert reverse("entry:month", args=[a.pk, 1405, 8]) in page
    assert reverse("entry:month", args=[b.pk, 1405, 8]) in page
    assert reverse("entry:month", args=[c.pk, 1405, 8]) in page  # waiting
    assert "برگشت‌خورده به شما" in page


def test_manager_sees_waiting_oldest_first_with_days_and_pace(
    client, zanjan_manager, zanjan_months
):
    _a, _b, c, d, e = zanjan_months[:5]
    work = worklist.province_work(zanjan_manager.province)
    waiting = [(r.office_id, r.month, r.days_waiting) for r in work.waiting]
    assert waiting[0] == (d.pk, 7, 33)  # sent 1405/08/08
    assert (c.pk, 8, 10) in waiting and (e.pk, 8, 2) in waiting
    assert [w[2] for w in waiting] == sorted((w[2] for w in waiting), reverse=True)
    assert work.pace["target"] == 1200 and work.pace["elapsed"] == 8
    assert work.pace["expected"] == 800
    page = _get(client, zanjan_manager).content.decode()
    assert 'id="pace"' in page and 'id="waiting"' in page


def test_tehran_staff_sees_nothing_of_zanjan(client, tehran_staff, zanjan_months):
    page = _get(client, tehran_staff).content.decode()
    assert RETURN_COMMENT not in page
    for office in zanjan_months[:5]:
        assert f"/entry/office/{office.pk}/" not in page


def test_national_sees_completeness_overdue_and_unlocks(client, national_manager, zanjan_months):
    work = worklist.country_work(national_manager)
    assert len(work.provinces) == 31
    zanjan = next(r for r in work.provinces if r.province.code == "IR-19")
    assert zanjan.expected == len(offices_of("IR-19"))
    assert zanjan.sent == 2 and zanjan.waiting == 2
    assert work.provinces[0].percent <= work.provinces[-1].percent
    assert work.most_overdue and work.most_overdue[0].days_late >= 1
    assert [t.comment for t in work.unlocked] == [UNLOCK_REASON]
    page = _get(client, national_manager).content.decode()
    assert UNLOCK_REASON in page and 'id="completeness"' in page


def test_admin_gets_the_national_list(client, admin_user, zanjan_months):
    page = _get(client, admin_user).content.decode()
    assert 'id="unlocked"' in page and UNLOCK_REASON in page


def test_unlocks_older_than_thirty_days_are_not_recent(national_manager, zanjan_months):
    with clock.pinned(clock.today() + dt.timedelta(days=31)):
        assert worklist.country_work(national_manager).unlocked == []


# --- a fixed number of queries -----------------------------------------------------------


def _queries(client, user):
    client.force_login(user)
    client.get("/home/")  # session activity stamp, settings row
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/home/").status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "who", ["zanjan_staff", "zanjan_manager", "national_manager", "admin_user"]
)
def test_work_list_costs_the_same_queries_at_1x_and_10x(
    request, client, who, zanjan_staff, zanjan_manager, admin_user
):
    user = request.getfixturevalue(who)
    build_province("IR-19", zanjan_staff, zanjan_manager, admin_user, extra=1)
    small = _queries(client, user)
    tehran_staff = type(zanjan_staff).objects.create_user(
        username="t_staff",
        password=PASSWORD,
        role="staff",
        province=Province.objects.get(code="IR-23"),
    )
    zanjan = Province.objects.get(code="IR-19")
    for i in range(20):
        office = CountyOffice.objects.create(province=zanjan, name=f"دفتر بزرگ {i}")
        month_in(office, zanjan_staff, status="submitted", day="1405/09/08")
        month_in(office, zanjan_staff, month=7, status="returned", manager=zanjan_manager)
    for office in offices_of("IR-23", 8):
        month_in(office, tehran_staff, status="submitted")
    assert _queries(client, user) == small


def _visible_latin(html: str) -> set[str]:
    import re

    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    return set(re.findall(r"[A-Za-z_]{3,}", re.sub(r"<[^>]+>", " ", main)))


@pytest.mark.parametrize(
    "who", ["zanjan_staff", "zanjan_manager", "national_manager", "admin_user"]
)
def test_work_list_is_all_persian(request, client, who, zanjan_months):
    user = request.getfixturevalue(who)
    html = _get(client, user).content.decode()
    # Usernames are the only Latin words a user sees.
    assert _visible_latin(html) <= {"zanjan_staff", "zanjan_manager", "sysadmin"}
