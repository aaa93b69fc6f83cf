"""The user look-up of every logged-in request, from the cache.

Django's ModelBackend reads the user row on every request; on a small
server that query costs as much as the /healthz page itself. This backend
keeps the user (with its province, which every page shows) in the cache
under a token that changes whenever any user or province is saved or
deleted, so a deactivated user, a changed role or a new password take
effect on the next request. As with the dashboards' cache, several worker
processes need a shared cache (CACHE_URL) for that; TIMEOUT bounds how long
a worker with its own memory cache could lag behind.
"""

from __future__ import annotations

import uuid

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

TOKEN_KEY = "auth:users-token"
TIMEOUT = 60


def _token() -> str:
    token = cache.get(TOKEN_KEY)
    if token is None:
        cache.add(TOKEN_KEY, uuid.uuid4().hex[:12], None)
        token = cache.get(TOKEN_KEY) or "none"
    return token


def users_changed(**kwargs) -> None:
    """Receiver for User and Province saves and deletes (see reports.signals)."""
    cache.set(TOKEN_KEY, uuid.uuid4().hex[:12], None)


class CachedModelBackend(ModelBackend):
    def get_user(self, user_id):
        key = f"auth:user:{_token()}:{user_id}"
        user = cache.get(key)
        if user is None:
            UserModel = self._user_model()
            user = UserModel._default_manager.select_related("province").filter(pk=user_id).first()
            if user is None:
                return None
            cache.set(key, user, TIMEOUT)
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def _user_model():
        from django.contrib.auth import get_user_model

        return get_user_model()
