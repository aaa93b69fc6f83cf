"""Monthly data entry pages: completeness matrix, month form and workflow,
field notes, and the Excel round trip. Every object is fetched through a
`_get_x_for_user` helper that filters by the user's scope first, so another
province's data answers 404.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from programs import access, entry_queries, rules, services, spreadsheet, workflow
from programs.forms import (
    FieldNoteFilter,
    FieldNoteForm,
    MonthForm,
    TransitionForm,
    month_layout,
    show_number,
    to_display,
    warnings_fingerprint,
)
from programs.importing import RowError
from programs.models import CountyOffice, FieldNote, Province
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import MAX_YEAR, MIN_YEAR, current_period
from reliefjobs.lib.text import NumberError, parse_int


def _get_province_for_user(user, code: str) -> Province:
    province = Province.objects.visible_to(user).filter(code=code.upper()).first()
    if province is None:
        raise Http404
    return province


def _get_office_for_user(user, office_id: int) -> CountyOffice:
    return get_object_or_404(
        CountyOffice.objects.visible_to(user).select_related("province"), pk=office_id
    )


def _check_period(year: int, month: int = 1) -> None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12):
        raise Http404


@login_required
def entry_home(request):
    """Staff go straight to their province; national users choose one."""
    try:
        year = parse_int(request.GET.get("year") or current_period().year)
    except NumberError:
        raise Http404 from None
    _check_period(year)
    code = request.GET.get("province") or (request.user.province and request.user.province.code)
    if code:
        _get_province_for_user(request.user, code)
        return redirect("entry:matrix", code=code, year=year)
    provinces = Province.objects.visible_to(request.user)
    return render(request, "programs/choose_province.html", {"provinces": provinces, "year": year})


@login_required
def matrix(request, code: str, year: int):
    province = _get_province_for_user(request.user, code)
    _check_period(year)
    table = entry_queries.completeness_matrix(province, year, clock.today())
    # One reverse() for the page, not one per cell (a province has up to ~40 × 12).
    pattern = reverse("entry:month", args=[987654321, year, 987654322])
    for row in table.rows:
        with_office = pattern.replace("987654321", str(row.office.pk))
        for cell in row.cells:
            cell.url = with_office.replace("987654322", str(cell.month))
    return render(
        request,
        "programs/matrix.html",
        {
            "matrix": table,
            "province": province,
            "year": year,
            "months": range(1, 13),
            "can_upload": access.can_enter_figures(request.user, province),
            "current": current_period(),
        },
    )


def _month_page(request, office, year, month, report, form, status=200, **extra):
    reference = entry_queries.reference_values(office, year, month)
    # A month that may not be written at all (not begun, office not open) is shown read-only.
    closed = [
        d
        for d in rules.period_decisions(office, year, month, status=None, user=request.user)
        if d.is_error
    ]
    editable = workflow.can_edit(request.user, report, office) and not closed
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    context = {
        "office": office,
        "year": year,
        "month": month,
        "report": report,
        "form": form,
        "layout": month_layout(form, reference),
        "reference": reference,
        "editable": editable,
        "closed_month": closed,
        "actions": workflow.allowed_actions(request.user, report),
        "transitions": report.transitions.select_related("by") if report else [],
        "confirmations": report.confirmations.select_related("by") if report else [],
        "history": entry_queries.month_history(report, form.grid) if report else [],
        **extra,
    }
    return render(request, "programs/month.html", context, status=status)


def _stale_changes(error, grid):
    return [
        {
            "label": grid.label(key),
            "old": show_number(to_display(key, old or 0)),
            "new": show_number(to_display(key, new or 0)),
        }
        for key, old, new in error.changes
    ]


@login_required
def month(request, office_id: int, year: int, month: int):
    office = _get_office_for_user(request.user, office_id)
    _check_period(year, month)
    report = entry_queries.find_report(office, year, month)
    values = entry_queries.report_values([report.pk])[report.pk] if report else {}
    grid = entry_queries.month_grid(values)
    initial = {"version": report.version if report else 0, "base": json.dumps(values)}
    if request.method != "POST":
        form = MonthForm(grid=grid, values=values, initial=initial)
        return _month_page(request, office, year, month, report, form)
    if not workflow.can_edit(request.user, report, office):
        raise PermissionDenied
    form = MonthForm(request.POST, grid=grid, values=values, initial=initial)
    if not form.is_valid():
        warnings = []
        if set(form.errors) == {"reason"}:  # confirmed without a reason: keep the warnings shown
            rows = workflow.figure_values(office, year, month, form.values, values)
            warnings = [
                d for d in services.check_values(values=rows, by=request.user) if not d.is_error
            ]
        return _month_page(
            request, office, year, month, report, form, status=400, warnings=warnings
        )
    return _save_month(request, office, year, month, report, form)


def _refused(request, office, year, month, report, form, error: rules.RulesError):
    """The rules' decisions on the form: errors on their fields, warnings to confirm."""
    if error.errors:
        for decision in error.errors:
            field = decision.field if decision.field in form.fields else None
            form.add_error(field, decision.message)
        return _month_page(request, office, year, month, report, form, status=400)
    form.data = form.data.copy()
    form.data["warnings_seen"] = warnings_fingerprint(error.warnings)
    form.data["confirm"] = ""
    return _month_page(request, office, year, month, report, form, warnings=error.warnings)


