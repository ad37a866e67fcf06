"""Full-text search over incident narratives, one mechanism per database (incidents/fulltext.py).

PostgreSQL: a GIN expression index over to_tsvector('danish', narrative) (RunSQL, skipped on other
databases). SQLite: an external-content FTS5 table kept in sync by triggers (RunPython, a no-op on
other databases). A later migration that makes Django rebuild incidents_incident on SQLite (most
ALTERs do) drops the triggers with the old table: it must call fulltext.install_sqlite again.
"""

from django.db import migrations

from samspil.incidents import fulltext


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


def sqlite_forwards(apps, schema_editor):
    fulltext.install_sqlite(schema_editor)


def sqlite_backwards(apps, schema_editor):
    fulltext.uninstall_sqlite(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_default_categories")]
    operations = [
        PostgreSQLOnlyRunSQL(fulltext.PG_CREATE_INDEX, fulltext.PG_DROP_INDEX),
        migrations.RunPython(sqlite_forwards, sqlite_backwards),
    ]
