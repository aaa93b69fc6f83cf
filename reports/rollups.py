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

from django.db import connection, transaction
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
# Rollup field → its aggregate over MonthlyReport.
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


def _insert_select(model, columns: list[str], queryset) -> None:
    """INSERT INTO model (columns) SELECT …: the database aggregates and writes in one statement.

    `queryset` is a values_list() whose columns are in `columns` order.
    """
    qn = connection.ops.quote_name
    sql, params = queryset.query.sql_with_params()
    target = ", ".join(qn(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {qn(model._meta.db_table)} ({target}) {sql}", params)


def _grouped(queryset, groups: dict, sums: dict):
    """values(groups).annotate(sums) as a values_list in groups-then-sums order."""
    return queryset.order_by().values(**groups).annotate(**sums).values_list(*groups, *sums)


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

    report_groups = {
        "g_province": F("office__province_id"),
        "g_year": F("year"),
        "g_month": F("month"),
    }
    line_groups = {
        "g_province": F("report__office__province_id"),
        "g_year": F("report__year"),
        "g_month": F("report__month"),
    }
    place = ["province", "year", "month"]
    _insert_select(
        ProvinceMonth,
        place + list(_TOTALS),
        _grouped(MonthlyReport.objects.filter(**report_where), report_groups, _TOTALS),
    )
    _insert_select(
        ProvinceMonthScheme,
        [*place, "scheme", "jobs"],
        _grouped(
            JobsFigure.objects.filter(**line_where),
            {**line_groups, "g_scheme": F("scheme_id")},
            {"s_jobs": Sum("value")},
        ),
    )
    _insert_select(
        ProvinceMonthLoan,
        [*place, "bank", "funding_source", "count", "amount_rial"],
        _grouped(
            LoanFigure.objects.filter(**line_where),
            {**line_groups, "g_bank": F("bank_id"), "g_source": F("funding_source_id")},
            {"s_count": Sum("count"), "s_amount": Sum("amount_rial")},
        ),
    )
    _insert_select(
        ProvinceMonthReferral,
        [*place, "bank", "value"],
        _grouped(
            ReferralFigure.objects.filter(**line_where),
            {**line_groups, "g_bank": F("bank_id")},
            {"s_value": Sum("value")},
        ),
    )


def _refresh_office_years(year: int, office_ids: Iterable[int] | None) -> None:
    chunks = [None] if office_ids is None else list(_chunks(sorted(office_ids)))
    groups = {
        "g_office": F("office_id"),
        "g_province": F("office__province_id"),
        "g_year": F("year"),
    }
    for chunk in chunks:
        where = {"year": year} if chunk is None else {"year": year, "office_id__in": chunk}
        OfficeYear.objects.filter(**where).delete()
        _insert_select(
            OfficeYear,
            ["office", "province", "year", *_TOTALS],
            _grouped(MonthlyReport.objects.filter(**where), groups, _TOTALS),
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
