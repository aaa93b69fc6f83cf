"""The bank backlog (clients referred to a bank, not yet paid) where managers look.

Rules checked:
- at country level the breakdowns show a province × bank view whose table is the
  sum of the referral lines of each province and bank, largest backlog first;
- the ranking of provinces (and of county offices) has a «معرفی به بانک» column;
- a chart with no data says «داده‌ای نیست» instead of drawing empty axes (Zanjan
  1397 with no referrals: the backlog and its trend), and draws no figure.
"""

import pytest
from django.db.models import Sum

from loans.models import ReferralFigure
from tests.test_dashboard_data import add_office_year

NO_DATA = "داده‌ای نیست"


@pytest.fixture
def figures(zanjan, tehran):
    for province, referred in ((zanjan, 40), (tehran, 90)):
        add_office_year(
            province.offices.order_by("pk").first(),
            1397,
            jobs=120,
            loans_count=60,
            loans_amount_rial=6 * 10**10,
            referred=referred,
        )


def chart(response, chart_id):
    return next(c for c in response.context["charts"] if c.id == chart_id)


@pytest.mark.django_db
def test_country_breakdowns_show_backlog_by_province_and_bank(client, national_manager, figures):
    client.force_login(national_manager)
    found = chart(client.get("/breakdowns/?year=1397"), "backlog-provinces")
    expected = {}
    for row in (
        ReferralFigure.objects.filter(report__year=1397)
        .values("report__office__province__name", "bank__name")
        .annotate(total=Sum("value"))
    ):
        expected[(row["report__office__province__name"], row["bank__name"])] = row["total"]
    banks = found.table.headers[1:-1]
    got = {
        (row[0], bank): value
        for row in found.table.rows
        for bank, value in zip(banks, row[1:-1], strict=True)
        if value
    }
    assert got == expected
    assert [row[0] for row in found.table.rows] == ["تهران", "زنجان"]  # largest first
    assert [row[-1] for row in found.table.rows] == [90, 40]
    assert found.links["زنجان"] == "/breakdowns/?year=1397&province=IR-19"


@pytest.mark.django_db
def test_province_backlog_is_not_a_country_view(client, national_manager, figures):
    client.force_login(national_manager)
    ids = [c.id for c in client.get("/breakdowns/?year=1397&province=IR-19").context["charts"]]
    assert "backlog" in ids and "backlog-provinces" not in ids


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "name", "value"),
    [("/?year=1397", "تهران", 90), ("/province/IR-23/?year=1397", None, 90)],
)
def test_ranking_has_a_referrals_column(client, national_manager, figures, url, name, value):
    client.force_login(national_manager)
    table = chart(client.get(url), "provinces" if name else "offices").table
    col = table.screen_headers.index("معرفی به بانک")
    row = next(r for r in table.rows if r[col])
    assert row[col] == value
    if name:
        assert row[1] == name


@pytest.mark.django_db
def test_a_chart_without_data_says_so(client, national_manager, zanjan):
    add_office_year(
        zanjan.offices.order_by("pk").first(),
        1397,
        jobs=120,
        loans_count=60,
        loans_amount_rial=6 * 10**10,
        referred=0,
    )
    client.force_login(national_manager)
    response = client.get("/breakdowns/?year=1397&province=IR-19")
    assert chart(response, "backlog").empty and chart(response, "backlog-trend").empty
    assert not chart(response, "banks").empty
    html = response.content.decode()
    assert html.count(f'<p class="chart-empty" role="status">{NO_DATA}</p>') == 2
    assert 'id="figure-backlog"' not in html and 'id="figure-backlog-trend"' not in html
    assert 'id="figure-banks"' in html
