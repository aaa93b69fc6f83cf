"""Behind pace (reports/pace.py) and where the dashboards show it.

Rules checked:
- pace is the share of the year's goal due by the end of the last ended month:
  ended months / 12 (8/12 on 1405/09/11), from one function;
- a place's standing is its jobs in the ended months against goal × share; the
  month still running does not count; no goal (or no ended month) is "no
  standing", never 0 %;
- within 5 points of pace reads "on pace"; the list of the furthest behind
  holds only places behind pace, furthest first;
- the country page's goal bars carry a pace mark at goal × 8/12, the map is
  coloured by standing on a scale centred on 100 %, and the first block of the
  page names the provinces furthest behind; the province page does the same
  for its county offices.
"""

import pytest
from django.core.cache import cache

from reports import pace
from tests.test_dashboard_data import add_office_year, add_target


def test_expected_share_is_ended_months_over_twelve():
    assert pace.expected_share(1405, 8) == pytest.approx(8 / 12)
    assert pace.expected_share(1405, 0) == 0
    assert pace.expected_share(1397, 12) == 1
    assert pace.expected_share(1397, 15) == 1


def test_no_goal_or_no_ended_month_has_no_standing():
    assert pace.pace_percent(500, None, 0.5) is None
    assert pace.pace_percent(500, 0, 0.5) is None
    assert pace.pace_percent(500, 1200, 0) is None
    assert pace.standing(None) == ""


def test_standing_within_five_points_is_on_pace():
    assert pace.pace_percent(600, 1200, 0.5) == pytest.approx(100)
    assert pace.standing(96) == "on"
    assert pace.standing(104.9) == "on"
    assert pace.standing(105) == "ahead"
    assert pace.standing(94.9) == "behind"


def test_furthest_behind_lists_only_those_behind_furthest_first():
    rows = [
        {"code": "A", "name": "الف", "target_jobs": 1200},
        {"code": "B", "name": "ب", "target_jobs": 1200},
        {"code": "C", "name": "ج", "target_jobs": None},
        {"code": "D", "name": "د", "target_jobs": 1200},
    ]
    done = {"A": 600, "B": 300, "C": 900, "D": 450}
    places = pace.places_on_pace(rows, done, 0.5)
    assert [p.key for p in places] == ["B", "D", "A", "C"]  # no goal last
    behind = pace.furthest_behind(places)
    assert [(p.key, p.gap) for p in behind] == [("B", 300), ("D", 150)]


@pytest.fixture
def year_in_progress(zanjan, tehran):
    """1405 on 1405/09/11: eight ended months. Zanjan on pace, Tehran at half of it."""
    cache.clear()
    z_office, t_office = zanjan.offices.order_by("pk")[0], tehran.offices.order_by("pk")[0]
    add_office_year(
        z_office, 1405, jobs=800, loans_count=30, loans_amount_rial=9 * 10**9, months=range(1, 9)
    )
    # The running month's early figures are not counted against pace.
    add_office_year(z_office, 1405, jobs=500, loans_count=3, loans_amount_rial=10**9, months=[9])
    add_office_year(
        t_office, 1405, jobs=800, loans_count=30, loans_amount_rial=9 * 10**9, months=range(1, 9)
    )
    add_target(zanjan, 1405, "jobs", 1200)
    add_target(tehran, 1405, "jobs", 2400)
    add_target(zanjan, 1405, "jobs", 600, office=z_office)
    return {"zanjan_office": z_office}


@pytest.mark.django_db
def test_ended_months_only_count_towards_pace(year_in_progress, zanjan, tehran):
    done = pace.done_by_province(1405, 8)
    assert done["IR-19"] == 800 and done["IR-23"] == 800
    offices = pace.done_by_office(1405, 8, zanjan.pk, [])
    assert offices[year_in_progress["zanjan_office"].pk] == 800
    # A whole year reads the yearly rollup rows it is given.
    assert pace.done_by_office(1404, 12, zanjan.pk, [{"id": 7, "jobs": 90}]) == {7: 90}


@pytest.mark.django_db
def test_country_page_marks_pace_and_names_who_is_behind(
    client, national_manager, year_in_progress
):
    client.force_login(national_manager)
    response = client.get("/?year=1405")
    assert response.status_code == 200
    charts = {c.id: c for c in response.context["charts"]}
    marks = next(
        t
        for t in charts["provinces"].figure["data"]
        if t.get("marker", {}).get("color") == "#000000"
    )
    by_name = dict(zip(marks["y"], marks["x"], strict=True))
    assert by_name["زنجان"] == 800 and by_name["تهران"] == 1600
    # The map: Tehran at 50 % of pace, Zanjan on it; the scale is centred on pace.
    heat = charts["map"].figure["data"][1]
    assert heat["zmid"] == 100
    assert sorted(v for row in heat["z"] for v in row if v is not None) == [50, 100]
    rows = {r[0]: r for r in charts["map"].table.rows}
    assert rows["تهران"][1:4] == [800, 1600, 50.0]
    panel = response.context["pace"]
    assert [p["name"] for p in panel["furthest"]] == ["تهران"]
    assert panel["behind_count"] == 1 and panel["judged_count"] == 2
    html = response.content.decode()
    assert "عقب‌تر از مسیر هدف" in html and "۸۰۰ شغل کمتر" in html
    # The verdict comes before the cards and the charts: it is the first screen.
    assert html.index('class="card pace-panel') < html.index('class="cards"')


@pytest.mark.django_db
def test_province_page_lists_its_offices_against_pace(client, zanjan_manager, year_in_progress):
    client.force_login(zanjan_manager)
    response = client.get("/province/IR-19/?year=1405")
    assert response.status_code == 200
    panel = response.context["pace"]
    assert panel["standing"] == "on"  # 800 of 800 due
    assert panel["done"] == "۸۰۰" and panel["expected"] == "۸۰۰"
    office = year_in_progress["zanjan_office"]
    offices = {c.id: c for c in response.context["charts"]}["offices"]
    marks = offices.figure["data"][-1]
    assert dict(zip(marks["y"], marks["x"], strict=True)) == {office.name: 400}
    assert panel["furthest"] == []  # 800 of 400 due: ahead


@pytest.mark.django_db
@pytest.mark.today("1405/01/15")
def test_before_any_month_ends_pace_is_not_judged(client, national_manager, zanjan):
    cache.clear()
    add_target(zanjan, 1405, "jobs", 1200)
    client.force_login(national_manager)
    response = client.get("/?year=1405")
    panel = response.context["pace"]
    assert panel["elapsed"] == 0 and panel["furthest"] == []
    assert "سنجش مسیر هدف از پایان فروردین" in response.content.decode()


@pytest.mark.django_db
def test_a_finished_year_is_judged_on_its_whole_goal(client, national_manager, zanjan):
    from tests.test_dashboard_data import seed_zanjan_1397

    cache.clear()
    seed_zanjan_1397(zanjan)
    add_target(zanjan, 1397, "jobs", 3520)
    client.force_login(national_manager)
    response = client.get("/province/IR-19/?year=1397")
    panel = response.context["pace"]
    assert panel["elapsed"] == 12 and panel["expected"] == "۳٬۵۲۰" and panel["done"] == "۲٬۸۸۲"
    assert panel["standing"] == "behind"
    # No pace mark on the bars: at year end the goal tick is where it should be.
    offices = {c.id: c for c in response.context["charts"]}["offices"]
    assert len(offices.figure["data"]) == 2
    assert "سال با ۲٬۸۸۲ شغل به پایان رسید" in response.content.decode()
