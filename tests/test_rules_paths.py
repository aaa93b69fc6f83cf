"""One set of rules on every write path (issue 10) and no silent overwrite (issue 13.1, 13.2).

Business rules checked, each through the month form, the Excel upload (preview
and confirm), the `import_figures` command and the admin, with the same
decision (programs.rules code) and the same message, and the database
unchanged for every refusal:
- a value over the hard limit of its measure (over_limit);
- an outlier against the office's own previous months (spike, a warning:
  saved only when confirmed with a reason, which is stored);
- a loan amount without its number of loans (amount_without_count);
- a month that has not begun (future_month), a month after the office closed
  (after_closed) or before it opened (before_opened), an approved month (locked);
- the downloaded template uploads back unchanged with 0 errors on a province
  with months in every status, unchanged rows counted; a changed row of a
  locked month is one error line;
- the upload confirm refuses months changed since the preview (13.1), and the
  admin cannot change figures at all, so neither a stale admin form (13.1) nor
  staff on a submitted month (13.2) changes anything.
"""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook, load_workbook

from loans.models import Bank, FundingSource, LoanFigure
from programs import entry_queries, services, spreadsheet, workflow
from programs.models import (
    CountyOffice,
    JobsFigure,
    MonthlyReport,
    ReportStatus,
    WarningConfirmation,
)
from reliefjobs.lib import jalali
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db
YEAR = 1405  # the suite stands on 1405/09/11


@pytest.fixture
def office(zanjan):
    return CountyOffice.objects.filter(province=zanjan).order_by("name").first()


@pytest.fixture
def loan_keys():
    bank = Bank.objects.named("بانک ملی ایران").get()
    source = FundingSource.objects.named("صندوق امداد ولایت").get()
    return bank, source


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def _save(office, month, values, by, accept=False):
    report = MonthlyReport.objects.filter(office=office, year=YEAR, month=month).first()
    return workflow.save_month(
        office=office,
        year=YEAR,
        month=month,
        values=values,
        by=by,
        expected_version=report.version if report else 0,
        accept_warnings=accept,
        reason="fixture" if accept else "",
    )


def snapshot():
    """Every figure stored: what a refusal must leave as it was."""
    return (
        sorted(MonthlyReport.objects.values_list("office_id", "year", "month", "trainees", "exits", "jobs", "loans_amount_rial", "status", "version")),
        sorted(JobsFigure.objects.values_list("report_id", "scheme_id", "value")),
        sorted(LoanFigure.objects.values_list("report_id", "bank_id", "count", "amount_rial")),
        WarningConfirmation.objects.count(),
    )  # fmt: skip


# --- the bad values, as one FigureValue each (month, grid key, value in rials) ------------

CASES = {
    "over_limit": (7, "trainees", 99_999_999),
    "spike": (7, "trainees", 500),
    "amount_without_count": (7, "amount", 10_000_000),
    "future_month": (10, "trainees", 5),
    "after_closed": (7, "trainees", 5),
    "before_opened": (7, "trainees", 5),
    "locked": (5, "trainees", 4),
}


@pytest.fixture
def world(office, zanjan_staff, loan_keys):
    """Six months of history (trainees 10), an approved 1405/5, and the case's office."""
    for month in range(1, 7):
        _save(office, month, {"trainees": 10, "exits": 0}, zanjan_staff)
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=5)
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    return office


def _case(name, office, loan_keys):
    month, key, value = CASES[name]
    bank, source = loan_keys
    if key == "amount":
        key = entry_queries.amount_key(bank.pk, source.pk)
        figure = services.FigureValue(
            office.pk, YEAR, month, "loans_amount_rial", value, None, bank.pk, source.pk
        )
    else:
        figure = services.FigureValue(office.pk, YEAR, month, key, value)
    if name == "before_opened":
        CountyOffice.objects.filter(pk=office.pk).update(opened_on=jalali.to_gregorian(YEAR, 8, 1))
        office.refresh_from_db()
    if name == "after_closed":
        CountyOffice.objects.filter(pk=office.pk).update(
            closed_on=jalali.to_gregorian(YEAR, 3, 1), is_active=False
        )
        office.refresh_from_db()
    return month, key, value, figure


