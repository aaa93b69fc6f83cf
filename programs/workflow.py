"""Writes of monthly data entry: saving a month's form and moving it through
the workflow (draft → submitted → approved, or returned; an admin unlocks).

Figures are written only through programs.services.apply_values; this module
adds the optimistic lock, the edit rules of each status, the workflow log and
the confirmed warnings.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from programs import access
from programs.entry_queries import SCALARS, parse_key, report_values
from programs.models import (
    MonthlyReport,
    ReportStatus,
    ReportTransition,
    TransitionAction,
)
from programs.rules import editable_statuses
from programs.services import FigureValue, StaleReportError, apply_values

__all__ = ["editable_statuses"]


class WorkflowError(Exception):
    """A step the month's current status does not allow (message is for the user)."""


class StaleMonthError(StaleReportError):
    """Someone saved the month after this form was opened; `changes` lists
    (grid key, value the form started from, value now)."""


def can_edit(user, report: MonthlyReport | None, office) -> bool:
    if not access.can_enter_figures(user, office.province_id):
        return False
    return report is None or report.status in editable_statuses(user)


def figure_values(office, year, month, values, existing) -> list[FigureValue]:
    """The form's values as figure rows; a zero is written only over an existing line."""
    rows = []
    for key, value in values.items():
        if not value and key not in existing and key not in SCALARS:
            continue
        measure, scheme_id, bank_id, source_id = parse_key(key)
        rows.append(
            FigureValue(
                office_id=office.pk,
                year=year,
                month=month,
                measure=measure,
                value=value,
                scheme_id=scheme_id,
                bank_id=bank_id,
                funding_source_id=source_id,
            )
        )
    return rows


def _create_or_stale(office, year, month, by, base_values) -> MonthlyReport:
    """Create the month's report row now, locked; if someone else created it
    since the form opened (two people on one empty month), that is a stale form."""
    try:
        with transaction.atomic():
            return MonthlyReport.objects.create(
                office=office, year=year, month=month, updated_by=by, version=0
            )
    except IntegrityError:
        now = MonthlyReport.objects.get(office=office, year=year, month=month)
        current = report_values([now.pk])[now.pk]
        base = base_values or {}
        changed = [
            (key, base.get(key), current.get(key))
            for key in sorted(set(base) | set(current))
            if (base.get(key) or 0) != (current.get(key) or 0)
        ]
        raise StaleMonthError(changes=changed, report=now) from None


@transaction.atomic
def save_month(
    *,
    office,
    year: int,
    month: int,
    values: dict[str, int],
    by,
    expected_version: int,
    base_values: dict[str, int] | None = None,
    accept_warnings=False,
    reason: str = "",
) -> MonthlyReport:
    """Save a month's form. `values` maps every grid key of the form to its value
    (an emptied field is 0). Refuses a stale form (StaleMonthError listing what
    changed); the rules (programs.rules, through apply_values) refuse the rest:
    months the user may not write, bad values, unconfirmed warnings."""
    report = (
        MonthlyReport.objects.select_for_update()
        .filter(office=office, year=year, month=month)
        .first()
    )
    if not access.can_enter_figures(by, office.province_id):
        raise PermissionDenied
    if report is None and expected_version == 0:
        report = _create_or_stale(office, year, month, by, base_values)
    current = report_values([report.pk])[report.pk] if report else {}
    if (report.version if report else 0) != expected_version:
        base = base_values or {}
        changed = [
            (key, base.get(key), current.get(key))
            for key in sorted(set(base) | set(current))
            if (base.get(key) or 0) != (current.get(key) or 0)
        ]
        raise StaleMonthError(changes=changed, report=report)
    try:
        apply_values(
            values=figure_values(office, year, month, values, current),
            by=by,
            accept_warnings=accept_warnings,
            reason=reason,
        )
    except IntegrityError as error:
        # Two first saves of a missing month at once: the other one created it.
        raise StaleMonthError(
            changes=[],
            report=MonthlyReport.objects.filter(office=office, year=year, month=month).first(),
        ) from error
    return MonthlyReport.objects.get(office=office, year=year, month=month)


