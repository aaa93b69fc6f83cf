"""Writes of monthly figures and targets: one path for forms, imports and the admin.

Every function runs inside one transaction, keeps MonthlyReport's totals equal
to the sum of its lines, and tells `after_figures_changed` which periods
changed so that rollups and caches follow.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from django.db import connection, models, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from loans.models import LoanFigure, ReferralFigure
from programs.models import JobsFigure, MonthlyReport, ReportStatus, Target
from reliefjobs.lib import clock

MEASURES = ("jobs", "loans_count", "loans_amount_rial", "referred_to_bank", "trainees", "exits")
_CHUNK = 900
_TOTAL_FIELDS = ("jobs", "loans_count", "loans_amount_rial", "referred")


class LockedMonthError(Exception):
    """A write touched an approved (locked) month."""


class StaleReportError(Exception):
    """The month changed since the form was opened; the save is refused."""


@dataclass(frozen=True)
class FigureValue:
    """One value of the figures file, resolved to ids."""

    office_id: int
    year: int
    month: int
    measure: str
    value: int
    scheme_id: int | None = None
    bank_id: int | None = None
    funding_source_id: int | None = None

    @property
    def report_key(self) -> tuple[int, int, int]:
        return (self.office_id, self.year, self.month)


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


# Bulk writes in plain SQL: the ORM's bulk_create / bulk_update (and
# simple_history's bulk helpers built on them) spend ~20 µs per value compiling
# expressions, which made a 280,000-row import take minutes. These write the
# same rows, and the same history records (with the user), in a few statements.


def _raw_cursor(cursor):
    return getattr(cursor, "cursor", cursor)


def _bulk_insert(model, columns: list[str], rows: list[tuple]) -> None:
    if not rows:
        return
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) VALUES "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: no SQL text to build or parse per row.
            buffer = io.StringIO()
            buffer.writelines("\t".join(map(_copy_text, row)) + "\n" for row in rows)
            buffer.seek(0)
            table = qn(model._meta.db_table)
            _raw_cursor(cursor).copy_expert(
                f"COPY {table} ({', '.join(qn(c) for c in columns)}) FROM STDIN", buffer
            )
        else:
            cursor.executemany(head + "(" + ", ".join(["%s"] * len(columns)) + ")", rows)


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value) -> str:
    """One value in PostgreSQL's COPY text format."""
    if value is None:
        return "\\N"
    if value is True or value is False:
        return "t" if value else "f"
    if isinstance(value, str):
        return value.translate(_COPY_ESCAPES)
    return str(value)


