"""Writing a checked bundle: rows go into temporary staging tables, then one INSERT … SELECT …
ON CONFLICT per real table moves them in.

PostgreSQL fills the staging tables with COPY (psycopg 3 `cursor.copy`), SQLite with
`executemany`; the statements that follow are the same on both. Staging first, upsert second,
because it lets the database join the bundle's keys to ids (an involvement names a journal number
and a person key, the table wants two ids) and report, through RETURNING, exactly which rows were
new or changed: those are the incidents the automatic rules must see.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

# Table and column names are spliced into SQL (parameters cannot name them). They come from the
# handlers' class constants, never from a bundle, and `_identifiers` refuses anything else; every
# value travels as a parameter or through COPY. Hence the `noqa: S608` below.
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$")


def _identifiers(*names: str) -> None:
    for name in names:
        if not _IDENTIFIER.match(name):
            raise ValueError(f"not an SQL identifier: {name!r}")


# progress(stage, done, total) – the rows done so far in the current stage
ProgressCallback = Callable[[str, int, int], None]
_COPY_PROGRESS_EVERY = 10_000


class Writer:
    def __init__(
        self,
        *,
        organisation_id: int,
        actor_id: int | None,
        now: datetime,
        is_synthetic: bool,
        progress: ProgressCallback | None = None,
    ) -> None:
        self.organisation_id = organisation_id
        self.actor_id = actor_id
        self.is_synthetic = is_synthetic
        self.vendor = connection.vendor
        self.postgres = self.vendor == "postgresql"
        self.now = self.datetime(now)
        self.progress = progress
        self.incident_ids: set[int] = set()
        self.current_file = ""  # named in the progress stages
        self._temp_tables: list[str] = []
        self._cursor = connection.cursor()

    @property
    def raw_cursor(self) -> Any:
        """The driver's cursor under Django's wrapper (psycopg's, for COPY)."""
        return self._cursor.cursor

    # -- values ------------------------------------------------------------------------------
    def date(self, value: date | None) -> Any:
        return value if self.postgres else connection.ops.adapt_datefield_value(value)

    def datetime(self, value: datetime) -> Any:
        return value if self.postgres else connection.ops.adapt_datetimefield_value(value)

    # -- statements --------------------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] = ()) -> int:
        self._cursor.execute(sql, params)
        return self._cursor.rowcount

    def column(self, sql: str) -> list[Any]:
        self._cursor.execute(sql)
        return [row[0] for row in self._cursor.fetchall()]

    def temp_table(self, name: str, columns: Sequence[tuple[str, str]]) -> None:
        _identifiers(name, *(column for column, _kind in columns))
        schema = "pg_temp" if self.postgres else "temp"
        self._cursor.execute(f"DROP TABLE IF EXISTS {schema}.{name}")
        definition = ", ".join(f"{column} {kind}" for column, kind in columns)
        self._cursor.execute(f"CREATE TEMP TABLE {name} ({definition})")
        self._temp_tables.append(f"{schema}.{name}")

    def stage(self, name: str, columns: Sequence[tuple[str, str]], rows: Iterable[Sequence[Any]],
              *, total: int | None = None) -> None:
        """Create temporary table `name` and fill it with `rows` (COPY or executemany)."""
        self.temp_table(name, columns)
        names = ", ".join(column for column, _kind in columns)
        label = _("writing %(file)s") % {"file": self.current_file or name}
        if self.progress and total is not None:
            self.progress(label, 0, total)
        if self.postgres:
            raw = self._cursor.cursor  # the psycopg cursor under Django's wrapper
            done = 0
            with raw.copy(f"COPY {name} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    done += 1
                    if self.progress and total is not None and done % _COPY_PROGRESS_EVERY == 0:
                        self.progress(label, done, total)
            # Temporary tables are never auto-analysed; without statistics the planner guesses
            # a handful of rows and joins a million of them by nested loop.
            raw.execute(f"ANALYZE {name}")
        else:
            marks = ", ".join("?" for _ in columns)
            self._cursor.cursor.executemany(  # the sqlite3 cursor: takes a generator as is
                f"INSERT INTO {name} ({names}) VALUES ({marks})", rows)  # noqa: S608
        if self.progress and total is not None:
            self.progress(label, total, total)

    def upsert_into(
        self,
        *,
        table: str,
        source: str,
        columns: Sequence[str],
        fixed: dict[str, Any],
        conflict: str,
        update: Sequence[str],
        compare: Sequence[str],
        returning: Sequence[str],
        into: str,
        update_expressions: dict[str, str] | None = None,
    ) -> int:
        """Insert the staged rows, update those whose key exists and whose values differ.

        Rows that exist unchanged are left alone (not even `updated_at` moves), so importing the
        same bundle twice changes nothing. Returns how many rows were inserted or changed; their
        `returning` columns land in temporary table `into`.
        """
        target = [*columns, *fixed]
        select = [*(f"s.{column}" for column in columns), *("%s" for _ in fixed)]
        assignments = [f"{column} = excluded.{column}" for column in update]
        assignments += [f"{column} = {expression}"
                        for column, expression in (update_expressions or {}).items()]
        differs = " OR ".join(f"{table}.{column} IS DISTINCT FROM excluded.{column}"
                              for column in compare)
        _identifiers(table, source, conflict, *target, *update, *compare)
        sql = (
            f"INSERT INTO {table} ({', '.join(target)}) "  # noqa: S608
            f"SELECT {', '.join(select)} FROM {source} s WHERE true "
            f"ON CONFLICT ({conflict}) DO UPDATE SET {', '.join(assignments)} WHERE {differs}"
        )
        return self.insert_select_into(sql=sql, params=list(fixed.values()),
                                       returning=returning, into=into)

    def insert_select_into(self, *, sql: str, params: Sequence[Any], returning: Sequence[str],
                           into: str) -> int:
        """Run an INSERT … SELECT; the RETURNING rows go to temporary table `into`."""
        _identifiers(into, *returning)
        names = ", ".join(returning)
        if self.postgres:
            self._cursor.execute(
                f"WITH written AS ({sql} RETURNING {names}) "  # noqa: S608
                f"INSERT INTO {into} ({names}) SELECT {names} FROM written", params)
            count = self._cursor.rowcount
            self._cursor.cursor.execute(f"ANALYZE {into}")
            return count
        # SQLite has no data-modifying CTE: bring the (few) rows back and stage them.
        self._cursor.execute(f"{sql} RETURNING {names}", params)
        written = self._cursor.fetchall()
        marks = ", ".join("?" for _ in returning)
        self._cursor.cursor.executemany(
            f"INSERT INTO {into} ({names}) VALUES ({marks})", written)  # noqa: S608
        return len(written)

    def refresh_statistics(self, tables: Sequence[str]) -> None:
        """Let the planner see a big import before the incident rules query it.

        Fresh rows are invisible to the statistics until autovacuum (PostgreSQL) or an ANALYZE
        (SQLite) runs; until then the rules' joins are planned for empty tables, which on SQLite
        made them 500 times slower. Both statements are transactional.
        """
        _identifiers(*tables)
        if self.postgres:
            self._cursor.execute(f"ANALYZE {', '.join(tables)}")
        else:
            self._cursor.execute("PRAGMA optimize")

    def close(self, *, drop: bool = True) -> None:
        if drop:
            for name in reversed(self._temp_tables):
                self._cursor.execute(f"DROP TABLE IF EXISTS {name}")
        self._temp_tables.clear()
        self._cursor.close()
