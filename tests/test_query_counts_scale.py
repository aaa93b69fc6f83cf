"""Pages and API calls cost the same number of queries at 1× and 10× the data.

Business rules checked:
- every dashboard page and API call runs the same number of SQL queries with
  3 or 30 county offices reporting per province, with the cache empty (cold)
  and filled (warm), and with two or ten years of figures;
- a warm call costs fewer queries than a cold one (the cache is used);
- country and province views read the rollup tables, never the monthly
  reports or their lines, so their cost does not grow with the offices.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from programs.models import CountyOffice, Province
from programs.services import TargetValue, apply_targets
from reports import cache
from tests.seeding import apply_values
from tests.test_rollups import random_values

pytestmark = pytest.mark.django_db

YEAR = 1402
LINE_TABLES = (
    "programs_monthlyreport",
    "programs_jobsfigure",
    "loans_loanfigure",
    "loans_referralfigure",
)


def _offices(province, count):
    existing = list(CountyOffice.objects.filter(province=province).order_by("pk"))
    for i in range(len(existing), count):
        existing.append(CountyOffice.objects.create(province=province, name=f"دفتر آزمایشی {i}"))
    return existing[:count]


def _load(size, admin_user):
    provinces = list(Province.objects.filter(code__in=["IR-19", "IR-23"]))
    offices = [o for p in provinces for o in _offices(p, size)]
    apply_values(values=random_values(offices, years=(YEAR - 1, YEAR), density=1.0), by=admin_user)
    apply_targets(
        values=[
            TargetValue(year=YEAR, province_id=p.pk, measure="jobs", value=4000) for p in provinces
        ]
        + [
            TargetValue(
                year=YEAR, province_id=o.province_id, office_id=o.pk, measure="jobs", value=90
            )
            for o in offices
        ],
        by=admin_user,
    )
    return offices


def _urls(office):
    return [
        f"/api/v1/progress?year={YEAR}",
        f"/api/v1/progress?year={YEAR}&province=IR-19",
        f"/api/v1/monthly?year={YEAR}",
        f"/api/v1/monthly?year={YEAR}&province=IR-19",
        f"/?year={YEAR}",
        f"/province/IR-19/?year={YEAR}",
        f"/office/{office.pk}/?year={YEAR}",
        f"/breakdowns/?year={YEAR}",
        f"/breakdowns/?year={YEAR}&province=IR-19",
    ]


def _costs(client, urls):
    """{url: (cold queries, warm queries, SQL of the cold call)}."""
    out = {}
    # The session's activity stamp is saved at most once a minute: do it now.
    client.get(urls[0])
    for url in urls:
        cache.invalidate()
        with CaptureQueriesContext(connection) as cold:
            assert client.get(url).status_code == 200, url
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200, url
        out[url] = (len(cold), len(warm), " ".join(q["sql"] for q in cold.captured_queries))
    return out


@pytest.fixture
def measured(client, national_manager, admin_user):
    client.force_login(national_manager)
    small_offices = _load(3, admin_user)
    small = _costs(client, _urls(small_offices[0]))
    _load(30, admin_user)
    large = _costs(client, _urls(small_offices[0]))
    return small, large


def test_every_view_costs_the_same_queries_at_1x_and_10x(measured):
    small, large = measured
    assert {u: c[:2] for u, c in small.items()} == {u: c[:2] for u, c in large.items()}


def test_warm_calls_use_the_cache(measured):
    _small, large = measured
    for url, (cold, warm, _sql) in large.items():
        assert warm < cold, url


def test_country_and_province_views_read_rollups_not_monthly_rows(measured):
    _small, large = measured
    for url, (_cold, _warm, sql) in large.items():
        if "/office/" in url:
            continue  # one office's months are read directly (at most 12 rows)
        assert not any(f'"{table}"' in sql for table in LINE_TABLES), url


def test_every_view_costs_the_same_queries_with_ten_years_of_figures(
    client, national_manager, admin_user
):
    """Years of history (the year list, last year's comparison, the forecast's seasons)
    must not add queries to this year's pages."""
    client.force_login(national_manager)
    offices = _load(3, admin_user)
    two_years = _costs(client, _urls(offices[0]))
    earlier = tuple(range(YEAR - 9, YEAR - 1))
    apply_values(values=random_values(offices, years=earlier, density=1.0), by=admin_user)
    ten_years = _costs(client, _urls(offices[0]))
    assert {u: c[:2] for u, c in two_years.items()} == {u: c[:2] for u, c in ten_years.items()}