def _bulk_update(model, columns: list[str], rows: list[tuple]) -> None:
    """UPDATE by primary key; each row is (*values in `columns` order, pk)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    sets = ", ".join(f"{qn(c)} = %s" for c in columns)
    sql = f"UPDATE {qn(model._meta.db_table)} SET {sets} WHERE {qn(model._meta.pk.column)} = %s"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_batch

            execute_batch(_raw_cursor(cursor), sql, rows, page_size=1000)
        else:
            cursor.executemany(sql, rows)


def _prepare(field, value):
    """Python value → database value; plain ints and strings pass as they are."""
    if value is None or type(value) in (int, str, bool):
        return value
    return _prepare_other(field, value, connection.vendor)


@lru_cache(maxsize=256)
def _prepare_other(field, value, vendor):
    # One write stamps thousands of rows with the same time: convert it once.
    return field.get_db_prep_save(value, connection)


def _write_history(model, snapshots: list[dict], history_type: str, by, now) -> None:
    """simple_history records ("+" created, "~" changed) for rows given as {attname: value}."""
    if not snapshots:
        return
    history_model = model.history.model
    special = {
        "history_date": _prepare(history_model._meta.get_field("history_date"), now),
        "history_type": history_type,
        "history_user_id": getattr(by, "pk", None),
        "history_change_reason": None,
    }
    copied = [
        f
        for f in history_model._meta.concrete_fields
        if f.attname not in special and f.attname != "history_id"
    ]
    columns = [history_model._meta.get_field(n).column for n in special] + [
        f.column for f in copied
    ]
    constants = tuple(special.values())
    get = itemgetter(*(f.attname for f in copied))
    # Only dates and times need converting; ids and counts go as they are.
    convert = [
        (i, f)
        for i, f in enumerate(copied)
        if isinstance(f, models.DateField | models.DateTimeField)
    ]
    rows = []
    for snap in snapshots:
        values = get(snap) if len(copied) > 1 else (get(snap),)
        if convert:
            values = list(values)
            for i, f in convert:
                values[i] = _prepare(f, values[i])
        rows.append(constants + tuple(values))
    _bulk_insert(history_model, columns, rows)


def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _reports_for(keys: set[tuple[int, int, int]], by, now=None) -> dict[tuple[int, int, int], dict]:
    """Existing reports for the keys ({attname: value}, locked for update), creating the missing ones as drafts."""
    now = now or clock.now()
    found: dict[tuple[int, int, int], dict] = {}
    names = _attnames(MonthlyReport)
    office_ids = sorted({k[0] for k in keys})
    years = sorted({k[1] for k in keys})

    def select(office_chunk, lock):
        rows = MonthlyReport.objects.filter(office_id__in=office_chunk, year__in=years).order_by()
        for row in (rows.select_for_update() if lock else rows).values(*names):
            key = (row["office_id"], row["year"], row["month"])
            if key in keys and key not in found:
                found[key] = row

    for chunk in _chunks(office_ids):
        select(chunk, lock=True)
    missing = sorted(keys - found.keys())
    if missing:
        fields = [f for f in MonthlyReport._meta.concrete_fields if not f.primary_key]
        given = {"version": 0, "updated_by_id": getattr(by, "pk", None), "updated_at": now}
        defaults = {f.attname: given.get(f.attname, f.get_default()) for f in fields}
        rows = []
        for office_id, year, month in missing:
            values = {**defaults, "office_id": office_id, "year": year, "month": month}
            rows.append(tuple(_prepare(f, values[f.attname]) for f in fields))
        _bulk_insert(MonthlyReport, [f.column for f in fields], rows)
        for chunk in _chunks(sorted({k[0] for k in missing})):
            select(chunk, lock=False)
        _write_history(MonthlyReport, [found[k] for k in missing], "+", by, now)
    return found


def _upsert_lines(
    model,
    values: dict[tuple, dict[str, int]],
    key_fields: tuple[str, ...],
    by,
    *,
    report_ids=None,
    now=None,
) -> dict[tuple, dict]:
    """Create or update line rows keyed by (report_id, *dimension ids).

    Returns every line of the reports (`report_ids`, default those in
    `values`) as {key: {attname: value}}, so totals need no second read.
    """
    now = now or clock.now()
    names = _attnames(model)
    report_ids = sorted(set(report_ids) if report_ids is not None else {k[0] for k in values})
    lines: dict[tuple, dict] = {}
    for chunk in _chunks(report_ids):
        for row in model.objects.filter(report_id__in=chunk).order_by().values(*names):
            lines[tuple(row[f] for f in key_fields)] = row
    value_fields = [n for n in names if n != "id" and n not in key_fields]
    defaults = {f.attname: f.get_default() for f in model._meta.concrete_fields}
    created, changed = [], []
    for key, fields in values.items():
        line = lines.get(key)
        if line is None:
            line = {**defaults, **dict(zip(key_fields, key, strict=True)), **fields}
            lines[key] = line
            created.append(line)
        elif any(line[f] != v for f, v in fields.items()):
            line.update(fields)
            changed.append(line)
    if created:
        columns = [n for n in names if n != "id"]
        _bulk_insert(model, columns, [tuple(line[n] for n in columns) for line in created])
        new_keys = {tuple(line[f] for f in key_fields) for line in created}
        for chunk in _chunks(sorted({line["report_id"] for line in created})):
            for key, pk in (
                (tuple(row[:-1]), row[-1])
                for row in model.objects.filter(report_id__in=chunk).values_list(*key_fields, "id")
            ):
                if key in new_keys:
                    lines[key]["id"] = pk
        _write_history(model, created, "+", by, now)
    if changed:
        _bulk_update(
            model,
            value_fields,
            [(*(line[n] for n in value_fields), line["id"]) for line in changed],
        )
        _write_history(model, changed, "~", by, now)
    return lines


def recompute_totals(report_ids: Iterable[int]) -> None:
    """Set each report's jobs/loans/referred totals to the sum of its lines.

    For callers that changed lines themselves (the admin): rollups and caches
    follow too.
    """
    ids = sorted(set(report_ids))
    _recompute_totals(ids)
    periods = set()
    for chunk in _chunks(ids):
        periods.update(
            MonthlyReport.objects.filter(pk__in=chunk).values_list("office_id", "year", "month")
        )
    after_figures_changed(periods)


def _recompute_totals(ids: list[int]) -> None:
    for chunk in _chunks(ids):
        jobs = dict(
            JobsFigure.objects.filter(report_id__in=chunk)
            .values("report_id")
            .annotate(t=Sum("value"))
            .values_list("report_id", "t")
        )
        loans = {
            row["report_id"]: (row["c"], row["a"])
            for row in LoanFigure.objects.filter(report_id__in=chunk)
            .values("report_id")
            .annotate(c=Sum("count"), a=Sum("amount_rial"))
        }
        referred = dict(
            ReferralFigure.objects.filter(report_id__in=chunk)
            .values("report_id")
            .annotate(t=Sum("value"))
            .values_list("report_id", "t")
        )
        reports = list(MonthlyReport.objects.filter(pk__in=chunk))
        for report in reports:
            report.jobs = jobs.get(report.pk) or 0
            report.loans_count, report.loans_amount_rial = loans.get(report.pk, (0, 0))
            report.referred = referred.get(report.pk) or 0
        MonthlyReport.objects.bulk_update(
            reports, ["jobs", "loans_count", "loans_amount_rial", "referred"], batch_size=_CHUNK
        )


def after_figures_changed(periods: set[tuple[int, int, int]]) -> None:
    """Hook for derived data (rollups, caches) after figures of (office, year, month) changed.

    Runs inside the writing transaction.
    """
    from reports import rollups

    rollups.refresh(periods)


@transaction.atomic
def apply_values(*, values: list[FigureValue], by, allow_locked: bool = False) -> int:
    """Upsert figure values (the import format's rows); returns the number of months touched.

    The same key given twice keeps the last value. Approved months are refused
    unless `allow_locked` (an admin's unlock path).
    """
    if not values:
        return 0
    now = clock.now()
    keys = {v.report_key for v in values}
    reports = _reports_for(keys, by, now)
    if not allow_locked:
        locked = [r for r in reports.values() if r["status"] == ReportStatus.APPROVED]
        if locked:
            report = MonthlyReport.objects.select_related("office").get(pk=locked[0]["id"])
            raise LockedMonthError(
                _("%(office)s, %(period)s is approved and locked.")
                % {"office": report.office, "period": report.period_label}
            )
    jobs: dict[tuple, dict[str, int]] = {}
    loans: dict[tuple, dict[str, int]] = {}
    referrals: dict[tuple, dict[str, int]] = {}
    scalars: dict[int, dict[str, int]] = {}
    for v in values:
        report_id = reports[v.report_key]["id"]
        if v.measure == "jobs":
            jobs[(report_id, v.scheme_id)] = {"value": v.value}
        elif v.measure == "loans_count":
            loans.setdefault((report_id, v.bank_id, v.funding_source_id), {})["count"] = v.value
        elif v.measure == "loans_amount_rial":
            loans.setdefault((report_id, v.bank_id, v.funding_source_id), {})["amount_rial"] = (
                v.value
            )
        elif v.measure == "referred_to_bank":
            referrals[(report_id, v.bank_id)] = {"value": v.value}
        elif v.measure in ("trainees", "exits"):
            scalars.setdefault(report_id, {})[v.measure] = v.value
        else:
            raise ValueError(f"unknown measure {v.measure!r}")
    ids = sorted(r["id"] for r in reports.values())
    line_kw = {"report_ids": ids, "now": now}
    totals = {pk: dict.fromkeys(_TOTAL_FIELDS, 0) for pk in ids}
    for line in _upsert_lines(JobsFigure, jobs, ("report_id", "scheme_id"), by, **line_kw).values():
        totals[line["report_id"]]["jobs"] += line["value"]
    loan_key = ("report_id", "bank_id", "funding_source_id")
    for line in _upsert_lines(LoanFigure, loans, loan_key, by, **line_kw).values():
        totals[line["report_id"]]["loans_count"] += line["count"]
        totals[line["report_id"]]["loans_amount_rial"] += line["amount_rial"]
    for line in _upsert_lines(
        ReferralFigure, referrals, ("report_id", "bank_id"), by, **line_kw
    ).values():
        totals[line["report_id"]]["referred"] += line["value"]
    # Totals are the sums of the lines just read and written (the reports are
    # locked), so the month rows are updated once, with their history.
    touched = list(reports.values())
    for report in touched:
        report.update(scalars.get(report["id"], {}))
        report.update(totals[report["id"]])
        report["version"] += 1
        report["updated_by_id"] = getattr(by, "pk", None)
        report["updated_at"] = now
    columns = ["trainees", "exits", *_TOTAL_FIELDS, "version", "updated_by_id", "updated_at"]
    field = MonthlyReport._meta.get_field
    _bulk_update(
        MonthlyReport,
        [field(c).column for c in columns],
        [(*(_prepare(field(c), r[c]) for c in columns), r["id"]) for r in touched],
    )
    _write_history(MonthlyReport, touched, "~", by, now)
    after_figures_changed(keys)
    return len(touched)


@dataclass(frozen=True)
class TargetValue:
    year: int
    province_id: int
    measure: str
    value: int
    office_id: int | None = None


@transaction.atomic
def apply_targets(*, values: list[TargetValue], by) -> int:
    """Upsert annual targets; returns how many were created or changed."""
    changed = 0
    for v in values:
        target = Target.objects.filter(
            year=v.year, province_id=v.province_id, office_id=v.office_id, measure=v.measure
        ).first()
        if target is None:
            target = Target(
                year=v.year, province_id=v.province_id, office_id=v.office_id, measure=v.measure
            )
        elif target.value == v.value:
            continue
        target.value = v.value
        target._history_user = by
        target.full_clean()
        target.save()
        changed += 1
    if changed:
        from reports import rollups

        rollups.targets_changed({(v.province_id, v.year) for v in values})
    return changed
