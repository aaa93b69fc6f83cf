"""Dashboard pages: country overview, province, county office, breakdowns.

Rules checked:
- national users land on the country overview; provincial users are redirected to their province;
- every chart's table equals sums computed independently from the monthly reports and lines;
- a missing target is shown as none, not zero; achievement and ranking follow the targets;
- a Zanjan user sees only Zanjan: other provinces and their offices answer 404, breakdowns stay in Zanjan;
- anonymous users are sent to the login page; a bad year is a 400;
- each page runs the same number of queries at two data sizes;
- charts carry Jalali month labels and Persian digits; pages have no inline script.
"""

import re

import pytest
from django.core.cache import cache
from django.db.models import Sum

from loans.models import LoanFigure, ReferralFigure
from programs.models import JobsFigure, MonthlyReport, Province
from tests.test_api import cold_query_count
from tests.test_dashboard_data import add_office_year, add_target, seed_zanjan_1397


@pytest.fixture
def figures(zanjan, tehran):
    offices = seed_zanjan_1397(zanjan)
    add_target(zanjan, 1397, "jobs", 4000)
    add_target(zanjan, 1397, "jobs", 2000, office=offices[0])
    add_office_year(
        tehran.offices.order_by("pk").first(),
        1397,
        jobs=453,
        loans_count=90,
        loans_amount_rial=536_000_000_000,
        trainees=52,
        exits=16,
        referred=30,
    )
    return offices


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


@pytest.mark.django_db
def test_national_user_lands_on_country_overview(client, national_manager, figures):
    client.force_login(national_manager)
    response = client.get("/?year=1397")
    assert response.status_code == 200
    assert response.templates[0].name == "reports/country.html"


@pytest.mark.django_db
def test_provincial_user_is_redirected_to_their_province(client, zanjan_manager):
    client.force_login(zanjan_manager)
    response = client.get("/?year=1397")
    assert response.status_code == 302 and response["Location"] == "/province/IR-19/?year=1397"


@pytest.mark.django_db
def test_anonymous_goes_to_login(client):
    assert client.get("/").status_code == 302
    assert client.get("/province/IR-19/")["Location"].startswith("/accounts/login/")


@pytest.mark.django_db
def test_bad_year_is_400(client, national_manager):
    client.force_login(national_manager)
    assert client.get("/?year=abc").status_code == 400
    assert client.get("/province/IR-19/?year=20000").status_code == 400


@pytest.mark.django_db
def test_country_tables_equal_independent_sums(client, national_manager, figures, zanjan, tehran):
    client.force_login(national_manager)
    response = client.get("/?year=1397")
    table = chart(response, "provinces").table
    rows = {row[1]: row for row in table.rows}
    assert len(rows) == 31
    for province in (zanjan, tehran):
        expected = MonthlyReport.objects.filter(year=1397, office__province=province).aggregate(
            j=Sum("jobs"), c=Sum("loans_count"), a=Sum("loans_amount_rial")
        )
        assert rows[province.name][2] == expected["j"]
        assert rows[province.name][5] == expected["c"]
        assert rows[province.name][6] == expected["a"]
    assert rows["زنجان"][3] == 4000 and rows["زنجان"][4] == pytest.approx(72.0, abs=0.1)
    assert rows["تهران"][3] is None and rows["تهران"][4] is None
    assert table.rows[0][1] == "زنجان"  # the only province with a target ranks first
    pace = chart(response, "pace").table
    assert [r[1] for r in pace.rows] == [
        MonthlyReport.objects.filter(year=1397, month=m).aggregate(s=Sum("jobs"))["s"]
        for m in range(1, 13)
    ]
    assert pace.rows[0][0] == "فروردین ۱۳۹۷" and pace.rows[11][0] == "اسفند ۱۳۹۷"
    assert pace.rows[-1][3] == 4000  # straight-line target pace ends at the target
    assert "۲٬۸۸۲" in response.content.decode()


@pytest.mark.django_db
def test_map_has_every_province_tile(client, national_manager, figures):
    client.force_login(national_manager)
    response = client.get("/?year=1397")
    figure = chart(response, "map").figure
    labels = figure["data"][2]["text"]
    assert len(labels) == 31 and any(label.startswith("زنجان") for label in labels)
    assert not any(t["type"].startswith(("scattergeo", "choropleth")) for t in figure["data"])


@pytest.mark.django_db
def test_province_page_offices_and_year_vs_last(client, national_manager, figures, zanjan):
    add_office_year(figures[1], 1396, jobs=120, loans_count=10, loans_amount_rial=10**9)
    client.force_login(national_manager)
    response = client.get("/province/IR-19/?year=1397")
    offices = {row[1]: row for row in chart(response, "offices").table.rows}
    for office in figures:
        assert (
            offices[office.name][2]
            == MonthlyReport.objects.filter(year=1397, office=office).aggregate(s=Sum("jobs"))["s"]
        )
    assert offices[figures[0].name][3] == 2000 and offices[figures[1].name][3] is None
    assert "تهران" not in offices
    last = chart(response, "year-vs-last").table
    assert sum(r[1] for r in last.rows) == 120 and sum(r[2] for r in last.rows) == 2882


