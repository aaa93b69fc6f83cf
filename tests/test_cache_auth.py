"""The per-request user look-up comes from the cache, and never outlives a change.

Business rules checked:
- on a warm cache a logged-in API call runs no query for the session or
  the user (the cost that made every request dearer than /healthz);
- deactivating a user, changing their password, or moving them to another
  province takes effect on their very next request.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache as django_cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

URL = "/api/v1/progress?year=1402"


@pytest.fixture(autouse=True)
def empty_cache():
    django_cache.clear()


def _logged_in(client, user):
    client.force_login(user)
    assert client.get(URL).status_code == 200  # warms session, user and data
    return client


def test_warm_logged_in_call_runs_no_query_for_session_or_user(client, national_manager):
    _logged_in(client, national_manager)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL).status_code == 200
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "programs_user" not in tables and "django_session" not in tables


def test_deactivated_user_is_refused_on_the_next_request(client, national_manager):
    _logged_in(client, national_manager)
    national_manager.is_active = False
    national_manager.save()
    assert client.get(URL).status_code == 401


def test_new_password_ends_other_sessions_on_the_next_request(client, national_manager):
    _logged_in(client, national_manager)
    national_manager.set_password("another-pass-456")
    national_manager.save()
    assert client.get(URL).status_code == 401


def test_moving_a_user_to_another_province_changes_scope_at_once(client, zanjan_manager, tehran):
    _logged_in(client, zanjan_manager)
    assert client.get(URL + "&province=IR-19").status_code == 200
    zanjan_manager.province = tehran
    zanjan_manager.save()
    assert client.get(URL + "&province=IR-19").status_code == 403