def _move(*, report, by, action, to_status, allowed_from, comment="") -> MonthlyReport:
    locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
    if locked.status not in allowed_from:
        raise WorkflowError(
            _("This month is %(status)s; that step is not possible now.")
            % {"status": locked.get_status_display()}
        )
    transition = ReportTransition(
        report=locked,
        action=action,
        from_status=locked.status,
        to_status=to_status,
        by=by,
        comment=comment,
    )
    locked.status = to_status
    # A status change makes any open form stale, so nobody saves over it.
    locked.version += 1
    locked.updated_by = by
    locked._history_user = by
    locked._change_reason = (comment or transition.get_action_display())[:100]
    locked.full_clean()
    locked.save()
    transition.full_clean()
    transition.save()
    return locked


@transaction.atomic
def submit_report(*, report: MonthlyReport, by, comment: str = "") -> MonthlyReport:
    if not access.can_enter_figures(by, report.office.province_id):
        raise PermissionDenied
    return _move(
        report=report,
        by=by,
        action=TransitionAction.SUBMIT,
        to_status=ReportStatus.SUBMITTED,
        allowed_from=(ReportStatus.DRAFT, ReportStatus.RETURNED),
        comment=comment,
    )


@transaction.atomic
def approve_report(*, report: MonthlyReport, by, comment: str = "") -> MonthlyReport:
    if not access.can_approve(by, report.office.province_id):
        raise PermissionDenied
    return _move(
        report=report,
        by=by,
        action=TransitionAction.APPROVE,
        to_status=ReportStatus.APPROVED,
        allowed_from=(ReportStatus.SUBMITTED,),
        comment=comment,
    )


@transaction.atomic
def return_report(*, report: MonthlyReport, by, comment: str) -> MonthlyReport:
    if not access.can_approve(by, report.office.province_id):
        raise PermissionDenied
    if not comment.strip():
        raise WorkflowError(_("Say why the month is returned."))
    return _move(
        report=report,
        by=by,
        action=TransitionAction.RETURN,
        to_status=ReportStatus.RETURNED,
        allowed_from=(ReportStatus.SUBMITTED,),
        comment=comment.strip(),
    )


@transaction.atomic
def unlock_report(*, report: MonthlyReport, by, reason: str) -> MonthlyReport:
    """An admin reopens an approved month; it goes back to staff as returned."""
    if not (access.is_admin(by) and access.can_view_province(by, report.office.province_id)):
        raise PermissionDenied
    if not reason.strip():
        raise WorkflowError(_("Say why the month is unlocked."))
    return _move(
        report=report,
        by=by,
        action=TransitionAction.UNLOCK,
        to_status=ReportStatus.RETURNED,
        allowed_from=(ReportStatus.APPROVED,),
        comment=reason.strip(),
    )


def allowed_actions(user, report: MonthlyReport | None) -> list[str]:
    """The workflow buttons to show this user for this month."""
    if report is None:
        return []
    province_id = report.office.province_id
    actions = []
    if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED) and access.can_enter_figures(
        user, province_id
    ):
        actions.append(TransitionAction.SUBMIT)
    if report.status == ReportStatus.SUBMITTED and access.can_approve(user, province_id):
        actions += [TransitionAction.APPROVE, TransitionAction.RETURN]
    if (
        report.status == ReportStatus.APPROVED
        and access.is_admin(user)
        and access.can_view_province(user, province_id)
    ):
        actions.append(TransitionAction.UNLOCK)
    return actions


@transaction.atomic
def save_field_note(*, note, by):
    """Create or update a field note; only people who work on the province may."""
    from programs.models import NoteStatus

    province_id = note.office.province_id
    if not (access.can_enter_figures(by, province_id) or access.can_approve(by, province_id)):
        raise PermissionDenied
    if note.pk is None:
        note.created_by = by
    if note.status == NoteStatus.OPEN:
        note.resolved_on = None
    note._history_user = by
    note.full_clean()
    note.save()
    return note
