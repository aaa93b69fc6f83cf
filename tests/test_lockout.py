"""Log-in lock-out by username and address (attack audit, finding 5; docs/permissions.md).

Rules checked:
- one person's wrong passwords lock only their username on their address: a
  colleague on the same address logs in, and so does the same person from
  another address;
- guessing one account from many addresses is stopped: after
  RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME failures from any addresses the right
  password is refused too; below it the account still logs in;
- behind RELIEFJOBS_PROXY_COUNT trusted proxies the client's address is the one
  the proxy saw (X-Forwarded-For), not the proxy's, and a forged left part of
  the header is ignored;
- the limits and the lock time are settings read from the environment, and the
  lock-out page states the configured time in Persian.
"""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.test import RequestFactory, override_settings

from reliefjobs.lockout import client_ip
from tests.conftest import PASSWORD

PAIR, PER_USERNAME = 3, 8


@pytest.fixture
def axes_on(db):
    # Attempts are rows in the test transaction, rolled back with it.
    with override_settings(
        AXES_ENABLED=True,
        AXES_FAILURE_LIMIT=PAIR,
        RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME=PER_USERNAME,
    ):
        yield


def _login(client, username, password, address, **extra):
    client.logout()
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        HTTP_ACCEPT_LANGUAGE="fa",
        REMOTE_ADDR=address,
        **extra,
    )


def _logged_in(response) -> bool:
    return response.status_code == 302


def test_one_persons_failures_do_not_lock_a_colleague_on_the_same_address(
    axes_on, zanjan_staff, zanjan_manager, client
):
    office = "10.0.0.7"
    for _ in range(PAIR):
        _login(client, "zanjan_staff", "wrong-password", office)
    assert _login(client, "zanjan_staff", PASSWORD, office).status_code == 429
    assert _logged_in(_login(client, "zanjan_manager", PASSWORD, office))
    # the same person from another address is not locked by the pair either
    assert _logged_in(_login(client, "zanjan_staff", PASSWORD, "10.0.0.8"))


def test_guessing_one_account_from_many_addresses_is_stopped(axes_on, national_manager, client):
    for i in range(PER_USERNAME):
        assert _login(
            client, "national_manager", f"guess-{i}", f"198.51.100.{i + 1}"
        ).status_code in (
            200,
            429,
        )
    response = _login(client, "national_manager", PASSWORD, "203.0.113.50")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # a colleague is not affected by the attack on another account
    assert _login(client, "someone_else", "x", "203.0.113.50").status_code == 200


def test_below_the_per_username_limit_the_account_still_logs_in(axes_on, national_manager, client):
    for i in range(PER_USERNAME - 1):
        _login(client, "national_manager", f"guess-{i}", f"198.51.100.{i + 1}")
    assert _logged_in(_login(client, "national_manager", PASSWORD, "203.0.113.50"))


def test_behind_a_trusted_proxy_the_forwarded_address_counts(
    axes_on, zanjan_staff, zanjan_manager, client
):
    with override_settings(RELIEFJOBS_PROXY_COUNT=1):
        for _ in range(PAIR):
            _login(client, "zanjan_staff", "wrong", "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10")
        locked = _login(
            client, "zanjan_staff", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.10"
        )
        assert locked.status_code == 429
        # the same username from another office, through the same proxy: not locked
        other = _login(
            client, "zanjan_staff", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.99"
        )
        assert _logged_in(other)


def test_client_ip_trusts_only_the_configured_proxies():
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.10")
    with override_settings(RELIEFJOBS_PROXY_COUNT=0):
        assert client_ip(forged) == "127.0.0.1"
    with override_settings(RELIEFJOBS_PROXY_COUNT=1):
        assert client_ip(forged) == "192.0.2.10"
        assert client_ip(factory.get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
    with override_settings(RELIEFJOBS_PROXY_COUNT=2):
        assert client_ip(forged) == "6.6.6.6"


def test_the_lock_out_page_states_the_configured_time(axes_on, zanjan_staff, client):
    with override_settings(AXES_COOLOFF_TIME=timedelta(minutes=30)):
        for _ in range(PAIR):
            _login(client, "zanjan_staff", "wrong", "10.0.0.7")
        response = _login(client, "zanjan_staff", PASSWORD, "10.0.0.7")
    assert response.status_code == 429
    assert "۳۰ دقیقه" in response.content.decode()


def _settings_with(env: dict) -> subprocess.CompletedProcess:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='reliefjobs.settings';"
        "from django.conf import settings as s;"
        "print(s.AXES_FAILURE_LIMIT, s.RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME,"
        " int(s.AXES_COOLOFF_TIME.total_seconds() // 60), s.AXES_LOCKOUT_PARAMETERS,"
        " s.RELIEFJOBS_PROXY_COUNT)"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_limits_and_lock_time_come_from_the_environment():
    done = _settings_with(
        {
            "RELIEFJOBS_LOGIN_FAILURES": "4",
            "RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME": "30",
            "RELIEFJOBS_LOCKOUT_MINUTES": "45",
            "RELIEFJOBS_PROXY_COUNT": "1",
        }
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:3] == ["4", "30", "45"]
    assert "[['username', 'ip_address'], 'username']" in done.stdout
    bad = _settings_with(
        {"RELIEFJOBS_LOGIN_FAILURES": "10", "RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME": "5"}
    )
    assert bad.returncode != 0 and "RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME" in bad.stderr
