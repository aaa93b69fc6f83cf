"""Every read behind the dashboards, the exports and the API.

Each function takes a Jalali year and a scope (`province_ids`: a list of
province ids, or None for the whole country; sometimes one province or one
office) and returns plain lists of dicts or ints, aggregated in the database.
Each runs a fixed number of queries whatever the data size, so a page built
from them does too. The signatures are stable: the performance work may
switch the bodies to rollup tables without touching a caller.

Country and province scopes read the rollup tables of reports.models (31
provinces × 12 months, or one row per office and year), kept equal to the
monthly reports by reports.rollups in every write; a single office's scope
reads its own monthly reports and lines (at most 12 months).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from loans.models import LoanFigure, ReferralFigure
from programs.models import CountyOffice, JobsFigure, MonthlyReport, Province, Target
from reports.models import (
    OfficeYear,
    ProvinceMonth,
    ProvinceMonthLoan,
    ProvinceMonthReferral,
    ProvinceMonthScheme,
)

FIGURES = ("jobs", "loans_count", "loans_amount_rial", "referred", "trainees", "exits")
TARGET_MEASURES = ("jobs", "loans_count", "loans_amount_rial", "trainees")
TARGET_KEYS = tuple(f"target_{m}" for m in TARGET_MEASURES)
MONTHS = range(1, 13)


def _sums(fields: Iterable[str] = FIGURES) -> dict:
    return {f: Coalesce(Sum(f), 0) for f in fields}


def _report_scope(province_ids: list[int] | None, office_id: int | None = None) -> Q:
    q = Q()
    if province_ids is not None:
        q &= Q(office__province_id__in=province_ids)
    if office_id is not None:
        q &= Q(office_id=office_id)
    return q


def _line_scope(year: int, province_ids: list[int] | None, office_id: int | None) -> Q:
    q = Q(report__year=year)
    if province_ids is not None:
        q &= Q(report__office__province_id__in=province_ids)
    if office_id is not None:
        q &= Q(report__office_id=office_id)
    return q


def _rollup_scope(province_ids: list[int] | None) -> Q:
    return Q() if province_ids is None else Q(province_id__in=province_ids)


def _empty_figures() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _targets(year: int, *, by: str, q: Q) -> dict[int, dict[str, int]]:
    """Targets of the year pivoted to {province or office id: {"target_jobs": v, ...}}."""
    out: dict[int, dict[str, int]] = {}
    for owner, measure, value in Target.objects.filter(q, year=year).values_list(
        by, "measure", "value"
    ):
        out.setdefault(owner, {})[f"target_{measure}"] = value
    return out


def available_years(province_ids: list[int] | None = None) -> list[int]:
    """Jalali years with figures or targets in scope, newest first."""
    reports = ProvinceMonth.objects.filter(_rollup_scope(province_ids)).order_by()
    targets = Target.objects.order_by()
    if province_ids is not None:
        targets = targets.filter(province_id__in=province_ids)
    years = (
        reports.values_list("year", flat=True)
        .distinct()
        .union(targets.values_list("year", flat=True).distinct())
    )
    return sorted(set(years), reverse=True)


def province_progress(year: int, province_ids: list[int] | None = None) -> list[dict]:
    """One row per province in scope: the year's figures and province-level targets.

    Keys: id, code, name, the FIGURES and target_<measure> (None when unset).
    """
    provinces = Province.objects.all()
    if province_ids is not None:
        provinces = provinces.filter(pk__in=province_ids)
    figures = {
        row.pop("province_id"): row
        for row in ProvinceMonth.objects.filter(_rollup_scope(province_ids), year=year)
        .values("province_id")
        .annotate(**_sums())
        .order_by()
    }
    target_q = Q(office__isnull=True)
    if province_ids is not None:
        target_q &= Q(province_id__in=province_ids)
    targets = _targets(year, by="province_id", q=target_q)
    rows = []
    for province in provinces.values("id", "code", "name"):
        row = {**province, **_empty_figures(), **dict.fromkeys(TARGET_KEYS)}
        row.update(figures.get(province["id"], {}))
        row.update(targets.get(province["id"], {}))
        rows.append(row)
    return rows


def office_progress(year: int, province_id: int, office_id: int | None = None) -> list[dict]:
    """One row per county office of a province (or just `office_id`).

    Closed offices appear only in years they have figures or targets, so
    history stays whole without listing every office ever closed. Keys: id,
    name, is_active, the FIGURES and target_<measure> (None when unset).
    """
    offices = CountyOffice.objects.filter(province_id=province_id)
    reports = OfficeYear.objects.filter(province_id=province_id, year=year)
    target_q = Q(province_id=province_id, office__isnull=False)
    if office_id is not None:
        offices = offices.filter(pk=office_id)
        reports = reports.filter(office_id=office_id)
        target_q &= Q(office_id=office_id)
    figures = {row.pop("office_id"): row for row in reports.values("office_id", *FIGURES)}
    targets = _targets(year, by="office_id", q=target_q)
    rows = []
    for office in offices.values("id", "name", "is_active").order_by("name"):
        if not (office["is_active"] or office["id"] in figures or office["id"] in targets):
            continue
        row = {**office, **_empty_figures(), **dict.fromkeys(TARGET_KEYS)}
        row.update(figures.get(office["id"], {}))
        row.update(targets.get(office["id"], {}))
        rows.append(row)
    return rows


def totals(rows: list[dict]) -> dict:
    """The sum of already aggregated rows; a target total is None if no row has one."""
    out = {f: sum(r[f] for r in rows) for f in FIGURES}
    for key in TARGET_KEYS:
        values = [r[key] for r in rows if r[key] is not None]
        out[key] = sum(values) if values else None
    return out


def monthly(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """Twelve rows (month 1-12) of the FIGURES summed over the scope; zeros where no data."""
    if office_id is None:
        source = ProvinceMonth.objects.filter(_rollup_scope(province_ids), year=year)
    else:
        source = MonthlyReport.objects.filter(_report_scope(province_ids, office_id), year=year)
    found = {row["month"]: row for row in source.values("month").annotate(**_sums()).order_by()}
    return [{**_empty_figures(), **found.get(m, {}), "month": m} for m in MONTHS]


def monthly_by_year(
    years: Iterable[int], province_ids: list[int] | None = None, office_id: int | None = None
) -> dict[int, list[dict]]:
    """{year: twelve month rows like monthly()} for the years in `years` that have
    any figures in scope, in one query. A year with no figures is left out: "no
    data" is not a year of zeros."""
    years = list(years)
    if office_id is None:
        source = ProvinceMonth.objects.filter(
            _rollup_scope(province_ids), year__in=years, reports__gt=0
        )
    else:
        source = MonthlyReport.objects.filter(
            _report_scope(province_ids, office_id), year__in=years
        )
    found: dict[int, dict[int, dict]] = {}
    for row in source.values("year", "month").annotate(**_sums()).order_by():
        found.setdefault(row.pop("year"), {})[row["month"]] = row
    return {
        year: [{**_empty_figures(), **months.get(m, {}), "month": m} for m in MONTHS]
        for year, months in sorted(found.items())
    }


