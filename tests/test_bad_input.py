"""Bad input at the edges: every page, form and API parameter given nonsense.

Rules checked:
- wrong types, out-of-range years and months, other provinces' codes, huge ids, very
  long strings and SQL/HTML injection strings in URLs, query strings and forms give a
  clear 4xx (or a form error on a 200/400 page), never a 500;
- the API answers such input with a JSON error body and the right status (400/403/404);
- HTML typed into a field note is stored as typed and shown escaped, on the notes list
  and on the county office's dashboard;
- an injection string typed as a province or office name matches nothing and changes
  nothing.
"""

import json

import pytest

from programs.models import CountyOffice, FieldNote, Province

SQL = "1403' OR '1'='1"
SQL2 = "IR-19'; DROP TABLE programs_province; --"
HTML = '<script>alert("x")</script><img src=x onerror=alert(1)>'
LONG = "۹" * 5000
HUGE_ID = "99999999999999999999999"  # beyond 64 bits
BIG_ID = "9223372036854775807"  # the largest bigint: a valid int, no such row

YEARS = ["abc", "", "0", "-1", "1.5", "1e3", "99999", "1299", "1501", LONG, SQL, HTML, "١٤٠٣x",
         "9" * 30]  # fmt: skip
CODES = ["IR-99", "XX", "", LONG, SQL2, HTML, "ir-", "IR--19", "%00", "../IR-19"]


@pytest.fixture
def as_staff(client, zanjan_staff):
    client.force_login(zanjan_staff)
    return client


@pytest.fixture
def as_admin(client, admin_user):
    client.force_login(admin_user)
    return client


def _office(code):
    return CountyOffice.objects.filter(province__code=code).order_by("pk").first()


def assert_client_error(response, allowed=(400, 403, 404, 405)):
    assert response.status_code in allowed, (response.status_code, response.content[:300])


def assert_not_500(response):
    assert response.status_code < 500, response.content[:500]


# --- the API -----------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["progress", "monthly"])
@pytest.mark.parametrize("year", YEARS)
def test_api_bad_year_is_a_json_400(as_admin, endpoint, year):
    response = as_admin.get(f"/api/v1/{endpoint}", {"year": year} if year else {"year": ""})
    if year == "":
        assert response.status_code == 200  # empty means the current year
        return
    assert response.status_code == 400
    body = response.json()
    assert body["status"] == 400 and body["error"]


@pytest.mark.parametrize("endpoint", ["progress", "monthly"])
@pytest.mark.parametrize("code", CODES)
def test_api_bad_province_is_a_json_400(as_admin, endpoint, code):
    response = as_admin.get(f"/api/v1/{endpoint}", {"year": "1403", "province": code})
    assert response.status_code == 400
    assert response.json()["error"]
    assert "<script>" not in response.content.decode() or response["Content-Type"].startswith(
        "application/json"
    )


@pytest.mark.parametrize("code", ["IR-23", "تهران", "ir-23", "23", "۲۳"])
def test_api_other_province_in_any_spelling_is_403(as_staff, code):
    response = as_staff.get("/api/v1/progress", {"year": "1403", "province": code})
    assert response.status_code == 403
    assert response.json()["status"] == 403


def test_api_repeated_and_unknown_parameters_do_not_confuse_it(as_staff):
    response = as_staff.get("/api/v1/progress?year=1403&year=abc&province=IR-19&foo=<b>")
    assert_not_500(response)
    response = as_staff.get("/api/v1/progress?province=IR-19&province=IR-23&year=1403")
    assert response.status_code == 403  # the last value counts, and it is checked


def test_api_refuses_other_methods(as_admin):
    assert as_admin.post("/api/v1/progress?year=1403").status_code == 405
    assert as_admin.delete("/api/v1/monthly?year=1403").status_code == 405


# --- the dashboards ----------------------------------------------------------------------------


