"""Figures for the dashboard tests, written through the one write path
(programs.services.apply_values / apply_targets) so they do not depend on
the demo data. Holds helpers only, and a check that they add up.

Rules checked: the helper's figures add up to the Zanjan 1397 totals the
news reported (2,402 loans, 408,000,000,000 rials, 2,882 jobs).
"""

from __future__ import annotations

import pytest

ZANJAN_1397 = {
    "jobs": 2882,
    "loans_count": 2402,
    "loans_amount_rial": 408_000_000_000,
    "trainees": 3200,
}
ZANJAN_1398_TARGET_JOBS = 4000


def split(total: int, parts: int) -> list[int]:
    """`total` in `parts` unequal whole pieces that add up exactly."""
    weights = [i + 1 for i in range(parts)]
    pieces = [total * w // sum(weights) for w in weights]
    pieces[-1] += total - sum(pieces)
    return pieces


def reference():
    from loans.models import Bank, FundingSource
    from programs.models import Scheme

    return (
        list(Scheme.objects.order_by("pk")),
        list(Bank.objects.order_by("pk")),
        {s.name: s for s in FundingSource.objects.all()},
    )


def add_office_year(
    office,
    year,
    *,
    jobs,
    loans_count,
    loans_amount_rial,
    trainees=0,
    exits=0,
    referred=0,
    months=range(1, 13),
    by=None,
):
    """Write one office's year of figures, spread over months, schemes, banks and sources."""
    from programs.services import FigureValue
    from tests.seeding import apply_values

    schemes, banks, sources = reference()
    months = list(months)
    fund, bank_money = sources["صندوق امداد ولایت"], sources["منابع بانکی"]
    values = []

    def add(month, measure, value, **dims):
        values.append(
            FigureValue(
                office_id=office.pk, year=year, month=month, measure=measure, value=value, **dims
            )
        )

    for month, j, c, a, t, e, r in zip(
        months,
        split(jobs, len(months)),
        split(loans_count, len(months)),
        split(loans_amount_rial, len(months)),
        split(trainees, len(months)),
        split(exits, len(months)),
        split(referred, len(months)),
        strict=True,
    ):
        for scheme, part in zip(schemes[:3], split(j, 3), strict=True):
            add(month, "jobs", part, scheme_id=scheme.pk)
        for (bank, source), cpart, apart in zip(
            [(banks[0], fund), (banks[1], fund), (banks[2], bank_money)],
            split(c, 3),
            split(a, 3),
            strict=True,
        ):
            add(month, "loans_count", cpart, bank_id=bank.pk, funding_source_id=source.pk)
            add(month, "loans_amount_rial", apart, bank_id=bank.pk, funding_source_id=source.pk)
        for bank, part in zip(banks[:2], split(r, 2), strict=True):
            add(month, "referred_to_bank", part, bank_id=bank.pk)
        add(month, "trainees", t)
        add(month, "exits", e)
    apply_values(values=_paired(values), by=by)


def _paired(values):
    """Move the amount of a loan line with no loans to the next line that has some,
    so every line pairs count and amount (programs.rules) and the sums stay exact."""
    from dataclasses import replace

    carry, last = 0, None
    for i, v in enumerate(values):
        if v.measure != "loans_amount_rial":
            continue
        count = values[i - 1].value
        if not count:
            carry += v.value
            values[i] = replace(v, value=0)
        else:
            values[i] = replace(v, value=v.value + carry)
            carry, last = 0, i
    if carry and last is not None:
        values[last] = replace(values[last], value=values[last].value + carry)
    return values


def add_target(province, year, measure, value, office=None):
    from programs.services import TargetValue, apply_targets

    apply_targets(
        values=[
            TargetValue(
                year=year,
                province_id=province.pk,
                measure=measure,
                value=value,
                office_id=getattr(office, "pk", None),
            )
        ],
        by=None,
    )


def seed_zanjan_1397(zanjan, offices: int = 3):
    """Zanjan's 1397 as the news reported it, spread over `offices` county offices."""
    chosen = list(zanjan.offices.order_by("pk")[:offices])
    for office, jobs, count, amount, trainees in zip(
        chosen,
        split(ZANJAN_1397["jobs"], offices),
        split(ZANJAN_1397["loans_count"], offices),
        split(ZANJAN_1397["loans_amount_rial"], offices),
        split(ZANJAN_1397["trainees"], offices),
        strict=True,
    ):
        add_office_year(
            office,
            1397,
            jobs=jobs,
            loans_count=count,
            loans_amount_rial=amount,
            trainees=trainees,
            exits=10 * offices,
            referred=40,
        )
    return chosen


@pytest.mark.django_db
def test_zanjan_1397_helper_adds_up_to_the_news_figures(zanjan):
    from django.db.models import Sum

    from programs.models import MonthlyReport

    seed_zanjan_1397(zanjan)
    sums = MonthlyReport.objects.filter(year=1397, office__province=zanjan).aggregate(
        jobs=Sum("jobs"),
        loans_count=Sum("loans_count"),
        loans_amount_rial=Sum("loans_amount_rial"),
        trainees=Sum("trainees"),
    )
    assert sums == ZANJAN_1397
