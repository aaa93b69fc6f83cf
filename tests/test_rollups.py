"""Rollup tables (reports.models) always equal the figures they summarise.

Business rules checked:
- after figures are entered through the one write path (apply_values), each
  province-month and office-year rollup equals the sums computed here
  independently from the monthly reports and their lines;
- replacing a value (upsert) moves the rollup with it, never adds twice;
- an admin-style edit of a line followed by recompute_totals updates the
  rollups; deleting a monthly report removes it from the rollups;
- moving a county office to another province moves its figures too;
- rebuild() after a bulk load yields the same rows as incremental refreshes;
- the rollup refresh costs the same number of queries for 1 or many offices
  of the same provinces (it groups in the database, never loops per row).
"""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
from programs.models import CountyOffice, JobsFigure, MonthlyReport, Scheme
from programs.services import FigureValue, recompute_totals
from reports import rollups
from reports.models import (
    OfficeYear,
    ProvinceMonth,
    ProvinceMonthLoan,
    ProvinceMonthReferral,
    ProvinceMonthScheme,
)
from tests.seeding import apply_values

pytestmark = pytest.mark.django_db


def random_values(offices, years=(1402,), months=range(1, 13), seed=7, density=0.6):
    """Figure values for every measure and dimension, some cells left out."""
    rng = random.Random(seed)
    schemes = list(Scheme.objects.values_list("pk", flat=True))
    banks = list(Bank.objects.values_list("pk", flat=True))
    sources = list(FundingSource.objects.values_list("pk", flat=True))
    values = []
    for office in offices:
        for year in years:
            for month in months:
                if rng.random() > density:
                    continue
                base = dict(office_id=office.pk, year=year, month=month)
                for s in schemes:
                    values.append(
                        FigureValue(**base, measure="jobs", value=rng.randint(0, 30), scheme_id=s)
                    )
                for b in banks:
                    values.append(
                        FigureValue(
                            **base, measure="referred_to_bank", value=rng.randint(0, 9), bank_id=b
                        )
                    )
                    for f in sources:
                        dims = dict(bank_id=b, funding_source_id=f)
                        # A loan line has both its count and its amount (programs.rules).
                        count = rng.randint(0, 5)
                        values.append(
                            FigureValue(**base, measure="loans_count", value=count, **dims)
                        )
                        values.append(
                            FigureValue(
                                **base,
                                measure="loans_amount_rial",
                                value=count * rng.randint(1, 9) * 10**8,
                                **dims,
                            )
                        )
                values.append(FigureValue(**base, measure="trainees", value=rng.randint(0, 40)))
                values.append(FigureValue(**base, measure="exits", value=rng.randint(0, 4)))
    return values


def expected_rollups():
    """The rollups recomputed in Python from every report and line, row by row."""
    pm = defaultdict(lambda: defaultdict(int))
    oy = defaultdict(lambda: defaultdict(int))
    province_of = dict(CountyOffice.objects.values_list("pk", "province_id"))
    report_key = {}
    for r in MonthlyReport.objects.all():
        p = province_of[r.office_id]
        report_key[r.pk] = (p, r.year, r.month)
        for target in (pm[(p, r.year, r.month)], oy[(r.office_id, p, r.year)]):
            target["reports"] += 1
            target["trainees"] += r.trainees
            target["exits"] += r.exits
    schemes, loans, referrals = defaultdict(int), defaultdict(lambda: [0, 0]), defaultdict(int)
    office_of = dict(MonthlyReport.objects.values_list("pk", "office_id"))
    for line in JobsFigure.objects.all():
        key = report_key[line.report_id]
        schemes[(*key, line.scheme_id)] += line.value
        pm[key]["jobs"] += line.value
        oy[(office_of[line.report_id], key[0], key[1])]["jobs"] += line.value
    for line in LoanFigure.objects.all():
        key = report_key[line.report_id]
        loans[(*key, line.bank_id, line.funding_source_id)][0] += line.count
        loans[(*key, line.bank_id, line.funding_source_id)][1] += line.amount_rial
        for t in (pm[key], oy[(office_of[line.report_id], key[0], key[1])]):
            t["loans_count"] += line.count
            t["loans_amount_rial"] += line.amount_rial
    for line in ReferralFigure.objects.all():
        key = report_key[line.report_id]
        referrals[(*key, line.bank_id)] += line.value
        pm[key]["referred"] += line.value
        oy[(office_of[line.report_id], key[0], key[1])]["referred"] += line.value
    return pm, oy, dict(schemes), {k: tuple(v) for k, v in loans.items()}, dict(referrals)


FIELDS = ("jobs", "loans_count", "loans_amount_rial", "referred", "trainees", "exits", "reports")


def stored_rollups():
    pm = {
        (r.province_id, r.year, r.month): {f: getattr(r, f) for f in FIELDS}
        for r in ProvinceMonth.objects.all()
    }
    oy = {
        (r.office_id, r.province_id, r.year): {f: getattr(r, f) for f in FIELDS}
        for r in OfficeYear.objects.all()
    }
    schemes = {
        (r.province_id, r.year, r.month, r.scheme_id): r.jobs
        for r in ProvinceMonthScheme.objects.all()
    }
    loans = {
        (r.province_id, r.year, r.month, r.bank_id, r.funding_source_id): (r.count, r.amount_rial)
        for r in ProvinceMonthLoan.objects.all()
    }
    referrals = {
        (r.province_id, r.year, r.month, r.bank_id): r.value
        for r in ProvinceMonthReferral.objects.all()
    }
    return pm, oy, schemes, loans, referrals


