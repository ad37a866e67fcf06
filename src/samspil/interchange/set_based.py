"""The set-based import path on PostgreSQL: COPY the files in, check them with SQL, upsert.

Why: checking a million rows one at a time in Python cost about 25 times a bare COPY of the same
rows before anything was written. Here incidents.csv, relations.csv and involvements.csv are
parsed by the csv module's C code, copied as text into temporary tables, checked with a handful
of set-based queries, converted to typed values by SQL, and upserted by the same statements as
the row-by-row path (`FileHandler.write_staged`). persons.csv keeps its row checks in Python
(CPR numbers and names need Python to be hashed, encrypted and folded anyway).

The SQL checks decide only *whether* a bundle is clean; they never word a problem. Any problem,
anything unusual (a header that is not plain, a CSV quirk, a value the SQL is not sure to read
exactly as Python does, a file only the row-by-row path knows such as cases.csv) raises
`NotSetBased`, and `bundle_import` rolls this path back to its savepoint and runs the
row-by-row path, which finds and words every problem. So the two paths accept the same bundles and
report the same messages by construction; the SQL only has to be at least as strict as Python,
and where it is stricter the cost is speed, never a wrong row.
"""

# ruff: noqa: S608 -- every SQL text here is built from this module's constants, the handlers'
# declared column names (a bundle's header is used only after it is found to be a subset of them)
# and integer ids; every value from a bundle travels through COPY or as a parameter.
from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

import psycopg
from django.db import DatabaseError, transaction
from django.utils.translation import gettext as _

from samspil.interchange.bulk import BulkMode
from samspil.interchange.bulk import wanted as bulk_wanted
from samspil.interchange.bundle import BOM, Bundle, read_csv
from samspil.interchange.handlers import (
    RELATION_KINDS,
    ROLES,
    FileCounts,
    FileHandler,
    ImportContext,
    IncidentsHandler,
    InvolvementsHandler,
    PersonsHandler,
    RelationsHandler,
)
from samspil.interchange.writer import ProgressCallback, Writer

# The files this path handles; a bundle holding any other goes the row-by-row way.
SET_BASED_FILES = frozenset({"persons.csv", "incidents.csv", "relations.csv",
                             "involvements.csv"})
TIMEZONE = "Europe/Copenhagen"
# schema.parse_time's shape. Python then refuses hour 24, second 60 and such, which PostgreSQL
# would take (24:00 as midnight, 60 as a leap second): those are refused here explicitly.
_TIME = r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$"
_OFFSET = r"(Z|[+-]\d{2}:?\d{2})$"
# Plain decimals only: Python's float() also reads "1e1", "nan", " 12", "1_0"; such (rare) values
# take the row-by-row path rather than risk PostgreSQL reading them differently.
_NUMBER = r"^-?\d{1,3}(\.\d{1,15})?$"


# Django's own errors, and the driver's: COPY and the raw cursor raise psycopg's directly.
DATABASE_ERRORS = (DatabaseError, psycopg.Error)


class NotSetBased(Exception):
    """The bundle needs the row-by-row path: it has a problem to report, or is unusual."""


def eligible(bundle: Bundle) -> bool:
    return bool(bundle.files) and set(bundle.files) <= SET_BASED_FILES


def _bad_time(column: str, *, required: bool) -> str:
    """SQL: true when `column` is not a time this path reads exactly as parse_time does."""
    absent = f"coalesce({column}, '') = ''"
    shape = (f"{column} !~ '{_TIME}' OR substr({column}, 12, 2)::int > 23 "
             f"OR substr({column}, 15, 2)::int > 59 "
             f"OR (length({column}) >= 19 AND substr({column}, 17, 1) = ':' "
             f"AND substr({column}, 18, 2)::int > 59) "
             f"OR {column} ~ '[+-]\\d{{2}}:?[6-9]\\d$'")
    if required:
        return f"({absent} OR {shape})"
    return f"(NOT {absent} AND ({shape}))"


