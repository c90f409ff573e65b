"""The county light's uniqueness on SQLite too.

`current_light_unique` carries INCLUDE columns for PostgreSQL's index-only scans; Django creates no
constraint with INCLUDE on SQLite (check models.W039), which left the embedded default without the
rule that an indicator has one county light. On SQLite this creates the same partial unique index
without the included columns; PostgreSQL already has the constraint and is left as it is.
"""

from django.db import migrations

INDEX = "current_light_unique_sqlite"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        table = apps.get_model("targets", "CurrentLight")._meta.db_table
        schema_editor.execute(
            f'CREATE UNIQUE INDEX IF NOT EXISTS "{INDEX}" ON "{table}" ("indicator_id") WHERE "unit_id" IS NULL'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("targets", "0008_current_light_counted_index")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