@pytest.mark.parametrize("year", YEARS[:1] + YEARS[2:])
@pytest.mark.parametrize("path", ["/", "/province/IR-19/", "/breakdowns/"])
def test_dashboard_bad_year_is_a_400(as_admin, path, year):
    assert as_admin.get(path, {"year": year}).status_code == 400


@pytest.mark.parametrize("code", CODES[:2] + CODES[3:])
def test_dashboard_bad_province_code_is_a_404(as_admin, code):
    from urllib.parse import quote

    assert_client_error(as_admin.get(f"/province/{quote(code, safe='')}/"), (404,))


@pytest.mark.parametrize("office", [HUGE_ID, BIG_ID, "0"])
def test_dashboard_unknown_office_id_is_a_404(as_admin, office):
    assert as_admin.get(f"/office/{office}/").status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"office": "abc"},
        {"office": HUGE_ID},
        {"office": SQL},
        {"office": "-1"},
        {"province": SQL2},
        {"province": LONG},
        {"province": HTML},
    ],
)
@pytest.mark.parametrize("path", ["/breakdowns/", "/export/province/jobs-by-office.csv"])
def test_dashboard_bad_scope_parameters_are_client_errors(as_admin, path, query):
    assert_client_error(as_admin.get(path, {"year": "1403", **query}))


@pytest.mark.parametrize(
    "path",
    [
        "/export/nothing/chart.csv",
        "/export/province/no-such-chart.csv?province=IR-19",
        "/export/province/x.xlsx?province=IR-23",
        f"/export/country/{'a' * 3000}.csv",
    ],
)
def test_export_unknown_view_or_chart_is_a_404(as_admin, path):
    assert as_admin.get(path).status_code == 404


# --- monthly entry -----------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["abc", SQL, LONG, "-5", "1e9", HTML])
def test_entry_home_bad_year_is_a_client_error(as_staff, year):
    assert_client_error(as_staff.get("/entry/", {"year": year}), (400, 404))


@pytest.mark.parametrize("code", ["IR-23", "IR-99", SQL2, HTML, LONG])
def test_entry_home_other_or_bad_province_is_a_404(as_staff, code):
    assert as_staff.get("/entry/", {"province": code}).status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/entry/IR-19/99999/",
        "/entry/IR-19/0/",
        f"/entry/IR-19/{HUGE_ID}/",
        "/entry/office/{z}/1403/13/",
        "/entry/office/{z}/1403/0/",
        "/entry/office/{z}/99999/1/",
        f"/entry/office/{HUGE_ID}/1403/1/",
        f"/entry/office/{BIG_ID}/1403/1/",
        "/entry/office/{t}/1403/1/",
        "/entry/IR-19/1403/13/sheet.xlsx",
        f"/entry/IR-19/{HUGE_ID}/1/sheet.xlsx",
        "/entry/IR-19/sheet/?year=abc&month=1",
        "/entry/IR-19/sheet/?year=1403&month=99",
        f"/entry/IR-19/sheet/?year={HUGE_ID}&month=1",
        f"/entry/IR-19/notes/{HUGE_ID}/",
        "/entry/IR-19/notes/?area=<script>&bank=abc&status=' OR 1=1",
        f"/entry/IR-19/notes/?bank={HUGE_ID}",
    ],
)
def test_entry_pages_with_impossible_parameters_never_fail(as_staff, path):
    path = path.format(z=_office("IR-19").pk, t=_office("IR-23").pk)
    response = as_staff.get(path)
    assert_not_500(response)
    assert response.status_code in (200, 302, 400, 404), response.status_code


@pytest.mark.parametrize(
    "value",
    ["abc", "-5", "1.5", LONG[:40], "9" * 40, SQL, HTML[:40], "١٢٣abc", "1,2,3,4.5", "∞"],
)
def test_month_form_rejects_nonsense_values_with_a_form_error(as_staff, value):
    from programs import entry_queries

    office = _office("IR-19")
    url = f"/entry/office/{office.pk}/1403/2/"
    page = as_staff.get(url)
    keys = [k for k in page.context["form"].fields if k.startswith("jobs_")]
    data = {"version": "0", "base": "{}", keys[0]: value}
    response = as_staff.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert entry_queries.find_report(office, 1403, 2) is None, "nothing may be saved"


