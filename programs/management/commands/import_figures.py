"""`manage.py import_figures FILE [--dry-run]`: the figures file, atomically."""

from django.utils.translation import gettext as _

from programs.importing import import_figures
from programs.management.import_command import ImportCommand


class Command(ImportCommand):
    help = "Import monthly figures (CSV or XLSX; see README). Nothing is saved if any row is bad."
    run_import = staticmethod(import_figures)

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
