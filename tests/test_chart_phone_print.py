"""What the server-built figures carry for phones and paper (issue 11, item 7).

Rules checked:
- month axes read the month name alone (the year is in the title), one tick a
  month, upright; static/js/dashboard.js thins them on a phone;
- the goal bars' achievement labels are upright and full size: inside a bar
  wide enough, beside it otherwise;
- the map says its height per width, so phones and paper size it to the grid.
"""

from reliefjobs.lib.jalali import month_name
from reports import charts, pace, tilemap


def _months():
    return [{"month": m, "jobs": 10 * m} for m in range(1, 13)]


def test_month_ticks_are_short_names_and_upright():
    for figure in (
        charts.cumulative_vs_pace(1405, _months(), 1200, 8).figure,
        charts.backlog_trend(1405, [{"bank": "بانک ملی ایران", "month": 2, "referred": 5}]).figure,
    ):
        axis = figure["layout"]["xaxis"]
        assert axis["ticktext"] == [month_name(m) for m in range(1, 13)]
        assert len(axis["tickvals"]) == 12 and axis["tickangle"] == 0


def test_goal_bar_labels_are_upright_inside_or_beside_the_bar():
    rows = [
        {"name": "زنجان", "code": "IR-19", "jobs": 30, "target_jobs": 1200, "loans_count": 0,
         "loans_amount_rial": 0, "trainees": 0, "exits": 0, "referred": 0},
    ]  # fmt: skip
    bars = charts.goal_vs_actual("p", "t", rows, "استان").figure["data"][0]
    assert bars["textangle"] == 0 and bars["textposition"] == "auto"
    assert bars["outsidetextfont"]["color"] != bars["insidetextfont"]["color"]


def test_map_carries_its_aspect():
    places = pace.places_on_pace(
        [{"code": "IR-19", "name": "زنجان", "target_jobs": 1200}], {"IR-19": 400}, 8 / 12
    )
    layout = pace.pace_map(places, 8 / 12).figure["layout"]
    assert layout["meta"]["aspect"] == tilemap.ROWS / tilemap.COLUMNS
