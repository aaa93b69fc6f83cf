"""The audit trail: who changed which figure, target, office or month status, when and why.

Reads the django-simple-history tables of the audited models. A search runs
two queries per audited model (the matching history rows, then the rows
before them for the old values) and one for the workflow steps' full
comments, whatever the size of the history.

The reason of a change is its history record's reason (a correction's or a
confirmed warning's reason, stamped by the month form; a workflow step's
comment), and for a status change the full comment of that workflow step
(return and unlock reasons are required there). Money is shown in toman with
its unit (docs/GLOSSARY.md, "Units"); the CSV keeps the same text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import jdatetime
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from loans.models import LoanFigure, ReferralFigure
from programs.access import province_q
from programs.admin_forms import toman_label
from programs.models import (
    CountyOffice,
    JobsFigure,
    Measure,
    MonthlyReport,
    ReportStatus,
    ReportTransition,
    Target,
)
from reliefjobs.lib.jalali import format_date, month_label
from reliefjobs.lib.money import group_digits, rial_to_toman
from reliefjobs.lib.text import to_persian_digits

LIMIT = 200


@dataclass(frozen=True)
class Source:
    """One audited model and how its history rows reach province and office."""

    key: str
    label: object
    model: type
    province_path: str  # from the historical row to its Province
    office_path: str | None  # from the historical row to its CountyOffice id
    fields: tuple[str, ...]  # the fields whose old/new values are shown
    related: tuple[str, ...]  # select_related paths for the subject line
    office_attr: str = ""  # from the historical row to its CountyOffice object

    @property
    def history(self):
        return self.model.history.model


SOURCES = (
    Source(
        "report",
        _("Monthly report"),
        MonthlyReport,
        "office__province",
        "office_id",
        ("status", "trainees", "exits"),
        ("office__province",),
        "office",
    ),
    Source(
        "jobs",
        _("Jobs by scheme"),
        JobsFigure,
        "report__office__province",
        "report__office_id",
        ("value",),
        ("report__office__province", "scheme"),
        "report__office",
    ),
    Source(
        "loans",
        _("Loans by bank and source"),
        LoanFigure,
        "report__office__province",
        "report__office_id",
        ("count", "amount_rial"),
        ("report__office__province", "bank", "funding_source"),
        "report__office",
    ),
    Source(
        "referrals",
        _("Referrals to bank"),
        ReferralFigure,
        "report__office__province",
        "report__office_id",
        ("value",),
        ("report__office__province", "bank"),
        "report__office",
    ),
    Source(
        "target",
        _("Target"),
        Target,
        "province",
        "office_id",
        ("value",),
        ("province", "office"),
        "office",
    ),
    Source(
        "office",
        _("County office"),
        CountyOffice,
        "province",
        "id",
        ("name", "is_active", "opened_on", "closed_on", "merged_into_id"),
        ("province",),
    ),
)
SOURCE_BY_KEY = {s.key: s for s in SOURCES}
ACTIONS = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object
    money: bool = False  # the values are integer rials, shown in toman

    @property
    def old_display(self) -> str:
        return display_value(self.field, self.old, money=self.money)

    @property
    def new_display(self) -> str:
        return display_value(self.field, self.new, money=self.money)


def display_value(name: str, value, *, money: bool = False) -> str:
    """A stored value the way a person reads it: Persian digits, Jalali dates, labels,
    money in toman with its unit."""
    if value is None or value == "":
        return "—"
    if money and isinstance(value, int):
        return f"{group_digits(rial_to_toman(value), persian=_persian())} {_('toman')}"
    if name == "status":
        return str(ReportStatus(value).label) if value in ReportStatus.values else str(value)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, jdatetime.date):  # django-jalali's jDateField values
        text = value.strftime("%Y/%m/%d")
        return to_persian_digits(text) if _persian() else text
    if isinstance(value, dt.date):
        return format_date(value, persian=_persian())
    if isinstance(value, int):
        return group_digits(value, persian=_persian())
    return str(value)


def _persian() -> bool:
    return (get_language() or "fa").startswith("fa")


@dataclass
class AuditEntry:
    when: dt.datetime
    user: object
    source: Source
    action: str
    province: object
    office_name: str
    subject: str
    changes: list[Change] = field(default_factory=list)
    reason: str = ""

    @property
    def when_display(self) -> str:
        return format_date(self.when, persian=_persian())

    @property
    def action_label(self):
        return ACTIONS.get(self.action, self.action)


@dataclass(frozen=True)
class AuditQuery:
    province: object = None
    office: object = None
    user: object = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _filters(source: Source, viewer, query: AuditQuery) -> Q:
    q = province_q(viewer, field=source.province_path)
    if query.province is not None:
        q &= Q(**{f"{source.province_path}_id": query.province.pk})
    if query.office is not None:
        q &= Q(**{source.office_path: query.office.pk})
    if query.user is not None:
        q &= Q(history_user_id=query.user.pk)
    if query.date_from:
        q &= Q(history_date__gte=_day_start(query.date_from))
    if query.date_to:
        q &= Q(history_date__lt=_day_start(query.date_to + dt.timedelta(days=1)))
    return q


def _follow(obj, path: str):
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part, None)
    return obj


def _subject(source: Source, row) -> str:
    if source.key == "office":
        return row.name
    if source.key == "report":
        return month_label(row.year, row.month, persian=_persian())
    if source.key == "target":
        return f"{row.year} · {row.get_measure_display()}"
    report = row.report
    period = report.period_label if report is not None else ""
    if source.key == "jobs":
        return f"{period} · {row.scheme}"
    if source.key == "loans":
        return f"{period} · {row.bank} / {row.funding_source}"
    return f"{period} · {row.bank}"


def _previous_rows(source: Source, rows: list) -> dict[int, object]:
    """For each history row, the row of the same object just before it (one query)."""
    if not rows:
        return {}
    history = source.history
    ids = {row.id for row in rows}
    latest = max(row.history_date for row in rows)
    earlier = (
        history.objects.filter(id__in=ids, history_date__lte=latest)
        .order_by("id", "history_date", "history_id")
        .only("history_id", "id", "history_date", *source.fields)
    )
    before: dict[int, object] = {}
    last_of: dict[int, object] = {}
    for row in earlier:
        before[row.history_id] = last_of.get(row.id)
        last_of[row.id] = row
    return before


def _is_money(source: Source, row, name: str) -> bool:
    if source.key == "target":
        return row.measure == Measure.LOANS_AMOUNT_RIAL
    return name.endswith("rial")


def _step_comments(source: Source, rows: list) -> dict[int, str]:
    """For month rows whose status changed, the full comment of that workflow step (one query)."""
    if source.key != "report" or not rows:
        return {}
    steps: dict[tuple[int, str, int | None], list] = {}
    transitions = ReportTransition.objects.filter(report_id__in={row.id for row in rows}).exclude(
        comment=""
    )
    for step in transitions.only("report_id", "to_status", "by_id", "at", "comment"):
        steps.setdefault((step.report_id, step.to_status, step.by_id), []).append(step)
    comments = {}
    for row in rows:
        candidates = steps.get((row.id, row.status, row.history_user_id))
        if candidates:
            nearest = min(candidates, key=lambda s: abs(s.at - row.history_date))
            if abs(nearest.at - row.history_date) < dt.timedelta(minutes=1):
                comments[row.history_id] = nearest.comment
    return comments


def _changes(source: Source, row, previous) -> list[Change]:
    changes = []
    for name in source.fields:
        new = getattr(row, name)
        old = getattr(previous, name) if previous is not None else None
        if row.history_type == "~" and old == new:
            continue
        if row.history_type == "-":
            old, new = new, None
        label = source.model._meta.get_field(name.removesuffix("_id")).verbose_name
        money = _is_money(source, row, name)
        if money:
            label = toman_label(label)
        changes.append(Change(name, str(label), old, new, money=money))
    return changes


def search(viewer, query: AuditQuery, limit: int = LIMIT) -> list[AuditEntry]:
    """The latest `limit` history entries matching the query that `viewer` may see."""
    sources = [SOURCE_BY_KEY[query.kind]] if query.kind in SOURCE_BY_KEY else list(SOURCES)
    if query.office is not None:
        sources = [s for s in sources if s.office_path]
    entries: list[AuditEntry] = []
    for source in sources:
        rows = list(
            source.history.objects.filter(_filters(source, viewer, query))
            .select_related("history_user", *source.related)
            .order_by("-history_date", "-history_id")[:limit]
        )
        previous = _previous_rows(source, rows)
        comments = _step_comments(source, rows)
        for row in rows:
            changes = _changes(source, row, previous.get(row.history_id))
            if row.history_type == "~" and not changes:
                continue  # a save that changed nothing shown here (e.g. a version bump)
            status_changed = any(c.field == "status" for c in changes)
            reason = (comments.get(row.history_id) if status_changed else None) or (
                row.history_change_reason or ""
            )
            office = row if source.key == "office" else _follow(row, source.office_attr)
            entries.append(
                AuditEntry(
                    when=row.history_date,
                    user=row.history_user,
                    source=source,
                    action=row.history_type,
                    province=_follow(row, source.province_path),
                    office_name=office.name if office is not None else "",
                    subject=_subject(source, row),
                    changes=changes,
                    reason=reason,
                )
            )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]


# The CSV's columns (translated when written); one line per changed field.
CSV_HEADERS = (
    _("When"),
    _("User"),
    _("Record"),
    _("Province"),
    _("County office"),
    _("Item"),
    _("Action"),
    _("Field"),
    _("Old value"),
    _("New value"),
    _("Reason"),
)


def csv_rows(entries: list[AuditEntry]):
    """The entries as the CSV's rows, the values as the page shows them."""
    for entry in entries:
        user = entry.user.get_full_name() or entry.user.username if entry.user else _("system")
        head = [
            entry.when_display,
            user,
            entry.source.label,
            entry.province.name if entry.province is not None else "",
            entry.office_name,
            entry.subject,
            entry.action_label,
        ]
        for change in entry.changes or [None]:
            if change is None:
                yield [*head, "", "", "", entry.reason]
            else:
                yield [*head, change.label, change.old_display, change.new_display, entry.reason]
