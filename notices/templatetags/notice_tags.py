"""Returned months made impossible to miss: the manager's comment above the month
form and as the tooltip of the matrix cell."""

from django import template
from django.db.models import OuterRef, Subquery

from programs.models import MonthlyReport, ReportStatus, ReportTransition

register = template.Library()


@register.simple_tag
def return_step(report, transitions):
    """The step that returned this month (a return, or an admin's unlock), if it is
    returned now. `transitions` is the month page's list of steps (no extra query)."""
    if report is None or report.status != ReportStatus.RETURNED:
        return None
    back = [t for t in transitions if t.to_status == ReportStatus.RETURNED]
    return back[-1] if back else None


@register.simple_tag
def return_comments(matrix):
    """{report id: comment that returned it} for the matrix's returned months (1 query)."""
    ids = [
        cell.report_id
        for row in matrix.rows
        for cell in row.cells
        if cell.status == ReportStatus.RETURNED and cell.report_id
    ]
    if not ids:
        return {}
    back = ReportTransition.objects.filter(
        report=OuterRef("pk"), to_status=ReportStatus.RETURNED
    ).order_by("-at", "-pk")
    return dict(
        MonthlyReport.objects.filter(pk__in=ids)
        .annotate(comment=Subquery(back.values("comment")[:1]))
        .values_list("pk", "comment")
    )


@register.filter
def get_item(mapping, key):
    return (mapping or {}).get(key) or ""
