"""The monthly workflow services (programs.workflow).

Business rules checked:
- staff save a draft month; an emptied field sets an existing line to 0;
  totals follow the lines;
- two people editing the same month never overwrite each other silently:
  a stale save is refused and says which values changed;
- staff submit; a provincial or national manager approves or returns (with a
  comment); approved months are locked for everyone; an admin unlocks with a
  reason; every step is stored with who, when and comment;
- a submitted or approved month cannot be edited by staff; staff cannot
  approve; staff of another province cannot save or submit;
- confirmed warnings are stored with their reason; a save's reason reaches
  the history.
"""

import pytest
from django.core.exceptions import PermissionDenied

from loans.models import Bank, FundingSource, LoanFigure
from programs import workflow
from programs.entry_queries import amount_key, count_key, jobs_key, report_values
from programs.models import (
    CountyOffice,
    MonthlyReport,
    ReportStatus,
    ReportTransition,
    Scheme,
    WarningConfirmation,
)
from programs.rules import RulesError
from programs.services import LockedMonthError

pytestmark = pytest.mark.django_db


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


def _save(office, by, values, version=0, **extra):
    return workflow.save_month(
        office=office, year=1405, month=7, values=values, by=by, expected_version=version, **extra
    )


def test_staff_saves_a_draft_and_totals_follow(office, zanjan_staff, keys):
    report = _save(
        office,
        zanjan_staff,
        {
            keys["jobs"]: 8,
            keys["count"]: 77,
            keys["amount"]: 90_000_000_000,
            "trainees": 52,
            "exits": 0,
        },
    )
    assert report.status == ReportStatus.DRAFT
    assert (report.jobs, report.loans_count, report.loans_amount_rial, report.trainees) == (
        8,
        77,
        90_000_000_000,
        52,
    )
    assert report.version == 1


def test_emptied_field_sets_existing_line_to_zero(office, zanjan_staff, keys):
    report = _save(office, zanjan_staff, {keys["jobs"]: 8, "trainees": 1, "exits": 0})
    report = _save(
        office, zanjan_staff, {keys["jobs"]: 0, "trainees": 1, "exits": 0}, report.version
    )
    assert report.jobs == 0
    assert report_values([report.pk])[report.pk][keys["jobs"]] == 0


def test_zero_for_a_new_line_creates_no_line(office, zanjan_staff, keys):
    report = _save(
        office, zanjan_staff, {keys["count"]: 0, keys["amount"]: 0, "trainees": 0, "exits": 0}
    )
    assert not LoanFigure.objects.filter(report=report).exists()
    assert MonthlyReport.objects.filter(pk=report.pk).exists()


def test_stale_save_is_refused_and_lists_what_changed(office, zanjan_staff, admin_user, keys):
    first = _save(office, zanjan_staff, {keys["jobs"]: 5, "trainees": 0, "exits": 0})
    opened_version, opened_values = first.version, report_values([first.pk])[first.pk]
    _save(office, admin_user, {keys["jobs"]: 7, "trainees": 0, "exits": 0}, opened_version)
    with pytest.raises(workflow.StaleMonthError) as caught:
        _save(
            office,
            zanjan_staff,
            {keys["jobs"]: 9, "trainees": 0, "exits": 0},
            opened_version,
            base_values=opened_values,
        )
    assert caught.value.changes == [(keys["jobs"], 5, 7)]
    assert MonthlyReport.objects.get(pk=first.pk).jobs == 7


def test_two_first_saves_of_a_missing_month_do_not_overwrite(
    office, zanjan_staff, admin_user, keys
):
    _save(office, admin_user, {keys["jobs"]: 3, "trainees": 0, "exits": 0}, 0)
    with pytest.raises(workflow.StaleMonthError):
        _save(office, zanjan_staff, {keys["jobs"]: 4, "trainees": 0, "exits": 0}, 0)


def test_full_workflow_is_logged_with_who_and_comment(
    office, zanjan_staff, zanjan_manager, admin_user
):
    report = _save(office, zanjan_staff, {"trainees": 3, "exits": 0})
    report = workflow.submit_report(report=report, by=zanjan_staff)
    report = workflow.return_report(report=report, by=zanjan_manager, comment="بانک را بنویسید")
    assert report.status == ReportStatus.RETURNED
    report = _save(office, zanjan_staff, {"trainees": 4, "exits": 0}, report.version)
    report = workflow.submit_report(report=report, by=zanjan_staff)
    report = workflow.approve_report(report=report, by=zanjan_manager)
    assert report.status == ReportStatus.APPROVED
    report = workflow.unlock_report(report=report, by=admin_user, reason="اصلاح رقم آموزش")
    steps = list(
        ReportTransition.objects.filter(report=report).values_list(
            "action", "by__username", "comment"
        )
    )
    assert steps == [
        ("submit", "zanjan_staff", ""),
        ("return", "zanjan_manager", "بانک را بنویسید"),
        ("submit", "zanjan_staff", ""),
        ("approve", "zanjan_manager", ""),
        ("unlock", "sysadmin", "اصلاح رقم آموزش"),
    ]
    assert report.status == ReportStatus.RETURNED