@pytest.mark.parametrize(
    "data",
    [
        {"version": "abc", "base": "{}"},
        {"version": "-1", "base": "{}"},
        {"version": HUGE_ID, "base": "{}"},
        {"version": "0", "base": "{not json"},
        {"version": "0", "base": json.dumps({"jobs_1": "x"})},
        {"version": "0", "base": LONG},
        {"version": "0", "base": "{}", "reason": "x" * 600},
    ],
)
def test_month_form_bad_hidden_fields_are_client_errors(as_staff, data):
    """A bad version is a form error; a damaged `base` only loses the stale-form hint."""
    office = _office("IR-19")
    response = as_staff.post(f"/entry/office/{office.pk}/1403/3/", data)
    assert_not_500(response)
    assert response.status_code in (200, 302, 400, 409)
    if data["version"] != "0" or "reason" in data:
        assert response.status_code in (400, 409)  # a form error, or "changed since" (huge)


@pytest.mark.parametrize(
    "data",
    [
        {"action": "approve", "version": "abc"},
        {"action": "<script>", "version": "1"},
        {"action": SQL, "version": "1"},
        {"action": "submit", "version": HUGE_ID},
        {"action": "return", "version": "1", "comment": LONG},
        {},
    ],
)
def test_workflow_step_with_nonsense_is_a_client_error(as_admin, data):
    office = _office("IR-19")
    response = as_admin.post(f"/entry/office/{office.pk}/1403/1/step/", data)
    assert_not_500(response)
    assert response.status_code in (302, 400, 404)


@pytest.mark.parametrize(
    "content,name",
    [
        (b"", "empty.csv"),
        (b"\x00\x01\x02garbage", "x.xlsx"),
        (b"PK\x03\x04not really a zip", "sheet.xlsx"),
        (HTML.encode(), "<script>.csv"),
        (("a," * 5000).encode(), "wide.csv"),
        ("استان\n".encode("utf-16"), "utf16.csv"),
    ],
)
def test_upload_of_junk_is_a_400_with_a_message(as_staff, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = as_staff.post("/entry/IR-19/upload/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert "<script>alert" not in response.content.decode()


def test_upload_without_a_file_is_a_400(as_staff):
    assert as_staff.post("/entry/IR-19/upload/", {}).status_code == 400


def test_upload_confirm_without_a_preview_is_refused_politely(as_staff):
    response = as_staff.post("/entry/IR-19/upload/confirm/")
    assert response.status_code == 302


# --- field notes: HTML is escaped -----------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"noted_on": "1404/12/30"},  # not a real Jalali date
        {"noted_on": "abc"},
        {"noted_on": LONG},
        {"area": "<script>"},
        {"office": "{t}"},  # another province's office
        {"office": HUGE_ID},
        {"bank": SQL},
        {"status": "resolved", "resolved_on": ""},
        {"text": ""},
    ],
)
def test_note_form_bad_fields_are_form_errors(as_staff, data):
    good = {
        "office": str(_office("IR-19").pk),
        "noted_on": "1403/02/08",
        "area": "banking",
        "bank": "",
        "text": "ok",
        "status": "open",
        "resolved_on": "",
    }
    data = {k: v.format(t=_office("IR-23").pk) for k, v in data.items()}
    response = as_staff.post("/entry/IR-19/notes/new/", {**good, **data})
    assert response.status_code in (200, 400)
    assert response.context["form"].errors
    assert FieldNote.objects.count() == 0


