"""Writes of monthly figures and targets: one path for forms, imports and the admin.

Every function runs inside one transaction, keeps MonthlyReport's totals equal
to the sum of its lines, and tells `after_figures_changed` which periods
changed so that rollups and caches follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from loans.models import LoanFigure, ReferralFigure
from programs.models import JobsFigure, MonthlyReport, ReportStatus, Target

MEASURES = ("jobs", "loans_count", "loans_amount_rial", "referred_to_bank", "trainees", "exits")
_CHUNK = 900


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


def _reports_for(keys: set[tuple[int, int, int]], by) -> dict[tuple[int, int, int], MonthlyReport]:
    """Existing reports for the keys, creating the missing ones as drafts."""
    found: dict[tuple[int, int, int], MonthlyReport] = {}
    office_ids = sorted({k[0] for k in keys})
    years = sorted({k[1] for k in keys})
    for chunk in _chunks(office_ids):
        rows = MonthlyReport.objects.select_for_update().filter(office_id__in=chunk, year__in=years)
        for report in rows:
            key = (report.office_id, report.year, report.month)
            if key in keys:
                found[key] = report
    missing = [
        MonthlyReport(office_id=o, year=y, month=m, updated_by=by, version=0)
        for (o, y, m) in sorted(keys - found.keys())
    ]
    if missing:
        bulk_create_with_history(missing, MonthlyReport, batch_size=_CHUNK, default_user=by)
        for chunk in _chunks(sorted({r.office_id for r in missing})):
            for report in MonthlyReport.objects.filter(office_id__in=chunk, year__in=years):
                key = (report.office_id, report.year, report.month)
                if key in keys and key not in found:
                    found[key] = report
    return found


def _upsert_lines(model, values: dict[tuple, dict[str, int]], key_fields: tuple[str, ...], by) -> None:
    """Create or update line rows keyed by (report_id, *dimension ids)."""
    report_ids = sorted({k[0] for k in values})
    existing = {}
    for chunk in _chunks(report_ids):
        for line in model.objects.filter(report_id__in=chunk):
            existing[tuple(getattr(line, f) for f in key_fields)] = line
    to_create, to_update, changed_fields = [], [], set()
    for key, fields in values.items():
        line = existing.get(key)
        if line is None:
            line = model(**dict(zip(key_fields, key, strict=True)), **fields)
            to_create.append(line)
        elif any(getattr(line, f) != v for f, v in fields.items()):
            for f, v in fields.items():
                setattr(line, f, v)
            changed_fields.update(fields)
            to_update.append(line)
    if to_create:
        bulk_create_with_history(to_create, model, batch_size=_CHUNK, default_user=by)
    if to_update:
        bulk_update_with_history(
            to_update, model, sorted(changed_fields), batch_size=_CHUNK, default_user=by
        )


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
    keys = {v.report_key for v in values}
    reports = _reports_for(keys, by)
    if not allow_locked:
        locked = [r for r in reports.values() if r.status == ReportStatus.APPROVED]
        if locked:
            raise LockedMonthError(
                _("%(office)s, %(period)s is approved and locked.")
                % {"office": locked[0].office, "period": locked[0].period_label}
            )
    jobs: dict[tuple, dict[str, int]] = {}
    loans: dict[tuple, dict[str, int]] = {}
    referrals: dict[tuple, dict[str, int]] = {}
    scalars: dict[int, dict[str, int]] = {}
    for v in values:
        report_id = reports[v.report_key].pk
        if v.measure == "jobs":
            jobs[(report_id, v.scheme_id)] = {"value": v.value}
        elif v.measure == "loans_count":
            loans.setdefault((report_id, v.bank_id, v.funding_source_id), {})["count"] = v.value
        elif v.measure == "loans_amount_rial":
            loans.setdefault((report_id, v.bank_id, v.funding_source_id), {})["amount_rial"] = v.value
        elif v.measure == "referred_to_bank":
            referrals[(report_id, v.bank_id)] = {"value": v.value}
        elif v.measure in ("trainees", "exits"):
            scalars.setdefault(report_id, {})[v.measure] = v.value
        else:
            raise ValueError(f"unknown measure {v.measure!r}")
    _upsert_lines(JobsFigure, jobs, ("report_id", "scheme_id"), by)
    _upsert_lines(LoanFigure, loans, ("report_id", "bank_id", "funding_source_id"), by)
    _upsert_lines(ReferralFigure, referrals, ("report_id", "bank_id"), by)
    touched = list(reports.values())
    for report in touched:
        for field, value in scalars.get(report.pk, {}).items():
            setattr(report, field, value)
        report.version += 1
        report.updated_by = by
    bulk_update_with_history(
        touched, MonthlyReport, ["trainees", "exits", "version", "updated_by"],
        batch_size=_CHUNK, default_user=by,
    )
    _recompute_totals(sorted(r.pk for r in touched))
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
