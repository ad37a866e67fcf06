"""Full-text search in incident narratives: the one place that knows the two databases differ.

PostgreSQL uses its `danish` text-search configuration (Snowball stemming: "knallerten",
"knallerter" and "knallert" all become "knallert") with a GIN expression index; the query is
`plainto_tsquery`, which treats user input as plain words, never as query syntax.

SQLite (the embedded default) uses an external-content FTS5 table kept in sync by triggers.
FTS5 has no Danish stemmer (its `porter` tokenizer is English and would mangle Danish words), so
the table uses `unicode61` with diacritics folded, and each query word becomes a quoted prefix
query (`"knallert"*`) after a light Danish suffix strip. The effect is close to PostgreSQL's for
inflected nouns and verbs ("knallert", "knallerten", "knallerter" find each other) but wider:
a prefix also matches compounds ("knallert" finds "knallertkørsel"), which PostgreSQL does not.

User text never reaches MATCH as syntax: only runs of letters and digits survive, each quoted.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from django.db import connections
from django.db.models import Model, QuerySet
from django.db.models.expressions import RawSQL

M = TypeVar("M", bound=Model)

PG_INDEX = "incidents_incident_narrative_fts"

# The index expression must be exactly what SearchVector("narrative", config="danish") compiles
# to — Django wraps text columns in COALESCE — or PostgreSQL will not use the index.
PG_CREATE_INDEX = (
    f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON incidents_incident USING gin "
    "(to_tsvector('danish'::regconfig, COALESCE(narrative, ''::text)))"
)
PG_DROP_INDEX = f"DROP INDEX IF EXISTS {PG_INDEX}"

# Literal SQL (no interpolation): the table and trigger names are fixed.
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS incidents_incident_fts USING fts5("
    "narrative, content='incidents_incident', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS incidents_incident_fts_ai AFTER INSERT ON incidents_incident "
    "BEGIN INSERT INTO incidents_incident_fts(rowid, narrative) "
    "VALUES (new.id, new.narrative); END",
    "CREATE TRIGGER IF NOT EXISTS incidents_incident_fts_ad AFTER DELETE ON incidents_incident "
    "BEGIN INSERT INTO incidents_incident_fts(incidents_incident_fts, rowid, narrative) "
    "VALUES ('delete', old.id, old.narrative); END",
    "CREATE TRIGGER IF NOT EXISTS incidents_incident_fts_au AFTER UPDATE OF narrative "
    "ON incidents_incident "
    "BEGIN INSERT INTO incidents_incident_fts(incidents_incident_fts, rowid, narrative) "
    "VALUES ('delete', old.id, old.narrative); "
    "INSERT INTO incidents_incident_fts(rowid, narrative) VALUES (new.id, new.narrative); END",
    # Index the rows that exist already (none on a fresh database, all after a table rebuild).
    "INSERT INTO incidents_incident_fts(incidents_incident_fts) VALUES ('rebuild')",
)
SQLITE_DROP = (
    "DROP TRIGGER IF EXISTS incidents_incident_fts_ai",
    "DROP TRIGGER IF EXISTS incidents_incident_fts_ad",
    "DROP TRIGGER IF EXISTS incidents_incident_fts_au",
    "DROP TABLE IF EXISTS incidents_incident_fts",
)
SQLITE_MATCH = (
    "SELECT rowid FROM incidents_incident_fts WHERE incidents_incident_fts MATCH %s"
)

_WORD = re.compile(r"\w+", re.UNICODE)
# Danish inflection endings, longest first (definite and plural forms, genitive, participle).
_SUFFIXES = ("erne", "ene", "ens", "ers", "ets", "en", "er", "et", "es", "e", "s")
_MIN_STEM = 4
_MAX_WORDS = 12


def words(text: str) -> list[str]:
    """The searchable words of a user's query: letters and digits only, lower-cased."""
    return [word.lower() for word in _WORD.findall(text or "")][:_MAX_WORDS]


def _prefix_stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def fts5_match_expression(text: str) -> str:
    """A safe FTS5 MATCH string: every word quoted, as a prefix query, all words required."""
    terms = []
    for word in words(text):
        stem = _prefix_stem(word).replace('"', '""')
        terms.append(f'"{stem}"*')
    return " AND ".join(terms)


def install_sqlite(schema_editor: Any) -> None:
    """Create the FTS5 table and its triggers. Call again after anything rebuilds the table:
    SQLite drops triggers with the table, and Django rebuilds a SQLite table to alter it."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_CREATE:
        schema_editor.execute(statement)


def uninstall_sqlite(schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for statement in SQLITE_DROP:
        schema_editor.execute(statement)


def filter_narrative(queryset: QuerySet[M], text: str) -> QuerySet[M]:
    """Narrow a queryset of incidents to those whose narrative matches every word of `text`."""
    if not words(text):
        return queryset.none()
    vendor = connections[queryset.db].vendor
    if vendor == "postgresql":
        # Imported here: django.contrib.postgres is only meaningful on PostgreSQL and is not in
        # INSTALLED_APPS (the expressions below need no app registry).
        from django.contrib.postgres.search import SearchQuery, SearchVector

        # alias(), not annotate(): the vector is only compared, never selected.
        return queryset.alias(
            _narrative_fts=SearchVector("narrative", config="danish")
        ).filter(_narrative_fts=SearchQuery(" ".join(words(text)), config="danish",
                                            search_type="plain"))
    if vendor == "sqlite":
        return queryset.filter(
            # The match string is a bound parameter built by fts5_match_expression.
            pk__in=RawSQL(SQLITE_MATCH, [fts5_match_expression(text)])  # noqa: S611
        )
    # Any other database: a plain substring search, slow but correct.
    for word in words(text):
        queryset = queryset.filter(narrative__icontains=word)
    return queryset
