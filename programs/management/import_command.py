"""What `import_figures` and `import_targets` share: arguments, the user's scope,
the `row N: reason` report and the atomic run."""

import gc
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from programs.importing import ImportFileError


def user_named(username):
    from programs.models import User

    if not username:
        return None
    try:
        return User.objects.get(username=username)
    except User.DoesNotExist as exc:
        raise CommandError(_("No user named %(name)s.") % {"name": username}) from exc


@contextmanager
def _without_cycle_collection():
    """A national file makes millions of long-lived rows, values and dicts (with
    no reference cycles among them); the cyclic collector would rescan them ever
    more often, about a tenth of the import's time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ImportCommand(BaseCommand):
    """Subclasses set `run_import` (a programs.importing function) and `summary()`."""

    run_import = None
    # The project's system checks (models, URLs, templates, admin) are run by
    # `check`, `migrate` and the servers; an import reads a file into the
    # database and serves nothing, so it does not pay for them on every run.
    requires_system_checks = []

    def add_arguments(self, parser):
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

    def summary(self, result, *, dry_run: bool) -> str:
        raise NotImplementedError

    def import_options(self, options) -> dict:
        """Keyword arguments a subclass adds to `run_import` (its own flags)."""
        return {}

    def report_warnings(self, result, *, dry_run: bool) -> None:
        """Subclasses with warnings list them (and fail when they stop the save)."""

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            user = user_named(options["user"])
            try:
                with _without_cycle_collection():
                    result = self.run_import(
                        options["file"],
                        user=user,
                        dry_run=options["dry_run"],
                        **self.import_options(options),
                    )
            except ImportFileError as exc:
                raise CommandError(str(exc)) from exc
            if result.errors:
                self._report_errors(result)
            self.report_warnings(result, dry_run=options["dry_run"])
            self.stdout.write(self.summary(result, dry_run=options["dry_run"]))

    def _report_errors(self, result) -> None:
        """One line per bad row on stderr, then fail with nothing saved."""
        for error in result.errors:
            self.stderr.write(str(error))
        raise CommandError(
            _("%(bad)s of %(rows)s rows have problems; nothing was saved.")
            % {"bad": len({e.row for e in result.errors}), "rows": result.row_count}
        )
