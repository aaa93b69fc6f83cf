from functools import cache

from django.urls import get_script_prefix, reverse

from programs import access

NAV_URL_NAMES = (
    "home",
    "breakdowns",
    "entry:home",
    "admin:index",
    "audit",
    "logout",
    "set_language",
)


@cache
def _nav_urls(script_prefix: str) -> dict[str, str]:
    # The header's links are the same on every page; reversing them on every
    # request cost about a quarter of a cached dashboard's time.
    return {name.replace(":", "_"): reverse(name) for name in NAV_URL_NAMES}


def scope(request):
    """What every template needs to know about the user's reach, and the header's links."""
    user = getattr(request, "user", None)
    return {
        "user_is_national": access.is_national(user),
        "user_is_admin": access.is_admin(user),
        "nav_urls": _nav_urls(get_script_prefix()),
    }