@pytest.mark.django_db
def test_office_page_shows_its_months_schemes_and_banks(client, zanjan_staff, figures):
    office = figures[0]
    client.force_login(zanjan_staff)
    response = client.get(f"/office/{office.pk}/?year=1397")
    assert response.status_code == 200
    assert len(response.context["months"].rows) == 12
    schemes = {r[0]: r[1] for r in chart(response, "schemes").table.rows}
    expected = dict(
        JobsFigure.objects.filter(report__office=office, report__year=1397)
        .values("scheme__name")
        .annotate(s=Sum("value"))
        .values_list("scheme__name", "s")
    )
    assert schemes == expected
    banks = {r[0]: (r[1], r[2]) for r in chart(response, "banks").table.rows}
    expected = {
        r["bank__name"]: (r["a"], r["c"])
        for r in LoanFigure.objects.filter(report__office=office, report__year=1397)
        .values("bank__name")
        .annotate(a=Sum("amount_rial"), c=Sum("count"))
    }
    assert banks == expected


@pytest.mark.django_db
def test_breakdowns_equal_independent_sums(client, national_manager, figures, zanjan):
    client.force_login(national_manager)
    response = client.get("/breakdowns/?year=1397&province=IR-19")
    backlog = {r[0]: r[1] for r in chart(response, "backlog").table.rows}
    assert backlog == dict(
        ReferralFigure.objects.filter(report__office__province=zanjan, report__year=1397)
        .values("bank__name")
        .annotate(s=Sum("value"))
        .values_list("bank__name", "s")
    )
    sources = {r[0]: r[1] for r in chart(response, "sources").table.rows}
    assert sum(sources.values()) == 408_000_000_000
    per_job = chart(response, "rial-per-job").table.rows
    assert per_job[-1][1] == round(408_000_000_000 / 2882)  # the province as reference
    trend = chart(response, "backlog-trend").table.rows
    assert sum(r[-1] for r in trend) == sum(backlog.values())


@pytest.mark.django_db
def test_zanjan_user_sees_only_zanjan(client, zanjan_staff, figures, tehran):
    client.force_login(zanjan_staff)
    assert client.get("/province/IR-23/?year=1397").status_code == 404
    tehran_office = tehran.offices.first()
    assert client.get(f"/office/{tehran_office.pk}/?year=1397").status_code == 404
    assert client.get(f"/breakdowns/?year=1397&office={tehran_office.pk}").status_code == 404
    response = client.get("/breakdowns/?year=1397")
    assert response.status_code == 302 and "province=IR-19" in response["Location"]
    page = client.get("/breakdowns/?year=1397&province=IR-19").content.decode()
    assert "تهران" not in page and "اسلامشهر" not in page


@pytest.mark.django_db
def test_pages_have_no_inline_script(client, national_manager, figures):
    client.force_login(national_manager)
    html = client.get("/?year=1397").content.decode()
    scripts = re.findall(r"<script([^>]*)>", html)
    assert scripts and all('type="application/json"' in s or "src=" in s for s in scripts)
    assert not re.search(r"\son[a-z]+=", html)


@pytest.mark.django_db
def test_year_selector_lists_years_with_data(client, national_manager, figures, tehran):
    add_target(tehran, 1399, "jobs", 10)
    client.force_login(national_manager)
    years = client.get("/?year=1397").context["years"]
    assert {1397, 1399} <= set(years)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/?year=1397",
        "/province/IR-19/?year=1397",
        "/breakdowns/?year=1397",
        "/breakdowns/?year=1397&province=IR-19",
        "OFFICE",
    ],
)
def test_query_count_does_not_grow_with_data(
    client, national_manager, zanjan, url, django_assert_num_queries
):
    office = zanjan.offices.order_by("pk").first()
    url = f"/office/{office.pk}/?year=1397" if url == "OFFICE" else url
    client.force_login(national_manager)
    seed_zanjan_1397(zanjan, offices=1)
    small = cold_query_count(client, url)
    seed_zanjan_1397(zanjan, offices=6)
    add_office_year(office, 1396, jobs=70, loans_count=7, loans_amount_rial=10**9, referred=9)
    for province in Province.objects.exclude(pk=zanjan.pk)[:8]:
        add_office_year(
            province.offices.first(), 1397, jobs=50, loans_count=5, loans_amount_rial=10**9
        )
        add_target(province, 1397, "jobs", 100)
    client.get(url)
    cache.clear()
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200