def _expected(figure, user):
    with translation.override("fa"):
        decisions = services.check_values(values=[figure], by=user)
    return [(d.code, d.message) for d in decisions]


def _form_post(client, office, month, key, value):
    report = MonthlyReport.objects.filter(office=office, year=YEAR, month=month).first()
    shown = value // 10 if key.startswith("la_") else value  # the form takes toman
    return client.post(
        reverse("entry:month", args=[office.pk, YEAR, month]),
        {"version": report.version if report else 0, "base": "{}", key: str(shown)},
    )


def _wide_file(office, month, key, value) -> SimpleUploadedFile:
    grid = entry_queries.month_grid()
    headers = spreadsheet._headers(grid)
    book = Workbook()
    sheet = book.active
    sheet.append(["استان", "شهرستان", "سال", "ماه", headers[key]])
    shown = value // 10 if key.startswith("la_") else value
    sheet.append([office.province.name, office.name, YEAR, month, shown])
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("filled.xlsx", out.getvalue())


def _csv(tmp_path, figure, office, loan_keys):
    bank, source = loan_keys
    dims = {
        "loans_amount_rial": f",{bank.name},{source.name}",
    }.get(figure.measure, ",,")
    path = tmp_path / "figures.csv"
    path.write_text(
        "province,county,year,month,measure,scheme,bank,funding_source,value\n"
        f"IR-19,{office.name},{YEAR},{figure.month},{figure.measure},{dims},{figure.value}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_path_gives_the_same_decision_and_message(
    name, world, zanjan_staff, admin_user, loan_keys, tmp_path
):
    office = world
    month, key, value, figure = _case(name, office, loan_keys)
    expected = _expected(figure, zanjan_staff)
    assert [code for code, _m in expected] == [name]
    message = expected[0][1]
    before = snapshot()
    client = _client(zanjan_staff)

    # The month form.
    response = _form_post(client, office, month, key, value)
    if name == "locked":
        assert response.status_code == 403  # the page offers no form for an approved month
    elif name == "spike":
        assert response.status_code == 200
        assert [(w.code, w.message) for w in response.context["warnings"]] == expected
    else:
        assert response.status_code == 400
        shown = [str(e) for errors in response.context["form"].errors.values() for e in errors]
        assert message in shown
    assert snapshot() == before

    # The Excel upload: preview, then confirm.
    url = reverse("entry:upload", args=["IR-19"])
    preview = client.post(url, {"file": _wide_file(office, month, key, value)}).context["preview"]
    confirm_url = reverse("entry:upload_confirm", args=["IR-19"])
    if name == "spike":
        assert [(w.row, w.message) for w in preview.warnings] == [(2, message)]
        assert preview.ok
        refused = client.post(confirm_url, {"confirm": "1"})  # ticked without a reason
        assert refused.status_code == 400
        assert "reason-error" in refused.content.decode()
    else:
        assert [(e.row, e.message) for e in preview.errors] == [(2, message)]
        with pytest.raises(spreadsheet.UploadError, match=message.split(":")[0]):
            spreadsheet.apply_upload(
                stored={
                    "province": office.province_id,
                    "values": [dataclasses.asdict(figure)],
                    "year": YEAR,
                    "month": month,
                    "versions": [
                        [office.pk, YEAR, month, r.version]
                        for r in MonthlyReport.objects.filter(office=office, year=YEAR, month=month)
                    ],
                },
                province=office.province,
                user=zanjan_staff,
            )
    assert snapshot() == before

    # The command.
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command(
            "import_figures",
            str(_csv(tmp_path, figure, office, loan_keys)),
            "--user",
            "zanjan_staff",
            stdout=io.StringIO(),
            stderr=err,
        )
    assert err.getvalue().splitlines() == [f"row 2: {message}"]
    assert snapshot() == before

    # The admin: figures are read-only there, for staff and admins alike.
    report = MonthlyReport.objects.filter(office=office).order_by("month").first()
    change_url = reverse("admin:programs_monthlyreport_change", args=[report.pk])
    for user in (zanjan_staff, admin_user):
        admin_client = Client()
        admin_client.force_login(user)
        data = {"trainees": str(value), "exits": "0", "year": YEAR, "month": month}
        assert admin_client.post(change_url, data).status_code == 403
    assert snapshot() == before


