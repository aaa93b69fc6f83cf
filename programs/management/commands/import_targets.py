"""`manage.py import_targets FILE [--dry-run]`: the targets file, atomically."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from programs.importing import ImportFileError, import_targets
from programs.management.commands.import_figures import (
    add_common_arguments,
    report_errors,
    user_named,
)


class Command(BaseCommand):
    help = "Import annual targets (CSV or XLSX; see README). Nothing is saved if any row is bad."

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            user = user_named(options["user"])
            try:
                result = import_targets(options["file"], user=user, dry_run=options["dry_run"])
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if result.errors:
                report_errors(self, result)
            summary = _(
                "%(rows)s rows read: %(changed)s targets to change, %(unchanged)s unchanged."
            ) % {
                "rows": result.row_count,
                "changed": len(result.changed),
                "unchanged": result.unchanged,
            }
            if options["dry_run"]:
                summary += " " + _("Dry run: nothing was saved.")
            elif result.saved:
                summary += " " + _("Saved.")
            self.stdout.write(summary)
