"""System checks of the deployment (run by `manage.py check --deploy`).

reliefjobs.W001: with debug off, a per-process memory cache (only if settings
are changed by hand: with debug off and no CACHE_URL the settings choose the
database cache, shared by every worker, as INTERFACES.md expects
`check --deploy` to report nothing then). Sessions are
cached (cached_db) and so are the dashboards; with several gunicorn workers
each has its own copy, so a logout, a password change or a save is seen by one
worker only (a logged-out session kept working for about a minute in the attack
audit). A shared cache (CACHE_URL=redis://…, db://, or the default) is needed.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register
from django.utils import translation
from django.utils.translation import gettext as _

_LOCAL = "django.core.cache.backends.locmem.LocMemCache"


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs, **kwargs):
    if settings.DEBUG or settings.CACHES.get("default", {}).get("BACKEND") != _LOCAL:
        return []
    return [
        Warning(
            _both(
                lambda: _(
                    "The cache is each process's own memory: with "
                    "several workers a logout, a password change or a saved figure is not "
                    "seen by the other workers."
                )
            ),
            hint=_both(
                lambda: _(
                    "Set CACHE_URL to redis://host:6379/1 or db://, or leave it unset "
                    "for the database cache (README, Configuration)."
                )
            ),
            id="reliefjobs.W001",
        )
    ]


def _both(message) -> str:
    """English, then Persian: `check` runs with no language active, and the
    people who deploy may read either."""
    with translation.override("en"):
        english = message()
    with translation.override("fa"):
        persian = message()
    return english if persian == english else f"{english}\n\t{persian}"
