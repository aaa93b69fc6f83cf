"""Field notes: dated obstacles from field visits, per county office.

Business rules checked:
- staff of the province add a note with a Jalali date, an area and
  optionally a bank; it lists under the province and can be filtered by
  area, bank and status;
- a resolved note needs its resolution date, which cannot precede the note;
- staff of another province get 404 on the list and on another province's
  note; an office of another province cannot be chosen; anonymous → login.
"""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from loans.models import Bank
from programs.models import CountyOffice, FieldNote, NoteStatus
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _client(user):
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def office(zanjan):
    return CountyOffice.objects.filter(province=zanjan).order_by("name").first()


def _note(office, user, **extra):
    data = {
        "office": office,
        "noted_on": dt.date(2026, 10, 1),
        "area": "banking",
        "text": "تأخیر بانک",
        "created_by": user,
    }
    data.update(extra)
    return FieldNote.objects.create(**data)


def test_staff_adds_a_note_with_a_jalali_date(office, zanjan_staff):
    bank = Bank.objects.named("بانک سپه").get()
    response = _client(zanjan_staff).post(
        reverse("entry:note_new", args=["IR-19"]),
        {
            "office": office.pk,
            "noted_on": "۱۴۰۵/۰۸/۰۱",
            "area": "banking",
            "bank": bank.pk,
            "text": "بانک ضامن کارمند می‌خواهد",
            "status": "open",
        },
    )
    assert response.status_code == 302
    note = FieldNote.objects.get()
    assert note.noted_on == dt.date(2026, 10, 23)
    assert (note.bank, note.created_by, note.status) == (bank, zanjan_staff, NoteStatus.OPEN)


def test_invalid_jalali_date_is_refused(office, zanjan_staff):
    response = _client(zanjan_staff).post(
        reverse("entry:note_new", args=["IR-19"]),
        {
            "office": office.pk,
            "noted_on": "۱۴۰۴/۱۲/۳۰",
            "area": "executive",
            "text": "x",
            "status": "open",
        },
    )
    assert response.status_code == 200 and "noted_on" in response.context["form"].errors
    assert not FieldNote.objects.exists()


def test_resolved_note_needs_a_resolution_date(office, zanjan_staff):
    client = _client(zanjan_staff)
    url = reverse("entry:note_new", args=["IR-19"])
    data = {
        "office": office.pk,
        "noted_on": "1405/08/01",
        "area": "insurance",
        "text": "بیمه",
        "status": "resolved",
    }
    assert "resolved_on" in client.post(url, data).context["form"].errors
    assert (
        "resolved_on"
        in client.post(url, {**data, "resolved_on": "1405/07/01"}).context["form"].errors
    )
    assert client.post(url, {**data, "resolved_on": "1405/08/05"}).status_code == 302


def test_list_filters_by_area_bank_and_status(office, zanjan_staff):
    bank = Bank.objects.named("بانک سپه").get()
    _note(office, zanjan_staff, bank=bank)
    _note(office, zanjan_staff, area="insurance", text="بیمه")
    _note(
        office,
        zanjan_staff,
        area="executive",
        status="resolved",
        resolved_on=dt.date(2026, 10, 5),
        text="حل شد",
    )
    client = _client(zanjan_staff)
    url = reverse("entry:notes", args=["IR-19"])
    assert len(client.get(url).context["notes"]) == 3
    assert [n.text for n in client.get(url, {"area": "insurance"}).context["notes"]] == ["بیمه"]
    assert [n.text for n in client.get(url, {"bank": bank.pk}).context["notes"]] == ["تأخیر بانک"]
    assert [n.text for n in client.get(url, {"status": "resolved"}).context["notes"]] == ["حل شد"]
    assert "۱۴۰۵/۰۷/۰۹" in client.get(url).content.decode()


def test_other_province_staff_gets_404(office, zanjan_staff, tehran_staff, tehran):
    note = _note(office, zanjan_staff)
    client = _client(tehran_staff)
    assert client.get(reverse("entry:notes", args=["IR-19"])).status_code == 404
    assert client.get(reverse("entry:note_edit", args=["IR-19", note.pk])).status_code == 404
    assert client.get(reverse("entry:note_edit", args=["IR-23", note.pk])).status_code == 404


def test_office_of_another_province_cannot_be_chosen(zanjan_staff, tehran):
    other = CountyOffice.objects.filter(province=tehran).first()
    response = _client(zanjan_staff).post(
        reverse("entry:note_new", args=["IR-19"]),
        {
            "office": other.pk,
            "noted_on": "1405/08/01",
            "area": "other",
            "text": "x",
            "status": "open",
        },
    )
    assert "office" in response.context["form"].errors
    assert not FieldNote.objects.exists()


def test_anonymous_is_sent_to_login():
    response = Client().get(reverse("entry:note_new", args=["IR-19"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
