"""The database cache's table (`reliefjobs_cache`), made by `migrate`.

It is the cache of `CACHE_URL=db://` and the production default when no
CACHE_URL is set (reliefjobs/settings.py), so a deployment never depends on
remembering `manage.py createcachetable`. Made whatever the cache in use, so
switching to it later needs no extra step.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "reliefjobs_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.create_table(schema_editor.connection.alias, TABLE, False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(create, drop)]
