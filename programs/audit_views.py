"""The audit page: admins search the history of figures, targets, offices and statuses."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from programs import audit
from programs.access import is_admin
from programs.audit_forms import AuditSearchForm


@login_required
@require_GET
def audit_log(request):
    if not is_admin(request.user):
        raise PermissionDenied
    form = AuditSearchForm(request.GET or None, viewer=request.user)
    entries = []
    if not request.GET:
        entries = audit.search(request.user, audit.AuditQuery())
    elif form.is_valid():
        entries = audit.search(request.user, form.to_query())
    return render(
        request,
        "programs/audit.html",
        {"form": form, "entries": entries, "limit": audit.LIMIT},
    )
