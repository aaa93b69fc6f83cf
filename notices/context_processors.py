from functools import cache

from django.urls import get_script_prefix, reverse


@cache
def _urls(script_prefix: str) -> dict[str, str]:
    # Same on every page: reversed once, like programs.context_processors' nav links.
    return {"home": reverse("notices:home"), "list": reverse("notices:list")}


def bell(request):
    """The header's work-list link and bell. The unread count is a callable, so it is
    read only when a page shows it (templates call it), at most once per request."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from notices.services import unread_count

    return {
        "unread_notices": cache(lambda: unread_count(user)),
        "notice_urls": _urls(get_script_prefix()),
    }
