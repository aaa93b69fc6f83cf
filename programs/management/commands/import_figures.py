"""`manage.py import_figures FILE [--dry-run] [--accept-warnings --reason TEXT]`:
the figures file, atomically.

Values equal to what is stored are skipped and counted. Rows with warnings
(programs.rules: unusual averages, spikes against the office's history) are
listed as `row N: reason`; nothing is saved unless `--accept-warnings` is given
with a `--reason`, which is stored with each confirmed warning.
"""

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from programs.importing import import_figures
from programs.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import monthly figures (CSV or XLSX; see README). Nothing is saved if any row is bad."
    run_import = staticmethod(import_figures)

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--accept-warnings",
            action="store_true",
            help="save rows that have warnings (needs --reason)",
        )
        parser.add_argument("--reason", default="", help="why the warnings are right (stored)")

    def import_options(self, options) -> dict:
        if options["accept_warnings"] and not options["reason"].strip():
            raise CommandError(_("Give a reason for confirming the warnings.") + " (--reason)")
        return {"accept_warnings": options["accept_warnings"], "reason": options["reason"]}

    def report_warnings(self, result, *, dry_run: bool) -> None:
        for warning in result.warnings:
            self.stderr.write(str(warning))
        if result.needs_confirmation and not dry_run:
            raise CommandError(
                _(
                    "%(rows)s rows have warnings; nothing was saved. If the figures are right, "
                    "run again with --accept-warnings --reason «…»."
                )
                % {"rows": len({w.row for w in result.warnings})}
            )

    def summary(self, result, *, dry_run: bool) -> str:
        text = _("%(rows)s rows read: %(changed)s values to change, %(unchanged)s unchanged.") % {
            "rows": result.row_count,
            "changed": len(result.changed),
            "unchanged": result.unchanged,
        }
        if dry_run:
            return text + " " + _("Dry run: nothing was saved.")
        if result.saved:
            return (
                text
                + " "
                + _("Saved; %(months)s months updated.") % {"months": result.months_touched}
            )
        return text
