"""`manage.py export_figures --year Y [--province CODE] [-o FILE]`: the figures file format."""

import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from programs.exporting import export_figures
from programs.models import Province
from reliefjobs.lib.jalali import MAX_YEAR, MIN_YEAR
from reliefjobs.lib.text import NumberError, parse_int


class Command(BaseCommand):
    help = (
        "Write a year's figures as CSV (UTF-8 with BOM; standard output without -o) or XLSX "
        "(-o FILE.xlsx), in the format import_figures reads."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, help="Jalali year, e.g. 1403")
        parser.add_argument("--province", help="ISO code (IR-19) or Persian name")
        parser.add_argument("-o", "--output", help="file to write; .xlsx for Excel")
        parser.add_argument("--no-bom", action="store_true", help="CSV without the UTF-8 BOM")
        parser.add_argument("--language", choices=[code for code, _name in settings.LANGUAGES])

    def handle(self, *args, **options):
        with translation.override(options["language"] or settings.LANGUAGE_CODE):
            try:
                year = parse_int(options["year"])
            except NumberError as exc:
                raise CommandError(_("--year must be a Jalali year such as 1403.")) from exc
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise CommandError(_("--year must be a Jalali year such as 1403."))
            province = None
            if options["province"]:
                province = Province.objects.by_identifier(options["province"])
                if province is None:
                    raise CommandError(
                        _(
                            "Unknown province %(province)s (use a code such as IR-19 or a Persian name)."
                        )
                        % {"province": options["province"]}
                    )
            self.stdout.ending = ""  # the CSV writer ends its own lines
            try:
                count = export_figures(
                    year=year,
                    province=province,
                    path=options["output"],
                    stream=self.stdout,
                    bom=not options["no_bom"],
                )
            except BrokenPipeError:
                # The reader (e.g. `| head`) stopped early: not an error of ours.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                sys.exit(1)
            if options["output"]:
                self.stderr.write(
                    _("%(rows)s rows written to %(file)s.")
                    % {"rows": count, "file": options["output"]}
                )