def _save_month(request, office, year, month, report, form):
    try:
        saved = workflow.save_month(
            office=office,
            year=year,
            month=month,
            values=form.values,
            by=request.user,
            expected_version=form.cleaned_data["version"],
            base_values=form.base_values(),
            accept_warnings=form.accepted_warnings(),
            reason=form.cleaned_data.get("reason") or "",
        )
    except workflow.StaleMonthError as error:
        # Keep what was typed; the next save knowingly replaces the newer values.
        form.data = form.data.copy()
        now = error.report
        form.data["version"] = now.version if now else 0
        form.data["base"] = json.dumps(entry_queries.report_values([now.pk])[now.pk] if now else {})
        changes = _stale_changes(error, form.grid)
        return _month_page(request, office, year, month, now, form, stale=changes, status=409)
    except rules.RulesError as error:
        return _refused(request, office, year, month, report, form, error)
    except workflow.WorkflowError as error:
        messages.error(request, str(error))
        return redirect("entry:month", office_id=office.pk, year=year, month=month)
    if "save_submit" in request.POST:
        workflow.submit_report(report=saved, by=request.user)
        messages.success(request, _("Saved and submitted for approval."))
    else:
        messages.success(request, _("Saved."))
    return redirect("entry:month", office_id=office.pk, year=year, month=month)


_STEPS = {
    "submit": lambda r, u, c: workflow.submit_report(report=r, by=u, comment=c),
    "approve": lambda r, u, c: workflow.approve_report(report=r, by=u, comment=c),
    "return": lambda r, u, c: workflow.return_report(report=r, by=u, comment=c),
    "unlock": lambda r, u, c: workflow.unlock_report(report=r, by=u, reason=c),
}
_DONE_MESSAGES = {
    "submit": gettext_lazy("The month was submitted for approval."),
    "approve": gettext_lazy("The month was approved and is now locked."),
    "return": gettext_lazy("The month was returned to the provincial staff."),
    "unlock": gettext_lazy("The month was unlocked."),
}


@require_POST
@login_required
def transition(request, office_id: int, year: int, month: int):
    office = _get_office_for_user(request.user, office_id)
    report = entry_queries.find_report(office, year, month)
    form = TransitionForm(request.POST)
    if report is None or not form.is_valid():
        raise Http404
    action = form.cleaned_data["action"]
    if form.cleaned_data["version"] != report.version:
        messages.error(request, _("This month changed after you opened it; look at it again."))
    else:
        try:
            _STEPS[action](report, request.user, form.cleaned_data["comment"] or "")
            messages.success(request, str(_DONE_MESSAGES[action]))
        except workflow.WorkflowError as error:
            messages.error(request, str(error))
    return redirect("entry:month", office_id=office.pk, year=year, month=month)