def assert_rollups_match():
    pm, oy, schemes, loans, referrals = expected_rollups()
    got_pm, got_oy, got_schemes, got_loans, got_referrals = stored_rollups()
    assert got_pm == {k: {f: v.get(f, 0) for f in FIELDS} for k, v in pm.items()}
    assert got_oy == {k: {f: v.get(f, 0) for f in FIELDS} for k, v in oy.items()}
    assert got_schemes == schemes
    assert got_loans == loans
    assert got_referrals == referrals


@pytest.fixture
def offices(zanjan, tehran):
    return list(CountyOffice.objects.filter(province__in=[zanjan, tehran]).order_by("pk")[:20])


def test_rollups_equal_independent_sums_after_apply_values(offices, admin_user):
    apply_values(values=random_values(offices, years=(1401, 1402)), by=admin_user)
    assert ProvinceMonth.objects.exists()
    assert_rollups_match()


def test_zanjan_1397_totals_reach_the_province_month(zanjan, admin_user):
    office = CountyOffice.objects.filter(province=zanjan).first()
    bank = Bank.objects.first()
    fund = FundingSource.objects.named("صندوق امداد ولایت").get()
    scheme = Scheme.objects.first()
    base = dict(office_id=office.pk, year=1397, month=12)
    apply_values(
        values=[
            FigureValue(**base, measure="jobs", value=2882, scheme_id=scheme.pk),
            FigureValue(
                **base,
                measure="loans_count",
                value=2402,
                bank_id=bank.pk,
                funding_source_id=fund.pk,
            ),
            FigureValue(
                **base,
                measure="loans_amount_rial",
                value=408_000_000_000,
                bank_id=bank.pk,
                funding_source_id=fund.pk,
            ),
            FigureValue(**base, measure="trainees", value=3200),
        ],
        by=admin_user,
    )
    row = ProvinceMonth.objects.get(province=zanjan, year=1397, month=12)
    assert (row.jobs, row.loans_count, row.loans_amount_rial, row.trainees) == (
        2882,
        2402,
        408_000_000_000,
        3200,
    )


def test_replacing_a_value_moves_the_rollup_without_double_counting(offices, admin_user):
    apply_values(values=random_values(offices[:3]), by=admin_user)
    scheme = Scheme.objects.first()
    report = MonthlyReport.objects.filter(office=offices[0]).first()
    base = dict(office_id=offices[0].pk, year=report.year, month=report.month)
    apply_values(
        values=[FigureValue(**base, measure="jobs", value=1000, scheme_id=scheme.pk)], by=admin_user
    )
    apply_values(
        values=[FigureValue(**base, measure="jobs", value=1001, scheme_id=scheme.pk)], by=admin_user
    )
    assert_rollups_match()
    pms = ProvinceMonthScheme.objects.get(
        province_id=offices[0].province_id, year=report.year, month=report.month, scheme=scheme
    )
    assert pms.jobs >= 1001


def test_admin_style_line_edit_then_recompute_updates_rollups(offices, admin_user):
    apply_values(values=random_values(offices[:4]), by=admin_user)
    line = JobsFigure.objects.order_by("pk").first()
    line.value += 500
    line.save()
    loan = LoanFigure.objects.order_by("pk").last()
    loan.amount_rial += 7
    loan.save()
    recompute_totals([line.report_id, loan.report_id])
    assert_rollups_match()


def test_deleting_a_monthly_report_removes_it_from_rollups(offices, admin_user):
    apply_values(values=random_values(offices[:4]), by=admin_user)
    MonthlyReport.objects.order_by("pk").first().delete()
    assert_rollups_match()


def test_moving_an_office_to_another_province_moves_its_figures(
    offices, admin_user, tehran, zanjan
):
    apply_values(values=random_values(offices), by=admin_user)
    office = next(o for o in offices if o.province_id == zanjan.pk)
    office.province = tehran
    office.name = office.name + " (moved)"
    office.save()
    assert_rollups_match()


def test_rebuild_equals_incremental_refresh(offices, admin_user):
    apply_values(values=random_values(offices, seed=3), by=admin_user)
    incremental = stored_rollups()
    ProvinceMonth.objects.all().delete()
    OfficeYear.objects.all().delete()
    rollups.rebuild()
    assert stored_rollups() == incremental
    assert_rollups_match()


def test_refresh_costs_the_same_queries_for_few_and_many_offices(offices, admin_user):
    apply_values(values=random_values(offices, density=1.0), by=admin_user)
    one_per_province = {o.province_id: o for o in offices}.values()
    few = {(o.pk, 1402, m) for o in one_per_province for m in range(1, 13)}
    many = {(o.pk, 1402, m) for o in offices for m in range(1, 13)}
    with CaptureQueriesContext(connection) as small:
        rollups.refresh(few)
    with CaptureQueriesContext(connection) as large:
        rollups.refresh(many)
    assert len(small) == len(large)
    assert_rollups_match()
