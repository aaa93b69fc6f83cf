"""The database cache of CACHE_URL=db:// (reliefjobs.dbcache): its cheaper read
gives what Django's DatabaseCache gives.

- values set (by either backend) are read back by get and get_many, each under
  its own key, with the keys not stored left out;
- a version is part of the key;
- an expired entry is not returned, and the read deletes it from the table.
"""

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connection

from reliefjobs.dbcache import DatabaseCache

pytestmark = pytest.mark.django_db
TABLE = "reliefjobs_cache"


def _rows(key: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE} WHERE cache_key = %s", [key])
        return cursor.fetchone()[0]


def test_values_set_by_either_backend_read_back_as_django_reads_them():
    ours, django = DatabaseCache(TABLE, {}), DjangoDatabaseCache(TABLE, {})
    ours.set("session", {"_auth_user_id": "7", "_last_activity": 1})
    ours.set("token", "a1b2c3", None)
    django.set("other", [1, 2, 3])
    keys = ["session", "token", "other", "missing"]
    expected = {
        "session": {"_auth_user_id": "7", "_last_activity": 1},
        "token": "a1b2c3",
        "other": [1, 2, 3],
    }
    assert ours.get_many(keys) == expected
    assert django.get_many(keys) == expected
    assert ours.get("token") == "a1b2c3"
    assert ours.get("missing", "none") == "none"
    assert ours.get_many([]) == {}


def test_a_version_is_part_of_the_key():
    cache = DatabaseCache(TABLE, {})
    cache.set("generation", "v2", version=2)
    assert cache.get_many(["generation"]) == {}
    assert cache.get_many(["generation"], version=2) == {"generation": "v2"}


def test_an_expired_entry_is_not_returned_and_the_read_deletes_it():
    cache = DatabaseCache(TABLE, {})
    cache.set("fresh", "kept", 60)
    cache.set("stale", "gone", 60)
    stale_key = cache.make_key("stale")
    with connection.cursor() as cursor:  # its expiry a day ago
        cursor.execute(
            f"UPDATE {TABLE} SET expires = %s WHERE cache_key = %s",
            [connection.ops.adapt_datetimefield_value(_day_ago()), stale_key],
        )
    assert _rows(stale_key) == 1
    assert cache.get_many(["fresh", "stale"]) == {"fresh": "kept"}
    assert _rows(stale_key) == 0


def _day_ago():
    from datetime import timedelta

    from django.core.cache.backends import db

    return db.tz_now() - timedelta(days=1)
