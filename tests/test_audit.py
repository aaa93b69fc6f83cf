"""The audit trail page (/audit/).

Rules checked:
- only admins see it: anonymous users are sent to log in, staff and managers get 403;
- every change of figures, targets, offices and month status is listed with who, when,
  old and new value;
- the search narrows by province, county office, user, record kind and Jalali date range;
- a provincial admin sees only their province's history and cannot choose another province;
- bad search input (a non-date, an unknown id, another province) is a form error, not a 500;
- the page runs a fixed number of queries whatever the size of the history.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loans.models import Bank, FundingSource
from programs import audit
from programs.models import CountyOffice, MonthlyReport, ReportStatus, Scheme, User
from programs.services import FigureValue, TargetValue, apply_targets, apply_values
from reliefjobs.lib import clock
from tests.conftest import PASSWORD

URL = "/audit/"


def _office(province):
    return CountyOffice.objects.filter(province=province).order_by("pk").first()


@pytest.fixture
def history(admin_user, zanjan_staff, tehran_staff, zanjan, tehran):
    z_office, t_office = _office(zanjan), _office(tehran)
    scheme = Scheme.objects.first()
    apply_values(
        values=[FigureValue(z_office.pk, 1397, 1, "jobs", 100, scheme_id=scheme.pk)],
        by=zanjan_staff,
    )
    apply_values(
        values=[FigureValue(z_office.pk, 1397, 1, "jobs", 120, scheme_id=scheme.pk)],
        by=zanjan_staff,
    )
    bank, source = Bank.objects.first(), FundingSource.objects.first()
    apply_values(
        values=[
            FigureValue(
                t_office.pk,
                1397,
                1,
                "loans_count",
                77,
                bank_id=bank.pk,
                funding_source_id=source.pk,
            ),
        ],
        by=tehran_staff,
    )
    apply_targets(values=[TargetValue(1398, zanjan.pk, "jobs", 4000)], by=admin_user)
    report = MonthlyReport.objects.get(office=z_office, year=1397, month=1)
    report.status = ReportStatus.SUBMITTED
    report._history_user = zanjan_staff
    report.save()
    return {"zanjan_office": z_office, "tehran_office": t_office}


@pytest.fixture
def zanjan_admin(db, zanjan):
    return User.objects.create_user(
        username="zanjan_admin", password=PASSWORD, role="admin", province=zanjan, is_staff=True
    )


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response.url


@pytest.mark.parametrize("who", ["zanjan_staff", "zanjan_manager", "national_manager"])
def test_non_admins_are_refused(db, client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(URL).status_code == 403


def test_admin_sees_who_changed_what_with_old_and_new(client, admin_user, history):
    client.force_login(admin_user)
    response = client.get(URL, {"kind": "jobs"})
    assert response.status_code == 200
    entries = response.context["entries"]
    change = next(e for e in entries if e.action == "~")
    assert change.user.username == "zanjan_staff"
    assert [(c.old, c.new) for c in change.changes] == [(100, 120)]
    text = response.content.decode()
    assert "۱۰۰" in text and "۱۲۰" in text
    assert "زنجان" in text


def test_status_change_is_in_the_trail(client, admin_user, history):
    client.force_login(admin_user)
    entries = client.get(URL, {"kind": "report"}).context["entries"]
    status = [c for e in entries for c in e.changes if c.field == "status"]
    assert any(c.old == "draft" and c.new == "submitted" for c in status)
    assert "ارسال‌شده" in client.get(URL, {"kind": "report"}).content.decode()


def test_search_by_province_keeps_only_that_province(client, admin_user, history, tehran):
    client.force_login(admin_user)
    entries = client.get(URL, {"province": tehran.pk}).context["entries"]
    assert entries
    assert {e.province.code for e in entries} == {"IR-23"}


def test_search_by_office(client, admin_user, history):
    client.force_login(admin_user)
    office = history["tehran_office"]
    entries = client.get(URL, {"office": office.pk}).context["entries"]
    assert entries and {e.office_name for e in entries} == {office.name}


def test_search_by_user(client, admin_user, history, tehran_staff):
    client.force_login(admin_user)
    entries = client.get(URL, {"user": tehran_staff.pk}).context["entries"]
    assert entries and {e.user.pk for e in entries} == {tehran_staff.pk}


def test_search_by_jalali_date_range(client, admin_user, history):
    client.force_login(admin_user)
    today = clock.today()
    from reliefjobs.lib.jalali import format_date

    response = client.get(URL, {"date_from": format_date(today), "date_to": format_date(today)})
    assert response.context["form"].is_valid()
    assert len(response.context["entries"]) >= 4
    tomorrow = format_date(today + dt.timedelta(days=1))
    assert client.get(URL, {"date_from": tomorrow}).context["entries"] == []
    yesterday = format_date(today - dt.timedelta(days=1))
    assert client.get(URL, {"date_to": yesterday}).context["entries"] == []


def test_search_by_target_kind(client, admin_user, history):
    client.force_login(admin_user)
    entries = client.get(URL, {"kind": "target"}).context["entries"]
    assert [(e.action, e.changes[0].new) for e in entries] == [("+", 4000)]


def test_office_changes_are_in_the_trail(client, admin_user, zanjan):
    office = _office(zanjan)
    office.is_active = False
    office._history_user = admin_user
    office.save()
    client.force_login(admin_user)
    entries = client.get(URL, {"kind": "office", "office": office.pk}).context["entries"]
    assert entries[0].changes[0].field == "is_active"
    assert (entries[0].changes[0].old, entries[0].changes[0].new) == (True, False)


def test_provincial_admin_sees_only_their_province(client, zanjan_admin, history, tehran):
    client.force_login(zanjan_admin)
    response = client.get(URL)
    assert {e.province.code for e in response.context["entries"]} == {"IR-19"}
    response = client.get(URL, {"province": tehran.pk})
    assert response.status_code == 200
    assert "province" in response.context["form"].errors
    assert response.context["entries"] == []
    office = history["tehran_office"]
    response = client.get(URL, {"office": office.pk})
    assert "office" in response.context["form"].errors


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "1404/12/30"},  # does not exist (1404 is not leap)
        {"date_from": "yesterday"},
        {"date_to": "۱۴۰۳/۱۳/۰۱"},
        {"date_from": "1403/02/01", "date_to": "1403/01/01"},
        {"province": "abc"},
        {"province": "999999"},
        {"office": "1 OR 1=1"},
        {"user": "-1"},
        {"kind": "<script>alert(1)</script>"},
        {"date_from": "9" * 5000},
    ],
)
def test_bad_search_input_is_a_form_error(client, admin_user, params):
    client.force_login(admin_user)
    response = client.get(URL, params)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_office_from_other_province_than_chosen_is_an_error(client, admin_user, zanjan, tehran):
    client.force_login(admin_user)
    response = client.get(URL, {"province": zanjan.pk, "office": _office(tehran).pk})
    assert "office" in response.context["form"].errors


def test_query_count_does_not_grow_with_history(admin_user, zanjan_staff, zanjan):
    scheme = Scheme.objects.first()
    offices = list(CountyOffice.objects.filter(province=zanjan)[:3])

    def count_queries():
        with CaptureQueriesContext(connection) as ctx:
            entries = audit.search(admin_user, audit.AuditQuery())
        return len(ctx.captured_queries), len(entries)

    apply_values(
        values=[FigureValue(offices[0].pk, 1397, 1, "jobs", 1, scheme_id=scheme.pk)],
        by=zanjan_staff,
    )
    small, _ = count_queries()
    for month in range(2, 13):
        apply_values(
            values=[
                FigureValue(o.pk, 1397, month, "jobs", month, scheme_id=scheme.pk) for o in offices
            ],
            by=zanjan_staff,
        )
    large, n = count_queries()
    assert n > 30
    assert large == small


def test_deleted_line_shows_its_last_value(admin_user, zanjan_staff, zanjan):
    from programs.models import JobsFigure

    scheme = Scheme.objects.first()
    office = _office(zanjan)
    apply_values(
        values=[FigureValue(office.pk, 1397, 3, "jobs", 9, scheme_id=scheme.pk)], by=zanjan_staff
    )
    line = JobsFigure.objects.get(report__office=office, report__month=3)
    line._history_user = admin_user
    line.delete()
    entries = audit.search(admin_user, audit.AuditQuery(kind="jobs"))
    deleted = next(e for e in entries if e.action == "-")
    assert (deleted.changes[0].old, deleted.changes[0].new) == (9, None)
    assert deleted.user == admin_user


def test_page_speaks_persian_with_jalali_dates(client, admin_user, history):
    client.force_login(admin_user)
    text = client.get(URL, HTTP_ACCEPT_LANGUAGE="fa").content.decode()
    assert "سابقه تغییرات" in text
    for english in (
        "Audit trail",
        "County office",
        "Old → new",
        "changes, newest first",
        "From date",
    ):
        assert english not in text
    from reliefjobs.lib.jalali import format_date

    assert format_date(clock.today()) in text


# ---------------------------------------------------------------- reasons, money, CSV (issue 10.5)
@pytest.fixture
def month_with_reasons(admin_user, zanjan_staff, zanjan_manager, zanjan):
    """A Zanjan month corrected with a reason, submitted, returned, approved and unlocked."""
    from programs import workflow
    from programs.entry_queries import jobs_key

    office = _office(zanjan)
    scheme = Scheme.objects.first()
    report = workflow.save_month(
        office=office,
        year=1405,
        month=7,
        values={jobs_key(scheme.pk): 40, "trainees": 3},
        by=zanjan_staff,
        expected_version=0,
    )
    report = workflow.save_month(
        office=office,
        year=1405,
        month=7,
        values={jobs_key(scheme.pk): 400, "trainees": 3},
        by=zanjan_staff,
        expected_version=report.version,
        reason="نمایشگاه کاریابی مهر؛ فهرست افراد پیوست است",
    )
    report = workflow.submit_report(report=report, by=zanjan_staff)
    report = workflow.return_report(
        report=report, by=zanjan_manager, comment="رقم کاریابی با فهرست بانک نمی‌خواند " * 6
    )
    report = workflow.submit_report(report=report, by=zanjan_staff)
    report = workflow.approve_report(report=report, by=zanjan_manager)
    workflow.unlock_report(report=report, by=admin_user, reason="اصلاح مبلغ وام به درخواست بانک")
    return report


def test_reason_column_shows_correction_return_and_unlock_reasons(
    client, admin_user, month_with_reasons
):
    client.force_login(admin_user)
    response = client.get(URL, {"office": month_with_reasons.office_id})
    reasons = {e.reason for e in response.context["entries"]}
    assert "نمایشگاه کاریابی مهر؛ فهرست افراد پیوست است" in reasons
    # the full comment, not the first 100 characters the history record keeps
    assert ("رقم کاریابی با فهرست بانک نمی‌خواند " * 6).strip() in {r.strip() for r in reasons}
    assert "اصلاح مبلغ وام به درخواست بانک" in reasons
    html = response.content.decode()
    assert '<th scope="col">دلیل</th>' in html
    assert "اصلاح مبلغ وام به درخواست بانک" in html
    jobs_change = next(
        e for e in response.context["entries"] if e.source.key == "jobs" and e.action == "~"
    )
    assert jobs_change.reason == "نمایشگاه کاریابی مهر؛ فهرست افراد پیوست است"


def test_money_changes_are_shown_in_toman_with_the_unit(client, admin_user, zanjan_staff, zanjan):
    office = _office(zanjan)
    bank, source = Bank.objects.first(), FundingSource.objects.first()
    line = {"bank_id": bank.pk, "funding_source_id": source.pk}
    apply_values(
        values=[
            FigureValue(office.pk, 1405, 6, "loans_count", 2, **line),
            FigureValue(office.pk, 1405, 6, "loans_amount_rial", 21_047_000_000, **line),
        ],
        by=zanjan_staff,
    )
    apply_targets(
        values=[TargetValue(1405, zanjan.pk, "loans_amount_rial", 408_000_000_000)], by=admin_user
    )
    client.force_login(admin_user)
    html = client.get(URL).content.decode()
    assert "۲٬۱۰۴٬۷۰۰٬۰۰۰ تومان" in html
    assert "۴۰٬۸۰۰٬۰۰۰٬۰۰۰ تومان" in html
    assert "۲۱٬۰۴۷٬۰۰۰٬۰۰۰" not in html  # the rials


def _csv(response):
    import csv
    import io

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))


def test_csv_download_is_the_filtered_view_with_reasons(client, admin_user, month_with_reasons):
    client.force_login(admin_user)
    page = client.get(URL, {"kind": "report", "office": month_with_reasons.office_id})
    assert "/audit/audit.csv?kind=report&amp;office=" in page.content.decode()
    rows = _csv(
        client.get("/audit/audit.csv", {"kind": "report", "office": month_with_reasons.office_id})
    )
    header, body = rows[0], rows[1:]
    assert header[-1] == "دلیل" and "استان" in header
    assert body and {row[2] for row in body} == {"گزارش ماهانه"}
    assert any(row[-1] == "اصلاح مبلغ وام به درخواست بانک" for row in body)


def test_csv_is_scoped_like_the_page(client, zanjan_admin, history, tehran):
    client.force_login(zanjan_admin)
    rows = _csv(client.get("/audit/audit.csv"))[1:]
    assert rows and {row[3] for row in rows} == {"زنجان"}
    # another province is a form error on the page and an empty file here
    assert _csv(client.get("/audit/audit.csv", {"province": tehran.pk}))[1:] == []


@pytest.mark.parametrize("who", ["zanjan_staff", "zanjan_manager", "national_manager"])
def test_non_admins_cannot_download_the_csv(db, client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/audit/audit.csv").status_code == 403


def test_csv_cells_cannot_be_formulas(client, admin_user, zanjan):
    office = _office(zanjan)
    office.name = '=HYPERLINK("http://evil.example/","x")'
    office._history_user = admin_user
    office.save()
    client.force_login(admin_user)
    rows = _csv(client.get("/audit/audit.csv", {"kind": "office"}))[1:]
    cells = [cell for row in rows for cell in row]
    assert "'" + office.name in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
