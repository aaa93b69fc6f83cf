"""The database cache of CACHE_URL=db:// (reliefjobs.dbcache): its cheaper read
gives what Django's DatabaseCache gives.

- values set (by either backend) are read back by get and get_many, each under
  its own key, with the keys not stored left out;
- a version is part of the key;
- an expired entry is not returned, and the read deletes it from the table;
- on SQLite a repeated read is answered from memory only while nothing has
  changed: a commit by another connection, a write of the same connection, a
  rollback and an expiry are each seen at once, reads in a transaction read
  the table, and every read gets objects of its own.
"""

import threading
from datetime import timedelta

import pytest
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

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
    from django.core.cache.backends import db

    return db.tz_now() - timedelta(days=1)


# SQLite: a read that finds the table as the same connection last read it is not read
# again (reliefjobs.dbcache._SQLiteReads). Business rule: no read ever returns what another
# worker or this connection has changed since, and nothing rolled back is returned.
# The other connection is another thread's (its own connection to the same database), as
# another worker's would be; the tests run outside a transaction, as a worker's reads do.
# On PostgreSQL every read reads the table: the same answers, one query each.


def _reads_of_the_table(cache, keys) -> tuple[dict, int]:
    with CaptureQueriesContext(connection) as queries:
        found = cache.get_many(keys)
    return found, sum(TABLE in q["sql"] for q in queries.captured_queries)


def _in_another_connection(work) -> None:
    def run():
        try:
            work()
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


def _repeat_reads() -> int:
    """Table reads of a repeated read with nothing changed: none on SQLite."""
    return 0 if connection.vendor == "sqlite" else 1


@pytest.mark.django_db(transaction=True)
def test_a_repeated_read_sees_a_commit_by_another_connection_at_once():
    cache = DatabaseCache(TABLE, {})
    cache.set("generation", "g1", None)
    cache.set("session", {"user": "7"})
    keys = ["session", "generation"]
    assert _reads_of_the_table(cache, keys) == ({"session": {"user": "7"}, "generation": "g1"}, 1)
    assert _reads_of_the_table(cache, keys)[1] == _repeat_reads()

    _in_another_connection(lambda: DatabaseCache(TABLE, {}).set("generation", "g2", None))
    assert _reads_of_the_table(cache, keys) == ({"session": {"user": "7"}, "generation": "g2"}, 1)

    _in_another_connection(lambda: DatabaseCache(TABLE, {}).delete("session"))  # a logout
    assert _reads_of_the_table(cache, keys) == ({"generation": "g2"}, 1)
    assert cache.get("generation") == "g2"


@pytest.mark.django_db(transaction=True)
def test_a_repeated_read_sees_any_write_of_its_own_connection():
    cache, other = DatabaseCache(TABLE, {}), DjangoDatabaseCache(TABLE, {})
    cache.set("token", "t1", None)
    assert cache.get_many(["token"]) == {"token": "t1"}
    other.set("token", "t2", None)  # Django's backend, the same connection
    assert _reads_of_the_table(cache, ["token"]) == ({"token": "t2"}, 1)
    with connection.cursor() as cursor:  # and plain SQL
        cursor.execute(f"DELETE FROM {TABLE} WHERE cache_key = %s", [cache.make_key("token")])
    assert _reads_of_the_table(cache, ["token"]) == ({}, 1)


@pytest.mark.django_db(transaction=True)
def test_nothing_rolled_back_is_returned_and_reads_in_a_transaction_read_the_table():
    cache = DatabaseCache(TABLE, {})
    cache.set("token", "kept", None)
    assert cache.get("token") == "kept"
    with pytest.raises(RuntimeError), transaction.atomic():
        cache.set("token", "rolled back", None)
        assert _reads_of_the_table(cache, ["token"]) == ({"token": "rolled back"}, 1)
        assert _reads_of_the_table(cache, ["token"]) == ({"token": "rolled back"}, 1)
        raise RuntimeError
    assert cache.get("token") == "kept"


@pytest.mark.django_db(transaction=True)
def test_reads_with_autocommit_off_read_the_table():
    cache = DatabaseCache(TABLE, {})
    cache.set("token", "t1", None)
    assert cache.get("token") == "t1"
    transaction.set_autocommit(False)
    try:
        assert _reads_of_the_table(cache, ["token"]) == ({"token": "t1"}, 1)
        assert _reads_of_the_table(cache, ["token"]) == ({"token": "t1"}, 1)
    finally:
        transaction.rollback()
        transaction.set_autocommit(True)
    # Back in autocommit, the table as it was read before: not read again.
    assert _reads_of_the_table(cache, ["token"]) == ({"token": "t1"}, _repeat_reads())


@pytest.mark.django_db(transaction=True)
def test_a_repeated_read_does_not_return_an_entry_expired_since(monkeypatch):
    from django.core.cache.backends import db

    cache = DatabaseCache(TABLE, {})
    cache.set("session", {"user": "7"}, 60)
    cache.set("token", "t1", None)
    assert cache.get_many(["session", "token"]) == {"session": {"user": "7"}, "token": "t1"}
    later = db.tz_now() + timedelta(seconds=61)
    monkeypatch.setattr(db, "tz_now", lambda: later)
    assert cache.get_many(["session", "token"]) == {"token": "t1"}
    assert _rows(cache.make_key("session")) == 0


@pytest.mark.django_db(transaction=True)
def test_every_read_gets_its_own_objects():
    cache = DatabaseCache(TABLE, {})
    cache.set("session", {"user": "7"})
    first = cache.get("session")
    first["user"] = "changed without a save"
    assert cache.get("session") == {"user": "7"}
