"""`manage.py add_user NAME --role staff|manager|admin [--province CODE] [--password-stdin]`.

Business rules checked:
- creates a user with the role and province scope; all roles may use the
  (scoped) admin site; an admin without a province is a superuser, with a
  province is not;
- running it again updates role and scope instead of creating a second user;
- the password is read from standard input and checked by the validators;
- an unknown role or province, or staff without a province, is a clear error
  and creates nothing.
"""

import io

import pytest
from django.core.management import CommandError, call_command

from programs.models import User

pytestmark = pytest.mark.django_db


def add(*args, stdin=None):
    out = io.StringIO()
    call_command("add_user", *args, "--language", "en", stdout=out, stdin=stdin)
    return out.getvalue()


def test_staff_with_province_and_password(zanjan):
    out = add(
        "ali",
        "--role",
        "staff",
        "--province",
        "IR-19",
        "--password-stdin",
        stdin=io.StringIO("correct-horse-42\n"),
    )
    user = User.objects.get(username="ali")
    assert (user.role, user.province, user.is_staff, user.is_superuser) == (
        "staff",
        zanjan,
        True,
        False,
    )
    assert user.check_password("correct-horse-42")
    assert "Created user ali (staff, زنجان)." in out


def test_national_admin_is_superuser():
    add("boss", "--role", "admin")
    user = User.objects.get(username="boss")
    assert user.is_superuser and user.is_staff and user.province is None
    assert not user.has_usable_password()


def test_provincial_admin_is_not_superuser(tehran):
    add("tadmin", "--role", "admin", "--province", "تهران")
    user = User.objects.get(username="tadmin")
    assert not user.is_superuser and user.is_staff and user.province == tehran


def test_running_again_updates_instead_of_duplicating(zanjan):
    add("sara", "--role", "staff", "--province", "IR-19")
    out = add("sara", "--role", "manager")
    assert User.objects.filter(username="sara").count() == 1
    user = User.objects.get(username="sara")
    assert (user.role, user.province) == ("manager", None)
    assert "Updated user sara" in out


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("--role", "boss"), "Unknown role boss"),
        (("--role", "manager", "--province", "IR-77"), "Unknown province IR-77"),
        (("--role", "staff"), "Provincial staff need --province"),
    ],
)
def test_bad_role_or_province_is_a_clear_error(args, fragment):
    with pytest.raises(CommandError, match=fragment):
        add("x", *args)
    assert not User.objects.filter(username="x").exists()


def test_weak_password_is_refused():
    with pytest.raises(CommandError):
        add("weak", "--role", "manager", "--password-stdin", stdin=io.StringIO("123\n"))
    assert not User.objects.filter(username="weak").exists()
