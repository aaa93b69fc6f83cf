"""Reads for monthly data entry: the month grid, its values, the completeness
matrix, overdue offices and a month's history.

Every function runs a fixed number of queries whatever the number of offices
or months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Min, Q
from django.utils.translation import gettext as _

from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
from programs.models import (
    CountyOffice,
    EntrySettings,
    JobsFigure,
    MonthlyReport,
    ReportStatus,
    ReportTransition,
    Scheme,
)
from reliefjobs.lib.jalali import Period, to_gregorian

MISSING = "missing"
SCALARS = ("trainees", "exits")


# --- the month grid: which inputs a month form (and the Excel sheet) has -------


def jobs_key(scheme_id: int) -> str:
    return f"jobs_{scheme_id}"


def count_key(bank_id: int, source_id: int) -> str:
    return f"lc_{bank_id}_{source_id}"


def amount_key(bank_id: int, source_id: int) -> str:
    return f"la_{bank_id}_{source_id}"


def referred_key(bank_id: int) -> str:
    return f"ref_{bank_id}"


def parse_key(key: str) -> tuple[str, int | None, int | None, int | None]:
    """(measure, scheme_id, bank_id, funding_source_id) of a grid key."""
    if key in SCALARS:
        return key, None, None, None
    head, *ids = key.split("_")
    numbers = [int(i) for i in ids]
    if head == "jobs":
        return "jobs", numbers[0], None, None
    if head == "lc":
        return "loans_count", None, numbers[0], numbers[1]
    if head == "la":
        return "loans_amount_rial", None, numbers[0], numbers[1]
    if head == "ref":
        return "referred_to_bank", None, numbers[0], None
    raise ValueError(f"unknown grid key {key!r}")


@dataclass
class MonthGrid:
    """The schemes, banks and funding sources a month form shows."""

    schemes: list
    banks: list
    sources: list

    def cell_keys(self) -> list[str]:
        keys = [jobs_key(s.pk) for s in self.schemes]
        for bank in self.banks:
            for source in self.sources:
                keys += [count_key(bank.pk, source.pk), amount_key(bank.pk, source.pk)]
        keys += [referred_key(b.pk) for b in self.banks]
        return keys + list(SCALARS)

    def label(self, key: str) -> str:
        measure, scheme_id, bank_id, source_id = parse_key(key)
        names = {
            "scheme": {s.pk: s.name for s in self.schemes},
            "bank": {b.pk: b.name for b in self.banks},
            "source": {s.pk: s.name for s in self.sources},
        }
        if measure == "jobs":
            return _("Jobs: %(scheme)s") % {"scheme": names["scheme"].get(scheme_id, "?")}
        if measure == "loans_count":
            return _("Loans paid: %(bank)s / %(source)s") % {
                "bank": names["bank"].get(bank_id, "?"),
                "source": names["source"].get(source_id, "?"),
            }
        if measure == "loans_amount_rial":
            return _("Loan amount (toman): %(bank)s / %(source)s") % {
                "bank": names["bank"].get(bank_id, "?"),
                "source": names["source"].get(source_id, "?"),
            }
        if measure == "referred_to_bank":
            return _("Referred to bank: %(bank)s") % {"bank": names["bank"].get(bank_id, "?")}
        return _("People trained") if measure == "trainees" else _("Households leaving support")


def month_grid(values: dict[str, int] | None = None) -> MonthGrid:
    """Active reference entries, plus inactive ones a month already has values for."""
    used = {"jobs": set(), "bank": set(), "source": set()}
    for key in values or {}:
        measure, scheme_id, bank_id, source_id = parse_key(key)
        if scheme_id:
            used["jobs"].add(scheme_id)
        if bank_id:
            used["bank"].add(bank_id)
        if source_id:
            used["source"].add(source_id)
    return MonthGrid(
        schemes=list(Scheme.objects.filter(Q(is_active=True) | Q(pk__in=used["jobs"]))),
        banks=list(Bank.objects.filter(Q(is_active=True) | Q(pk__in=used["bank"]))),
        sources=list(FundingSource.objects.filter(Q(is_active=True) | Q(pk__in=used["source"]))),
    )


def report_values(report_ids) -> dict[int, dict[str, int]]:
    """Every stored value of the reports, by grid key (4 queries)."""
    ids = [i for i in report_ids if i]
    result: dict[int, dict[str, int]] = {i: {} for i in ids}
    if not ids:
        return result
    for report_id, trainees, exits in MonthlyReport.objects.filter(pk__in=ids).values_list(
        "pk", "trainees", "exits"
    ):
        result[report_id].update(trainees=trainees, exits=exits)
    for report_id, scheme_id, value in JobsFigure.objects.filter(report_id__in=ids).values_list(
        "report_id", "scheme_id", "value"
    ):
        result[report_id][jobs_key(scheme_id)] = value
    for report_id, bank_id, source_id, count, amount in LoanFigure.objects.filter(
        report_id__in=ids
    ).values_list("report_id", "bank_id", "funding_source_id", "count", "amount_rial"):
        result[report_id][count_key(bank_id, source_id)] = count
        result[report_id][amount_key(bank_id, source_id)] = amount
    for report_id, bank_id, value in ReferralFigure.objects.filter(report_id__in=ids).values_list(
        "report_id", "bank_id", "value"
    ):
        result[report_id][referred_key(bank_id)] = value
    return result


def find_report(office, year: int, month: int) -> MonthlyReport | None:
    return (
        MonthlyReport.objects.select_related("office__province", "updated_by")
        .filter(office=office, year=year, month=month)
        .first()
    )


@dataclass
class Reference:
    """Previous month's and same month last year's values beside each field."""

    previous: dict[str, int]
    last_year: dict[str, int]
    previous_label: str
    last_year_label: str


def reference_values(office, year: int, month: int) -> Reference:
    period = Period(year, month)
    before, last_year = period.previous(), Period(year - 1, month)
    reports = {
        (r.year, r.month): r.pk
        for r in MonthlyReport.objects.filter(office=office).filter(
            Q(year=before.year, month=before.month) | Q(year=last_year.year, month=last_year.month)
        )
    }
    values = report_values(reports.values())
    return Reference(
        previous=values.get(reports.get(tuple(before)), {}),
        last_year=values.get(reports.get(tuple(last_year)), {}),
        previous_label=before.label(),
        last_year_label=last_year.label(),
    )


def recent_totals(office, year: int, month: int, months: int = 6) -> list[dict[str, int]]:
    """Totals of the office's reported months among the `months` before this one."""
    periods = []
    period = Period(year, month)
    for _i in range(months):
        period = period.previous()
        periods.append(period)
    condition = Q(pk__in=[])
    for p in periods:
        condition |= Q(year=p.year, month=p.month)
    return list(
        MonthlyReport.objects.filter(office=office)
        .filter(condition)
        .values("jobs", "loans_count", "loans_amount_rial", "referred", "trainees", "exits")
    )


