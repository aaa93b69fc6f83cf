"""National completeness: each province × month, how many county offices'
reports are approved, submitted (awaiting approval) and late.

An office owes a month when it was open at some point of it and the month
has ended (the same rule as the province's entry matrix,
programs.entry_queries); a month owed and still not submitted or approved
after its entry deadline (EntrySettings.deadline_day of the following month)
is late. The per-office detail stays on each province's entry matrix; this
view is the country's one-screen summary for national managers, linked to
those matrices.

Three queries whatever the number of offices: the provinces in scope, their
offices, and the year's report statuses (at most offices × 12 rows).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from programs.entry_queries import _open_between, deadline_of
from programs.models import CountyOffice, EntrySettings, MonthlyReport, Province, ReportStatus
from reliefjobs.lib.jalali import Period

MONTHS = range(1, 13)


@dataclass
class Count:
    """One province-month (or a total): offices owing it and where their reports stand."""

    month: int | None = None
    expected: int = 0
    approved: int = 0
    submitted: int = 0  # awaiting approval
    late: int = 0  # owed, past the deadline, neither submitted nor approved
    due: bool = False  # the month has ended
    overdue: bool = False  # its deadline has passed

    @property
    def missing(self) -> int:
        """Owed and not yet in (late or not, drafts and returned months included)."""
        return self.expected - self.approved - self.submitted

    @property
    def state(self) -> str:
        """How the cell reads: "done" (all approved), "late", "waiting", "open" or "" (not due)."""
        if not self.expected:
            return ""
        if self.approved == self.expected:
            return "done"
        if self.late:
            return "late"
        return "waiting" if not self.missing else "open"

    def add(self, other: Count) -> None:
        self.expected += other.expected
        self.approved += other.approved
        self.submitted += other.submitted
        self.late += other.late
        self.due = self.due or other.due
        self.overdue = self.overdue or other.overdue


@dataclass
class Row:
    province: Province
    months: list[Count]
    total: Count = field(default_factory=Count)


@dataclass
class National:
    year: int
    deadline_day: int
    rows: list[Row]
    totals: list[Count]
    total: Count


def national_completeness(provinces, year: int, today: dt.date) -> National:
    """Province × month counts for the `provinces` queryset (already scoped to the user)."""
    deadline_day = EntrySettings.load().deadline_day
    periods = [Period(year, m) for m in MONTHS]
    # Calendar conversions are slow: once per month, not once per office.
    bounds = [(p.first_day, p.last_day, deadline_of(p, deadline_day)) for p in periods]
    provinces = list(provinces.order_by("name"))
    ids = [p.pk for p in provinces]
    status = {
        (office_id, month): state
        for office_id, month, state in MonthlyReport.objects.filter(
            office__province_id__in=ids, year=year
        ).values_list("office_id", "month", "status")
    }
    offices: dict[int, list[CountyOffice]] = {}
    for office in CountyOffice.objects.filter(province_id__in=ids).only(
        "pk", "province_id", "is_active", "opened_on", "closed_on"
    ):
        offices.setdefault(office.province_id, []).append(office)
    rows = []
    totals = [Count(month=m) for m in MONTHS]
    for province in provinces:
        row = Row(province, [Count(month=m) for m in MONTHS])
        for cell, (first, last, deadline) in zip(row.months, bounds, strict=True):
            cell.due, cell.overdue = today > last, today > deadline
            if not cell.due:
                continue
            for office in offices.get(province.pk, []):
                if not _open_between(office, first, last):
                    continue
                cell.expected += 1
                state = status.get((office.pk, cell.month))
                if state == ReportStatus.APPROVED:
                    cell.approved += 1
                elif state == ReportStatus.SUBMITTED:
                    cell.submitted += 1
                elif cell.overdue:
                    cell.late += 1
        for cell, total in zip(row.months, totals, strict=True):
            row.total.add(cell)
            total.add(cell)
        rows.append(row)
    grand = Count()
    for total in totals:
        grand.add(total)
    return National(year, deadline_day, rows, totals, grand)