def test_html_in_a_field_note_is_stored_as_typed_and_shown_escaped(as_staff, zanjan_staff):
    office = _office("IR-19")
    response = as_staff.post(
        "/entry/IR-19/notes/new/",
        {
            "office": str(office.pk),
            "noted_on": "1403/02/08",
            "area": "banking",
            "text": HTML,
            "status": "open",
        },
    )
    assert response.status_code == 302, response.content[:500]
    assert FieldNote.objects.get().text == HTML
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    for path in ["/entry/IR-19/notes/", f"/office/{office.pk}/?year=1403"]:
        text = as_staff.get(path).content.decode()
        assert "<script>alert" not in text, path
        assert "<img src=x" not in text, path
        assert escaped in text or "&lt;script&gt;" in text, path


# --- NUL bytes (PostgreSQL refuses them in text) ---------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/province/%00/",
        "/?year=%00",
        "/breakdowns/?province=IR-19%00",
        "/entry/?province=%00",
        "/entry/IR-19/notes/?area=%00",
        "/audit/?date_from=%00",
        "/api/v1/progress?province=%00",
        "/api/v1/monthly?year=1403%00",
    ],
)
def test_nul_bytes_in_a_url_are_a_400(as_admin, path):
    response = as_admin.get(path)
    assert response.status_code == 400
    if path.startswith("/api/"):
        assert response.json()["status"] == 400


def test_nul_byte_in_a_form_field_is_a_form_error(as_staff):
    response = as_staff.post(
        "/entry/IR-19/notes/new/",
        {"office": str(_office("IR-19").pk), "noted_on": "1403/02/08", "area": "banking",
         "text": "a\x00b", "status": "open"},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    assert "text" in response.context["form"].errors


# --- names that look like attacks ----------------------------------------------------------


@pytest.mark.parametrize("text", [SQL2, HTML, "' OR 1=1 --", "IR-19' --", "%' OR name LIKE '%"])
def test_injection_strings_match_no_province_and_change_nothing(text, db):
    count = Province.objects.count()
    assert Province.objects.by_identifier(text) is None
    assert Province.objects.count() == count == 31


def test_login_with_absurd_input_is_a_form_error(client, db):
    response = client.post("/accounts/login/", {"username": LONG + SQL, "password": HTML * 100})
    assert response.status_code == 200
    assert response.context["form"].errors


# --- reference data in use cannot be deleted -------------------------------------------------


def test_reference_rows_used_by_figures_cannot_be_deleted(admin_user, as_admin):
    from django.db.models import ProtectedError

    from loans.models import Bank, FundingSource
    from programs.models import MonthlyReport, Scheme
    from programs.services import FigureValue
    from tests.seeding import apply_values

    office = _office("IR-19")
    scheme, bank, source = (
        Scheme.objects.first(),
        Bank.objects.first(),
        FundingSource.objects.first(),
    )
    apply_values(
        values=[
            FigureValue(office.pk, 1403, 1, "jobs", 3, scheme_id=scheme.pk),
            FigureValue(office.pk, 1403, 1, "loans_count", 2, bank_id=bank.pk,
                        funding_source_id=source.pk),
            FigureValue(office.pk, 1403, 1, "loans_amount_rial", 200_000_000, bank_id=bank.pk,
                        funding_source_id=source.pk),
        ],
        by=admin_user,
    )  # fmt: skip
    for obj in (office, scheme, bank, source, office.province):
        with pytest.raises(ProtectedError):
            obj.delete()
    # Nor through the admin's delete page: it explains, and the POST deletes nothing.
    for url in [
        f"/admin/programs/scheme/{scheme.pk}/delete/",
        f"/admin/loans/bank/{bank.pk}/delete/",
        f"/admin/loans/fundingsource/{source.pk}/delete/",
        f"/admin/programs/countyoffice/{office.pk}/delete/",
    ]:
        assert_not_500(as_admin.post(url, {"post": "yes"}))
    assert Scheme.objects.filter(pk=scheme.pk).exists()
    assert Bank.objects.filter(pk=bank.pk).exists()
    assert FundingSource.objects.filter(pk=source.pk).exists()
    assert CountyOffice.objects.filter(pk=office.pk).exists()
    assert MonthlyReport.objects.filter(office=office).count() == 1
