"""The monthly entry pages: completeness matrix, month form and workflow steps.

Business rules checked:
- every page sends an anonymous visitor to the login page; staff of another
  province get 404; a user without the right role gets 403 on a change;
- the matrix shows each county office's month status, reported / expected
  per month and overdue offices, in a fixed number of queries;
- the month form accepts Persian digits and separators and amounts in toman
  (stored in rials); a failed validation keeps every typed value and shows
  the message next to the field; a stale form is refused showing what changed;
- plausibility warnings block the save until confirmed with a reason;
- staff submit, a manager approves or returns, an admin unlocks; staff can no
  longer edit a submitted or approved month.
"""

import pytest
from django.test import Client
from django.urls import reverse

from loans.models import Bank, FundingSource
from programs import workflow
from programs.entry_queries import amount_key, count_key, jobs_key
from programs.models import CountyOffice, EntrySettings, MonthlyReport, ReportStatus, Scheme
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def office(zanjan):
    return CountyOffice.objects.filter(province=zanjan).order_by("name").first()


@pytest.fixture
def keys():
    scheme = Scheme.objects.named("کاریابی").get()
    bank = Bank.objects.named("بانک ملی ایران").get()
    source = FundingSource.objects.named("صندوق امداد ولایت").get()
    return {
        "jobs": jobs_key(scheme.pk),
        "count": count_key(bank.pk, source.pk),
        "amount": amount_key(bank.pk, source.pk),
    }


def _url(office, month=7):
    return reverse("entry:month", args=[office.pk, 1404, month])


def _post(client, office, data, version=0, month=7):
    return client.post(_url(office, month), {"version": version, "base": "{}", **data})


