"""Targets add up: county office targets against the province target.

Business rules checked (GLOSSARY.md words):
- when a province's county office targets do not add up to its province
  target, the province page and the targets admin say so and by how much
  (Zanjan 1405: 4,960 for the province, 3,451 over its offices → 1,509 less);
- when they add up, or the target is not split to offices, nothing is said;
- the target form lists only the chosen province's county offices, and a
  posted office of another province is a form error (nothing saved);
- a target for the amount of loans is typed and shown in toman and kept in rials.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from programs.models import CountyOffice, Target
from programs.target_sums import target_gaps

pytestmark = pytest.mark.django_db


def url(view, *args):
    return reverse(f"admin:programs_target_{view}", args=args)


@pytest.fixture
def zanjan_targets(zanjan):
    offices = list(CountyOffice.objects.filter(province=zanjan).order_by("pk")[:2])
    Target.objects.create(year=1405, province=zanjan, measure="jobs", value=4960)
    Target.objects.create(year=1405, province=zanjan, office=offices[0], measure="jobs", value=2000)
    Target.objects.create(year=1405, province=zanjan, office=offices[1], measure="jobs", value=1451)
    # loans count adds up: no notice for it
    Target.objects.create(year=1405, province=zanjan, measure="loans_count", value=100)
    Target.objects.create(
        year=1405, province=zanjan, office=offices[0], measure="loans_count", value=100
    )
    # trainees not split to offices: nothing to add up
    Target.objects.create(year=1405, province=zanjan, measure="trainees", value=3200)
    return offices


def test_gap_says_by_how_much(zanjan, zanjan_targets):
    gaps = target_gaps(year=1405, province=zanjan)
    assert [(g.measure, g.province_target, g.offices_total, g.difference) for g in gaps] == [
        ("jobs", 4960, 3451, 1509)
    ]


def test_province_page_shows_the_gap(client, zanjan_manager, zanjan_targets):
    client.force_login(zanjan_manager)
    html = client.get(reverse("province", args=["IR-19"]), {"year": 1405}).content.decode()
    assert "هدف‌های ادارات شهرستان با هدف استان جمع نمی‌خورد" in html
    assert "۴٬۹۶۰" in html and "۳٬۴۵۱" in html and "۱٬۵۰۹ کمتر" in html


def test_province_page_says_nothing_when_targets_add_up(client, zanjan_manager, zanjan):
    office = CountyOffice.objects.filter(province=zanjan).first()
    Target.objects.create(year=1405, province=zanjan, measure="jobs", value=500)
    Target.objects.create(year=1405, province=zanjan, office=office, measure="jobs", value=500)
    client.force_login(zanjan_manager)
    html = client.get(reverse("province", args=["IR-19"]), {"year": 1405}).content.decode()
    assert "جمع نمی‌خورد" not in html


def test_targets_admin_shows_the_gap(client, admin_user, zanjan_targets):
    client.force_login(admin_user)
    response = client.get(url("changelist"), {"year": "1405"})
    html = response.content.decode()
    assert "هدف‌های ادارات شهرستان با هدف استان جمع نمی‌خورد" in html
    assert "۳٬۴۵۱" in html and "۱٬۵۰۹ کمتر" in html
    assert "جمع ادارات شهرستان" in html  # the column


def test_target_form_lists_only_the_chosen_provinces_offices(client, admin_user, zanjan):
    client.force_login(admin_user)
    target = Target.objects.create(year=1405, province=zanjan, measure="jobs", value=4960)
    form = client.get(url("change", target.pk)).context["adminform"].form
    offices = form.fields["office"].queryset
    assert offices.exists() and set(offices.values_list("province_id", flat=True)) == {zanjan.pk}
    add = client.get(url("add"), {"province": zanjan.pk}).context["adminform"].form
    assert set(add.fields["office"].queryset.values_list("province_id", flat=True)) == {zanjan.pk}
    html = client.get(url("add")).content.decode()
    assert f'data-province="{zanjan.pk}"' in html
    assert "admin-extra/target-form.js" in html


def test_office_of_another_province_is_a_form_error(client, admin_user, zanjan, tehran):
    client.force_login(admin_user)
    islamshahr = CountyOffice.objects.named("اسلامشهر").get(province=tehran)
    response = client.post(
        url("add"),
        {
            "year": "1405",
            "province": zanjan.pk,
            "office": islamshahr.pk,
            "measure": "jobs",
            "value": "5",
        },
    )
    assert response.status_code == 200
    assert "استان انتخاب‌شده" in str(response.context["adminform"].form.errors["office"])
    assert not Target.objects.filter(office=islamshahr).exists()


def test_amount_target_is_typed_and_shown_in_toman(client, admin_user, zanjan):
    client.force_login(admin_user)
    response = client.post(
        url("add"),
        {
            "year": "۱۴۰۵",
            "province": zanjan.pk,
            "office": "",
            "measure": "loans_amount_rial",
            "value": "۴۰٬۸۰۰٬۰۰۰٬۰۰۰",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(year=1405, province=zanjan, measure="loans_amount_rial")
    assert target.value == 408_000_000_000
    html = client.get(url("change", target.pk)).content.decode()
    assert 'value="۴۰٬۸۰۰٬۰۰۰٬۰۰۰"' in html
    assert "تومان" in html


def test_targets_admin_notice_follows_the_province_filter(
    client, admin_user, zanjan, tehran, zanjan_targets
):
    islamshahr = CountyOffice.objects.named("اسلامشهر").get(province=tehran)
    Target.objects.create(year=1405, province=tehran, measure="jobs", value=900)
    Target.objects.create(year=1405, province=tehran, office=islamshahr, measure="jobs", value=453)
    client.force_login(admin_user)
    both = client.get(url("changelist"), {"year": "1405"}).context["target_gaps"]
    assert len(both) == 2
    only_tehran = client.get(url("changelist"), {"year": "1405", "province__id__exact": tehran.pk})
    assert [line.split("،")[0] for line in only_tehran.context["target_gaps"]] == ["تهران"]
