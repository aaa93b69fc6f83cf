"""Writes of monthly figures and targets: one path for forms, imports and the admin.

Every function runs inside one transaction, keeps MonthlyReport's totals equal
to the sum of its lines, and tells `after_figures_changed` which periods
changed so that rollups and caches follow.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from loans.models import LoanFigure, ReferralFigure
from programs import entry_queries, rules
from programs.models import (
    CountyOffice,
    JobsFigure,
    MonthlyReport,
    Target,
    WarningConfirmation,
)
from programs.rules import Decision, RulesError
from reliefjobs.lib import clock

MEASURES = ("jobs", "loans_count", "loans_amount_rial", "referred_to_bank", "trainees", "exits")
_CHUNK = 900
_TOTAL_FIELDS = ("jobs", "loans_count", "loans_amount_rial", "referred")


class LockedMonthError(RulesError):
    """A write touched an approved (locked) month (one of the rules' errors)."""


class StaleReportError(Exception):
    """The month changed since the form (or the upload preview) was opened; the
    save is refused. `changes` lists (month key, grid key, value then, value now)."""

    def __init__(self, *, changes=(), report=None):
        self.changes = list(changes)
        self.report = report
        super().__init__(_("Someone else saved this month after you opened it."))


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

    # Written out (the dataclass keeps it): the generated frozen __init__ sets
    # each field through object.__setattr__, a third of the parse time of a
    # 280,000-row file.
    def __init__(
        self,
        office_id: int,
        year: int,
        month: int,
        measure: str,
        value: int,
        scheme_id: int | None = None,
        bank_id: int | None = None,
        funding_source_id: int | None = None,
    ):
        fields = self.__dict__
        fields["office_id"] = office_id
        fields["year"] = year
        fields["month"] = month
        fields["measure"] = measure
        fields["value"] = value
        fields["scheme_id"] = scheme_id
        fields["bank_id"] = bank_id
        fields["funding_source_id"] = funding_source_id
        # The month's key, read about seven times per value by an import: stored, not a property.
        fields["report_key"] = (office_id, year, month)

    @property
    def grid_key(self) -> str:
        """The month form's (and template's) name of this value."""
        if self.measure == "jobs":
            return entry_queries.jobs_key(self.scheme_id)
        if self.measure == "loans_count":
            return entry_queries.count_key(self.bank_id, self.funding_source_id)
        if self.measure == "loans_amount_rial":
            return entry_queries.amount_key(self.bank_id, self.funding_source_id)
        if self.measure == "referred_to_bank":
            return entry_queries.referred_key(self.bank_id)
        return self.measure


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
            # COPY: no SQL text to build or parse per row. The text is made as
            # it is sent, so the server stores rows while the next are written.
            table = qn(model._meta.db_table)
            _raw_cursor(cursor).copy_expert(
                f"COPY {table} ({', '.join(qn(c) for c in columns)}) FROM STDIN",
                _CopyText(rows),
                size=_COPY_CHUNK,
            )
        else:
            cursor.executemany(head + "(" + ", ".join(["%s"] * len(columns)) + ")", rows)


_COPY_CHUNK = 256 * 1024


class _CopyText(io.TextIOBase):
    """Rows in PostgreSQL's COPY text format, made as COPY reads them."""

    def __init__(self, rows: list[tuple]):
        self._rows = rows
        self._next = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        start = self._next
        # A chunk of size // 32 rows: about `size` characters of short rows (COPY takes any length).
        stop = len(self._rows) if size is None or size < 0 else start + max(1, size // 32)
        self._next = min(stop, len(self._rows))
        return "".join(
            "\t".join(map(_copy_text, row)) + "\n" for row in self._rows[start : self._next]
        )


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
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            from psycopg2.extras import execute_values

            # One UPDATE … FROM (VALUES …) per 1,000 rows: row-by-row UPDATEs
            # (even batched) cost ~0.1 ms each on the server. The casts type
            # the VALUES columns (a column of NULLs would be text).
            by_column = {f.column: f for f in model._meta.concrete_fields}
            types = [by_column[c].cast_db_type(connection) for c in columns]
            names = ", ".join(f"c{i}" for i in range(len(columns) + 1))
            sets = ", ".join(f"{qn(c)} = v.c{i}::{types[i]}" for i, c in enumerate(columns))
            pk_type = model._meta.pk.cast_db_type(connection)
            sql = (
                f"UPDATE {table} SET {sets} FROM (VALUES %s) AS v({names}) "
                f"WHERE {table}.{pk} = v.c{len(columns)}::{pk_type}"
            )
            execute_values(_raw_cursor(cursor), sql, rows, page_size=1000)
        else:
            sets = ", ".join(f"{qn(c)} = %s" for c in columns)
            cursor.executemany(f"UPDATE {table} SET {sets} WHERE {pk} = %s", rows)


def _prepare(field, value):
    """Python value → database value; plain ints and strings pass as they are."""
    if value is None or type(value) in (int, str, bool):
        return value
    return _prepare_other(field, value, connection.vendor)


@lru_cache(maxsize=256)
def _prepare_other(field, value, vendor):
    # One write stamps thousands of rows with the same time: convert it once.
    return field.get_db_prep_save(value, connection)


def _copy_history(
    model,
    ids: list[int],
    history_type: str,
    by,
    now,
    reason: str | None = None,
    *,
    column: str = "id",
    after_id: int | None = None,
) -> None:
    """simple_history records ("+" created, "~" changed) of the rows whose `column`
    is in `ids` (and, with `after_id`, whose pk is above it), copied in SQL.

    INSERT … SELECT from the rows just written: nothing is read back into
    Python or sent again, one statement per chunk of ids.
    """
    if not ids:
        return
    history_model = model.history.model
    qn = connection.ops.quote_name
    hfield = history_model._meta.get_field
    special = ("history_date", "history_type", "history_user_id", "history_change_reason")
    copied = [
        f
        for f in history_model._meta.concrete_fields
        if f.attname not in special and f.attname != "history_id"
    ]
    source = {f.attname: f.column for f in model._meta.concrete_fields}
    picked = [source[f.attname] for f in copied]
    constants = [
        _prepare(hfield("history_date"), now),
        history_type,
        getattr(by, "pk", None),
        reason[:100] if reason else None,
    ]
    targets = ", ".join([qn(hfield(n).column) for n in special] + [qn(f.column) for f in copied])
    head = (
        f"INSERT INTO {qn(history_model._meta.db_table)} ({targets}) "
        f"SELECT %s, %s, %s, %s, {', '.join(map(qn, picked))} "
        f"FROM {qn(model._meta.db_table)} WHERE "
    )
    extra, extra_params = "", []
    if after_id is not None:
        extra, extra_params = f" AND {qn(model._meta.pk.column)} > %s", [after_id]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement: the ids go as one array parameter.
            cursor.execute(
                f"{head}{qn(column)} = ANY(%s){extra}", [*constants, sorted(ids), *extra_params]
            )
            return
        for chunk in _chunks(sorted(ids)):
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"{head}{qn(column)} IN ({marks}){extra}", [*constants, *chunk, *extra_params]
            )


def _max_pk(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({connection.ops.quote_name(model._meta.pk.column)}) "
            f"FROM {connection.ops.quote_name(model._meta.db_table)}"
        )
        return cursor.fetchone()[0] or 0


def _attnames(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields]


def _reports_for(
    keys: set[tuple[int, int, int]], by, now, reason, new_month
) -> tuple[dict[tuple[int, int, int], dict], set[tuple[int, int, int]]]:
    """The reports of the keys ({attname: value}), and which of them this write creates.

    Existing reports are read locked for update; each missing one is created
    with the values this write gives it (`new_month(key)`: {attname: value}),
    so a month created by a write has one "+" history record, as written.
    """
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
        by_name = {f.attname: f for f in fields}
        given = {"updated_by_id": getattr(by, "pk", None), "updated_at": now}
        # Every new report is the same row but for its office, month and figures.
        prepared = {f.attname: _prepare(f, given.get(f.attname, f.get_default())) for f in fields}
        row_of = itemgetter(*(f.attname for f in fields))
        rows = []
        for office_id, year, month in missing:
            own = new_month((office_id, year, month))
            own = {name: _prepare(by_name[name], value) for name, value in own.items()}
            rows.append(
                row_of({**prepared, **own, "office_id": office_id, "year": year, "month": month})
            )
        _bulk_insert(MonthlyReport, [f.column for f in fields], rows)
        for chunk in _chunks(sorted({k[0] for k in missing})):
            select(chunk, lock=False)
        _copy_history(MonthlyReport, [found[k]["id"] for k in missing], "+", by, now, reason)
    return found, set(missing)


def _line_defaults(model) -> dict:
    return {f.attname: f.get_default() for f in model._meta.concrete_fields}


def _upsert_lines(
    model,
    values: dict[tuple, dict[str, int]],
    key_fields: tuple[str, ...],
    by,
    *,
    report_ids=None,
    now=None,
    reason=None,
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
    defaults = _line_defaults(model)
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
        # Lines created now are those of these reports above the highest id so
        # far (the reports are locked or new, so no one else adds lines to them).
        before = _max_pk(model)
        row_of = itemgetter(*columns)
        _bulk_insert(model, columns, [row_of(line) for line in created])
        reports_with_new = sorted({line["report_id"] for line in created})
        _copy_history(
            model, reports_with_new, "+", by, now, reason, column="report_id", after_id=before
        )
    if changed:
        _bulk_update(
            model,
            value_fields,
            [(*(line[n] for n in value_fields), line["id"]) for line in changed],
        )
        _copy_history(model, [line["id"] for line in changed], "~", by, now, reason)
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


def month_changes(values: list[FigureValue], *, lock: bool = False) -> list[rules.MonthChange]:
    """The months these values touch, with their stored values and the values
    once written (the same key given twice keeps the last value)."""
    keys = {v.report_key for v in values}
    offices = {
        o.pk: o
        for chunk in _chunks(sorted({k[0] for k in keys}))
        for o in CountyOffice.objects.filter(pk__in=chunk)
    }
    reports: dict[tuple[int, int, int], tuple[int, str, int]] = {}
    years = sorted({k[1] for k in keys})
    for chunk in _chunks(sorted(offices)):
        rows = MonthlyReport.objects.filter(office_id__in=chunk, year__in=years).order_by()
        if lock:
            rows = rows.select_for_update()
        for pk, office_id, year, month, status, version in rows.values_list(
            "pk", "office_id", "year", "month", "status", "version"
        ):
            if (office_id, year, month) in keys:
                reports[(office_id, year, month)] = (pk, status, version)
    stored: dict[int, dict[str, int]] = {}
    for chunk in _chunks(sorted(r[0] for r in reports.values())):
        stored.update(entry_queries.report_values(chunk))
    changes: dict[tuple[int, int, int], rules.MonthChange] = {}
    for key in sorted(keys):
        report = reports.get(key)
        before = stored.get(report[0], {}) if report else {}
        changes[key] = rules.MonthChange(
            office=offices[key[0]],
            year=key[1],
            month=key[2],
            status=report[1] if report else None,
            before=before,
            after=dict(before),
            version=report[2] if report else 0,
        )
    for v in values:
        changes[v.report_key].after[v.grid_key] = v.value
    return list(changes.values())


def check_values(
    *, values: list[FigureValue], by, changes=None, lock: bool = False
) -> list[Decision]:
    """The rules' decisions on writing these values, without writing (for previews).

    With `lock`, the months are read locked for update (inside the caller's
    transaction), so the decisions can be handed to apply_values in it."""
    if not values:
        return []
    if changes is None:
        changes = month_changes(values, lock=lock)
    return rules.evaluate(changes, user=by)


def _stale(changes, expected_versions, base_values) -> None:
    """Refuse a write that starts from months someone changed since they were shown."""
    stale, found = [], False
    for change in changes:
        if change.key in expected_versions and change.version != expected_versions[change.key]:
            found = True
            base = (base_values or {}).get(change.key, {})
            stale += [
                (change.key, name, base.get(name), change.before.get(name))
                for name in sorted(set(base) | set(change.before))
                if (base.get(name) or 0) != (change.before.get(name) or 0)
            ]
    if found:
        raise StaleReportError(changes=stale)


def _enforce(decisions: list[Decision], *, accept_warnings, reason: str) -> list[Decision]:
    """Raise for errors and unconfirmed warnings; return the confirmed warnings."""
    errors = [d for d in decisions if d.is_error]
    if errors:
        if any(d.code == "locked" for d in errors):
            raise LockedMonthError(errors)
        raise RulesError(errors)
    warnings = [d for d in decisions if not d.is_error]
    if not warnings:
        return []
    confirmed = accept_warnings is True or (
        bool(accept_warnings) and {w.fingerprint for w in warnings} <= set(accept_warnings)
    )
    if not confirmed:
        raise RulesError(warnings)
    if not (reason or "").strip():
        raise RulesError([rules.reason_required()])
    return warnings


# Which month totals each line table's lines add up to.
_LINE_TOTALS = {
    JobsFigure: (("jobs", "value"),),
    LoanFigure: (("loans_count", "count"), ("loans_amount_rial", "amount_rial")),
    ReferralFigure: (("referred", "value"),),
}


def _totals(lines) -> dict:
    """Each month's totals (jobs, loans, amount, referred): the sums of its lines.

    `lines` are (model, line row {attname: value}) pairs; a month with no lines totals 0.
    """
    totals: dict = defaultdict(lambda: dict.fromkeys(_TOTAL_FIELDS, 0))
    for model, line in lines:
        sums = totals[line["report_id"]]
        for total, name in _LINE_TOTALS[model]:
            sums[total] += line[name]
    return totals


@transaction.atomic
def apply_values(
    *,
    values: list[FigureValue],
    by,
    allow_locked: bool = False,
    accept_warnings: bool | Iterable[str] = False,
    reason: str = "",
    expected_versions: dict[tuple[int, int, int], int] | None = None,
    base_values: dict[tuple[int, int, int], dict[str, int]] | None = None,
    decisions: list[Decision] | None = None,
) -> int:
    """Upsert figure values (the import format's rows); returns the number of months touched.

    Every caller gets the same rules (programs.rules): errors raise RulesError
    (LockedMonthError for an approved month, unless `allow_locked`, an admin's
    unlock path); warnings raise RulesError unless `accept_warnings` (True, or
    the fingerprints of the warnings the person saw) and a `reason`, which is
    stored with each confirmed warning and on the history records. With
    `expected_versions` ({month key: version shown}), a month changed since is
    refused with StaleReportError listing what changed (against `base_values`).

    `decisions` are the rules' decisions on these very values that the caller
    made in the same transaction with `check_values(..., lock=True)` (the
    importer judges every row before saving): they are enforced as they are
    instead of reading and judging the months a second time.
    """
    if not values:
        return 0
    now = clock.now()
    keys = {v.report_key for v in values}
    if decisions is None or expected_versions is not None:
        changes = month_changes(values, lock=True)
        if expected_versions is not None:
            _stale(changes, expected_versions, base_values)
        decisions = check_values(values=values, by=by, changes=changes)
    if allow_locked:
        decisions = [d for d in decisions if d.code != "locked"]
    confirmed = _enforce(decisions, accept_warnings=accept_warnings, reason=reason)
    reason = (reason or "").strip() or None
    # The lines and month figures given, by month (its report id comes below).
    jobs: dict[tuple, dict[str, int]] = {}
    loans: dict[tuple, dict[str, int]] = {}
    referrals: dict[tuple, dict[str, int]] = {}
    scalars: dict[tuple, dict[str, int]] = {}
    for v in values:
        key = v.report_key
        if v.measure == "jobs":
            jobs[(key, v.scheme_id)] = {"value": v.value}
        elif v.measure == "loans_count":
            loans.setdefault((key, v.bank_id, v.funding_source_id), {})["count"] = v.value
        elif v.measure == "loans_amount_rial":
            loans.setdefault((key, v.bank_id, v.funding_source_id), {})["amount_rial"] = v.value
        elif v.measure == "referred_to_bank":
            referrals[(key, v.bank_id)] = {"value": v.value}
        elif v.measure in ("trainees", "exits"):
            scalars.setdefault(key, {})[v.measure] = v.value
        else:
            raise ValueError(f"unknown measure {v.measure!r}")
    given = (  # each line table, its lines by (month, *dimensions), and its key
        (JobsFigure, jobs, ("report_id", "scheme_id")),
        (LoanFigure, loans, ("report_id", "bank_id", "funding_source_id")),
        (ReferralFigure, referrals, ("report_id", "bank_id")),
    )
    # A month this write creates has only the lines given: its totals are theirs.
    defaults = {model: _line_defaults(model) for model, _lines, _key in given}
    new_totals = _totals(
        (model, {**defaults[model], **fields, "report_id": line_key[0]})
        for model, lines, _key in given
        for line_key, fields in lines.items()
    )

    def new_month(key):
        return {**scalars.get(key, {}), **new_totals[key], "version": 1}

    reports, created = _reports_for(keys, by, now, reason, new_month)
    stored = {r["id"] for k, r in reports.items() if k not in created}
    line_kw = {"report_ids": stored, "now": now, "reason": reason}
    written = []
    for model, lines, key_fields in given:
        by_id = {(reports[k[0]]["id"], *k[1:]): fields for k, fields in lines.items()}
        lines_now = _upsert_lines(model, by_id, key_fields, by, **line_kw)
        written += ((model, ln) for ln in lines_now.values() if ln["report_id"] in stored)
    # A stored month's totals are the sums of its lines just read and written
    # (the reports are locked), so its row is updated once, with its history.
    totals = _totals(written)
    touched = []
    for key, report in reports.items():
        if key in created:
            continue
        touched.append(report)
        report.update(scalars.get(key, {}))
        report.update(totals[report["id"]])
        report["version"] += 1
        report["updated_by_id"] = getattr(by, "pk", None)
        report["updated_at"] = now
    columns = ["trainees", "exits", *_TOTAL_FIELDS, "version", "updated_by_id", "updated_at"]
    fields = [(c, MonthlyReport._meta.get_field(c)) for c in columns]
    _bulk_update(
        MonthlyReport,
        [f.column for _c, f in fields],
        [(*(_prepare(f, r[c]) for c, f in fields), r["id"]) for r in touched],
    )
    _copy_history(MonthlyReport, [r["id"] for r in touched], "~", by, now, reason)
    _store_confirmations(confirmed, reports, by, reason)
    after_figures_changed(keys)
    return len(reports)


def _store_confirmations(warnings: list[Decision], reports, by, reason) -> None:
    """Each confirmed warning, with the person's reason, on its month (shown on the month page)."""
    rows = []
    for warning in warnings:
        confirmation = WarningConfirmation(
            report_id=reports[warning.key]["id"],
            code=warning.code,
            field=warning.field,
            message=warning.message,
            reason=reason or "",
            by=by,
        )
        confirmation.full_clean(exclude=["report", "by"])
        rows.append(confirmation)
    WarningConfirmation.objects.bulk_create(rows)


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
