"""The read-only API: /api/v1/progress and /api/v1/monthly (contract in INTERFACES.md).

Rules checked:
- progress at country level has one row per province visible to the user, at province level one row per
  county office, with the contract's integer fields and null for a missing target;
- the figures equal sums computed independently from the monthly reports;
- monthly has 12 rows with cumulative jobs;
- a Zanjan user sees only Zanjan; another province answers 403; anonymous 401 JSON, never a redirect;
- a bad year or province code answers 400 with a clear JSON message;
- each call runs the same number of queries at two data sizes.
"""

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext

from programs.models import MonthlyReport, Province
from tests.test_dashboard_data import add_office_year, add_target, seed_zanjan_1397

CONTRACT_FIELDS = {
    "code",
    "name",
    "jobs",
    "target_jobs",
    "loans_count",
    "loans_amount_rial",
    "target_loans_count",
    "target_loans_amount_rial",
    "trainees",
    "exits",
}


@pytest.fixture
def figures(zanjan, tehran):
    offices = seed_zanjan_1397(zanjan)
    add_target(zanjan, 1397, "jobs", 4000)
    add_target(zanjan, 1397, "jobs", 1500, office=offices[0])
    add_office_year(
        tehran.offices.order_by("pk").first(),
        1397,
        jobs=453,
        loans_count=90,
        loans_amount_rial=536_000_000_000,
        trainees=52,
        exits=16,
    )
    return offices


def sums(**filters):
    return MonthlyReport.objects.filter(**filters).aggregate(
        jobs=Sum("jobs"),
        loans_count=Sum("loans_count"),
        loans_amount_rial=Sum("loans_amount_rial"),
        trainees=Sum("trainees"),
        exits=Sum("exits"),
    )


@pytest.mark.django_db
def test_progress_country_level_has_every_province_for_national_user(
    client, national_manager, figures, zanjan
):
    client.force_login(national_manager)
    body = client.get("/api/v1/progress?year=1397").json()
    assert body["year"] == 1397 and body["level"] == "country"
    assert len(body["rows"]) == Province.objects.count() == 31
    row = next(r for r in body["rows"] if r["code"] == "IR-19")
    assert row.keys() >= CONTRACT_FIELDS
    expected = sums(year=1397, office__province=zanjan)
    assert {k: row[k] for k in expected} == expected
    assert row["target_jobs"] == 4000 and row["target_loans_count"] is None
    assert row["name"] == "زنجان"
    other = next(r for r in body["rows"] if r["code"] == "IR-00")
    assert other["jobs"] == 0 and other["target_jobs"] is None


@pytest.mark.django_db
def test_progress_province_level_has_one_row_per_office(client, national_manager, figures, zanjan):
    client.force_login(national_manager)
    body = client.get("/api/v1/progress?year=1397&province=IR-19").json()
    assert body["level"] == "province"
    assert {r["code"] for r in body["rows"]} == set(
        zanjan.offices.filter(is_active=True).values_list("pk", flat=True)
    )
    first = next(r for r in body["rows"] if r["code"] == figures[0].pk)
    assert first["target_jobs"] == 1500
    assert first["jobs"] == sums(year=1397, office=figures[0])["jobs"]
    assert sum(r["jobs"] for r in body["rows"]) == 2882
    assert all(isinstance(r["jobs"], int) for r in body["rows"])


@pytest.mark.django_db
def test_monthly_has_twelve_rows_with_cumulative_jobs(client, national_manager, figures, zanjan):
    client.force_login(national_manager)
    body = client.get("/api/v1/monthly?year=1397&province=IR-19").json()
    assert [r["month"] for r in body["rows"]] == list(range(1, 13))
    for r in body["rows"]:
        assert r["jobs"] == sums(year=1397, month=r["month"], office__province=zanjan)["jobs"]
    assert body["rows"][-1]["cumulative_jobs"] == 2882
    assert body["rows"][5]["cumulative_jobs"] == sum(r["jobs"] for r in body["rows"][:6])


@pytest.mark.django_db
def test_zanjan_user_sees_only_zanjan(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    body = client.get("/api/v1/progress?year=1397").json()
    assert [r["code"] for r in body["rows"]] == ["IR-19"]
    monthly = client.get("/api/v1/monthly?year=1397").json()
    assert monthly["rows"][-1]["cumulative_jobs"] == 2882  # Tehran's 453 not included


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/progress", "/api/v1/monthly"])
def test_other_province_is_forbidden(client, zanjan_staff, figures, path):
    client.force_login(zanjan_staff)
    response = client.get(f"{path}?year=1397&province=IR-23")
    assert response.status_code == 403
    assert "outside your scope" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/progress", "/api/v1/monthly"])
def test_anonymous_gets_json_401_not_a_redirect(client, path):
    response = client.get(f"{path}?year=1397")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert "authentication" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query,message",
    [
        ("year=abc", "year"),
        ("year=99", "year"),
        ("year=1397&province=IR-99", "province"),
        ("year=1397&province=nowhere", "province"),
        ("year=1397&province=", "province"),
    ],
)
def test_bad_year_or_code_is_400_with_message(client, national_manager, query, message):
    client.force_login(national_manager)
    response = client.get(f"/api/v1/progress?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]


@pytest.mark.django_db
def test_province_by_persian_name_and_persian_digits(client, national_manager, figures):
    client.force_login(national_manager)
    body = client.get("/api/v1/progress?year=۱۳۹۷&province=زنجان").json()
    assert body["province"]["code"] == "IR-19" and sum(r["jobs"] for r in body["rows"]) == 2882


def cold_query_count(client, url) -> int:
    """Queries of a request with an empty cache (after one request settles the session)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/progress?year=1397",
        "/api/v1/progress?year=1397&province=IR-19",
        "/api/v1/monthly?year=1397",
        "/api/v1/monthly?year=1397&province=IR-19",
    ],
)
def test_query_count_does_not_grow_with_data(
    client, national_manager, zanjan, url, django_assert_num_queries
):
    client.force_login(national_manager)
    seed_zanjan_1397(zanjan, offices=1)
    small = cold_query_count(client, url)
    seed_zanjan_1397(zanjan, offices=6)
    for province in Province.objects.exclude(pk=zanjan.pk)[:8]:
        add_office_year(
            province.offices.first(), 1397, jobs=50, loans_count=5, loans_amount_rial=10**9
        )
        add_office_year(
            province.offices.first(), 1396, jobs=50, loans_count=5, loans_amount_rial=10**9
        )
        add_target(province, 1397, "jobs", 100)
    client.get(url)
    cache.clear()
    with django_assert_num_queries(small):
        client.get(url)
