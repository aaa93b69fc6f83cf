"""Money units on every dashboard screen and file (reports.units).

Rules checked:
- a money figure on a screen is in toman and says «تومان», in a file it is in
  rials and its header says «ریال»: one helper holds the unit and label pairs;
- on every dashboard page (country, province, county office, breakdowns at each
  level) no label says «ریال»; every money column's header and each of its cells
  name the same unit; every "label: value" line of every chart's hover names
  the same unit on both sides; every money axis is titled «تومان»;
- the CSV of a money table has «ریال» headers and whole rials (no «تومان»).
"""

import csv
import io
import re

import pytest
from django.core.cache import cache

from reports import units
from tests.test_dashboard_data import add_office_year, seed_zanjan_1397

TOMAN, RIAL = "تومان", "ریال"


def test_one_pair_of_unit_and_label_per_medium():
    assert units.label("مبلغ وام", "rial", units.SCREEN) == "مبلغ وام (تومان)"
    assert units.label("مبلغ وام", "rial", units.FILE) == "مبلغ وام (ریال)"
    assert units.label("اشتغال", "int", units.SCREEN) == "اشتغال"
    assert units.value(408_000_000_000, units.SCREEN) == "۴۰٫۸ میلیارد تومان"
    assert units.value(408_000_000_000, units.FILE) == 408_000_000_000
    assert units.plotted(408_000_000_000) == 40_800_000_000


def unit_of(text: str) -> str | None:
    has_toman, has_rial = TOMAN in text, RIAL in text
    if has_toman and has_rial:
        return "both"
    return TOMAN if has_toman else RIAL if has_rial else None


@pytest.fixture
def pages(client, national_manager, zanjan, tehran):
    offices = seed_zanjan_1397(zanjan)
    add_office_year(
        tehran.offices.order_by("pk").first(),
        1397,
        jobs=453,
        loans_count=90,
        loans_amount_rial=536_000_000_000,
    )
    cache.clear()
    client.force_login(national_manager)
    office = offices[0].pk
    return [
        client.get(url)
        for url in (
            "/?year=1397",
            "/province/IR-19/?year=1397",
            f"/office/{office}/?year=1397",
            "/breakdowns/?year=1397",
            "/breakdowns/?year=1397&province=IR-19",
            f"/breakdowns/?year=1397&office={office}",
        )
    ]


def _hover_lines(figure: dict):
    for trace in figure["data"]:
        texts = trace.get("hovertext") or []
        for text in [texts] if isinstance(texts, str) else texts:
            for line in str(text or "").split("<br>"):
                yield re.sub(r"<[^>]+>", "", line)
        yield str(trace.get("name", ""))


@pytest.mark.django_db
def test_no_screen_label_says_rial(pages):
    for response in pages:
        assert response.status_code == 200
        html = response.content.decode()
        assert RIAL not in html, response.request["PATH_INFO"]


@pytest.mark.django_db
def test_money_headers_and_cells_name_the_same_unit(pages):
    seen = 0
    for response in pages:
        tables = [c.table for c in response.context["charts"]]
        if response.context.get("months") is not None:
            tables.append(response.context["months"])
        for table in tables:
            for col, kind in enumerate(table.kinds):
                header = table.screen_headers[col]
                cells = [
                    row[col][1]
                    for row in table.display_rows()
                    if row[col][1] not in ("—", "داده‌ای نیست")  # no figure, no unit
                ]
                if kind == "rial":
                    seen += 1
                    assert unit_of(header) == TOMAN, header
                    assert cells and all(unit_of(c) == TOMAN for c in cells), (header, cells)
                    assert unit_of(table.headers[col]) == RIAL
                else:
                    assert unit_of(header) is None and not any(unit_of(c) for c in cells), header
    assert seen >= 6


@pytest.mark.django_db
def test_hover_labels_and_values_name_the_same_unit(pages):
    checked = 0
    for response in pages:
        for chart in response.context["charts"]:
            money_drawn = False
            for line in _hover_lines(chart.figure):
                label, sep, value = line.rpartition(": ")
                if not sep:
                    continue
                if unit_of(value) or unit_of(label):
                    checked += 1
                    assert unit_of(label) in (None, unit_of(value)) and unit_of(value), line
                    money_drawn = True
            if money_drawn:
                axes = [
                    v for k, v in chart.figure["layout"].items() if k.startswith(("xaxis", "yaxis"))
                ]
                titles = [a.get("title", {}).get("text", "") for a in axes]
                assert TOMAN in titles, (chart.id, titles)
    assert checked >= 10


@pytest.mark.django_db
def test_cards_and_summary_say_toman(pages):
    country = pages[0]
    card = next(c for c in country.context["cards"] if c["label"] == "مبلغ وام پرداخت‌شده")
    assert card["value"].endswith(TOMAN)
    assert "تومان" in country.context["narrative"] and RIAL not in country.context["narrative"]


@pytest.mark.django_db
def test_money_file_columns_are_rials(client, pages):
    response = client.get("/export/breakdowns/banks.csv?year=1397&province=IR-19")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    money = [i for i, h in enumerate(rows[0]) if RIAL in h]
    assert money and TOMAN not in response.content.decode("utf-8-sig")
    total = sum(int(row[money[0]]) for row in rows[1:])
    assert total == 408_000_000_000  # the Zanjan 1397 loans, in rials
