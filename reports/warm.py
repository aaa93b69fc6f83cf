"""Warm pages: a dashboard or API answer sent again without running the app.

A logged-in request for a dashboard costs far more in Django's machinery
(session and user look-ups, fifteen middleware, the header's template) than
in the page itself, which is cached already (reports.cache). A request that
asks for exactly what was just answered to the same session, with nothing
changed since, gets that answer again from `WarmPageMiddleware`, the first
middleware, before any other runs: one round trip to the shared cache and a
lookup in this process's memory. The answer carries every header the other
middleware set on it when it was answered the whole way.

What "nothing changed" means is the cache key of the stored answer, read
fresh from the shared cache on every request (one `get_many`):

- the session, whole (its key and its data): a logout, an expiry or a new
  login changes or removes it; a request due to restart the session's
  inactivity timer (reliefjobs.security.activity_due, once a minute) goes
  the whole way, and one with a message waiting (the messages cookie);
- the users token (reliefjobs.auth): any user or province saved;
- the dashboards' generation (reports.cache): any figure, target or
  reference data written;
- the notices token (notices.services): any notice created or read;
- from the request: the full path, the host (validated against
  ALLOWED_HOSTS) and the scheme, the language and CSRF cookies, the day
  (reliefjobs.lib.clock: the page says "printed on" and which months have
  ended).

An answer is stored only by a request that went the whole way (every
middleware, the login and scope checks of the view) and that ended as it
began: a 200 from a view marked `@warm_page`, setting no cookie. Entries
are immutable (their key names every token), so each worker keeps its own
in its memory (LOCAL_ENTRIES, least recently used out first) and nothing
of ~150 KB per page goes to the shared cache: with several workers, each
renders a page once per key. Tests: tests/test_warm_pages.py, and
tests/test_multiworker.py across three workers and Redis.

The stored answer carries a gzip copy (sent to clients that accept it) and
an ETag (a browser's revalidation gets a 304), with `Cache-Control:
private, no-cache` so no proxy keeps it and a browser asks each time.
"""

from __future__ import annotations

import hashlib
import threading
import uuid
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.cached_db import KEY_PREFIX as SESSION_CACHE_PREFIX
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotModified
from django.http.response import ResponseHeaders
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from notices.services import TOKEN_KEY as NOTICES_TOKEN_KEY
from reliefjobs.auth import TOKEN_KEY as USERS_TOKEN_KEY
from reliefjobs.lib import clock
from reliefjobs.security import activity_due
from reports.cache import GENERATION_KEY

LOCAL_ENTRIES = 200  # per worker process: ~150 KB each for a country page (with its gzip copy)
# Every header of the full answer is carried over but its length, each variant's own
# (cookies are not headers here, and Date is the server's).
_DROPPED_HEADERS = ("Content-Length",)


def warm_page(view):
    """Marks a view whose 200 answers may be sent again by WarmPageMiddleware.

    Only for GET views whose answer depends on nothing but the session's user,
    the data and the request parts named in this module's key.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        request.warm_page_allowed = True
        return view(request, *args, **kwargs)

    return wrapper


class _LocalEntries:
    """This process's copy of recent entries (least recently used out first)."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: str, entry: tuple) -> None:
        with self.lock:
            self.entries[key] = entry
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local = _LocalEntries(LOCAL_ENTRIES)


