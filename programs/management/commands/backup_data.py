"""`manage.py backup_data FILE`: every table's rows to one portable XML file.

The same file restores into SQLite or PostgreSQL (`restore_data`), so a
backup also moves data between the two. Primary keys are kept, so history
rows and admin log entries stay consistent. XML, not JSON: Django's JSON
encoder rounds times to milliseconds, XML keeps them exact. A name ending in
.xml.gz (.bz2, .xz, .zip) is compressed by dumpdata itself.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Sessions are volatile (a restore logs everyone out, which is safer anyway).
EXCLUDED = ("sessions",)


class Command(BaseCommand):
    # A backup must work even when some unrelated check fails.
    requires_system_checks = []
    help = "Write every table to an XML backup file that restore_data reads back."

    def add_arguments(self, parser):
        parser.add_argument("file", help="where to write, e.g. backups/reliefjobs.xml.gz")

    def handle(self, *args, file, **options):
        path = Path(file)
        if path.is_dir():
            raise CommandError(f"{path} is a directory; give a file name")
        if ".xml" not in path.suffixes:
            raise CommandError(f"{path}: use a name ending in .xml or .xml.gz")
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".partial" + "".join(path.suffixes[-1:]))
        connection = connections[DEFAULT_DB_ALIAS]
        # One transaction, and on PostgreSQL one snapshot, so every table is
        # read as of the same moment even while people keep saving.
        outermost = not connection.in_atomic_block
        try:
            with transaction.atomic(using=DEFAULT_DB_ALIAS):
                if connection.vendor == "postgresql" and outermost:
                    with connection.cursor() as cursor:
                        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                call_command(
                    "dumpdata", format="xml", exclude=list(EXCLUDED), output=str(tmp), verbosity=0
                )
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        # Renamed only when complete: a crash never leaves a truncated "backup".
        tmp.replace(path)
        if options["verbosity"]:
            self.stdout.write(f"backup written to {path}")
