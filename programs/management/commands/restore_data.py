"""`manage.py restore_data FILE`: replace the database's rows with a backup's.

All or nothing: the tables are emptied and the backup loaded in one
transaction, so a bad file leaves the database as it was. Content types and
permissions that the code has gained since the backup are recreated after.
"""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS, connections, transaction


class Command(BaseCommand):
    # A backup must work even when some unrelated check fails.
    requires_system_checks = []
    help = "Replace all data with the contents of a backup_data file (asks first)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, file, interactive, verbosity, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no backup file at {path}")
        if interactive:
            answer = input(f"This replaces ALL data with {path}. Type 'yes' to continue: ")
            if answer.strip() != "yes":
                raise CommandError("restore cancelled")
        connection = connections[DEFAULT_DB_ALIAS]
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            if connection.vendor == "postgresql":
                # TRUNCATE refuses to run while deferred foreign-key checks of
                # this transaction are pending; settle them first.
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            call_command(
                "flush",
                interactive=False,
                inhibit_post_migrate=True,
                verbosity=0,
                database=DEFAULT_DB_ALIAS,
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            call_command("loaddata", str(path), verbosity=0, database=DEFAULT_DB_ALIAS)
            emit_post_migrate_signal(0, False, DEFAULT_DB_ALIAS)
        from django.core.cache import cache

        cache.clear()  # cached pages and sessions describe the old data
        if verbosity:
            self.stdout.write(f"restored from {path}")
