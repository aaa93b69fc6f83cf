"""No markup from names in the charts (attack audit, finding 4).

Rules checked:
- reports.plotly_text.label escapes <, > and & (Plotly renders a subset of HTML
  in labels and decodes these entities back, so the name shows as typed);
- an office, province, scheme, bank or funding source named with an <a href> shows
  in no chart of any page (country, province, office, breakdowns at every level)
  as markup: no string in any figure's JSON contains "<a", while the escaped name
  is there; our own markup (<b>, <br>) around names stays.
"""

import pytest

from loans.models import Bank, FundingSource
from programs.models import Scheme
from reports import charts
from reports.plotly_text import label, labels
from tests.test_dashboard_data import add_target, seed_zanjan_1397

LINK = '<a href="https://evil.example/">E</a>'
ESCAPED = '&lt;a href="https://evil.example/"&gt;E&lt;/a&gt;'


def test_label_escapes_plotly_markup():
    assert label(LINK) == ESCAPED
    assert label("R&D <b>") == "R&amp;D &lt;b&gt;"
    assert label("زنجان") == "زنجان"
    assert label(None) == "" and labels(["<", 1]) == ["&lt;", "1"]


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


@pytest.fixture
def evil_names(zanjan):
    offices = seed_zanjan_1397(zanjan, offices=3)
    add_target(zanjan, 1397, "jobs", 4000)
    offices[0].name = LINK
    offices[0].save()
    for model in (Scheme, Bank, FundingSource):
        first = model.objects.order_by("pk").first()
        first.name = f"{LINK} {model.__name__}"
        first.save()
    zanjan.name = f"{LINK} زنجان"
    zanjan.save()
    return offices


def _figures(zanjan, offices):
    office = offices[0]
    pages = [
        charts.country_page(1397, 12),
        charts.province_page(1397, 12, zanjan),
        charts.office_page(1397, 12, office),
        charts.breakdown_page(1397, charts.Scope("country")),
        charts.breakdown_page(1397, charts.Scope("province", province=zanjan)),
        charts.breakdown_page(1397, charts.Scope("office", province=zanjan, office=office)),
    ]
    return {f"{i}:{c.id}": c.figure for i, page in enumerate(pages) for c in page["charts"]}


@pytest.mark.django_db
def test_names_reach_no_chart_as_markup(evil_names, zanjan):
    figures = _figures(zanjan, evil_names)
    found = {key: [s for s in _strings(f) if "<a" in s.lower()] for key, f in figures.items()}
    assert not {k: v for k, v in found.items() if v}
    shown = {key for key, f in figures.items() if any(ESCAPED in s for s in _strings(f))}
    # every chart that draws a place, scheme, bank or source name shows it, escaped
    for chart_id in ("provinces", "map", "offices", "schemes", "banks", "sources", "backlog"):
        assert any(k.endswith(f":{chart_id}") for k in shown), chart_id
    for chart_id in ("rial-per-job", "jobs-per-loan", "backlog-trend", "loan-size"):
        assert any(k.endswith(f":{chart_id}") for k in shown), chart_id
    # our own markup around the name is kept
    offices_chart = figures["1:offices"]
    assert any(s.startswith(f"<b>{ESCAPED}</b><br>") for s in _strings(offices_chart))


@pytest.mark.django_db
def test_tables_and_exports_keep_the_name_as_typed(evil_names, zanjan):
    page = charts.province_page(1397, 12, zanjan)
    table = next(c for c in page["charts"] if c.id == "offices").table
    assert LINK in [row[1] for row in table.rows]
