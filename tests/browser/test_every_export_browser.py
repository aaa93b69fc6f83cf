"""Every download link works from a real Chromium (dashboards issue, item 4).

Rule checked: on each dashboard page kind (country, province, county office,
breakdowns at country, province and office level) for the Zanjan 1397 demo,
every export link present in the page's DOM downloads with 200 in the logged-in
browser session, and the file opens (CSV in the csv module, XLSX in openpyxl).
tests/test_every_export.py checks every page; this checks the links as a person
clicks them.
"""

import csv
import io

from openpyxl import load_workbook

from tests.browser.conftest import login
from tests.conftest import PASSWORD


def test_every_export_link_downloads_a_readable_file(page, reference_data):
    from programs import demo
    from programs.models import CountyOffice, User

    demo.load_demo(provinces=["IR-19"])
    User.objects.create_user(username="national", password=PASSWORD, role="manager")
    office = CountyOffice.objects.get(province__code="IR-19", name="زنجان").pk
    login(page, "national", PASSWORD)
    pages = [
        "/?year=1397",
        "/province/IR-19/?year=1397",
        f"/office/{office}/?year=1397",
        "/breakdowns/?year=1397",
        "/breakdowns/?year=1397&province=IR-19",
        f"/breakdowns/?year=1397&office={office}",
    ]
    opened, failures = 0, []
    for url in pages:
        page.goto(page.live_url + url)
        links = page.evaluate(
            "() => Array.from(document.querySelectorAll('a[href^=\"/export/\"]'))"
            ".map(a => a.getAttribute('href'))"
        )
        assert links, url
        for link in links:
            response = page.request.get(page.live_url + link)
            if response.status != 200:
                failures.append((link, response.status))
                continue
            body = response.body()
            if ".xlsx" in link:
                rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
            else:
                rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
            assert rows and rows[0], link
            opened += 1
    assert failures == []
    assert opened >= 50
