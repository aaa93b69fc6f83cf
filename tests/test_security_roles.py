"""Roles and scope cannot be raised from inside, and the admin's choices stay in scope.

Rules checked:
- a provincial admin cannot open the user admin at all, so cannot change their own
  (or anyone's) role or province;
- a national admin who is not a superuser cannot make themselves superuser, nor change
  their own role or scope, through the user admin;
- a provincial staff member's foreign-key choices in the admin (county office of a
  monthly report) hold only their own province's offices;
- the admin's delete of a county office is refused: offices are deactivated, never deleted.
"""

import pytest

from programs.models import CountyOffice, User
from tests.conftest import PASSWORD


@pytest.fixture
def zanjan_admin(db, zanjan):
    return User.objects.create_user(
        username="zanjan_admin", password=PASSWORD, role="admin", province=zanjan, is_staff=True
    )


@pytest.fixture
def national_admin(db):
    return User.objects.create_user(
        username="national_admin", password=PASSWORD, role="admin", is_staff=True
    )


def test_provincial_admin_cannot_edit_users_or_their_own_scope(client, zanjan_admin):
    client.force_login(zanjan_admin)
    url = f"/admin/programs/user/{zanjan_admin.pk}/change/"
    assert client.get(url).status_code == 403
    response = client.post(url, {"username": "zanjan_admin", "role": "admin", "province": ""})
    assert response.status_code == 403
    zanjan_admin.refresh_from_db()
    assert zanjan_admin.province.code == "IR-19" and not zanjan_admin.is_superuser


def test_national_admin_cannot_make_themselves_superuser(client, national_admin, zanjan):
    client.force_login(national_admin)
    url = f"/admin/programs/user/{national_admin.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: ("" if value is None else value)
        for name, value in form.initial.items()
        if name in form.fields and not form.fields[name].disabled
    }
    data.update(
        {"username": "national_admin", "first_name": "Changed", "is_superuser": "on", "role": "staff",
         "province": str(zanjan.pk), "is_active": "on", "is_staff": "on"}
    )  # fmt: skip
    data = {k: v for k, v in data.items() if not isinstance(v, list | tuple)}
    client.post(url, data)
    national_admin.refresh_from_db()
    assert national_admin.first_name == "Changed", "the form was accepted"
    assert not national_admin.is_superuser
    assert national_admin.role == "admin"
    assert national_admin.province_id is None


def test_staff_cannot_add_a_monthly_report_in_the_admin(client, zanjan_staff):
    """Figures are entered on the month page only (the admin is read-only for them)."""
    client.force_login(zanjan_staff)
    assert client.get("/admin/programs/monthlyreport/add/").status_code == 403


def test_nobody_deletes_a_county_office_in_the_admin(client, admin_user, zanjan):
    office = CountyOffice.objects.filter(province=zanjan).first()
    client.force_login(admin_user)
    assert (
        client.post(
            f"/admin/programs/countyoffice/{office.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    assert CountyOffice.objects.filter(pk=office.pk).exists()
