"""What waits for each person: the reads behind the work list (the home page).

The cycle is the month that ended last; it is due by the entry settings'
deadline day of the following month (programs.entry_queries.deadline_of).
Every function runs a fixed number of queries whatever the number of offices
or months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import CharField, DateTimeField, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from programs import access
from programs.entry_queries import MISSING, completeness_matrix, deadline_of
from programs.entry_queries import _open_between as open_between
from programs.models import (
    CountyOffice,
    EntrySettings,
    MonthlyReport,
    Province,
    ReportStatus,
    ReportTransition,
    TransitionAction,
)
from reliefjobs.lib import clock, jalali
from reliefjobs.lib.jalali import Period
from reports.completeness import national_completeness

_DONE = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)
RECENT_UNLOCK_DAYS = 30
TOP = 10


@dataclass(frozen=True)
class Cycle:
    """The month being reported now and its deadline, seen from `today`."""

    period: Period
    deadline: dt.date
    today: dt.date

    @property
    def days_left(self) -> int:
        return (self.deadline - self.today).days

    @property
    def days_late(self) -> int:
        return max(0, (self.today - self.deadline).days)

    @property
    def key(self) -> str:
        return f"{self.period.year}-{self.period.month:02d}"


def current_cycle(today: dt.date | None = None, settings: EntrySettings | None = None) -> Cycle:
    today = today or clock.today()
    period = jalali.current_period(today).previous()
    deadline_day = (settings or EntrySettings.load()).deadline_day
    return Cycle(period, deadline_of(period, deadline_day), today)


def local_date(value: dt.datetime | None) -> dt.date | None:
    if value is None:
        return None
    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


# --- months with their last workflow step --------------------------------------------


def _last_step(action: str, column: str, output):
    steps = ReportTransition.objects.filter(report=OuterRef("pk"), action=action).order_by(
        "-at", "-pk"
    )
    return Subquery(steps.values(column)[:1], output_field=output)


def returned_months(province_q):
    """Returned months with the comment of the step that returned them (a return or an
    unlock), the newest first (1 query)."""
    back = ReportTransition.objects.filter(
        report=OuterRef("pk"), to_status=ReportStatus.RETURNED
    ).order_by("-at", "-pk")
    return (
        MonthlyReport.objects.filter(province_q, status=ReportStatus.RETURNED)
        .select_related("office__province")
        .annotate(
            back_comment=Subquery(back.values("comment")[:1], output_field=CharField()),
            back_action=Subquery(back.values("action")[:1], output_field=CharField()),
            back_at=Subquery(back.values("at")[:1], output_field=DateTimeField()),
            back_by=Subquery(back.values("by__username")[:1], output_field=CharField()),
            back_by_first=Subquery(back.values("by__first_name")[:1], output_field=CharField()),
            back_by_last=Subquery(back.values("by__last_name")[:1], output_field=CharField()),
        )
        .order_by(F("back_at").desc(nulls_last=True), "office__name")
    )


def with_names(months) -> list[MonthlyReport]:
    """Returned months with `back_by_name`: who returned them, as the pages show people."""
    rows = list(months)
    for row in rows:
        full = f"{row.back_by_first or ''} {row.back_by_last or ''}".strip()
        row.back_by_name = full or row.back_by or "–"
    return rows


def waiting_months(province_q, today: dt.date) -> list[MonthlyReport]:
    """Submitted months waiting for approval, the longest waiting first, each with
    `submitted_at` and `days_waiting` (1 query). Months loaded in bulk have no
    workflow step; their last save stands in for the submission."""
    rows = list(
        MonthlyReport.objects.filter(province_q, status=ReportStatus.SUBMITTED)
        .select_related("office__province")
        .annotate(
            submitted_at=Coalesce(
                _last_step(TransitionAction.SUBMIT, "at", DateTimeField()),
                "updated_at",
                output_field=DateTimeField(),
            )
        )
        .order_by("submitted_at", "office__name")
    )
    for row in rows:
        row.days_waiting = max(0, (today - local_date(row.submitted_at)).days)
    return rows


# --- the work lists --------------------------------------------------------------------


@dataclass
class DueMonth:
    office: CountyOffice
    year: int
    month: int
    status: str  # "missing", draft or returned
    days_late: int = 0


@dataclass
class ProvinceWork:
    """Staff's and the provincial manager's view of one province."""

    province: Province
    cycle: Cycle
    due: list[DueMonth] = field(default_factory=list)  # this cycle, not yet sent
    overdue_earlier: list[DueMonth] = field(default_factory=list)
    returned: list[MonthlyReport] = field(default_factory=list)
    waiting: list[MonthlyReport] = field(default_factory=list)
    expected: int = 0
    sent: int = 0
    pace: dict | None = None


def province_work(province: Province, *, today: dt.date | None = None) -> ProvinceWork:
    """One province's work this cycle (8 queries)."""
    settings = EntrySettings.load()
    cycle = current_cycle(today, settings)
    period = cycle.period
    work = ProvinceWork(province=province, cycle=cycle)
    matrix = completeness_matrix(province, period.year, cycle.today)
    for row in matrix.rows:
        cell = row.cells[period.month - 1]
        if not cell.expected:
            continue
        work.expected += 1
        if cell.status in _DONE:
            work.sent += 1
        else:
            work.due.append(
                DueMonth(row.office, period.year, period.month, cell.status, cycle.days_late)
            )
    for office, cells in matrix.overdue:
        for cell in cells:
            if cell.month != period.month:
                work.overdue_earlier.append(
                    DueMonth(office, period.year, cell.month, cell.status, cell.days_late)
                )
    work.due.sort(
        key=lambda d: (d.status != ReportStatus.RETURNED, d.status != MISSING, d.office.name)
    )
    work.overdue_earlier.sort(key=lambda d: (-d.days_late, d.office.name))
    scope = Q(office__province=province)
    work.returned = with_names(returned_months(scope))
    work.waiting = waiting_months(scope, cycle.today)
    work.pace = province_pace(province, cycle.today)
    return work


