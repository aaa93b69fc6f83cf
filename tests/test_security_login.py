"""Login throttling, session expiry and password rules.

Rules checked:
- after RELIEFJOBS_LOGIN_FAILURES failed log-ins the account is locked out, even with the
  right password, and the lock-out page speaks Persian;
- a session is an inactivity timeout: activity pushes the expiry forward (at most one
  session write a minute), a session left alone past its age sends the user to log in;
- changing a password logs out the user's other sessions but keeps the one that changed it;
- password validators refuse short, common and all-digit passwords.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from reliefjobs import security
from tests.conftest import PASSWORD

# A page a Zanjan user may open ("/" sends provincial users on to their province).
ZANJAN_HOME = "/province/IR-19/"


@pytest.fixture
def axes_on(db):
    # Attempts are rows in the test transaction, rolled back with it.
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield


def _login(client, username, password):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="fa",
        REMOTE_ADDR="10.0.0.7",
    )


def test_repeated_failures_lock_the_account_with_a_persian_message(axes_on, zanjan_staff, client):
    for _ in range(3):
        response = _login(client, "zanjan_staff", "wrong-password")
    response = _login(client, "zanjan_staff", PASSWORD)
    assert response.status_code == 429
    text = response.content.decode()
    assert "ورود بیش از حد مجاز" in text and "۱۵ دقیقه" in text
    assert "Too many" not in text
    assert "_auth_user_id" not in client.session


def test_below_the_limit_a_correct_password_still_logs_in(axes_on, zanjan_staff, client):
    for _ in range(2):
        _login(client, "zanjan_staff", "wrong-password")
    response = _login(client, "zanjan_staff", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(zanjan_staff.pk)


# The notices list goes the whole way; the province page is a warm page (reports.warm)
# once stored, and a warm page must restart the timer too.
@pytest.mark.parametrize("url", ["/notices/", ZANJAN_HOME])
def test_activity_pushes_the_session_expiry_forward_at_most_once_a_minute(
    zanjan_staff, client, url
):
    client.force_login(zanjan_staff)
    start = 1_900_000_000
    with mock.patch.object(security.time, "time", return_value=start):
        client.get(url)
    key = client.session.session_key
    first = Session.objects.get(session_key=key).expire_date

    with (
        mock.patch.object(security.time, "time", return_value=start + 30),
        mock.patch("django.contrib.sessions.backends.db.SessionStore.save") as save,
    ):
        client.get(url)
        client.get(url)
    assert not save.called, "a request within the minute must not write the session"

    later = timezone.now() + timezone.timedelta(minutes=5)  # noqa: TID251 (sessions expire by the real clock)
    with (
        mock.patch.object(security.time, "time", return_value=start + 300),
        mock.patch("django.utils.timezone.now", return_value=later),
    ):
        client.get(url)
    assert Session.objects.get(session_key=key).expire_date > first


def test_anonymous_visits_create_no_session(client, db):
    client.get("/accounts/login/")
    assert Session.objects.count() == 0


def test_a_session_left_alone_past_its_age_must_log_in_again(zanjan_staff, client):
    client.force_login(zanjan_staff)
    assert client.get(ZANJAN_HOME).status_code == 200
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timezone.timedelta(seconds=1)  # noqa: TID251 (real clock, as Django)
    )
    caches["default"].clear()  # cached_db sessions: drop the cached copy too
    response = client.get(ZANJAN_HOME)
    assert response.status_code == 302
    assert response.url.startswith(settings.LOGIN_URL) or "/accounts/login/" in response.url


def test_session_age_is_the_configured_inactivity_timeout():
    assert settings.SESSION_COOKIE_AGE > 0
    assert "reliefjobs.security.SessionActivityMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE.index(
        "reliefjobs.security.SessionActivityMiddleware"
    ) > settings.MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware")


def test_password_change_logs_out_other_sessions(zanjan_staff):
    here, elsewhere = Client(), Client()
    here.force_login(zanjan_staff)
    elsewhere.force_login(zanjan_staff)
    assert elsewhere.get(ZANJAN_HOME).status_code == 200

    response = here.post(
        "/admin/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase-42",
            "new_password2": "a-new-long-passphrase-42",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert here.get(ZANJAN_HOME).status_code == 200, "the session that changed it stays logged in"
    other = elsewhere.get(ZANJAN_HOME)
    assert other.status_code == 302
    assert "/accounts/login/" in other.url


def test_password_set_elsewhere_logs_out_existing_sessions(zanjan_staff, client):
    client.force_login(zanjan_staff)
    assert client.get(ZANJAN_HOME).status_code == 200  # warms any per-user cache
    zanjan_staff.set_password("another-long-passphrase-7")
    zanjan_staff.save()
    assert client.get(ZANJAN_HOME).status_code == 302


def test_a_deactivated_account_is_logged_out_at_once(zanjan_staff, client):
    client.force_login(zanjan_staff)
    assert client.get(ZANJAN_HOME).status_code == 200
    zanjan_staff.is_active = False
    zanjan_staff.save()
    response = client.get(ZANJAN_HOME)
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.get("/api/v1/progress?year=1403").status_code == 401


def test_a_narrowed_scope_applies_at_once(zanjan_staff, national_manager, client, tehran):
    client.force_login(national_manager)
    assert client.get("/province/IR-23/").status_code == 200
    national_manager.province = tehran.__class__.objects.get(code="IR-19")
    national_manager.save()
    assert client.get("/province/IR-23/").status_code == 404


@pytest.mark.parametrize("weak", ["short1", "password123", "12345678901", "zanjan_staff1"])
def test_weak_passwords_are_refused(weak, zanjan_staff):
    with pytest.raises(ValidationError):
        validate_password(weak, user=zanjan_staff)


def test_a_long_unusual_passphrase_is_accepted(zanjan_staff):
    validate_password("river-lamp-Zanjan-1403-copper", user=zanjan_staff)
