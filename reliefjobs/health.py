"""`/healthz` before the rest of the middleware.

A load balancer asks it several times a second; sessions, language, CSRF and
authentication have nothing to say to it. The answer is the same view's
(reliefjobs.views.healthz), with the security headers of the middleware
outside this one.
"""

from reliefjobs.views import healthz

PATH = "/healthz"


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == PATH:
            return healthz(request)
        return self.get_response(request)
