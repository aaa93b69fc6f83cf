"""The Django admin for admins and provincial users.

Business rules checked:
- every admin page (list, add, change, history) opens for a system admin, in
  Persian, right to left, under the agency's name;
- provincial staff see only their own province's county offices, monthly
  reports and targets; another province's office or report answers 404 and
  cannot be changed by a POST; its history is refused;
- foreign-key choices (provinces, offices) are limited to the user's province;
- only national admins manage users, provinces, schemes, banks and funding
  sources; staff and managers do not even see them on the index;
- managers view but do not change; staff do not edit targets;
- a county office is deactivated (action), never deleted; a scheme that
  figures reference cannot be deleted;
- office search matches names typed without the ZWNJ, with spaces, with
  Arabic ي/ك and with Persian digits;
- editing a month's lines inline keeps the month's totals equal to its lines;
- an approved (locked) month is read-only for staff, editable for an admin;
- dates are Jalali and numbers Persian in lists and history;
- nobody raises their own role or scope through the user admin.
"""

from __future__ import annotations

import re
from html import unescape

import jdatetime
import pytest
from django import forms
from django.contrib import admin
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from loans.models import Bank, FundingSource, LoanFigure, ReferralFigure
from programs.models import (
    CountyOffice,
    JobsFigure,
    MonthlyReport,
    Province,
    ReportStatus,
    Scheme,
    Target,
    User,
)
from programs.services import FigureValue, TargetValue, apply_targets, apply_values
from reliefjobs.lib import clock
from reliefjobs.lib.jalali import format_date
from reliefjobs.lib.money import toman_words

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------- helpers and data
def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def office(province_code: str, name: str) -> CountyOffice:
    return CountyOffice.objects.named(name).get(province__code=province_code)


@pytest.fixture
def figures(admin_user):
    """Zanjan (زنجان office) and Tehran (اسلامشهر office) figures for Farvardin 1398, and targets."""
    zanjan_office = office("IR-19", "زنجان")
    islamshahr = office("IR-23", "اسلامشهر")
    scheme = Scheme.objects.named("کاریابی").get()
    bank = Bank.objects.named("بانک ملی ایران").get()
    fund = FundingSource.objects.named("صندوق امداد ولایت").get()
    values = []
    for o, jobs in ((zanjan_office, 2882), (islamshahr, 8)):
        values += [
            FigureValue(o.pk, 1398, 1, "jobs", jobs, scheme_id=scheme.pk),
            FigureValue(
                o.pk, 1398, 1, "loans_count", 2402, bank_id=bank.pk, funding_source_id=fund.pk
            ),
            FigureValue(
                o.pk,
                1398,
                1,
                "loans_amount_rial",
                408_000_000_000,
                bank_id=bank.pk,
                funding_source_id=fund.pk,
            ),
            FigureValue(o.pk, 1398, 1, "trainees", 52),
        ]
    apply_values(values=values, by=admin_user)
    apply_targets(
        values=[
            TargetValue(1398, zanjan_office.province_id, "jobs", 4000),
            TargetValue(1398, islamshahr.province_id, "jobs", 500, office_id=islamshahr.pk),
        ],
        by=admin_user,
    )
    return {
        "zanjan_report": MonthlyReport.objects.get(office=zanjan_office, year=1398, month=1),
        "tehran_report": MonthlyReport.objects.get(office=islamshahr, year=1398, month=1),
        "zanjan_office": zanjan_office,
        "islamshahr": islamshahr,
        "scheme": scheme,
        "bank": bank,
        "fund": fund,
    }


