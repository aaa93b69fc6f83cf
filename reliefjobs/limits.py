"""The largest request body the app accepts, enforced before anything reads it.

nginx in front refuses bodies over `client_max_body_size` (README), but the app
must not depend on it: a 1 GB multipart body was read in full (6.8 s) before
Django answered 400. `RequestBodyLimitMiddleware` looks only at the declared
Content-Length and answers 413 without reading a byte; a body without a
Content-Length reads as empty under WSGI (Django's LimitedStream), so it cannot
be used to get round the limit. (The server, not the app, discards or cuts off
the unread body: gunicorn's gthread worker drains a bounded amount, then closes.)
"""

from django.conf import settings
from django.http import HttpResponse
from django.utils.translation import gettext as _


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse(_("Bad request."), status=400, content_type="text/plain")
        if declared > settings.RELIEFJOBS_MAX_REQUEST_BYTES:
            return HttpResponse(
                _("The request is too large (at most %(size)s MB).")
                % {"size": settings.RELIEFJOBS_MAX_REQUEST_BYTES // (1024 * 1024)},
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
