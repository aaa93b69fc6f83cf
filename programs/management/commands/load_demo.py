"""`manage.py load_demo [--if-empty]`: reference data, the seed figures, synthetic months, targets, demo users."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from programs.demo import load_demo


class Command(BaseCommand):
    help = (
        "Load the demo data (idempotent): load_reference, the published figures of the seed "
        "articles, synthetic months for every other office up to the current Jalali month, "
        "targets, and demo users when DEBUG is on."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when figures already exist"
        )
        parser.add_argument(
            "--provinces", help="comma-separated codes: synthetic data only for these (quick runs)"
        )
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            started = time.monotonic()
            provinces = options["provinces"].split(",") if options["provinces"] else None
            summary = load_demo(if_empty=options["if_empty"], provinces=provinces)
            if summary.skipped:
                self.stdout.write(_("Figures already exist; demo data not loaded."))
                self._remind_demo_users()
                return
            self.stdout.write(
                _(
                    "Demo data loaded in %(seconds)s s: %(reports)s monthly reports, "
                    "%(lines)s figure lines, %(targets)s targets created."
                )
                % {
                    "seconds": round(time.monotonic() - started, 1),
                    "reports": summary.reports,
                    "lines": summary.lines,
                    "targets": summary.targets,
                }
            )
            if summary.users:
                self.stdout.write(_("Demo users (development only):"))
                for username, role, password in summary.users:
                    self.stdout.write(f"  {username:<18} {role:<8} {password}")

    def _remind_demo_users(self):
        """`make run` on a warm database still tells the developer how to log in."""
        from programs.demo import DEMO_PASSWORD, DEMO_USERS
        from programs.models import User

        if not settings.DEBUG:
            return
        names = [name for name, _role, _code in DEMO_USERS]
        existing = dict(User.objects.filter(username__in=names).values_list("username", "role"))
        if existing:
            self.stdout.write(_("Demo users (development only):"))
            for name in names:
                if name in existing:
                    self.stdout.write(f"  {name:<18} {existing[name]:<8} {DEMO_PASSWORD}")