def request_key(request) -> str | None:
    """The key of the answer to this request as things stand, or None if it has none.

    None means: not a candidate (not a logged-in GET with a session in the
    cache) or some token is not in the cache yet; the request goes the
    normal way.
    """
    meta = request.META
    if request.method != "GET" or "HTTP_AUTHORIZATION" in meta:
        return None
    if meta.get("CONTENT_LENGTH") not in (None, "", "0"):  # a body: the limits' business
        return None
    if request.path_info.startswith(settings.STATIC_URL):  # whitenoise's, with no session
        return None
    cookies = request.COOKIES
    session_key = cookies.get(settings.SESSION_COOKIE_NAME)
    if not session_key or "messages" in cookies:
        return None
    session_cache_key = SESSION_CACHE_PREFIX + session_key
    tokens = (USERS_TOKEN_KEY, GENERATION_KEY, NOTICES_TOKEN_KEY)
    found = cache.get_many([session_cache_key, *tokens])
    if len(found) != 4:
        for name in tokens:
            if name not in found:  # a new cache: the next request can use it
                cache.add(name, uuid.uuid4().hex[:12], None)
        return None
    session = found[session_cache_key]
    if not isinstance(session, dict) or SESSION_KEY not in session or activity_due(session):
        return None
    parts = (
        session_key,
        sorted(session.items()),
        found[USERS_TOKEN_KEY],
        found[GENERATION_KEY],
        found[NOTICES_TOKEN_KEY],
        request.get_full_path(),
        # The host as ALLOWED_HOSTS validates it (a bad one is a 400 here too), and the
        # scheme: an entry stored over HTTPS never answers plain HTTP (SSL redirect, HSTS).
        request.get_host(),
        request.scheme,
        cookies.get(settings.LANGUAGE_COOKIE_NAME, ""),
        cookies.get(settings.CSRF_COOKIE_NAME, ""),
        clock.today().isoformat(),
    )
    return hashlib.sha1(repr(parts).encode()).hexdigest()


def _accepts_gzip(request) -> bool:
    return "gzip" in request.META.get("HTTP_ACCEPT_ENCODING", "")


def _answer(request, entry: tuple) -> HttpResponse:
    status, plain, gzipped, etag = entry
    if etag in (tag.strip() for tag in request.META.get("HTTP_IF_NONE_MATCH", "").split(",")):
        response = HttpResponseNotModified()
        for name, value in plain[1].items():
            if name != "Content-Length":
                response[name] = value
        return response
    body, headers = gzipped if _accepts_gzip(request) else plain
    return _StoredAnswer(body, status, headers)


class _StoredAnswer(HttpResponse):
    """A stored answer sent again. Its headers were checked (ASCII and Latin-1, no line
    breaks) when they were stored (`ResponseHeaders` in `_entry`); each answer gets its
    own copy of them, not a second check of every header (about a tenth of a warm
    answer's time in cProfile)."""

    def __init__(self, body: bytes, status: int, headers: ResponseHeaders):
        super().__init__(body, status=status, content_type=headers["Content-Type"])
        self.headers._store = headers._store.copy()


def _entry(response) -> tuple:
    """(status, (body, headers), (gzipped body, headers), ETag): each answer's headers
    made and checked once, when it is stored."""
    body = response.content
    etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
    # The full answer is not sent (its stored copy is): its headers are patched in place.
    patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    kept = {name: value for name, value in response.headers.items() if name not in _DROPPED_HEADERS}

    def variant(content: bytes, encoding: dict) -> tuple:
        headers = ResponseHeaders({**kept, **encoding, "Content-Length": str(len(content))})
        return content, headers

    gzipped = compress_string(body)
    return (
        response.status_code,
        variant(body, {}),
        variant(gzipped, {"Content-Encoding": "gzip"}),
        etag,
    )


def _storable(request, response) -> bool:
    return (
        getattr(request, "warm_page_allowed", False)
        and response.status_code == 200
        and not response.streaming
        and "Content-Encoding" not in response
        and all(_renewal_only(request, name, morsel) for name, morsel in response.cookies.items())
    )


def _renewal_only(request, name: str, morsel) -> bool:
    """A cookie the answer sets again unchanged: Django's CSRF middleware renews its
    cookie on every page with a form; an answer sent again without it is the same page."""
    return name == settings.CSRF_COOKIE_NAME and morsel.value == request.COOKIES.get(name)


class WarmPageMiddleware:
    """Sends a stored answer when this request's key has one; stores answers of @warm_page views.

    Sits first: an answer it stores has been through every other middleware,
    so a stored answer carries their headers (security, content policy, framing)
    as they set them, and a warm request runs none of them.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request_key(request)
        if key is not None:
            entry = local.get(key)
            if entry is not None:
                return _answer(request, entry)
        response = self.get_response(request)
        if key is not None and _storable(request, response):
            entry = _entry(response)
            local.put(key, entry)
            return _answer(request, entry)
        return response