# --- the completeness matrix -----------------------------------------------------


def _gregorian(value) -> dt.date | None:
    if value is None:
        return None
    return value.togregorian() if hasattr(value, "togregorian") else value


def office_open_in(office, period: Period) -> bool:
    """Was the office open at some point of the month (so it owes the month)?"""
    return _open_between(office, period.first_day, period.last_day)


def _open_between(office, first: dt.date, last: dt.date) -> bool:
    opened, closed = _gregorian(office.opened_on), _gregorian(office.closed_on)
    if opened and opened > last:
        return False
    if closed and closed < first:
        return False
    # Inactive with no closing date: when it closed is unknown, so nothing is owed.
    return office.is_active or closed is not None


def deadline_of(period: Period, deadline_day: int) -> dt.date:
    """The day a month's report is due: `deadline_day` of the following Jalali month."""
    following = period.next()
    return to_gregorian(following.year, following.month, deadline_day)


@dataclass
class Cell:
    month: int
    status: str  # a ReportStatus value, "missing", or "not_due"
    expected: bool
    report_id: int | None = None
    days_late: int = 0
    on_time: bool | None = None
    url: str = ""


@dataclass
class MatrixRow:
    office: CountyOffice
    cells: list[Cell]


@dataclass
class ColumnTotal:
    month: int
    expected: int = 0
    reported: int = 0
    on_time: int = 0
    # Expected months whose timeliness is known: submitted through the workflow,
    # or still not submitted after the deadline. Months loaded in bulk (no
    # workflow step) have no submission date and are left out of the rate.
    judged: int = 0
    due: bool = False

    @property
    def on_time_percent(self) -> int | None:
        if not self.due or not self.judged:
            return None
        return round(100 * self.on_time / self.judged)


@dataclass
class Matrix:
    province: object
    year: int
    deadline_day: int
    rows: list[MatrixRow]
    totals: list[ColumnTotal]
    # Offices with overdue months, the most overdue first; each with its late months.
    overdue: list[tuple[CountyOffice, list[Cell]]] = field(default_factory=list)


_DONE = (ReportStatus.SUBMITTED, ReportStatus.APPROVED)


