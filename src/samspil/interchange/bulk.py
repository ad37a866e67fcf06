"""Bulk mode for a large import on PostgreSQL: secondary indexes and foreign keys set aside.

Why: filling a table row by row keeps every index up to date row by row and queues one foreign-key
check per row and key until the commit; for a migration of a million rows that was most of the
import's time (the full-text GIN index of narratives and the deferred checks above all). Building
an index once from the finished table, and checking a foreign key with one anti-join, is several
times faster.

Why it is safe:
- It is transactional DDL in the import's own transaction: the indexes and constraints are
  dropped and re-created, with the definitions PostgreSQL itself prints for them
  (`pg_get_indexdef`, `pg_get_constraintdef`), before the transaction commits. A failed, refused
  or killed import rolls back to the tables exactly as they were.
- Re-adding a foreign key checks every row of the table, so nothing unchecked can be committed.
- Unique indexes and primary keys stay: the upserts need them and they keep the keys unique
  while the rows go in.
- DROP takes an ACCESS EXCLUSIVE lock, so no other session reads or writes these tables (nor
  sees them without an index) until the import commits.

That lock is also why it is only for imports that are large next to the table (see `wanted`):
a small upload must not lock the tables, and rebuilding the indexes of a big table for a few
rows would cost more than it saves.
"""

from __future__ import annotations

from typing import Any

# An import is "bulk" for a table when it writes at least this many rows into it, and at least
# as many as the table already holds (PostgreSQL's estimate, pg_class.reltuples).
MIN_ROWS = 20_000
# Memory for the index builds at the end (per build, this transaction only).
_MAINTENANCE_WORK_MEM = "256MB"


def wanted(cursor: Any, table: str, rows: int) -> bool:
    if rows < MIN_ROWS:
        return False
    cursor.execute("SELECT greatest(reltuples, 0) FROM pg_class WHERE oid = %s::regclass",
                   [table])
    found = cursor.fetchone()
    return found is not None and rows >= float(found[0])


class BulkMode:
    """Drops the non-unique indexes and the foreign keys of some tables; `restore` re-creates
    them. Both run inside the caller's transaction."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor
        self.tables: list[str] = []
        self._indexes: list[str] = []  # CREATE INDEX statements
        self._constraints: list[tuple[str, str, str]] = []  # (table, name, definition)

    def set_aside(self, table: str) -> None:
        cursor = self.cursor
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(c.oid) FROM pg_index x "
            "JOIN pg_class c ON c.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisunique AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid) "
            "ORDER BY c.relname", [table])
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [table])
        constraints = cursor.fetchall()
        for name, _definition in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        self.tables.append(table)
        self._indexes += [definition for _name, definition in indexes]
        self._constraints += [(table, name, definition) for name, definition in constraints]

    def restore(self) -> None:
        if not self.tables:
            return
        cursor = self.cursor
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{_MAINTENANCE_WORK_MEM}'")
        for definition in self._indexes:
            cursor.execute(definition)
        for table, name, definition in self._constraints:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.tables.clear()
        self._indexes.clear()
        self._constraints.clear()