def test_approved_month_is_locked_for_everyone(office, zanjan_staff, zanjan_manager, admin_user):
    report = _save(office, zanjan_staff, {"trainees": 3, "exits": 0})
    workflow.submit_report(report=report, by=zanjan_staff)
    report = workflow.approve_report(report=report, by=zanjan_manager)
    for user in (zanjan_staff, admin_user):
        with pytest.raises(LockedMonthError):
            _save(office, user, {"trainees": 9, "exits": 0}, report.version)
    assert MonthlyReport.objects.get(pk=report.pk).trainees == 3


def test_submitted_month_cannot_be_edited_by_staff(office, zanjan_staff):
    report = _save(office, zanjan_staff, {"trainees": 3, "exits": 0})
    report = workflow.submit_report(report=report, by=zanjan_staff)
    with pytest.raises(RulesError) as refused:
        _save(office, zanjan_staff, {"trainees": 4, "exits": 0}, report.version)
    assert [d.code for d in refused.value.errors] == ["submitted"]


def test_staff_cannot_approve_and_manager_cannot_enter(office, zanjan_staff, zanjan_manager):
    report = _save(office, zanjan_staff, {"trainees": 3, "exits": 0})
    report = workflow.submit_report(report=report, by=zanjan_staff)
    with pytest.raises(PermissionDenied):
        workflow.approve_report(report=report, by=zanjan_staff)
    with pytest.raises(PermissionDenied):
        _save(office, zanjan_manager, {"trainees": 4, "exits": 0}, report.version)


def test_staff_of_another_province_cannot_save_or_submit(office, zanjan_staff, tehran_staff):
    with pytest.raises(PermissionDenied):
        _save(office, tehran_staff, {"trainees": 1, "exits": 0})
    report = _save(office, zanjan_staff, {"trainees": 1, "exits": 0})
    with pytest.raises(PermissionDenied):
        workflow.submit_report(report=report, by=tehran_staff)


def test_return_needs_a_comment_and_unlock_needs_admin(office, zanjan_staff, zanjan_manager):
    report = _save(office, zanjan_staff, {"trainees": 1, "exits": 0})
    report = workflow.submit_report(report=report, by=zanjan_staff)
    with pytest.raises(workflow.WorkflowError):
        workflow.return_report(report=report, by=zanjan_manager, comment="  ")
    report = workflow.approve_report(report=report, by=zanjan_manager)
    with pytest.raises(PermissionDenied):
        workflow.unlock_report(report=report, by=zanjan_manager, reason="x")


def test_a_draft_cannot_be_approved(office, zanjan_staff, national_manager):
    report = _save(office, zanjan_staff, {"trainees": 1, "exits": 0})
    with pytest.raises(workflow.WorkflowError):
        workflow.approve_report(report=report, by=national_manager)


def test_national_manager_approves_any_province(office, zanjan_staff, national_manager):
    report = _save(office, zanjan_staff, {"trainees": 1, "exits": 0})
    report = workflow.submit_report(report=report, by=zanjan_staff)
    assert (
        workflow.approve_report(report=report, by=national_manager).status == ReportStatus.APPROVED
    )


def test_confirmed_warnings_and_reason_are_stored(office, zanjan_staff):
    for month in range(1, 7):
        workflow.save_month(
            office=office,
            year=1405,
            month=month,
            values={"trainees": 10, "exits": 0},
            by=zanjan_staff,
            expected_version=0,
        )
    with pytest.raises(RulesError) as refused:
        _save(office, zanjan_staff, {"trainees": 900, "exits": 0})
    assert [w.code for w in refused.value.warnings] == ["spike"]
    report = _save(
        office,
        zanjan_staff,
        {"trainees": 900, "exits": 0},
        accept_warnings=True,
        reason="دوره ویژه",
    )
    stored = WarningConfirmation.objects.get(report=report)
    assert (stored.code, stored.reason, stored.by) == ("spike", "دوره ویژه", zanjan_staff)
    assert MonthlyReport.history.filter(id=report.pk, history_change_reason="دوره ویژه").exists()