def post_data(response) -> dict:
    """The change form's current values, as the browser would send them back."""
    data: dict = {}

    def add_form(form):
        for bound in form:
            value = bound.value()
            if isinstance(bound.field, forms.BooleanField):
                if value:
                    data[bound.html_name] = "on"
                continue
            if isinstance(value, list | tuple):
                data[bound.html_name] = [str(v) for v in value]
            else:
                data[bound.html_name] = "" if value is None else str(value)

    add_form(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add_form(formset.management_form)
        for form in formset.forms:
            add_form(form)
    return data


def changelist_rows(client, model, **params):
    response = client.get(url(model, "changelist"), params)
    assert response.status_code == 200
    return list(response.context["cl"].queryset)


def admin_app_models(response) -> set[str]:
    return {m["object_name"] for app in response.context["app_list"] for m in app["models"]}


# ---------------------------------------------------------------- every page opens
def test_every_admin_page_opens_for_an_admin(client, admin_user, figures):
    client.force_login(admin_user)
    must_open = {CountyOffice, MonthlyReport, Target, Province, Scheme, Bank, FundingSource, User}
    opened = set()
    for model, model_admin in admin.site._registry.items():
        response = client.get(url(model, "changelist"), follow=True)
        assert response.status_code == 200, model
        if model_admin.has_add_permission(response.wsgi_request):
            assert client.get(url(model, "add")).status_code == 200, model
        obj = model._default_manager.first()
        if obj is not None:
            assert client.get(url(model, "change", obj.pk)).status_code == 200, model
            assert client.get(url(model, "history", obj.pk)).status_code == 200, model
            opened.add(model)
    assert must_open <= opened


def test_admin_is_persian_right_to_left_under_the_agency_name(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("admin:index"))
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert "سامانه اشتغال امداد" in html
    assert "admin-extra/admin.css" in html
    assert "Django administration" not in html


def visible_english(html: str) -> set[str]:
    """English words a reader would see on the page (markup, scripts and styles removed)."""
    html = re.sub(r"(?s)<(script|style|svg)\b.*?</\1>", " ", html)
    text = unescape(re.sub(r"(?s)<[^>]+>", " ", html))
    return set(re.findall(r"[A-Za-z]{3,}", text))


def test_admin_pages_do_not_leak_english(client, admin_user, zanjan_staff, figures):
    # usernames; axes has no app name to translate; "English" is the language switch
    names = {"sysadmin", "zanjan", "staff", "Axes", "English"}
    report, zanjan_office = figures["zanjan_report"], figures["zanjan_office"]
    pages = [
        reverse("admin:index"),
        url(CountyOffice, "changelist"),
        url(CountyOffice, "change", zanjan_office.pk),
        url(CountyOffice, "history", zanjan_office.pk),
        url(CountyOffice, "add"),
        url(MonthlyReport, "changelist"),
        url(MonthlyReport, "change", report.pk),
        url(MonthlyReport, "history", report.pk),
        url(MonthlyReport, "add"),
        url(Target, "changelist"),
    ]
    for user in (zanjan_staff, admin_user):
        client.force_login(user)
        for page in pages:
            leaked = visible_english(client.get(page).content.decode()) - names
            assert not leaked, (user.username, page, leaked)


# ---------------------------------------------------------------- province scope
def test_zanjan_staff_sees_only_zanjan_rows(client, zanjan_staff, figures, zanjan):
    client.force_login(zanjan_staff)
    offices = changelist_rows(client, CountyOffice)
    assert offices and {o.province_id for o in offices} == {zanjan.pk}
    assert len(offices) == CountyOffice.objects.filter(province=zanjan).count()
    reports = changelist_rows(client, MonthlyReport)
    assert [r.pk for r in reports] == [figures["zanjan_report"].pk]
    targets = changelist_rows(client, Target)
    assert targets and {t.province_id for t in targets} == {zanjan.pk}


def test_staff_gets_404_for_another_provinces_office(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    islamshahr = figures["islamshahr"]
    assert client.get(url(CountyOffice, "change", islamshahr.pk)).status_code == 404
    assert client.get(url(CountyOffice, "delete", islamshahr.pk)).status_code in (403, 404)
    assert client.get(url(CountyOffice, "history", islamshahr.pk)).status_code in (403, 404)
    response = client.post(
        url(CountyOffice, "change", islamshahr.pk),
        {"province": islamshahr.province_id, "name": "تغییر یافته", "is_active": "on"},
    )
    assert response.status_code == 404
    islamshahr.refresh_from_db()
    assert islamshahr.name == "اسلامشهر"


def test_staff_cannot_post_to_another_provinces_report(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    report = figures["tehran_report"]
    assert client.get(url(MonthlyReport, "change", report.pk)).status_code == 404
    response = client.post(url(MonthlyReport, "change", report.pk), {"trainees": "999"})
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.trainees == 52


@pytest.fixture
def zanjan_admin(zanjan):
    return User.objects.create_user(
        "zanjan_admin", password="x", role="admin", province=zanjan, is_staff=True
    )


def test_staff_see_but_do_not_change_county_offices(client, zanjan_staff, figures):
    """Admins manage county offices; staff read their province's list."""
    client.force_login(zanjan_staff)
    office = figures["zanjan_office"]
    assert client.get(url(CountyOffice, "change", office.pk)).status_code == 200
    assert client.get(url(CountyOffice, "add")).status_code == 403
    response = client.post(
        url(CountyOffice, "change", office.pk),
        {"province": office.province_id, "name": "تغییر یافته", "is_active": "on"},
    )
    assert response.status_code == 403
    client.post(
        url(CountyOffice, "changelist"), {"action": "deactivate", "_selected_action": [office.pk]}
    )
    office.refresh_from_db()
    assert office.name != "تغییر یافته" and office.is_active is True


def test_provincial_admin_cannot_add_an_office_to_another_province(client, zanjan_admin, tehran):
    client.force_login(zanjan_admin)
    form = client.get(url(CountyOffice, "add")).context["adminform"].form
    assert list(form.fields["province"].queryset) == [zanjan_admin.province]
    response = client.post(
        url(CountyOffice, "add"), {"province": tehran.pk, "name": "دفتر تازه", "is_active": "on"}
    )
    assert response.status_code == 200  # the form again, with an error
    assert not CountyOffice.objects.named("دفتر تازه").exists()


def test_report_office_choices_are_the_users_province(client, zanjan_staff, zanjan):
    client.force_login(zanjan_staff)
    form = client.get(url(MonthlyReport, "add")).context["adminform"].form
    assert {o.province_id for o in form.fields["office"].queryset} == {zanjan.pk}


@pytest.mark.parametrize("model", [User, Province, Scheme, Bank, FundingSource])
def test_staff_cannot_open_reference_admins(client, zanjan_staff, model):
    client.force_login(zanjan_staff)
    assert client.get(url(model, "changelist")).status_code == 403
    assert client.get(url(model, "add")).status_code == 403


def test_provincial_admin_cannot_manage_reference_lists(client, zanjan):
    client.force_login(
        User.objects.create_user(
            "zanjan_admin2", password="x", role="admin", province=zanjan, is_staff=True
        )
    )
    assert client.get(url(Scheme, "changelist")).status_code == 403
    assert client.get(url(User, "changelist")).status_code == 403


def test_index_shows_staff_only_what_they_may_use(client, zanjan_staff, admin_user):
    client.force_login(zanjan_staff)
    shown = admin_app_models(client.get(reverse("admin:index")))
    assert {"CountyOffice", "MonthlyReport", "Target"} <= shown
    assert not shown & {"User", "Province", "Scheme", "Bank", "FundingSource"}
    client.force_login(admin_user)
    shown = admin_app_models(client.get(reverse("admin:index")))
    assert {"User", "Province", "Scheme", "Bank", "FundingSource"} <= shown


def test_manager_views_but_cannot_change(client, zanjan_manager, figures):
    client.force_login(zanjan_manager)
    report = figures["zanjan_report"]
    response = client.get(url(MonthlyReport, "change", report.pk))
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert (
        client.post(url(MonthlyReport, "change", report.pk), {"trainees": "1"}).status_code == 403
    )
    office_url = url(CountyOffice, "change", figures["zanjan_office"].pk)
    assert client.post(office_url, {"name": "x"}).status_code == 403


def test_staff_do_not_edit_targets(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    target = Target.objects.get(province=zanjan_staff.province, year=1398)
    assert client.get(url(Target, "change", target.pk)).context["has_change_permission"] is False
    assert client.get(url(Target, "add")).status_code == 403


# ---------------------------------------------------------------- offices
def test_deactivate_action_closes_the_office_today(client, zanjan_admin, figures):
    client.force_login(zanjan_admin)
    zanjan_office = figures["zanjan_office"]
    response = client.post(
        url(CountyOffice, "changelist"),
        {"action": "deactivate", "_selected_action": [zanjan_office.pk]},
    )
    assert response.status_code == 302
    zanjan_office.refresh_from_db()
    assert zanjan_office.is_active is False
    assert zanjan_office.closed_on == jdatetime.date.fromgregorian(date=clock.today())
    assert zanjan_office.history.count() >= 2


def test_deactivate_ignores_another_provinces_office(client, zanjan_admin, figures):
    client.force_login(zanjan_admin)
    islamshahr = figures["islamshahr"]
    client.post(
        url(CountyOffice, "changelist"),
        {"action": "deactivate", "_selected_action": [islamshahr.pk]},
    )
    islamshahr.refresh_from_db()
    assert islamshahr.is_active is True


def test_nobody_deletes_a_county_office(client, admin_user, figures):
    client.force_login(admin_user)
    assert client.get(url(CountyOffice, "delete", figures["zanjan_office"].pk)).status_code == 403
    response = client.get(url(CountyOffice, "changelist"))
    assert (
        "delete_selected" not in response.context["action_form"].fields["action"].choices.__repr__()
    )


def test_scheme_used_by_figures_is_not_deleted(client, admin_user, figures):
    client.force_login(admin_user)
    scheme = figures["scheme"]
    response = client.post(url(Scheme, "delete", scheme.pk), {"post": "yes"})
    assert response.status_code == 200  # the "cannot delete, protected" page
    assert Scheme.objects.filter(pk=scheme.pk).exists()


def test_office_dates_use_jalali_widget_and_filter(client, admin_user, figures):
    client.force_login(admin_user)
    zanjan_office = figures["zanjan_office"]
    zanjan_office.opened_on = jdatetime.date(1360, 7, 1)
    zanjan_office.save()
    response = client.get(url(CountyOffice, "change", zanjan_office.pk))
    assert 'class="vjDateField' in response.content.decode()
    listing = client.get(url(CountyOffice, "changelist"), {"q": "زنجان"}).content.decode()
    assert "۱۳۶۰/۰۷/۰۱" in listing
    filtered = changelist_rows(
        client, CountyOffice, opened_on__gte="1360-01-01", opened_on__lt="1361-01-01"
    )
    assert [o.pk for o in filtered] == [zanjan_office.pk]


def test_office_page_lists_its_months_and_targets(client, admin_user, figures):
    client.force_login(admin_user)
    response = client.get(url(CountyOffice, "change", figures["islamshahr"].pk))
    html = response.content.decode()
    assert "فروردین ۱۳۹۸" in html
    assert url(MonthlyReport, "change", figures["tehran_report"].pk) in html
    assert "۵۰۰" in html  # the office's jobs target


def test_office_page_queries_do_not_grow_with_months(client, admin_user, figures):
    client.force_login(admin_user)
    islamshahr = figures["islamshahr"]
    page = url(CountyOffice, "change", islamshahr.pk)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    queries()  # warm the session and content-type caches
    one_month = queries()
    more = [FigureValue(islamshahr.pk, 1398, m, "trainees", m) for m in range(2, 13)]
    apply_values(values=more, by=admin_user)
    assert queries() == one_month


# ---------------------------------------------------------------- search
@pytest.mark.parametrize(
    "typed, expected",
    [
        ("اسلام\u200cشهر", "اسلامشهر"),
        ("اسلام شهر", "اسلامشهر"),
        ("اسلامشهر", "اسلامشهر"),
        ("پاكدشت", "پاکدشت"),  # Arabic kaf
        ("شميرانات", "شمیرانات"),  # Arabic yeh
    ],
)
def test_office_search_matches_name_variants(client, admin_user, typed, expected):
    client.force_login(admin_user)
    names = {o.name for o in changelist_rows(client, CountyOffice, q=typed)}
    assert expected in names


def test_office_search_matches_persian_and_latin_digits(client, admin_user, tehran):
    CountyOffice.objects.create(province=tehran, name="ناحیه ۲")
    client.force_login(admin_user)
    for typed in ("ناحيه 2", "ناحیه ۲", "ناحیه٢"):
        names = {o.name for o in changelist_rows(client, CountyOffice, q=typed)}
        assert names == {"ناحیه ۲"}, typed


def test_report_search_finds_office_by_variant(client, admin_user, figures):
    client.force_login(admin_user)
    rows = changelist_rows(client, MonthlyReport, q="اسلام\u200cشهر")
    assert [r.pk for r in rows] == [figures["tehran_report"].pk]


def test_search_stays_within_the_users_province(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    assert changelist_rows(client, CountyOffice, q="اسلامشهر") == []


# ---------------------------------------------------------------- monthly reports
def test_inline_figure_edit_updates_totals(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    report = figures["zanjan_report"]
    change_url = url(MonthlyReport, "change", report.pk)
    data = post_data(client.get(change_url))
    jobs_prefix = "jobs_lines"
    assert data[f"{jobs_prefix}-0-value"] == "۲٬۸۸۲"  # shown as it is typed
    data[f"{jobs_prefix}-0-value"] = "3000"
    # A new referral line: 5 clients at Bank Sepah.
    sepah = Bank.objects.named("بانک سپه").get()
    data["referral_lines-TOTAL_FORMS"] = "1"
    data.update({"referral_lines-0-bank": str(sepah.pk), "referral_lines-0-value": "۵"})
    data["trainees"] = "60"
    response = client.post(change_url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    report.refresh_from_db()
    assert (report.jobs, report.referred, report.trainees) == (3000, 5, 60)
    assert report.loans_count == 2402 and report.version > 1
    assert report.updated_by == zanjan_staff
    assert ReferralFigure.objects.get(report=report).value == 5


def test_inline_line_deleted_leaves_totals_equal(client, admin_user, figures):
    client.force_login(admin_user)
    report = figures["zanjan_report"]
    change_url = url(MonthlyReport, "change", report.pk)
    data = post_data(client.get(change_url))
    data["loan_lines-0-DELETE"] = "on"
    assert client.post(change_url, data).status_code == 302
    report.refresh_from_db()
    assert (report.loans_count, report.loans_amount_rial) == (0, 0)
    assert not LoanFigure.objects.filter(report=report).exists()


def test_locked_month_is_read_only_for_staff(client, zanjan_staff, figures):
    report = figures["zanjan_report"]
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    client.force_login(zanjan_staff)
    change_url = url(MonthlyReport, "change", report.pk)
    response = client.get(change_url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    data = post_data(response)
    data["trainees"] = "1"
    assert client.post(change_url, data).status_code == 403
    report.refresh_from_db()
    assert report.trainees == 52
    assert JobsFigure.objects.get(report=report).value == 2882


def test_admin_may_edit_a_locked_month(client, admin_user, figures):
    report = figures["zanjan_report"]
    MonthlyReport.objects.filter(pk=report.pk).update(status=ReportStatus.APPROVED)
    client.force_login(admin_user)
    change_url = url(MonthlyReport, "change", report.pk)
    data = post_data(client.get(change_url))
    data["jobs_lines-0-value"] = "2900"
    assert client.post(change_url, data).status_code == 302
    report.refresh_from_db()
    assert report.jobs == 2900


def test_staff_cannot_set_a_months_status(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    report = figures["zanjan_report"]
    change_url = url(MonthlyReport, "change", report.pk)
    data = post_data(client.get(change_url))
    data["status"] = ReportStatus.APPROVED
    assert client.post(change_url, data).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_report_list_shows_persian_numbers_toman_and_jalali(client, admin_user, figures):
    client.force_login(admin_user)
    html = client.get(url(MonthlyReport, "changelist")).content.decode()
    assert "۲٬۸۸۲" in html and "۲٬۴۰۲" in html
    assert toman_words(408_000_000_000) in html  # «۴۰ میلیارد و ۸۰۰ میلیون تومان»
    report = figures["zanjan_report"]
    assert format_date(report.updated_at) in html
    assert "فروردین ۱۳۹۸" in html


def test_history_is_listed_with_jalali_dates(client, admin_user, figures):
    client.force_login(admin_user)
    report = figures["zanjan_report"]
    response = client.get(url(MonthlyReport, "history", report.pk))
    assert response.status_code == 200
    record = report.history.first()
    assert format_date(record.history_date) in response.content.decode()


def test_staff_cannot_read_another_provinces_history(client, zanjan_staff, figures):
    client.force_login(zanjan_staff)
    report = figures["tehran_report"]
    assert client.get(url(MonthlyReport, "history", report.pk)).status_code in (403, 404)
    version = report.history.first().history_id
    history_url = reverse("admin:programs_monthlyreport_simple_history", args=[report.pk, version])
    assert client.get(history_url).status_code in (403, 404)


# ---------------------------------------------------------------- users
def _national_admin():
    return User.objects.create_user("national_admin", password="x", role="admin", is_staff=True)


def test_admin_cannot_change_own_role_or_scope(client, zanjan):
    me = _national_admin()
    client.force_login(me)
    change_url = url(User, "change", me.pk)
    response = client.get(change_url)
    assert response.status_code == 200
    assert "role" not in response.context["adminform"].form.fields
    data = post_data(response)
    data.update({"role": "staff", "province": str(zanjan.pk), "is_superuser": "on"})
    assert client.post(change_url, data).status_code == 302
    me.refresh_from_db()
    assert (me.role, me.province_id, me.is_superuser) == ("admin", None, False)


def test_admin_sets_another_users_role_and_scope(client, zanjan_staff, tehran):
    client.force_login(_national_admin())
    change_url = url(User, "change", zanjan_staff.pk)
    data = post_data(client.get(change_url))
    data.update({"role": "manager", "province": str(tehran.pk), "is_superuser": "on"})
    assert client.post(change_url, data).status_code == 302
    zanjan_staff.refresh_from_db()
    assert (zanjan_staff.role, zanjan_staff.province_id) == ("manager", tehran.pk)
    assert zanjan_staff.is_superuser is False  # only a superuser grants that


def test_admin_adds_a_provincial_user(client, zanjan):
    client.force_login(_national_admin())
    response = client.post(
        url(User, "add"),
        {
            "username": "new_staff",
            "role": "staff",
            "province": zanjan.pk,
            "password1": "Long-enough-pass-4812",
            "password2": "Long-enough-pass-4812",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="new_staff")
    assert (user.role, user.province_id, user.is_staff) == ("staff", zanjan.pk, True)
