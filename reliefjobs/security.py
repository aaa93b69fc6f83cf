"""Security middleware: the Content Security Policy and the inactivity timeout.

Django's SecurityMiddleware already sends HSTS, nosniff and the referrer
policy, and XFrameOptionsMiddleware denies framing; these two fill the gaps.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.http import HttpResponseBadRequest, JsonResponse

# Scripts only from our own origin: no inline <script>, no eval. Styles allow
# 'unsafe-inline' because Plotly sets style attributes and injects <style>
# rules at run time; an injected style cannot run code. Every font, image and
# script is served by the app itself (offline office networks), so no other
# origin is listed anywhere.
DEFAULT_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    # The jQuery 1.10 that django-jalali's admin date picker ships tests for old
    # IE by setting onsubmit/onchange/onfocusin="t" on a detached <div>. That
    # one handler text ("t", which does nothing) is allowed by its hash so the
    # admin logs no violation; every other inline handler stays blocked.
    "script-src-attr": ["'unsafe-hashes'", "'sha256-47mKTaMaEn1L3m5DAz9muidMqw636xxw7EFAK/YnPdg='"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def build_policy(policy: dict[str, list[str]]) -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class ContentSecurityPolicyMiddleware:
    """Adds the Content-Security-Policy header to every response.

    The policy is settings.CONTENT_SECURITY_POLICY (a dict like
    DEFAULT_POLICY) when given; the header string is built once at start-up.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None) or DEFAULT_POLICY
        self.header = build_policy(policy)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.header)
        return response


# How often an active session's expiry is pushed forward. Saving on every
# request (SESSION_SAVE_EVERY_REQUEST) would cost a write per page view; once a
# minute keeps the timeout accurate to a minute for one cheap write.
TOUCH_INTERVAL_SECONDS = 60
TOUCH_KEY = "_last_activity"


class SessionActivityMiddleware:
    """Makes SESSION_COOKIE_AGE an inactivity timeout instead of a fixed lifetime.

    A logged-in session is marked modified at most once per
    TOUCH_INTERVAL_SECONDS, so SessionMiddleware saves it and both the stored
    expiry date and the cookie's max-age restart from now. A session left
    alone longer than SESSION_COOKIE_AGE expires and the user logs in again.
    Anonymous sessions are left alone (no session is created for them).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session and activity_due(session):
            session[TOUCH_KEY] = int(time.time())
        return self.get_response(request)


def activity_due(session) -> bool:
    """The session's activity stamp is a minute old or missing: this request restarts it.

    reports.warm sends no stored answer to such a request, so that it goes
    through SessionActivityMiddleware."""
    last = session.get(TOUCH_KEY)
    return not isinstance(last, int) or int(time.time()) - last >= TOUCH_INTERVAL_SECONDS


class RejectNulBytesMiddleware:
    """Answers 400 to a URL carrying a NUL byte (%00) in its path or query string.

    PostgreSQL refuses NUL inside text, so such a value reaching a query would
    be a 500 (found by tests/test_bad_input_api_fuzz.py on PostgreSQL); no
    person types one. Form fields are already guarded by Django's validator.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or "%00" in request.META.get("QUERY_STRING", ""):
            message = "NUL characters are not allowed in a URL"
            if request.path.startswith("/api/"):
                return JsonResponse({"error": message, "status": 400}, status=400)
            return HttpResponseBadRequest(message, content_type="text/plain")
        return self.get_response(request)
