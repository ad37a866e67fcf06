"""Make the audit table append-only in the database itself, not only in the code.

An UPDATE or DELETE (or TRUNCATE) on audit_auditentry is refused by a trigger. Someone with the
rights to drop the trigger can still tamper, which is what the hash chain detects.
"""

from django.db import migrations


def create(apps, schema_editor):
    from samspil.audit.triggers import create_triggers

    create_triggers(schema_editor.connection)


def drop(apps, schema_editor):
    from samspil.audit.triggers import drop_triggers

    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
