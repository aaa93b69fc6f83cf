"""Every admin form takes what a Persian keyboard types and refuses duplicates in Persian.

Business rules checked (GLOSSARY.md words):
- number fields are text boxes read by the one number parser: «۱۴۰۵», «۷۰۰»,
  «۲٬۱۰۰» typed with Persian digits and separators are saved as numbers;
- Jalali dates are typed with slashes or dashes in either digit set
  («۱۴۰۵/۰۹/۰۱», «1405/9/1», «1405-09-01»); an impossible day is a form error;
- a duplicate (a scheme, bank, county office or province whose name equals an
  existing one after ي/ك/ZWNJ normalisation, a second target for the same
  year, place and measure) is a Persian form error naming the existing record:
  no 500, no English constraint text, nothing saved;
- an admin changelist filtered by a province the user cannot see lists nothing.
"""

from __future__ import annotations

import jdatetime
import pytest
from django.urls import reverse

from loans.models import Bank
from programs.models import CountyOffice, EntrySettings, Province, Scheme, Target

pytestmark = pytest.mark.django_db


def url(model, view, *args):
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_errors(response) -> str:
    """Every error the admin form shows (fields and above the form), as one text."""
    assert response.status_code == 200, response.status_code
    form = response.context["adminform"].form
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


def office_data(office, **changes):
    data = {
        "province": office.province_id,
        "name": office.name,
        "is_active": "on",
        "opened_on": "",
        "closed_on": "",
        "merged_into": "",
        # the read-only inlines' management forms
        "reports-TOTAL_FORMS": "0",
        "reports-INITIAL_FORMS": "0",
        "target_set-TOTAL_FORMS": "0",
        "target_set-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def _inline_prefixes(client, office):
    response = client.get(url(CountyOffice, "change", office.pk))
    data = {}
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for bound in management:
            data[bound.html_name] = str(bound.value() or 0)
    return data


# ---------------------------------------------------------------- numbers
def test_number_fields_are_text_boxes_not_type_number(admin_client):
    html = admin_client.get(url(Target, "add")).content.decode()
    assert 'type="number"' not in html
    assert 'inputmode="numeric"' in html


def test_target_typed_with_persian_digits_is_saved(admin_client, zanjan):
    response = admin_client.post(
        url(Target, "add"),
        {"year": "۱۴۰۵", "province": zanjan.pk, "office": "", "measure": "jobs", "value": "۲٬۱۰۰"},
    )
    assert response.status_code == 302, form_errors(response)
    target = Target.objects.get(year=1405, province=zanjan, office=None, measure="jobs")
    assert target.value == 2100


def test_a_number_that_is_not_one_is_a_form_error(admin_client, zanjan):
    response = admin_client.post(
        url(Target, "add"),
        {"year": "۱۴۰۵", "province": zanjan.pk, "office": "", "measure": "jobs", "value": "۷۰۰x"},
    )
    assert "عدد" in form_errors(response)
    assert not Target.objects.filter(year=1405, province=zanjan).exists()


def test_entry_settings_take_persian_digits(admin_client):
    settings = EntrySettings.load()
    response = admin_client.post(
        url(EntrySettings, "change", settings.pk),
        {
            "deadline_day": "۱۲",
            "min_average_loan_rial": "۵٬۰۰۰٬۰۰۰",
            "max_average_loan_rial": "۵۰۰٬۰۰۰٬۰۰۰",
            "max_jobs_per_loan": "۷",
            "spike_factor": "٣",
        },
    )
    assert response.status_code == 302, form_errors(response)
    settings.refresh_from_db()
    assert (settings.deadline_day, settings.max_jobs_per_loan, settings.spike_factor) == (12, 7, 3)


# ---------------------------------------------------------------- Jalali dates
@pytest.mark.parametrize("typed", ["۱۴۰۵/۰۹/۰۱", "1405/9/1", "1405-09-01", "۱۴۰۵-۹-۱"])
def test_office_dates_typed_with_slashes_or_dashes_in_either_digit_set(admin_client, typed):
    office = CountyOffice.objects.filter(province__code="IR-19").order_by("pk").first()
    data = office_data(office, closed_on=typed, **_inline_prefixes(admin_client, office))
    response = admin_client.post(url(CountyOffice, "change", office.pk), data)
    assert response.status_code == 302, form_errors(response)
    office.refresh_from_db()
    assert office.closed_on == jdatetime.date(1405, 9, 1)


def test_office_form_shows_its_date_the_way_it_is_typed(admin_client):
    office = CountyOffice.objects.filter(province__code="IR-19").order_by("pk").first()
    office.opened_on = jdatetime.date(1398, 2, 8)
    office.save()
    html = admin_client.get(url(CountyOffice, "change", office.pk)).content.decode()
    assert 'value="۱۳۹۸/۰۲/۰۸"' in html


def test_an_impossible_jalali_day_is_a_form_error(admin_client):
    office = CountyOffice.objects.filter(province__code="IR-19").order_by("pk").first()
    data = office_data(office, closed_on="۱۴۰۴/۱۲/۳۰", **_inline_prefixes(admin_client, office))
    errors = form_errors(admin_client.post(url(CountyOffice, "change", office.pk), data))
    assert "تاریخ" in errors
    office.refresh_from_db()
    assert office.closed_on is None


# ---------------------------------------------------------------- duplicates
def _no_english_constraint_text(errors: str):
    assert "Constraint" not in errors and "violated" not in errors and "already" not in errors


def test_scheme_spelled_with_arabic_letters_is_a_duplicate(admin_client):
    before = Scheme.objects.count()
    response = admin_client.post(url(Scheme, "add"), {"name": "کاريابي", "is_active": "on"})
    errors = form_errors(response)
    assert "«کاریابی»" in errors and "طرح" in errors
    _no_english_constraint_text(errors)
    assert "Please correct" not in response.content.decode()
    assert Scheme.objects.count() == before


def test_bank_with_an_existing_name_is_a_duplicate(admin_client):
    before = Bank.objects.count()
    response = admin_client.post(url(Bank, "add"), {"name": "بانک سپه", "is_active": "on"})
    errors = form_errors(response)
    assert "«بانک سپه»" in errors
    _no_english_constraint_text(errors)
    assert Bank.objects.count() == before


def test_office_name_with_a_space_is_a_duplicate_in_its_province(admin_client, zanjan):
    existing = CountyOffice.objects.named("ماه نشان").get(province=zanjan)
    response = admin_client.post(
        url(CountyOffice, "add"),
        office_data(existing, name="ماه نشان", **{"reports-TOTAL_FORMS": "0"}),
    )
    errors = form_errors(response)
    assert f"«{existing.name}" in errors and "زنجان" in errors
    _no_english_constraint_text(errors)
    assert CountyOffice.objects.named("ماه نشان").filter(province=zanjan).count() == 1


def test_same_office_name_in_another_province_is_allowed(admin_client, tehran):
    response = admin_client.post(
        url(CountyOffice, "add"),
        {
            "province": tehran.pk,
            "name": "ماه نشان",
            "is_active": "on",
            "reports-TOTAL_FORMS": "0",
            "reports-INITIAL_FORMS": "0",
            "target_set-TOTAL_FORMS": "0",
            "target_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, form_errors(response)


def test_province_with_an_existing_name_is_a_duplicate(admin_client):
    before = Province.objects.count()
    response = admin_client.post(
        url(Province, "add"), {"code": "IR-31", "name": "زنجان", "name_en": "Zanjan 2"}
    )
    errors = form_errors(response)
    assert "«زنجان»" in errors and "استان" in errors
    _no_english_constraint_text(errors)
    assert Province.objects.count() == before


def test_duplicate_target_is_a_persian_error_naming_the_existing_one(admin_client, zanjan):
    office = CountyOffice.objects.named("ماه نشان").get(province=zanjan)
    Target.objects.create(year=1405, province=zanjan, office=office, measure="jobs", value=300)
    response = admin_client.post(
        url(Target, "add"),
        {
            "year": "1405",
            "province": zanjan.pk,
            "office": office.pk,
            "measure": "jobs",
            "value": "5",
        },
    )
    errors = form_errors(response)
    assert office.name in errors and "۱۴۰۵" in errors
    _no_english_constraint_text(errors)
    assert Target.objects.filter(year=1405, office=office).count() == 1


def test_duplicate_province_target_is_a_persian_error(admin_client, zanjan):
    Target.objects.create(year=1405, province=zanjan, measure="jobs", value=4960)
    response = admin_client.post(
        url(Target, "add"),
        {"year": "1405", "province": zanjan.pk, "office": "", "measure": "jobs", "value": "5"},
    )
    errors = form_errors(response)
    assert "زنجان" in errors
    _no_english_constraint_text(errors)
    assert Target.objects.filter(year=1405, province=zanjan, office=None).count() == 1


def test_renaming_a_scheme_to_itself_is_not_a_duplicate(admin_client):
    scheme = Scheme.objects.named("کاریابی").get()
    response = admin_client.post(
        url(Scheme, "change", scheme.pk), {"name": "کاريابي", "is_active": "on"}
    )
    assert response.status_code == 302, form_errors(response)


# ---------------------------------------------------------------- filters (issue 13, finding 8)
@pytest.fixture
def zanjan_rows(admin_user, zanjan):
    from programs.services import FigureValue, apply_values

    office = CountyOffice.objects.filter(province=zanjan).order_by("pk").first()
    scheme = Scheme.objects.named("کاریابی").get()
    apply_values(
        values=[FigureValue(office.pk, 1405, 1, "jobs", 7, scheme_id=scheme.pk)], by=admin_user
    )
    Target.objects.create(year=1405, province=zanjan, measure="jobs", value=4960)


@pytest.mark.parametrize(
    ("model", "param"),
    [
        (CountyOffice, "province__id__exact"),
        (Target, "province__id__exact"),
        ("programs.MonthlyReport", "office__province__id__exact"),
    ],
)
def test_list_filtered_by_a_province_you_cannot_see_lists_nothing(
    client, zanjan_staff, tehran, zanjan, zanjan_rows, model, param
):
    from django.apps import apps

    model = apps.get_model(model) if isinstance(model, str) else model
    client.force_login(zanjan_staff)
    changelist = url(model, "changelist")
    own = client.get(changelist, {param: zanjan.pk})
    assert own.status_code == 200 and own.context["cl"].result_count > 0
    other = client.get(changelist, {param: tehran.pk})
    assert other.status_code == 200
    assert other.context["cl"].result_count == 0
    assert list(other.context["cl"].result_list) == []


def test_duplicate_username_is_a_persian_error(admin_client, zanjan_staff, zanjan):
    response = admin_client.post(
        reverse("admin:programs_user_add"),
        {
            "username": "Zanjan_Staff",
            "role": "staff",
            "province": zanjan.pk,
            "password1": "a-long-pass-1405",
            "password2": "a-long-pass-1405",
        },
    )
    errors = form_errors(response)
    assert "«zanjan_staff" in errors and "کاربر" in errors
    assert "already" not in errors