def test_a_confirmed_warning_is_saved_with_its_reason_on_every_path(
    world, zanjan_staff, loan_keys, tmp_path
):
    office = world
    _month, _key, _value, figure = _case("spike", office, loan_keys)
    path = _csv(tmp_path, figure, office, loan_keys)
    call_command(
        "import_figures",
        str(path),
        "--user",
        "zanjan_staff",
        "--accept-warnings",
        "--reason",
        "دوره آموزشی ویژه",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=7)
    assert report.trainees == 500
    confirmation = report.confirmations.get()
    assert (confirmation.code, confirmation.reason) == ("spike", "دوره آموزشی ویژه")
    assert report.history.filter(history_change_reason="دوره آموزشی ویژه").exists()


def test_the_upload_confirm_saves_warnings_with_a_reason(world, zanjan_staff, loan_keys):
    office = world
    month, key, value, _figure = _case("spike", office, loan_keys)
    client = _client(zanjan_staff)
    client.post(
        reverse("entry:upload", args=["IR-19"]), {"file": _wide_file(office, month, key, value)}
    )
    response = client.post(
        reverse("entry:upload_confirm", args=["IR-19"]), {"confirm": "1", "reason": "دوره ویژه"}
    )
    assert response.status_code == 302
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=7)
    assert report.trainees == 500 and report.confirmations.get().reason == "دوره ویژه"


