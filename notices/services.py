"""Writes of notices: creating them, marking them read, pruning old ones.

The bell's unread count is cached per person (no query on most pages); every
write here drops that person's cached count.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.core.cache import cache
from django.db import transaction

from notices.models import KEEP_DAYS, Notice
from reliefjobs.lib import clock

_COUNT_KEY = "notices:unread:{generation}:{user}"
_COUNT_TIMEOUT = 10 * 60
# Replaced on every write here: a page sent again as it was (reports.warm) shows the bell's count.
TOKEN_KEY = "notices:token"


def _count_key(user_id: int) -> str:
    # Under the dashboards' cache generation, so a page costs the same queries
    # after any write as every other cached part of it (tests/test_query_counts_scale).
    from reports.cache import generation

    return _COUNT_KEY.format(generation=generation(), user=user_id)


def unread_count(user) -> int:
    key = _count_key(user.pk)
    count = cache.get(key)
    if count is None:
        count = Notice.objects.for_user(user).unread().count()
        cache.set(key, count, _COUNT_TIMEOUT)
    return count


def _forget_count(user_id: int) -> None:
    # Now, and again after the commit, so no other request caches the old count meanwhile.
    key = _count_key(user_id)

    def forget():
        cache.delete(key)
        cache.set(TOKEN_KEY, uuid.uuid4().hex[:12], None)

    forget()
    transaction.on_commit(forget)


def notify(*, user, kind: str, title: str, text: str, url: str = "") -> Notice:
    notice = Notice(user=user, kind=kind, title=title[:200], text=text, url=url[:200])
    notice.full_clean()
    notice.save()
    _forget_count(user.pk)
    return notice


def mark_read(*, user, notice_id: int | None = None) -> int:
    """Mark one of the user's notices read (or all of them); how many changed."""
    notices = Notice.objects.for_user(user).unread()
    if notice_id is not None:
        notices = notices.filter(pk=notice_id)
    changed = notices.update(read_at=clock.now())
    _forget_count(user.pk)
    return changed


def prune(*, now: dt.datetime | None = None) -> int:
    """Delete notices older than KEEP_DAYS; how many were deleted."""
    cutoff = (now or clock.now()) - dt.timedelta(days=KEEP_DAYS)
    old = Notice.objects.filter(created_at__lt=cutoff)
    users = set(old.values_list("user_id", flat=True).distinct())
    deleted, _ = old.delete()
    for user_id in users:
        _forget_count(user_id)
    return deleted