def _time_value(column: str) -> str:
    """SQL: the instant of a checked time; without an offset, Copenhagen local time.

    A local time in the autumn's repeated hour is the first of the two instants, as Python's
    `replace(tzinfo=...)` (fold=0) makes it; PostgreSQL alone would take the second.
    """
    local = f"{column}::timestamp"
    instant = f"({local} AT TIME ZONE '{TIMEZONE}')"
    return (f"CASE WHEN {column} ~ '{_OFFSET}' THEN {column}::timestamptz "
            f"WHEN ({instant} - interval '1 hour') AT TIME ZONE '{TIMEZONE}' = {local} "
            f"THEN {instant} - interval '1 hour' ELSE {instant} END")


def _bad_number(column: str, limit: int) -> str:
    return (f"(coalesce({column}, '') <> '' AND ({column} !~ '{_NUMBER}' "
            f"OR abs({column}::double precision) > {limit}))")


def _missing(column: str) -> str:
    return f"coalesce({column}, '') = ''"


class SetBasedImport:
    def __init__(self, *, bundle: Bundle, ctx: ImportContext, writer: Writer,
                 progress: ProgressCallback | None) -> None:
        self.bundle = bundle
        self.ctx = ctx
        self.writer = writer
        self.progress = progress
        self.org = ctx.organisation_id
        self.rows: dict[str, int] = {}
        self.bulk_tables: list[str] = []

    # -- loading -----------------------------------------------------------------------------
    def _stage(self, label: str) -> None:
        if self.progress:
            self.progress(label, 0, 1)

    def _load(self, handler: type[FileHandler], table: str) -> None:
        """COPY the file's rows as text into temporary table `table` (its declared columns)."""
        name = handler.filename
        self._stage(_("checking %(file)s") % {"file": name})
        try:
            text = self.bundle.files[name].decode("utf-8")
        except UnicodeDecodeError:
            raise NotSetBased(name) from None
        if text.startswith(BOM):
            text = text[1:]
        # COPY reads a line "\." as the end of the data, and cannot hold NUL.
        if "\\." in text or "\x00" in text:
            raise NotSetBased(name)
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = next(reader, None)
        declared = [column.name for column in handler.columns]
        required = {column.name for column in handler.columns if column.required}
        if (not header or len(set(header)) != len(header) or not set(header) <= set(declared)
                or not required <= set(header)):
            raise NotSetBased(name)
        # Re-written by the C csv writer, so COPY reads exactly the fields Python's reader saw;
        # blank lines dropped as read_csv does. A row with the wrong number of fields makes
        # COPY fail, which sends the bundle the row-by-row way.
        buffer = io.StringIO()
        try:
            csv.writer(buffer, lineterminator="\n").writerows(filter(None, reader))
        except csv.Error:
            raise NotSetBased(name) from None
        self.writer.temp_table(table, [(column, "text") for column in declared])
        columns = ", ".join(header)
        cursor = self.writer.raw_cursor
        with cursor.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            copy.write(buffer.getvalue().encode("utf-8"))
        cursor.execute(f"ANALYZE {table}")
        self.rows[name] = self._count(f"SELECT count(*) FROM {table}")

    def _count(self, sql: str, params: list[Any] | None = None) -> int:
        cursor = self.writer.raw_cursor
        cursor.execute(sql, params or [])
        row = cursor.fetchone()
        return int(row[0]) if row else 0

    def _refuse_if(self, what: str, sql: str, params: list[Any] | None = None) -> None:
        # No LIMIT: it would tempt the planner into nested loops, and a clean bundle (the
        # common case) has to be read through anyway.
        if self._count(f"SELECT count(*) FROM ({sql}) AS problem", params):
            raise NotSetBased(what)

    # -- checking ----------------------------------------------------------------------------
    def _check_persons(self) -> PersonsHandler | None:
        data = self.bundle.files.get(PersonsHandler.filename)
        if data is None:
            return None
        self._stage(_("checking %(file)s") % {"file": PersonsHandler.filename})
        problems: list[Any] = []
        csv_file = read_csv(PersonsHandler.filename, data, problems)
        if csv_file is None:
            raise NotSetBased(PersonsHandler.filename)
        handler = PersonsHandler(self.ctx)
        handler.check_header(csv_file.header)
        handler.check_rows(csv_file.header, csv_file.rows)
        if not handler.problems:
            handler.check()
        if handler.problems:
            raise NotSetBased(PersonsHandler.filename)
        # The bundle's person keys, for the references of the other files.
        self.writer.temp_table("sx_person_keys", [("person_key", "text")])
        with self.writer.raw_cursor.copy("COPY sx_person_keys (person_key) FROM STDIN") as copy:
            for key in self.ctx.bundle_keys.get("person", {}):
                copy.write_row((key,))
        self.writer.raw_cursor.execute("ANALYZE sx_person_keys")
        return handler

    def _refuse_unknown(self, what: str, source: str, column: str, kind: str) -> None:
        """Refuse when a reference in `source.column` is neither in the bundle nor a record the
        organisation owns. Anti-joins, one query per reference: an EXISTS under an OR would be
        run once per row (minutes for a million rows)."""
        if kind == "person":
            in_bundle = "sx_person_keys" if "person" in self.ctx.bundle_keys else None
            table, key = "persons_person", "person_key"
        else:
            in_bundle = "ix_incidents_text" if "incidents.csv" in self.rows else None
            table, key = "incidents_incident", "journal_no"
        joins, unknown = "", [f"coalesce(s.{column}, '') <> ''", "d.id IS NULL"]
        if in_bundle is not None:
            joins = f"LEFT JOIN {in_bundle} k ON k.{key} = s.{column} "
            unknown.append(f"k.{key} IS NULL")
        self._refuse_if(what, (
            f"SELECT 1 FROM {source} s {joins}"
            f"LEFT JOIN {table} d ON d.{key} = s.{column} AND d.owner_organisation_id = %s "
            f"WHERE {' AND '.join(unknown)}"), [self.org])

    def _check_incidents(self) -> None:
        self._load(IncidentsHandler, "ix_incidents_text")
        self._refuse_if("incidents.csv", (
            "SELECT 1 FROM ix_incidents_text s "
            "LEFT JOIN incidents_incidentcategory c ON c.code = s.category "
            "LEFT JOIN organisations_municipality m ON m.code = s.municipality_code "
            f"WHERE {_missing('s.journal_no')} OR length(s.journal_no) > 40 "
            f"OR {_bad_time('s.occurred_at', required=True)} "
            f"OR {_bad_time('s.reported_at', required=False)} "
            "OR c.id IS NULL OR m.id IS NULL "
            f"OR ({_missing('s.lat')}) <> ({_missing('s.lon')}) "
            f"OR {_bad_number('s.lat', 90)} OR {_bad_number('s.lon', 180)}"))
        self._refuse_if("incidents.csv duplicates", (
            "SELECT journal_no FROM ix_incidents_text GROUP BY journal_no HAVING count(*) > 1"))
        self._refuse_if("incidents.csv owners", (
            "SELECT 1 FROM ix_incidents_text s JOIN incidents_incident i "
            "ON i.journal_no = s.journal_no WHERE i.owner_organisation_id <> %s"), [self.org])

    def _check_relations(self) -> None:
        self._load(RelationsHandler, "ix_relations")
        self._refuse_if("relations.csv", (
            "SELECT 1 FROM ix_relations s "
            f"WHERE {_missing('s.person_key')} OR {_missing('s.related_person_key')} "
            "OR s.relation IS NULL OR NOT s.relation = ANY(%s) "
            "OR s.person_key = s.related_person_key"), [list(RELATION_KINDS)])
        self._refuse_unknown("relations.csv persons", "ix_relations", "person_key", "person")
        self._refuse_unknown("relations.csv related persons", "ix_relations",
                             "related_person_key", "person")
        self._refuse_if("relations.csv duplicates", (
            "SELECT 1 FROM ix_relations GROUP BY person_key, related_person_key, relation "
            "HAVING count(*) > 1"))

    def _check_involvements(self) -> None:
        self._load(InvolvementsHandler, "ix_involvements")
        self._refuse_if("involvements.csv", (
            "SELECT 1 FROM ix_involvements s "
            f"WHERE {_missing('s.journal_no')} OR {_missing('s.person_key')} "
            "OR s.role IS NULL OR NOT s.role = ANY(%s)"), [list(ROLES)])
        self._refuse_unknown("involvements.csv incidents", "ix_involvements", "journal_no",
                             "incident")
        self._refuse_unknown("involvements.csv persons", "ix_involvements", "person_key",
                             "person")
        self._refuse_if("involvements.csv duplicates", (
            "SELECT 1 FROM ix_involvements GROUP BY journal_no, person_key, role "
            "HAVING count(*) > 1"))

    # -- writing -----------------------------------------------------------------------------
    def _typed_incidents(self) -> None:
        """ix_incidents_text (as written) -> ix_incidents (typed), as IncidentsHandler stages."""
        self.writer.temp_table("ix_incidents", IncidentsHandler.staged_columns)
        occurred = _time_value("s.occurred_at")
        self.writer.execute(
            "INSERT INTO ix_incidents SELECT s.journal_no, o.at, "
            f"(o.at AT TIME ZONE '{TIMEZONE}')::date, "
            f"CASE WHEN {_missing('s.reported_at')} THEN o.at "
            f"ELSE {_time_value('s.reported_at')} END, c.id, m.id, "
            "nullif(s.lat, '')::double precision, nullif(s.lon, '')::double precision, "
            "coalesce(s.narrative, '') FROM ix_incidents_text s "
            f"CROSS JOIN LATERAL (SELECT {occurred} AS at) o "
            "JOIN incidents_incidentcategory c ON c.code = s.category "
            "JOIN organisations_municipality m ON m.code = s.municipality_code")
        self.writer.raw_cursor.execute("ANALYZE ix_incidents")

    def run(self) -> dict[str, FileCounts]:
        persons = self._check_persons()
        names = self.bundle.files
        if "incidents.csv" in names:
            self._check_incidents()
        if "relations.csv" in names:
            self._check_relations()
        if "involvements.csv" in names:
            self._check_involvements()
        counts: dict[str, FileCounts] = {}
        writer = self.writer
        persons_rows = len(persons.records) if persons is not None else 0
        planned = {
            "persons_person": persons_rows,
            "persons_nametoken": persons_rows * 2,  # about two name tokens a person
            "incidents_incident": self.rows.get("incidents.csv", 0),
            "persons_relation": self.rows.get("relations.csv", 0),
            "incidents_involvement": self.rows.get("involvements.csv", 0),
        }
        bulk = self._bulk_mode(planned)
        if persons is not None:
            writer.current_file = persons.filename
            counts[persons.filename] = persons.write(writer)
        steps: list[tuple[type[FileHandler], Callable[[], None] | None]] = [
            (IncidentsHandler, self._typed_incidents), (RelationsHandler, None),
            (InvolvementsHandler, None)]
        for handler_class, prepare in steps:
            name = handler_class.filename
            if name not in names:
                continue
            writer.current_file = name
            self._stage(_("writing %(file)s") % {"file": name})
            handler = handler_class(self.ctx)
            handler.rows = self.rows[name]
            if handler_class is IncidentsHandler:
                self.ctx.existing["incident"] = set(writer.column(
                    "SELECT s.journal_no FROM ix_incidents_text s JOIN incidents_incident i "
                    "ON i.journal_no = s.journal_no"))
            if prepare is not None:
                prepare()
            counts[name] = handler.write_staged(writer)  # type: ignore[attr-defined]
        self.bulk_tables = list(bulk.tables)
        if bulk.tables:
            self._stage(_("building indexes"))
            bulk.restore()
        return counts

    def _bulk_mode(self, planned: dict[str, int]) -> BulkMode:
        """Set aside the indexes of the tables this import fills in bulk (see bulk.py)."""
        cursor = self.writer.raw_cursor
        bulk = BulkMode(cursor)
        try:
            with transaction.atomic():  # a savepoint
                for table, rows in planned.items():
                    if bulk_wanted(cursor, table, rows):
                        bulk.set_aside(table)
        except DATABASE_ERRORS:
            # PostgreSQL refuses to alter a table while this transaction still owes it checks
            # (rows written before the import, in the same transaction): then no bulk mode.
            return BulkMode(cursor)
        return bulk


def tables_of(names: set[str]) -> list[str]:
    handlers = (PersonsHandler, IncidentsHandler, RelationsHandler, InvolvementsHandler)
    return [table for handler in handlers if handler.filename in names
            for table in handler.tables]
