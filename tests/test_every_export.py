"""Every download works (dashboards issue, item 4).

Rules checked:
- every export link on every dashboard page kind (country, province, county
  office, breakdowns at country, province and office level), collected from the
  rendered pages so a new chart's links are covered without editing this test,
  answers 200 for the Zanjan 1397 demo data with a file that opens: the CSV in
  the csv module (BOM, a header, rows), the XLSX in openpyxl (a valid sheet title,
  the same header and as many rows as the CSV);
- the four URLs that answered 500 (a «:» in the chart title became the sheet
  title) are among them.
"""

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook

from programs import demo
from programs.models import CountyOffice
from reliefjobs.lib import cells

pytestmark = pytest.mark.django_db

YEAR = 1397
START = [f"/?year={YEAR}", f"/breakdowns/?year={YEAR}"]
_HREF = re.compile(r'href="([^"]+)"')
_PAGE = re.compile(r"^/(province/[^/]+/|office/\d+/|breakdowns/)?$")


def _in_scope(url: str, zanjan_offices: set[str]) -> bool:
    """A dashboard page of the country, of Zanjan or of one of its offices, for YEAR."""
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    if not _PAGE.match(parts.path) or query.get("year") != str(YEAR):
        return False
    if parts.path.startswith("/province/"):
        return parts.path == "/province/IR-19/"
    if parts.path.startswith("/office/"):
        return parts.path.split("/")[2] in zanjan_offices
    if "office" in query:
        return query["office"] in zanjan_offices
    return query.get("province", "IR-19") == "IR-19"


def _crawl(client, zanjan_offices) -> tuple[list[str], set[str]]:
    """(pages visited, export links found on them)."""
    todo, seen, exports = list(START), set(START), set()
    while todo:
        url = todo.pop(0)
        response = client.get(url)
        assert response.status_code == 200, url
        for link in {html.unescape(h) for h in _HREF.findall(response.content.decode())}:
            if link.startswith("/export/"):
                exports.add(link)
            elif link not in seen and _in_scope(link, zanjan_offices):
                seen.add(link)
                todo.append(link)
    return sorted(seen), exports


def _csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(response) -> list[list]:
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 1
    title = book.active.title
    assert title == cells.sheet_title(title) and len(title) <= 31
    return [list(r) for r in book.active.iter_rows(values_only=True)]


def test_every_export_link_on_every_page_opens(client, national_manager, zanjan):
    demo.load_demo(provinces=["IR-19"])
    client.force_login(national_manager)
    offices = {str(pk) for pk in zanjan.offices.values_list("pk", flat=True)}
    pages, links = _crawl(client, offices)
    kinds = {urlsplit(p).path.split("/")[1] or "country" for p in pages}
    assert kinds == {"country", "province", "office", "breakdowns"}
    breakdown_levels = {
        ("office" if "office=" in p else "province" if "province=" in p else "country")
        for p in pages
        if p.startswith("/breakdowns/")
    }
    assert breakdown_levels == {"country", "province", "office"}

    zanjan_office = CountyOffice.objects.get(province=zanjan, name="زنجان").pk
    reported = {
        f"/export/breakdowns/backlog.xlsx?year={YEAR}&province=IR-19",
        f"/export/office/backlog.xlsx?year={YEAR}&office={zanjan_office}",
        f"/export/province/year-vs-last.xlsx?year={YEAR}&province=IR-19",
    }
    assert reported <= links
    # «انباشت بانکی: …» on the country breakdowns page
    assert f"/export/breakdowns/backlog.xlsx?year={YEAR}" in links

    failures, opened = [], 0
    for csv_link in sorted(link for link in links if ".csv?" in link):
        xlsx_link = csv_link.replace(".csv?", ".xlsx?")
        assert xlsx_link in links, f"no Excel link next to {csv_link}"
        as_csv, as_xlsx = client.get(csv_link), client.get(xlsx_link)
        if as_csv.status_code != 200 or as_xlsx.status_code != 200:
            failures.append((csv_link, as_csv.status_code, xlsx_link, as_xlsx.status_code))
            continue
        text_rows, sheet_rows = _csv_rows(as_csv), _xlsx_rows(as_xlsx)
        assert text_rows and text_rows[0], csv_link
        assert [cells.from_csv_text(h) for h in text_rows[0]] == sheet_rows[0], xlsx_link
        assert len(text_rows) == len(sheet_rows), xlsx_link
        opened += 2
    assert not failures
    assert opened == len(links) and opened >= 50
