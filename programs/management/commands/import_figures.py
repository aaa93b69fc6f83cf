"""`manage.py import_figures FILE [--dry-run]`: the figures file, atomically."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from programs.importing import ImportFileError, import_figures


def add_common_arguments(parser) -> None:
    parser.add_argument("file", help="CSV (UTF-8) or XLSX file")
    parser.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
    parser.add_argument(
        "--language",
        choices=[code for code, _name in settings.LANGUAGES],
        help="language of messages",
    )
    parser.add_argument(
        "--user", help="check each row against this user's scope (default: no scope limit)"
    )


def user_named(username):
    from programs.models import User

    if not username:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise CommandError(_("No user named %(name)s.") % {"name": username}) from exc


def report_errors(command, result) -> None:
    """One line per bad row on stderr, then fail with nothing saved."""
    for error in result.errors:
        command.stderr.write(str(error))
    raise CommandError(
        _("%(bad)s of %(rows)s rows have problems; nothing was saved.")
        % {"bad": len({e.row for e in result.errors}), "rows": result.row_count}
    )


class Command(BaseCommand):
    help = "Import monthly figures (CSV or XLSX; see README). Nothing is saved if any row is bad."

    def add_arguments(self, parser):
        add_common_arguments(parser)

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            user = user_named(options["user"])
            try:
                result = import_figures(options["file"], user=user, dry_run=options["dry_run"])
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if result.errors:
                report_errors(self, result)
            summary = _(
                "%(rows)s rows read: %(changed)s values to change, %(unchanged)s unchanged."
            ) % {
                "rows": result.row_count,
                "changed": len(result.changed),
                "unchanged": result.unchanged,
            }
            if options["dry_run"]:
                summary += " " + _("Dry run: nothing was saved.")
            elif result.saved:
                summary += " " + _("Saved; %(months)s months updated.") % {
                    "months": result.months_touched
                }
            self.stdout.write(summary)