def test_command_refuses_warnings_without_the_flag(world, zanjan_staff, loan_keys, tmp_path):
    office = world
    _m, _k, _v, figure = _case("spike", office, loan_keys)
    before = snapshot()
    with pytest.raises(CommandError, match="--accept-warnings"):
        call_command(
            "import_figures",
            str(_csv(tmp_path, figure, office, loan_keys)),
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    with pytest.raises(CommandError, match="--reason"):
        call_command(
            "import_figures",
            str(_csv(tmp_path, figure, office, loan_keys)),
            "--accept-warnings",
            stdout=io.StringIO(),
            stderr=io.StringIO(),
        )
    assert snapshot() == before


# --- the template round trip ------------------------------------------------------------


def test_downloaded_template_uploads_back_unchanged_with_months_in_every_status(
    zanjan, zanjan_staff, zanjan_manager
):
    offices = list(CountyOffice.objects.filter(province=zanjan).order_by("name")[:4])
    month = 6
    for office, status in zip(offices, ReportStatus.values, strict=True):
        _save(office, month, {"trainees": 7, "exits": 1}, zanjan_staff)
        MonthlyReport.objects.filter(office=office, year=YEAR, month=month).update(status=status)
    client = _client(zanjan_staff)
    sheet = client.get(reverse("entry:sheet", args=["IR-19", YEAR, month])).content
    before = snapshot()
    upload = SimpleUploadedFile("sheet.xlsx", sheet)
    response = client.post(reverse("entry:upload", args=["IR-19"]), {"file": upload})
    preview = response.context["preview"]
    assert preview.errors == [] and preview.warnings == []
    assert preview.count("changed") == 0 and preview.count("new") == 0
    assert preview.unchanged_rows == 4
    assert "۴ ردیف بدون تغییر" in response.content.decode()
    assert snapshot() == before


def test_a_changed_row_of_a_locked_month_is_one_error_line(zanjan, zanjan_staff):
    office = CountyOffice.objects.filter(province=zanjan).order_by("name").first()
    _save(office, 6, {"trainees": 7, "exits": 1}, zanjan_staff)
    MonthlyReport.objects.filter(office=office).update(status=ReportStatus.SUBMITTED)
    client = _client(zanjan_staff)
    book = load_workbook(
        io.BytesIO(client.get(reverse("entry:sheet", args=["IR-19", YEAR, 6])).content)
    )
    sheet = book.active
    header = [c.value for c in sheet[1]]
    names = spreadsheet._headers(entry_queries.month_grid())
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == office.name:
            row[header.index(names["trainees"])].value = 8
            row[header.index(names["exits"])].value = 2
    out = io.BytesIO()
    book.save(out)
    preview = client.post(
        reverse("entry:upload", args=["IR-19"]),
        {"file": SimpleUploadedFile("s.xlsx", out.getvalue())},
    ).context["preview"]
    assert len(preview.errors) == 1
    assert "ارسال شده" in preview.errors[0].message


# --- 13.1: no silent overwrite ------------------------------------------------------------


def test_upload_confirm_refuses_a_month_changed_since_the_preview(office, zanjan_staff):
    _save(office, 6, {"trainees": 39, "exits": 0}, zanjan_staff)
    client = _client(zanjan_staff)
    client.post(
        reverse("entry:upload", args=["IR-19"]), {"file": _wide_file(office, 6, "trainees", 40)}
    )
    _save(office, 6, {"trainees": 41, "exits": 0}, zanjan_staff)  # another session saves
    before = snapshot()
    response = client.post(reverse("entry:upload_confirm", args=["IR-19"]))
    assert response.status_code == 409
    html = response.content.decode()
    assert "پس از باز کردن" in html or "someone else saved" in html.lower()
    assert [(c["old"], c["new"]) for c in response.context["stale"]] == [(39, 41)]
    assert snapshot() == before
    assert MonthlyReport.objects.get(office=office, year=YEAR, month=6).trainees == 41


def test_a_stale_admin_form_cannot_overwrite_the_month(office, zanjan_staff, admin_user):
    _save(office, 6, {"trainees": 39, "exits": 1}, zanjan_staff)
    report = MonthlyReport.objects.get(office=office, year=YEAR, month=6)
    admin_client = Client()
    admin_client.force_login(admin_user)
    change_url = reverse("admin:programs_monthlyreport_change", args=[report.pk])
    assert admin_client.get(change_url).status_code == 200  # opened earlier
    _save(office, 6, {"trainees": 333, "exits": 1}, zanjan_staff)
    response = admin_client.post(change_url, {"trainees": "39", "exits": "5"})
    assert response.status_code == 403
    report.refresh_from_db()
    assert (report.trainees, report.exits) == (333, 1)


# --- 13.2: staff cannot change a submitted month through the admin -------------------------


def test_staff_cannot_change_a_submitted_month_through_the_admin(office, zanjan_staff):
    bank, source = Bank.objects.first(), FundingSource.objects.first()
    from programs.models import Scheme

    scheme = Scheme.objects.first()
    values = {
        entry_queries.jobs_key(scheme.pk): 22,
        "trainees": 3,
        "exits": 0,
    }
    report = _save(office, 6, values, zanjan_staff)
    workflow.submit_report(report=report, by=zanjan_staff)
    client = Client()
    client.force_login(zanjan_staff)
    change_url = reverse("admin:programs_monthlyreport_change", args=[report.pk])
    line = JobsFigure.objects.get(report=report)
    data = {
        "trainees": "3",
        "exits": "0",
        "jobs_lines-TOTAL_FORMS": "1",
        "jobs_lines-INITIAL_FORMS": "1",
        "jobs_lines-0-id": str(line.pk),
        "jobs_lines-0-report": str(report.pk),
        "jobs_lines-0-scheme": str(scheme.pk),
        "jobs_lines-0-value": "999",
    }
    assert client.post(change_url, data).status_code == 403
    line.refresh_from_db()
    report.refresh_from_db()
    assert (line.value, report.jobs, report.status) == (22, 22, ReportStatus.SUBMITTED)
    assert bank and source  # reference data present


def test_a_month_with_an_error_gets_no_warnings_and_the_next_month_keeps_its_own(
    world, zanjan_staff
):
    office = world
    # 1405/7 is over the hard limit (and would be a spike too); 1405/8 is only a spike
    # against the six stored months of 10 trainees. One write judges both.
    values = [
        services.FigureValue(office.pk, YEAR, 7, "trainees", 99_999_999),
        services.FigureValue(office.pk, YEAR, 8, "trainees", 500),
    ]
    decisions = services.check_values(values=values, by=zanjan_staff)
    by_month = {}
    for decision in decisions:
        by_month.setdefault(decision.key[2], []).append((decision.code, decision.is_error))
    assert by_month == {7: [("over_limit", True)], 8: [("spike", False)]}