def province_pace(province: Province, today: dt.date) -> dict | None:
    """The province against pace and its year-end forecast, as its dashboard says
    them: ended months only, reports.pace's share and reports.forecast's figure."""
    from reports import forecast, pace, queries

    year = jalali.current_period(today).year
    elapsed = jalali.elapsed_months(year, today)
    rows = queries.province_progress(year, [province.pk])
    if not rows:
        return None
    target = rows[0].get("target_jobs")
    months = [m["jobs"] for m in queries.monthly(year, [province.pk])]
    done = sum(months[:elapsed])
    expected = pace.expected_by_now(target, pace.expected_share(year, elapsed))
    outlook = forecast.for_scope(year, elapsed, [province.pk], this_year=months)
    return {
        "year": year,
        "elapsed": elapsed,
        "jobs": done,
        "target": target,
        "expected": expected,
        "percent_of_pace": round(100 * done / expected) if expected else None,
        "ahead": None if expected is None else done >= expected,
        "projected": outlook.value,
    }


@dataclass
class ProvinceCompleteness:
    province: Province
    expected: int = 0
    sent: int = 0
    approved: int = 0
    waiting: int = 0

    @property
    def percent(self) -> int | None:
        return round(100 * self.sent / self.expected) if self.expected else None


@dataclass
class OverdueOffice:
    office: CountyOffice
    months: list[int]
    days_late: int  # of its oldest overdue month


@dataclass
class CountryWork:
    cycle: Cycle
    provinces: list[ProvinceCompleteness]
    most_overdue: list[OverdueOffice]
    overdue_total: int
    unlocked: list[ReportTransition]


def country_work(user, *, today: dt.date | None = None) -> CountryWork:
    """National managers' and admins' view of the provinces they see (a fixed number of queries)."""
    settings = EntrySettings.load()
    cycle = current_cycle(today, settings)
    year = cycle.period.year
    provinces = Province.objects.visible_to(user)
    # The cycle's column of the national completeness view: one rule for who owes a month.
    by_id = {}
    for row in national_completeness(provinces, year, cycle.today).rows:
        cell = row.months[cycle.period.month - 1]
        by_id[row.province.pk] = ProvinceCompleteness(
            row.province,
            expected=cell.expected,
            sent=cell.approved + cell.submitted,
            approved=cell.approved,
            waiting=cell.submitted,
        )
    offices = list(CountyOffice.objects.filter(province__in=provinces).select_related("province"))
    statuses = {
        (office_id, month): status
        for office_id, month, status in MonthlyReport.objects.filter(
            office__province__in=provinces, year=year, month__lte=cycle.period.month
        ).values_list("office_id", "month", "status")
    }
    # Calendar conversions are slow: once per month, not once per office.
    periods = [Period(year, m) for m in range(1, cycle.period.month + 1)]
    months = [
        (p.month, p.first_day, p.last_day, deadline_of(p, settings.deadline_day)) for p in periods
    ]
    overdue: list[OverdueOffice] = []
    for office in offices:
        late_months, oldest = [], 0
        for month, first, last, deadline in months:
            if not open_between(office, first, last):
                continue
            status = statuses.get((office.pk, month), MISSING)
            if status not in _DONE and cycle.today > deadline:
                late_months.append(month)
                oldest = max(oldest, (cycle.today - deadline).days)
        if late_months:
            overdue.append(OverdueOffice(office, late_months, oldest))
    overdue.sort(
        key=lambda o: (-len(o.months), -o.days_late, o.office.province.code, o.office.name)
    )
    ranked = sorted(
        by_id.values(), key=lambda r: (r.percent if r.percent is not None else 101, r.province.code)
    )
    since = clock.now() - dt.timedelta(days=RECENT_UNLOCK_DAYS)
    unlocked = list(
        ReportTransition.objects.filter(
            access.province_q(user, field="report__office__province"),
            action=TransitionAction.UNLOCK,
            at__gte=since,
        )
        .select_related("report__office__province", "by")
        .order_by("-at", "-pk")[:20]
    )
    return CountryWork(cycle, ranked, overdue[:TOP], len(overdue), unlocked)


def role_of(user) -> str:
    """Which work list a user gets: "staff", "province" (a provincial manager or admin)
    or "country"."""
    if access.is_national(user):
        return "country"
    if getattr(user, "role", None) == access.Role.STAFF:
        return "staff"
    return "province"
