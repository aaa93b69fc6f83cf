"""Recompute the stored name keys after normalize_name learnt آ/ا and more
invisible marks (issue 12): a key is only useful if it is computed as today."""

from django.db import migrations


def recompute(apps, schema_editor):
    from reliefjobs.lib.text import normalize_name

    for app, model in (
        ("programs", "Province"),
        ("programs", "CountyOffice"),
        ("programs", "Scheme"),
        ("loans", "Bank"),
        ("loans", "FundingSource"),
    ):
        Model = apps.get_model(app, model)
        changed = []
        for row in Model.objects.only("pk", "name", "name_key"):
            key = normalize_name(row.name)
            if key != row.name_key:
                row.name_key = key
                changed.append(row)
        Model.objects.bulk_update(changed, ["name_key"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0005_h06_reminder_settings"),
        ("loans", "0002_initial"),
    ]

    operations = [migrations.RunPython(recompute, migrations.RunPython.noop)]