def completeness_matrix(province, year: int, today: dt.date) -> Matrix:
    """Who owes which month of the year, with totals and the overdue list (4 queries)."""
    deadline_day = EntrySettings.load().deadline_day
    periods = [Period(year, m) for m in range(1, 13)]
    # Calendar conversions are slow: once per month, not once per cell.
    bounds = [(p.first_day, p.last_day, deadline_of(p, deadline_day)) for p in periods]
    reports = {
        (r["office_id"], r["month"]): r
        for r in MonthlyReport.objects.filter(office__province=province, year=year).values(
            "pk", "office_id", "month", "status"
        )
    }
    reported = {office_id for office_id, _month in reports}
    offices = [
        office
        for office in CountyOffice.objects.filter(province=province).order_by("name")
        if office.pk in reported or any(_open_between(office, f, last) for f, last, _d in bounds)
    ]
    first_submitted = dict(
        ReportTransition.objects.filter(
            report__office__province=province, report__year=year, to_status=ReportStatus.SUBMITTED
        )
        .values("report_id")
        .annotate(first=Min("at"))
        .values_list("report_id", "first")
    )
    totals = [ColumnTotal(month=p.month) for p in periods]
    rows, overdue = [], []
    for office in offices:
        cells = []
        for period, total, (first, last, deadline) in zip(periods, totals, bounds, strict=True):
            report = reports.get((office.pk, period.month))
            expected = _open_between(office, first, last) and today > last
            status = report["status"] if report else MISSING
            if not expected and not report:
                status = "not_due"
            cell = Cell(period.month, status, expected, report["pk"] if report else None)
            if expected:
                total.expected += 1
                total.due = total.due or today > deadline
                if status in _DONE:
                    total.reported += 1
                    sent = first_submitted.get(report["pk"])
                    if sent is not None:
                        cell.on_time = _local_date(sent) <= deadline
                        total.on_time += cell.on_time
                        total.judged += 1
                elif today > deadline:
                    cell.days_late = (today - deadline).days
                    total.judged += 1
                    overdue.append((office, cell))
            cells.append(cell)
        rows.append(MatrixRow(office, cells))
    grouped: dict[int, tuple[CountyOffice, list[Cell]]] = {}
    for office, cell in overdue:
        grouped.setdefault(office.pk, (office, []))[1].append(cell)
    by_office = sorted(grouped.values(), key=lambda pair: (-pair[1][0].days_late, pair[0].name))
    return Matrix(province, year, deadline_day, rows, totals, by_office)


def _local_date(value: dt.datetime) -> dt.date:
    from django.utils import timezone

    return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()


# --- history of a month ------------------------------------------------------------


@dataclass
class Change:
    at: dt.datetime
    by: str
    label: str
    old: object
    new: object
    reason: str = ""


def month_history(report: MonthlyReport, grid: MonthGrid) -> list[Change]:
    """Every change of every value of the month, newest first (5 queries)."""
    changes: list[Change] = []
    status_labels = dict(ReportStatus.choices)

    def walk(records, fields, key_of, label_of=None):
        previous: dict = {}
        for record in records:
            line = record.id
            before = previous.get(line)
            for name in fields:
                new = getattr(record, name) if record.history_type != "-" else 0
                old = getattr(before, name) if before is not None else None
                if before is None and record.history_type == "+" and not new and name != "status":
                    continue
                if before is not None and old == new:
                    continue
                key = key_of(record, name)
                label = label_of(name) if label_of else grid.label(key)
                if key.startswith("la_"):  # amounts are shown in toman, like the form
                    old = old // 10 if old is not None else None
                    new = new // 10
                if name == "status":
                    old, new = status_labels.get(old, old), status_labels.get(new, new)
                user = record.history_user
                changes.append(
                    Change(
                        record.history_date,
                        user.get_full_name() or user.username if user else "",
                        label,
                        old,
                        new,
                        record.history_change_reason or "",
                    )
                )
            previous[line] = record

    def fetch(model):
        return (
            model.history.filter(report_id=report.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")
        )

    walk(
        MonthlyReport.history.filter(id=report.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id"),
        ("trainees", "exits", "status"),
        lambda r, name: name,
        lambda name: grid.label(name) if name in SCALARS else _("Status"),
    )
    walk(fetch(JobsFigure), ("value",), lambda r, n: jobs_key(r.scheme_id))
    walk(
        fetch(LoanFigure),
        ("count", "amount_rial"),
        lambda r, n: (count_key if n == "count" else amount_key)(r.bank_id, r.funding_source_id),
    )
    walk(fetch(ReferralFigure), ("value",), lambda r, n: referred_key(r.bank_id))
    changes.sort(key=lambda c: c.at, reverse=True)
    return changes
