"""The database cache of `CACHE_URL=db://` (and of production with no CACHE_URL), read cheaply.

Every warm dashboard or API answer (reports.warm) reads four entries of the
shared cache: the session and three tokens. Django's DatabaseCache builds a
field, its converters and the SQL text again on every read and checks every
key's characters for memcached. This backend reads the same table in the
same way, with what does not change made once: the SQL per table and the
expiry's converters per database vendor. Expired rows are still not returned
and are deleted, as Django does; writes are Django's.

On SQLite a read that finds the table as the same connection last read it is
not read again (`_SQLiteReads`): SQLite tells a connection whether any other
connection has committed since (`PRAGMA data_version`, made for such caches)
and counts the rows it changed itself (`total_changes`). When neither moved,
the rows read then (values still pickled, so every read gets objects of its
own) are the answer, their expiry checked again. Any commit by another worker
and any write of this connection, through this backend or not, sends the next
read to the table; so does every read inside a transaction (it could be
rolled back). tests/test_dbcache.py checks each; tests/test_multiworker.py
three gunicorn workers on one SQLite file.

The four-key read of a warm answer, SQLite, in-process, medians of ten
batches of 2,000 on 7 December: 29 µs, against 93 µs for the same read of the
table every time and 145 µs for Django's backend (the machine's speed moves
all three by up to 2×; docs/benchmarks.md).
"""

from __future__ import annotations

import base64
import pickle
from collections import OrderedDict

from django.core.cache.backends import db
from django.db import connections, models, router

# Per connection: the last reads of this many distinct key lists (a warm answer's
# four keys are one list per session).
SQLITE_READS_KEPT = 256


class _SQLiteReads:
    """One SQLite connection's last reads of the cache table, and the state they saw."""

    def __init__(self, raw):
        self.raw = raw  # the sqlite3 connection they were read on
        self.rows: OrderedDict[tuple, tuple] = OrderedDict()

    def state(self) -> tuple[int, int]:
        """(commits by other connections, rows this connection changed): the table is
        unchanged since a read that saw the same pair."""
        return self.raw.execute("PRAGMA data_version").fetchone()[0], self.raw.total_changes

    def get(self, keys: tuple, state: tuple):
        found = self.rows.get(keys)
        if found is None or found[0] != state:
            return None
        self.rows.move_to_end(keys)
        return found[1]

    def put(self, keys: tuple, state: tuple, rows: list) -> None:
        self.rows[keys] = (state, rows)
        self.rows.move_to_end(keys)
        while len(self.rows) > SQLITE_READS_KEPT:
            self.rows.popitem(last=False)


class DatabaseCache(db.DatabaseCache):
    _select_sql: dict[tuple[str, int], str]
    _converters: dict[str, tuple]

    def __init__(self, table, params):
        super().__init__(table, params)
        self._select_sql = {}
        self._converters = {}

    def get_many(self, keys, version=None):
        if not keys:
            return {}
        key_map = {self.make_key(key, version=version): key for key in keys}
        connection = connections[router.db_for_read(self.cache_model_class)]
        reads, state = self._sqlite_reads(connection)
        read_key = (self._table, *key_map)
        # The clock Django's writes stamp the expiry with (not the app's business clock).
        at = db.tz_now()
        if reads is not None:
            rows = reads.get(read_key, state)
            if rows is not None and all(expires >= at for _key, _value, expires in rows):
                return {key_map[key]: pickle.loads(value) for key, value, _expires in rows}
        with connection.cursor() as cursor:
            cursor.execute(self._select(connection, len(key_map)), list(key_map))
            found = cursor.fetchall()
        expression, converters = self._expiry_converters(connection)
        rows, expired = [], []
        for key, value, expires in found:
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < at:
                expired.append(key)
            else:
                value = base64.b64decode(connection.ops.process_clob(value).encode())
                rows.append((key, value, expires))
        if expired:
            self._base_delete_many(expired)
        elif reads is not None:
            reads.put(read_key, state, rows)
        return {key_map[key]: pickle.loads(value) for key, value, _expires in rows}

    def _sqlite_reads(self, connection) -> tuple[_SQLiteReads | None, tuple | None]:
        """This connection's earlier reads and the table's state now, before the read
        (a commit after it makes the state differ next time); (None, None) where
        they may not be used: not SQLite, or inside a transaction (atomic or not)."""
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return None, None
        if not connection.get_autocommit():  # opens the connection if needed
            return None, None
        raw = connection.connection
        reads = getattr(connection, "_reliefjobs_cache_reads", None)
        if reads is None or reads.raw is not raw:
            reads = connection._reliefjobs_cache_reads = _SQLiteReads(raw)
        return reads, reads.state()

    def _select(self, connection, count: int) -> str:
        sql = self._select_sql.get((connection.vendor, count))
        if sql is None:
            qn = connection.ops.quote_name
            sql = self._select_sql[(connection.vendor, count)] = (
                f"SELECT {qn('cache_key')}, {qn('value')}, {qn('expires')} "
                f"FROM {qn(self._table)} WHERE {qn('cache_key')} IN ({', '.join(['%s'] * count)})"
            )
        return sql

    def _expiry_converters(self, connection) -> tuple:
        found = self._converters.get(connection.vendor)
        if found is None:
            expression = models.Expression(output_field=models.DateTimeField())
            converters = connection.ops.get_db_converters(
                expression
            ) + expression.get_db_converters(connection)
            found = self._converters[connection.vendor] = (expression, converters)
        return found
