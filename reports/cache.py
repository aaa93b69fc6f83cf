"""Cache of computed dashboard data, keyed by view, scope and year.

`cached(key_parts, build)` returns build()'s value, keeping it in Django's
cache under the current *generation*: a random token that `invalidate()`
replaces. Every write of figures, targets or reference data invalidates
(reports.rollups and reports.signals call it), so a read right after a save
never sees an old value.

Why one generation for everything rather than one per province and year: a
province page also shows last year, national reference figures and names
of offices and schemes; a single token cannot miss a dependency, and with the
rollup tables a cold national view costs a few milliseconds, so the
occasional needless rebuild is cheap.

Why a random token rather than a counter: if the cache evicts the token, a
fresh random one can never bring back entries written under an older one.

With several worker processes the cache must be shared (CACHE_URL=redis://…
or the database cache), otherwise each worker only sees its own
invalidations; LocMem is right for one process (runserver, tests).
"""

from __future__ import annotations

import hashlib
import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import translation

logger = logging.getLogger(__name__)
GENERATION_KEY = "reports:generation"
# A backstop only: entries are invalidated on write, not by age.
TIMEOUT = 60 * 60
_MISSING = object()


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, _new_token(), None)
        token = cache.get(GENERATION_KEY) or "none"
    return token


def key_for(key_parts: tuple) -> str:
    """The cache key of a view's data: the generation, the language, then the parts."""
    digest = hashlib.sha1(repr(tuple(key_parts)).encode()).hexdigest()[:20]
    return f"reports:data:{generation()}:{translation.get_language()}:{digest}"


def cached(key_parts: tuple, build: Callable[[], Any]) -> Any:
    """build()'s value for these key parts (e.g. ("progress", province_code, year)).

    The parts must name everything the value depends on besides the data:
    view, scope and year (the language is added here).
    """
    if _writing_here():
        return build()
    key = key_for(key_parts)
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        cache.set(key, value, TIMEOUT)
    return value


def invalidate() -> None:
    """Forget every cached view; called inside the writing transaction.

    The token changes at once (so this process, and tests that never commit,
    read fresh data) and again after commit: a concurrent reader that read
    the new token but the old, not yet committed data may have filled an
    entry; the second change orphans it.
    """
    _renew()
    connection = transaction.get_connection()
    outer = _outer_transaction(connection)
    if outer is not None:
        connection.reports_uncommitted_write = outer
        transaction.on_commit(_renew)


def _renew() -> None:
    """A new generation token. A cache that cannot be reached (Redis down; the
    backend ignores its errors) is said in the log: pages are built from the
    database meanwhile, and a Redis run as a cache without persistence comes
    back empty, so it cannot serve entries older than this write."""
    token = _new_token()
    cache.set(GENERATION_KEY, token, None)
    if cache.get(GENERATION_KEY) != token:
        logger.error(
            "cache unreachable while invalidating after a write; if it keeps its data "
            "across restarts, clear it (FLUSHDB) when it returns"
        )


def _outer_transaction(connection):
    """The outermost atomic block that is a real transaction (a test case's wrapper is not)."""
    for block in connection.atomic_blocks:
        if not getattr(block, "_from_testcase", False):
            return block
    return None


def _writing_here() -> bool:
    """This connection wrote figures in a transaction still open.

    Its reads see data nobody else sees yet and that may still roll back
    (an import's dry run does): they must neither fill nor read the cache.
    """
    connection = transaction.get_connection()
    block = getattr(connection, "reports_uncommitted_write", None)
    return block is not None and any(b is block for b in connection.atomic_blocks)