@login_required
def notes(request, code: str):
    province = _get_province_for_user(request.user, code)
    filters = FieldNoteFilter(request.GET or None)
    rows = FieldNote.objects.in_province(province).select_related("office", "bank", "created_by")
    if filters.is_valid():
        data = filters.cleaned_data
        rows = rows.filter(**{k: v for k, v in data.items() if v})
    can_write = access.can_enter_figures(request.user, province) or access.can_approve(
        request.user, province
    )
    return render(
        request,
        "programs/notes.html",
        {"province": province, "filters": filters, "notes": rows, "can_write": can_write},
    )


@login_required
def note_edit(request, code: str, pk: int | None = None):
    province = _get_province_for_user(request.user, code)
    if not (
        access.can_enter_figures(request.user, province)
        or access.can_approve(request.user, province)
    ):
        raise PermissionDenied
    note = get_object_or_404(FieldNote.objects.in_province(province), pk=pk) if pk else None
    form = FieldNoteForm(request.POST or None, instance=note, province=province)
    if request.method == "POST" and form.is_valid():
        workflow.save_field_note(note=form.instance, by=request.user)
        messages.success(request, _("The field note was saved."))
        return redirect("entry:notes", code=province.code)
    return render(
        request, "programs/note_form.html", {"province": province, "form": form, "note": note}
    )


@login_required
def sheet(request, code: str, year: int, month: int):
    province = _get_province_for_user(request.user, code)
    _check_period(year, month)
    content = spreadsheet.month_template(province=province, year=year, month=month)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"{province.code}-{year}-{month:02d}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def sheet_pick(request, code: str):
    """The template form without script: year (any digits) and month → the sheet's URL."""
    province = _get_province_for_user(request.user, code)
    try:
        year, month = (
            parse_int(request.GET.get("year", "")),
            parse_int(request.GET.get("month", "")),
        )
    except NumberError:
        messages.error(request, _("Enter a year like ۱۴۰۵."))
        return redirect("entry:upload", code=province.code)
    _check_period(year, month)
    return redirect("entry:sheet", code=province.code, year=year, month=month)


@login_required
def upload(request, code: str):
    province = _get_province_for_user(request.user, code)
    if not access.can_enter_figures(request.user, province):
        raise PermissionDenied
    if request.method != "POST":
        return _upload_page(request, province)
    preview = spreadsheet.preview_upload(
        file=request.FILES.get("file"), province=province, user=request.user
    )
    if preview.ok:
        request.session[spreadsheet.SESSION_KEY] = preview.to_session()
    else:  # an earlier preview must not be confirmed by mistake
        request.session.pop(spreadsheet.SESSION_KEY, None)
    return _upload_page(request, province, preview=preview, status=200 if preview.ok else 400)


def _upload_page(request, province, status=200, **extra):
    # The month being reported is usually the one that just ended.
    context = {"province": province, "months": range(1, 13), "current": current_period().previous()}
    return render(request, "programs/upload.html", {**context, **extra}, status=status)


@require_POST
@login_required
def upload_confirm(request, code: str):
    province = _get_province_for_user(request.user, code)
    if not access.can_enter_figures(request.user, province):
        raise PermissionDenied
    stored = request.session.get(spreadsheet.SESSION_KEY)
    try:
        count = spreadsheet.apply_upload(
            stored=stored,
            province=province,
            user=request.user,
            accept_warnings=bool(request.POST.get("confirm")),
            reason=request.POST.get("reason", "").strip(),
        )
    except spreadsheet.UploadNeedsConfirmation as error:
        # The preview stays: confirm its warnings with a reason, or upload again.
        pending = [RowError(row, message) for row, message in stored.get("warnings", [])]
        return _upload_page(request, province, pending=pending, confirm_error=error, status=400)
    except spreadsheet.UploadStaleError as error:
        request.session.pop(spreadsheet.SESSION_KEY, None)
        return _upload_page(request, province, stale=error.changes, status=409)
    except spreadsheet.UploadError as error:
        request.session.pop(spreadsheet.SESSION_KEY, None)
        messages.error(request, str(error))
        return redirect("entry:upload", code=province.code)
    request.session.pop(spreadsheet.SESSION_KEY, None)
    messages.success(request, _("%(count)s values were saved.") % {"count": show_number(count)})
    year, month_number = stored["year"], stored["month"]
    return redirect(reverse("entry:matrix", args=[province.code, year]) + f"#m{month_number}")
