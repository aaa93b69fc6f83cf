"""Log-in lock-out (django-axes) by username **and** address.

Two limits, both counted over the last `RELIEFJOBS_LOCKOUT_MINUTES`:

- the pair: `RELIEFJOBS_LOGIN_FAILURES` (default 5) wrong passwords for one
  username from one address lock that username on that address. A colleague
  behind the same office router or proxy is not locked out;
- the username: `RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME` (default 20) wrong
  passwords for one username from any addresses lock that username everywhere,
  so guessing one account from many addresses is stopped (slower, so one
  person's mistakes alone never reach it before the pair limit does).

Axes compares one number with one limit (`get_failures() >= AXES_FAILURE_LIMIT`),
so `get_failures` returns the larger of the pair's count and the username's
count shifted down by the gap between the limits: it reaches the pair limit
exactly when either count reaches its own limit.

The address is the client's (`client_ip`): REMOTE_ADDR, or, behind
`RELIEFJOBS_PROXY_COUNT` trusted proxies (nginx), the address the outermost of
them saw in X-Forwarded-For.
"""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR unless trusted proxies put it in X-Forwarded-For."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "RELIEFJOBS_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    # Each trusted proxy appends the address it saw; anything left of those is
    # what the client claimed and cannot be trusted.
    return hops[-proxies] if len(hops) >= proxies else remote


class LockoutHandler(AxesDatabaseHandler):
    """AxesDatabaseHandler with a per-pair and a (higher) per-username limit."""

    def get_failures(self, request, credentials=None) -> int:
        counts = [
            attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        # settings.AXES_LOCKOUT_PARAMETERS: the pair first, then the username alone.
        if len(counts) != 2:  # parameters changed (e.g. in a test): plain axes rule
            return max(counts, default=0)
        pair, per_username = counts
        gap = settings.RELIEFJOBS_LOGIN_FAILURES_PER_USERNAME - settings.AXES_FAILURE_LIMIT
        return max(pair, per_username - gap)
