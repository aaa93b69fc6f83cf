"""The database cache of `CACHE_URL=db://` (and of production with no CACHE_URL), read cheaply.

Every warm dashboard or API answer (reports.warm) reads four entries of the
shared cache: the session and three tokens. Django's DatabaseCache builds a
field, its converters and the SQL text again on every read and checks every
key's characters for memcached: that read took a median of 109 µs on SQLite,
this one 69 µs, where the query alone takes about 25 µs (docs/benchmarks.md). This
backend reads the same table in the same way, with what does not change made
once: the SQL per table and the expiry's converters per database vendor.
Expired rows are still not returned and are deleted, as Django does; writes
are Django's.
"""

from __future__ import annotations

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, models, router


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
        with connection.cursor() as cursor:
            cursor.execute(self._select(connection, len(key_map)), list(key_map))
            rows = cursor.fetchall()
        expression, converters = self._expiry_converters(connection)
        # The clock Django's writes stamp the expiry with (not the app's business clock).
        result, expired, at = {}, [], db.tz_now()
        for key, value, expires in rows:
            for converter in converters:
                expires = converter(expires, expression, connection)
            if expires < at:
                expired.append(key)
            else:
                value = connection.ops.process_clob(value)
                result[key_map[key]] = pickle.loads(base64.b64decode(value.encode()))
        self._base_delete_many(expired)
        return result

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
