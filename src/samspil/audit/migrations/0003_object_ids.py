"""One audit entry for a list read: the ids of every record shown (``object_ids``).

On PostgreSQL a GIN index serves the data-protection officer's "who has seen record X" search
over the lists (``object_ids @> '["X"]'``). SQLite rebuilds the table to add the column, which
drops its triggers, so the append-only triggers are created again (idempotent on both).
"""

import samspil.audit.fields
from django.db import migrations

GIN_INDEX = "audit_entry_object_ids_gin"


def create_index_and_triggers(apps, schema_editor):
    from samspil.audit.triggers import create_triggers

    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {GIN_INDEX} ON audit_auditentry "
            "USING gin (object_ids jsonb_path_ops)"
        )
    create_triggers(schema_editor.connection)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {GIN_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='object_ids',
            field=samspil.audit.fields.IdListField(blank=True, default=list, verbose_name='record ids'),
        ),
        migrations.RunPython(create_index_and_triggers, drop_index),
    ]
