"""A bare Django view for `make bench`: the ceiling of the stack on this machine.

gunicorn serves `reports.bench_bare:application` with the project's
gunicorn.conf.py: Django with no middleware, no apps and no database, and one
view that answers "ok". `/healthz` (middleware, a database round trip) is
compared with it in docs/benchmarks.md.
"""

from django.conf import settings
from django.http import HttpResponse
from django.urls import path

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-bare-only-" + "x" * 40,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
        ROOT_URLCONF=__name__,
        MIDDLEWARE=[],
        INSTALLED_APPS=[],
        USE_I18N=False,
    )


def ok(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("", ok)]

from django.core.wsgi import get_wsgi_application  # noqa: E402

application = get_wsgi_application()