def test_anonymous_is_sent_to_login(office):
    client = Client()
    for url in (
        reverse("entry:home"),
        reverse("entry:matrix", args=["IR-19", 1404]),
        _url(office),
        reverse("entry:notes", args=["IR-19"]),
        reverse("entry:upload", args=["IR-19"]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_staff_of_another_province_gets_404(office, tehran_staff):
    client = _client(tehran_staff)
    assert client.get(reverse("entry:matrix", args=["IR-19", 1404])).status_code == 404
    assert client.get(_url(office)).status_code == 404
    assert _post(client, office, {"trainees": "5"}).status_code == 404
    assert not MonthlyReport.objects.filter(office=office).exists()


def test_staff_home_goes_to_own_province(zanjan_staff):
    response = _client(zanjan_staff).get(reverse("entry:home"))
    assert response.status_code == 302
    assert "/entry/IR-19/" in response["Location"]


def test_matrix_shows_statuses_totals_and_overdue(
    office, zanjan_staff, django_assert_max_num_queries
):
    report = workflow.save_month(
        office=office,
        year=1404,
        month=1,
        values={"trainees": 3, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    workflow.submit_report(report=report, by=zanjan_staff)
    client = _client(zanjan_staff)
    EntrySettings.load()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("entry:matrix", args=["IR-19", 1404]))
    assert response.status_code == 200
    table = response.context["matrix"]
    row = next(r for r in table.rows if r.office == office)
    assert row.cells[0].status == ReportStatus.SUBMITTED
    assert row.cells[1].status == "missing"
    assert table.totals[0].reported == 1
    assert table.totals[0].expected == len(table.rows)
    late = dict((o, cells) for o, cells in table.overdue)
    assert 2 in [c.month for c in late[office]] and 1 not in [c.month for c in late[office]]
    assert all(c.days_late > 0 for c in late[office])
    assert office.name in response.content.decode()


def test_matrix_query_count_does_not_grow_with_data(
    zanjan_staff, zanjan, django_assert_max_num_queries
):
    for office in CountyOffice.objects.filter(province=zanjan):
        for month in (1, 2, 3):
            workflow.save_month(
                office=office,
                year=1404,
                month=month,
                values={"trainees": 1, "exits": 0},
                by=zanjan_staff,
                expected_version=0,
            )
    EntrySettings.load()
    client = _client(zanjan_staff)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("entry:matrix", args=["IR-19", 1404])).status_code == 200
    assert len(ctx) <= 12


def test_closed_office_is_not_missing_after_it_closes(office, zanjan_staff):
    import jdatetime

    office.is_active = False
    office.closed_on = jdatetime.date(1404, 3, 15)
    office.save()
    response = _client(zanjan_staff).get(reverse("entry:matrix", args=["IR-19", 1404]))
    row = next(r for r in response.context["matrix"].rows if r.office == office)
    assert row.cells[2].expected and not row.cells[3].expected
    assert row.cells[5].status == "not_due"


def test_staff_saves_month_with_persian_digits_and_toman(office, zanjan_staff, keys):
    client = _client(zanjan_staff)
    response = _post(
        client,
        office,
        {keys["jobs"]: "۸", keys["count"]: "٧٧", keys["amount"]: "۹٬۰۰۰٬۰۰۰٬۰۰۰", "trainees": "۵۲"},
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(office=office, year=1404, month=7)
    assert (report.jobs, report.loans_count, report.loans_amount_rial, report.trainees) == (
        8,
        77,
        90_000_000_000,
        52,
    )
    page = client.get(_url(office)).content.decode()
    assert "۹٬۰۰۰٬۰۰۰٬۰۰۰" in page  # shown back formatted, in toman


@pytest.mark.parametrize("typed", ["-3", "abc", "99999999999999999999", "۱٫۵"])
def test_hard_errors_block_saving_and_keep_values(office, zanjan_staff, keys, typed):
    client = _client(zanjan_staff)
    response = _post(client, office, {"trainees": typed, keys["jobs"]: "۱۲"}, month=6)
    assert response.status_code == 400
    assert response.context["form"].errors["trainees"]
    assert "field-error" in response.content.decode()
    assert 'value="۱۲"' in response.content.decode()
    assert not MonthlyReport.objects.filter(office=office, year=1404, month=6).exists()


def test_count_without_amount_and_amount_without_count_are_errors(office, zanjan_staff, keys):
    response = _post(_client(zanjan_staff), office, {keys["count"]: "3"})
    assert response.status_code == 400
    assert keys["amount"] in response.context["form"].errors
    response = _post(_client(zanjan_staff), office, {keys["amount"]: "1000000"})
    assert keys["count"] in response.context["form"].errors


def test_stale_form_is_refused_showing_what_changed(office, zanjan_staff, admin_user, keys):
    client = _client(zanjan_staff)
    _post(client, office, {keys["jobs"]: "5"})
    form = client.get(_url(office)).context["form"]
    version, base = form.initial["version"], form.initial["base"]
    assert (
        _post(_client(admin_user), office, {keys["jobs"]: "7"}, version=version).status_code == 302
    )
    response = client.post(_url(office), {"version": version, "base": base, keys["jobs"]: "9"})
    assert response.status_code == 409
    assert response.context["stale"][0]["old"] == "۵" and response.context["stale"][0]["new"] == "۷"
    assert MonthlyReport.objects.get(office=office, year=1404, month=7).jobs == 7
    assert 'value="9"' in response.content.decode()


def test_warning_needs_confirmation_with_reason(office, zanjan_staff):
    EntrySettings.load()
    for month in range(1, 7):
        workflow.save_month(
            office=office,
            year=1404,
            month=month,
            values={"trainees": 10, "exits": 0},
            by=zanjan_staff,
            expected_version=0,
        )
    client = _client(zanjan_staff)
    response = _post(client, office, {"trainees": "500"})
    assert response.status_code == 200
    assert [w.code for w in response.context["warnings"]] == ["spike"]
    assert not MonthlyReport.objects.filter(office=office, month=7).exists()
    seen = response.context["form"].data["warnings_seen"]
    response = _post(client, office, {"trainees": "500", "warnings_seen": seen, "confirm": "on"})
    # No reason given: not saved, an error on the reason field, the warnings still shown.
    assert response.status_code == 400
    assert "reason" in response.context["form"].errors
    assert [w.code for w in response.context["warnings"]] == ["spike"]
    assert not MonthlyReport.objects.filter(office=office, month=7).exists()
    response = _post(
        client,
        office,
        {"trainees": "500", "warnings_seen": seen, "confirm": "on", "reason": "دوره آموزشی ویژه"},
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(office=office, year=1404, month=7)
    assert report.trainees == 500
    assert report.confirmations.get().reason == "دوره آموزشی ویژه"


def test_average_loan_and_jobs_per_loan_warnings(office, zanjan_staff, keys):
    response = _post(
        _client(zanjan_staff),
        office,
        {keys["count"]: "1", keys["amount"]: "10", keys["jobs"]: "50"},
    )
    assert {w.code for w in response.context["warnings"]} == {"average_loan", "jobs_per_loan"}


def _step(client, office, action, comment="", month=7):
    report = MonthlyReport.objects.get(office=office, year=1404, month=month)
    return client.post(
        reverse("entry:transition", args=[office.pk, 1404, month]),
        {"action": action, "version": report.version, "comment": comment},
    )


def test_workflow_through_the_pages(office, zanjan_staff, zanjan_manager, admin_user):
    staff, manager = _client(zanjan_staff), _client(zanjan_manager)
    _post(staff, office, {"trainees": "4"})
    assert _step(manager, office, "approve").status_code == 302  # a draft: refused with a message
    assert MonthlyReport.objects.get(office=office, month=7).status == ReportStatus.DRAFT
    assert _post(manager, office, {"trainees": "5"}, version=1).status_code == 403
    assert _step(staff, office, "submit").status_code == 302
    assert _step(staff, office, "approve").status_code == 403
    assert _post(staff, office, {"trainees": "6"}, version=2).status_code == 403
    assert _step(manager, office, "return").status_code == 302  # no comment → refused
    assert MonthlyReport.objects.get(office=office, month=7).status == ReportStatus.SUBMITTED
    assert _step(manager, office, "approve").status_code == 302
    report = MonthlyReport.objects.get(office=office, month=7)
    assert report.status == ReportStatus.APPROVED
    page = staff.get(_url(office))
    assert not page.context["editable"] and "disabled" in page.content.decode()
    assert _post(staff, office, {"trainees": "7"}, version=report.version).status_code == 403
    assert _step(manager, office, "unlock", "x").status_code == 403
    assert _step(_client(admin_user), office, "unlock", "اصلاح").status_code == 302
    assert MonthlyReport.objects.get(office=office, month=7).status == ReportStatus.RETURNED
    assert MonthlyReport.objects.get(office=office, month=7).trainees == 4


def test_month_page_shows_history_and_reference_values(office, zanjan_staff, keys):
    client = _client(zanjan_staff)
    _post(client, office, {keys["jobs"]: "3"}, month=6)
    _post(client, office, {keys["jobs"]: "4"}, month=7)
    report = MonthlyReport.objects.get(office=office, month=7)
    _post(client, office, {keys["jobs"]: "6", "reason": "اصلاح"}, version=report.version)
    response = client.get(_url(office))
    assert response.context["reference"].previous[keys["jobs"]] == 3
    changes = [
        (c.old, c.new, c.reason) for c in response.context["history"] if "کاریابی" in c.label
    ]
    assert (4, 6, "اصلاح") in changes and (None, 4, "") in changes


def test_month_page_query_count_is_fixed(office, zanjan_staff, keys, django_assert_max_num_queries):
    client = _client(zanjan_staff)
    _post(client, office, {keys["jobs"]: "3", keys["count"]: "1", keys["amount"]: "20000000"})
    with django_assert_max_num_queries(30):
        assert client.get(_url(office)).status_code == 200


def test_national_manager_chooses_a_province(national_manager):
    client = _client(national_manager)
    response = client.get(reverse("entry:home"))
    assert response.status_code == 200 and len(response.context["provinces"]) == 31
    response = client.get(reverse("entry:home"), {"province": "IR-23", "year": "1404"})
    assert response["Location"].endswith("/entry/IR-23/1404/")
    assert client.get(reverse("entry:matrix", args=["IR-23", 1404])).status_code == 200


def test_deadline_day_is_admin_configurable(office, zanjan_staff):
    import datetime as dt

    from programs.entry_queries import completeness_matrix

    settings = EntrySettings.load()
    # Farvardin 1404 is due on 10 Ordibehesht 1404 = 30 April 2025.
    table = completeness_matrix(office.province, 1404, dt.date(2025, 5, 1))
    assert table.rows[0].cells[0].days_late == 1
    settings.deadline_day = 20
    settings.save()
    table = completeness_matrix(office.province, 1404, dt.date(2025, 5, 1))
    assert table.rows[0].cells[0].days_late == 0 and table.overdue == []


def test_on_time_rate_uses_the_first_submission(office, zanjan_staff):
    import datetime as dt

    from django.utils import timezone

    from programs.entry_queries import completeness_matrix
    from programs.models import ReportTransition

    report = workflow.save_month(
        office=office,
        year=1404,
        month=1,
        values={"trainees": 1, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    workflow.submit_report(report=report, by=zanjan_staff)
    steps = ReportTransition.objects.filter(report=report)
    for sent, on_time in (
        (dt.datetime(2025, 4, 29, 12), True),
        (dt.datetime(2025, 5, 2, 12), False),
    ):
        steps.update(at=timezone.make_aware(sent))
        table = completeness_matrix(office.province, 1404, dt.date(2025, 6, 1))
        cell = next(r for r in table.rows if r.office == office).cells[0]
        assert cell.on_time is on_time
        assert table.totals[0].on_time == int(on_time)
        assert table.totals[0].on_time_percent == round(
            100 * int(on_time) / table.totals[0].expected
        )


def test_month_loaded_in_bulk_without_author_opens(office, zanjan_staff):
    report = workflow.save_month(
        office=office,
        year=1404,
        month=7,
        values={"trainees": 5, "exits": 0},
        by=zanjan_staff,
        expected_version=0,
    )
    MonthlyReport.objects.filter(pk=report.pk).update(updated_by=None)
    response = _client(zanjan_staff).get(_url(office))
    assert response.status_code == 200
    assert response.context["form"].initial["trainees"] == "۵"


def _visible_english(html: str) -> set[str]:
    import re

    main = html.split('<main id="main">', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", main)
    return set(re.findall(r"[A-Za-z_]{3,}", text))


def test_persian_pages_do_not_leak_english(office, zanjan_staff, zanjan_manager, keys):
    staff = _client(zanjan_staff)
    _post(staff, office, {keys["jobs"]: "3", keys["count"]: "1", keys["amount"]: "20000000"})
    report = MonthlyReport.objects.get(office=office, month=7)
    workflow.submit_report(report=report, by=zanjan_staff)
    workflow.return_report(report=report, by=zanjan_manager, comment="اصلاح")
    pages = [
        reverse("entry:matrix", args=["IR-19", 1404]),
        _url(office),
        reverse("entry:notes", args=["IR-19"]),
        reverse("entry:note_new", args=["IR-19"]),
        reverse("entry:upload", args=["IR-19"]),
    ]
    for url in pages:
        # Usernames and the file extension are the only Latin words a user sees.
        allowed = {"zanjan_staff", "zanjan_manager", "xlsx"}
        assert _visible_english(staff.get(url).content.decode()) <= allowed, url
    warned = _post(
        staff, office, {keys["count"]: "1", keys["amount"]: "10"}, version=report.version + 2
    )
    assert warned.context["warnings"] and _visible_english(warned.content.decode()) <= allowed
