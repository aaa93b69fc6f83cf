"""Derived data kept in step with every write of figures and targets.

Called by programs.services inside the writing transaction: `refresh(periods)`
recomputes the rollup rows (reports.models) of the province-months and
office-years the write touched, from MonthlyReport's totals and its lines,
with a few aggregate queries per year touched (never per row); then the
dashboards' cache is invalidated. `rebuild()` recomputes everything after a
bulk load.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, F, Sum

from loans.models import LoanFigure, ReferralFigure
from programs.models import CountyOffice, JobsFigure, MonthlyReport
from reports import cache
from reports.models import (
    OfficeYear,
    ProvinceMonth,
    ProvinceMonthLoan,
    ProvinceMonthReferral,
    ProvinceMonthScheme,
)

_CHUNK = 900
_TOTALS = {
    "jobs": Sum("jobs"),
    "loans_count": Sum("loans_count"),
    "loans_amount_rial": Sum("loans_amount_rial"),
    "referred": Sum("referred"),
    "trainees": Sum("trainees"),
    "exits": Sum("exits"),
    "reports": Count("pk"),
}


def _chunks(items: list, size: int = _CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def refresh(periods: set[tuple[int, int, int]]) -> None:
    """Figures of these (office_id, year, month) periods changed."""
    if not periods:
        return
    office_ids = sorted({office_id for office_id, _, _ in periods})
    province_of: dict[int, int] = {}
    for chunk in _chunks(office_ids):
        province_of.update(
            CountyOffice.objects.filter(pk__in=chunk).values_list("pk", "province_id")
        )
    provinces: dict[int, set[int]] = defaultdict(set)
    months: dict[int, set[int]] = defaultdict(set)
    offices: dict[int, set[int]] = defaultdict(set)
    for office_id, year, month in periods:
        if office_id in province_of:
            provinces[year].add(province_of[office_id])
            months[year].add(month)
            offices[year].add(office_id)
    with transaction.atomic():
        for year in sorted(provinces):
            refresh_province_months(year=year, province_ids=provinces[year], months=months[year])
            _refresh_office_years(year, offices[year])
    cache.invalidate()


def refresh_province_months(
    *, year: int, province_ids: Iterable[int] | None, months: Iterable[int] | None
) -> None:
    """Recompute the province-month rows of one year (None: every province / month).

    Recomputing the cross product of the provinces and months touched is a
    superset of what changed, and still a handful of grouped queries.
    """
    where = {"year": year}
    if province_ids is not None:
        where["province_id__in"] = sorted(province_ids)
    if months is not None:
        where["month__in"] = sorted(months)
    report_where = {f"office__{k}" if k.startswith("province") else k: v for k, v in where.items()}
    line_where = {f"report__{k}": v for k, v in report_where.items()}

    for model in (ProvinceMonth, ProvinceMonthScheme, ProvinceMonthLoan, ProvinceMonthReferral):
        model.objects.filter(**where).delete()

    totals = (
        MonthlyReport.objects.filter(**report_where)
        .order_by()
        .values("month", province=F("office__province_id"))
        .annotate(**_TOTALS)
    )
    ProvinceMonth.objects.bulk_create(
        [ProvinceMonth(province_id=row.pop("province"), year=year, **row) for row in totals],
        batch_size=_CHUNK,
    )
    schemes = (
        JobsFigure.objects.filter(**line_where)
        .order_by()
        .values("scheme_id", month=F("report__month"), province=F("report__office__province_id"))
        .annotate(total=Sum("value"))
    )
    ProvinceMonthScheme.objects.bulk_create(
        [
            ProvinceMonthScheme(
                province_id=r["province"],
                year=year,
                month=r["month"],
                scheme_id=r["scheme_id"],
                jobs=r["total"],
            )
            for r in schemes
        ],
        batch_size=_CHUNK,
    )
    loans = (
        LoanFigure.objects.filter(**line_where)
        .order_by()
        .values(
            "bank_id",
            "funding_source_id",
            month=F("report__month"),
            province=F("report__office__province_id"),
        )
        .annotate(c=Sum("count"), a=Sum("amount_rial"))
    )
    ProvinceMonthLoan.objects.bulk_create(
        [
            ProvinceMonthLoan(
                province_id=r["province"],
                year=year,
                month=r["month"],
                bank_id=r["bank_id"],
                funding_source_id=r["funding_source_id"],
                count=r["c"],
                amount_rial=r["a"],
            )
            for r in loans
        ],
        batch_size=_CHUNK,
    )
    referrals = (
        ReferralFigure.objects.filter(**line_where)
        .order_by()
        .values("bank_id", month=F("report__month"), province=F("report__office__province_id"))
        .annotate(total=Sum("value"))
    )
    ProvinceMonthReferral.objects.bulk_create(
        [
            ProvinceMonthReferral(
                province_id=r["province"],
                year=year,
                month=r["month"],
                bank_id=r["bank_id"],
                value=r["total"],
            )
            for r in referrals
        ],
        batch_size=_CHUNK,
    )


def _refresh_office_years(year: int, office_ids: Iterable[int] | None) -> None:
    chunks = [None] if office_ids is None else list(_chunks(sorted(office_ids)))
    for chunk in chunks:
        where = {"year": year} if chunk is None else {"year": year, "office_id__in": chunk}
        OfficeYear.objects.filter(**where).delete()
        rows = (
            MonthlyReport.objects.filter(**where)
            .order_by()
            .values("office_id", province=F("office__province_id"))
            .annotate(**_TOTALS)
        )
        OfficeYear.objects.bulk_create(
            [OfficeYear(province_id=row.pop("province"), year=year, **row) for row in rows],
            batch_size=_CHUNK,
        )


def refresh_offices(office_ids: Iterable[int], *, also_province_ids: Iterable[int] = ()) -> None:
    """Recompute every period of these offices (an office moved to another province).

    `also_province_ids` are provinces that may have lost the offices' figures.
    """
    office_ids = sorted(set(office_ids))
    extra = set(also_province_ids)
    years: dict[int, set[int]] = defaultdict(set)
    for chunk in _chunks(office_ids):
        for year, province_id in (
            MonthlyReport.objects.filter(office_id__in=chunk)
            .order_by()
            .values_list("year", "office__province_id")
            .distinct()
        ):
            years[year].add(province_id)
    for chunk in _chunks(office_ids):
        for year in OfficeYear.objects.filter(office_id__in=chunk).values_list("year", flat=True):
            years.setdefault(year, set())
    with transaction.atomic():
        for year, province_ids in sorted(years.items()):
            refresh_province_months(year=year, province_ids=province_ids | extra, months=None)
            _refresh_office_years(year, office_ids)
    cache.invalidate()


def targets_changed(province_years: set[tuple[int, int]]) -> None:
    """Targets of these (province_id, year) pairs changed.

    Targets are read from their own small table, so only the cache follows.
    """
    if province_years:
        cache.invalidate()


def rebuild() -> None:
    """Recompute all derived data from the figures (after bulk loads such as load_demo)."""
    with transaction.atomic():
        for model in (
            ProvinceMonth,
            ProvinceMonthScheme,
            ProvinceMonthLoan,
            ProvinceMonthReferral,
            OfficeYear,
        ):
            model.objects.all().delete()
        years = MonthlyReport.objects.order_by("year").values_list("year", flat=True).distinct()
        for year in list(years):
            refresh_province_months(year=year, province_ids=None, months=None)
            _refresh_office_years(year, None)
    cache.invalidate()