def office_months(year: int, office_id: int) -> list[dict]:
    """The months an office has reported in the year: month, status and its FIGURES."""
    return list(
        MonthlyReport.objects.filter(office_id=office_id, year=year)
        .order_by("month")
        .values("month", "status", *FIGURES)
    )


def jobs_by_scheme(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """[{"scheme": name, "jobs": n}] most jobs first."""
    if office_id is None:
        lines = ProvinceMonthScheme.objects.filter(_rollup_scope(province_ids), year=year)
        total = Sum("jobs")
    else:
        lines = JobsFigure.objects.filter(_line_scope(year, province_ids, office_id))
        total = Sum("value")
    rows = lines.values("scheme__name").annotate(jobs=total).order_by("-jobs", "scheme__name")
    return [{"scheme": r["scheme__name"], "jobs": r["jobs"]} for r in rows]


def _loan_lines(year: int, province_ids: list[int] | None, office_id: int | None):
    if office_id is None:
        return ProvinceMonthLoan.objects.filter(_rollup_scope(province_ids), year=year)
    return LoanFigure.objects.filter(_line_scope(year, province_ids, office_id))


def _referral_lines(year: int, province_ids: list[int] | None, office_id: int | None):
    """Referral rows with `value` and `month` (rollup rows, or an office's lines)."""
    if office_id is None:
        return ProvinceMonthReferral.objects.filter(_rollup_scope(province_ids), year=year)
    return ReferralFigure.objects.filter(_line_scope(year, province_ids, office_id)).annotate(
        month=F("report__month")
    )


def loans_by_bank(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """[{"bank": name, "count": n, "amount_rial": r}] largest amount first."""
    rows = (
        _loan_lines(year, province_ids, office_id)
        .values("bank__name")
        .annotate(loans=Sum("count"), amount=Sum("amount_rial"))
        .order_by("-amount", "bank__name")
    )
    return [
        {"bank": r["bank__name"], "count": r["loans"], "amount_rial": r["amount"]} for r in rows
    ]


def loans_by_funding_source(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """[{"source": name, "count": n, "amount_rial": r}] largest amount first."""
    rows = (
        _loan_lines(year, province_ids, office_id)
        .values("funding_source__name")
        .annotate(loans=Sum("count"), amount=Sum("amount_rial"))
        .order_by("-amount", "funding_source__name")
    )
    return [
        {"source": r["funding_source__name"], "count": r["loans"], "amount_rial": r["amount"]}
        for r in rows
    ]


def referrals_by_bank(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """Bank backlog: [{"bank": name, "referred": n}] clients referred, not yet paid."""
    rows = (
        _referral_lines(year, province_ids, office_id)
        .values("bank__name")
        .annotate(total=Sum("value"))
        .order_by("-total", "bank__name")
    )
    return [{"bank": r["bank__name"], "referred": r["total"]} for r in rows]


def referrals_by_province_bank(year: int, province_ids: list[int] | None = None) -> list[dict]:
    """The backlog at country level: [{"code", "province", "bank", "referred"}] per province × bank."""
    rows = (
        ProvinceMonthReferral.objects.filter(_rollup_scope(province_ids), year=year)
        .values("province__code", "province__name", "bank__name")
        .annotate(total=Sum("value"))
        .order_by("province__code", "bank__name")
    )
    return [
        {
            "code": r["province__code"],
            "province": r["province__name"],
            "bank": r["bank__name"],
            "referred": r["total"],
        }
        for r in rows
        if r["total"]
    ]


def referrals_by_bank_month(
    year: int, province_ids: list[int] | None = None, office_id: int | None = None
) -> list[dict]:
    """The backlog's trend: [{"bank": name, "month": m, "referred": n}] in month order."""
    rows = (
        _referral_lines(year, province_ids, office_id)
        .values("month", "bank__name")
        .annotate(total=Sum("value"))
        .order_by("month", "bank__name")
    )
    return [{"bank": r["bank__name"], "month": r["month"], "referred": r["total"]} for r in rows]


def reporting_offices(year: int, province_ids: list[int] | None = None) -> int:
    """How many county offices reported at least one month of the year."""
    return OfficeYear.objects.filter(_rollup_scope(province_ids), year=year, reports__gt=0).count()


def office_notes(year: int, office_id: int) -> list[dict]:
    """An office's field notes dated within the Jalali year, newest first."""
    from programs.models import FieldNote
    from reliefjobs.lib.jalali import fiscal_year_bounds

    first, last = fiscal_year_bounds(year)
    notes = FieldNote.objects.filter(
        office_id=office_id, noted_on__range=(first, last)
    ).select_related("bank")
    return [
        {
            "noted_on": n.noted_on,
            "area": n.get_area_display(),
            "bank": n.bank.name if n.bank_id else "",
            "status": n.get_status_display(),
            "resolved_on": n.resolved_on,
            "text": n.text,
        }
        for n in notes.order_by("-noted_on", "-pk")
    ]
