"""The audit page: admins search the history of figures, targets, offices and statuses,
and download the filtered view as CSV."""

import csv

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from programs import audit
from programs.access import is_admin
from programs.audit_forms import AuditSearchForm

# The CSV holds more than the page shows; the same filters narrow both.
CSV_LIMIT = 10_000


def _search(request, limit: int):
    """The form and the entries the viewer may see, as the page and the CSV share them."""
    if not is_admin(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None, viewer=request.user)
    entries = []
    if not request.GET:
        entries = audit.search(request.user, audit.AuditQuery(), limit=limit)
    elif form.is_valid():
        entries = audit.search(request.user, form.to_query(), limit=limit)
    return form, entries


@login_required
@require_GET
def audit_log(request):
    form, entries = _search(request, audit.LIMIT)
    query = request.GET.urlencode()
    return render(
        request,
        "programs/audit.html",
        {"form": form, "entries": entries, "limit": audit.LIMIT, "query": query},
    )


@login_required
@require_GET
def audit_csv(request):
    form, entries = _search(request, CSV_LIMIT)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="audit.csv"'
    response.write("\ufeff")  # so that Excel reads the Persian text as UTF-8
    writer = csv.writer(response)
    writer.writerow([str(header) for header in audit.CSV_HEADERS])
    for row in audit.csv_rows(entries):
        writer.writerow([csv_cell(value) for value in row])
    return response


def csv_cell(value) -> str:
    """Text a spreadsheet would run as a formula (= + - @ tab CR) gets a leading apostrophe.

    Local stand-in for the shared export helper (reliefjobs/lib/cells.py, helper H4).
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(("=", "+", "-", "@", "\t", "\r")) else text
