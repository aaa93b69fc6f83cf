"""One unit policy (GLOSSARY.md, "Units"): people type and read toman; the database keeps rials.

Business rules checked:
- every admin field that takes money takes toman with separators and says «(تومان)»;
  the stored value is integer rials (entry settings' loan bounds, amount targets);
- the admin's history and /audit/ show money changes in toman with the unit, and
  /audit/ labels them in toman.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from loans.models import Bank, FundingSource
from programs.models import CountyOffice, EntrySettings, Target
from programs.services import FigureValue, apply_values

pytestmark = pytest.mark.django_db


def test_entry_settings_loan_bounds_are_typed_in_toman(client, admin_user):
    client.force_login(admin_user)
    settings = EntrySettings.load()
    change = reverse("admin:programs_entrysettings_change", args=[settings.pk])
    html = client.get(change).content.decode()
    assert "(تومان)" in html and "(ریال)" not in html
    assert 'value="۵٬۰۰۰٬۰۰۰"' in html  # the default 50,000,000 rials
    response = client.post(
        change,
        {
            "deadline_day": "10",
            "min_average_loan_rial": "۲٬۰۰۰٬۰۰۰",
            "max_average_loan_rial": "۵۰۰,۰۰۰,۰۰۰",
            "max_jobs_per_loan": "5",
            "spike_factor": "3",
        },
    )
    assert response.status_code == 302
    settings.refresh_from_db()
    assert settings.min_average_loan_rial == 20_000_000
    assert settings.max_average_loan_rial == 5_000_000_000


def test_amount_target_history_is_in_toman(client, admin_user, zanjan):
    target = Target.objects.create(
        year=1405, province=zanjan, measure="loans_amount_rial", value=400_000_000_000
    )
    target.value = 408_000_000_000
    target._history_user = admin_user
    target.save()
    client.force_login(admin_user)
    html = client.get(reverse("admin:programs_target_history", args=[target.pk])).content.decode()
    assert "۴۰٬۸۰۰٬۰۰۰٬۰۰۰ تومان" in html and "۴۰٬۰۰۰٬۰۰۰٬۰۰۰ تومان" in html
    assert "۴۰۸٬۰۰۰٬۰۰۰٬۰۰۰" not in html


def test_audit_labels_money_in_toman(client, admin_user, zanjan_staff, zanjan):
    office = CountyOffice.objects.filter(province=zanjan).order_by("pk").first()
    line = {
        "bank_id": Bank.objects.first().pk,
        "funding_source_id": FundingSource.objects.first().pk,
    }
    apply_values(
        values=[
            FigureValue(office.pk, 1405, 5, "loans_count", 3, **line),
            FigureValue(office.pk, 1405, 5, "loans_amount_rial", 9_000_000_000, **line),
        ],
        by=zanjan_staff,
    )
    client.force_login(admin_user)
    entries = client.get("/audit/", {"kind": "loans"}).context["entries"]
    amount = next(c for e in entries for c in e.changes if c.field == "amount_rial")
    assert "تومان" in amount.label and "ریال" not in amount.label
    assert amount.new_display == "۹۰۰٬۰۰۰٬۰۰۰ تومان"


def test_targets_list_names_the_amount_measure_in_toman(client, admin_user, zanjan):
    Target.objects.create(
        year=1405, province=zanjan, measure="loans_amount_rial", value=408_000_000_000
    )
    client.force_login(admin_user)
    html = client.get(reverse("admin:programs_target_changelist")).content.decode()
    assert "مبلغ تسهیلات پرداخت‌شده (تومان)" in html
    assert "۴۰ میلیارد و ۸۰۰ میلیون تومان" in html
    visible = re.sub(r"(?s)<[^>]+>", " ", html)
    assert "(ریال)" not in visible  # neither in the list nor in its filter
