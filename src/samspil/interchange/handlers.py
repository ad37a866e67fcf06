"""One handler per bundle file: its declared columns, its row rules, and how it is written.

A handler checks one row at a time (`parse_row`), then the whole file against the rest of the
bundle and the database (`check`), then — only when the whole bundle is free of problems — writes
its rows through a `Writer` (`write`). `HANDLERS` lists them in dependency order: a file may refer
only to files before it. cases.csv will slot in by adding a `CasesHandler` to the list; nothing
else here needs to change for it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from django.db import connection
from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samspil.cases import importing as case_importing
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.models import Incident, IncidentCategory
from samspil.interchange.schema import (
    WHOLE_FILE,
    Column,
    Problem,
    ValueProblem,
    copenhagen_date,
    parse_date,
    parse_float,
    parse_time,
)
from samspil.interchange.writer import Writer
from samspil.organisations.models import Municipality
from samspil.persons.constants import Gender, RelationKind
from samspil.persons.cpr import Cpr, CprError, parse_cpr
from samspil.persons.models import Person
from samspil.persons.protection import cpr_encrypt_many, cpr_lookup_hash
from samspil.persons.services import name_index_values

LOOKUP_CHUNK = 5000
# Computed once: Django's `Choices.values` builds a new list on every access, once per row here.
GENDERS = tuple(Gender.values)
RELATION_KINDS = tuple(RelationKind.values)
ROLES = tuple(InvolvementRole.values)
# Lazy, so a million good rows do not translate a message each; translated when a row fails.
UNKNOWN_MUNICIPALITY = gettext_lazy("unknown municipality code %(value)s")
UNKNOWN_CATEGORY = gettext_lazy("unknown category %(value)s")


@dataclass
class FileCounts:
    """What an import did with one file's rows. None = not known (a dry run does not write)."""

    rows: int
    created: int | None = None
    updated: int | None = None
    unchanged: int | None = None

    def as_dict(self) -> dict[str, int | None]:
        return {"rows": self.rows, "created": self.created, "updated": self.updated,
                "unchanged": self.unchanged}


@dataclass
class ImportContext:
    """What the handlers share: the importing organisation, code tables, and the bundle's keys."""

    organisation_id: int
    municipalities: dict[str, int] = field(default_factory=dict)
    categories: dict[str, int] = field(default_factory=dict)
    # kind ("person", "incident") -> {key: line} of the rows in the bundle
    bundle_keys: dict[str, dict[str, int]] = field(default_factory=dict)
    # kind -> keys of bundle rows that already exist in the database (owned by the organisation)
    existing: dict[str, set[str]] = field(default_factory=dict)
    # kind -> (model, key field): where a reference that is not in the bundle is looked up
    lookups: dict[str, tuple[type[Model], str]] = field(default_factory=dict)
    # kinds whose file is in the bundle but could not be read (its problem is reported already)
    unreadable: set[str] = field(default_factory=set)

    @classmethod
    def load(cls, *, organisation_id: int, handlers: Iterable[type[FileHandler]]) -> ImportContext:
        ctx = cls(organisation_id=organisation_id)
        ctx.municipalities = dict(Municipality.objects.values_list("code", "id"))
        ctx.categories = dict(IncidentCategory.objects.values_list("code", "id"))
        for handler in handlers:
            if handler.kind and handler.model is not None and handler.key_field:
                ctx.lookups[handler.kind] = (handler.model, handler.key_field)
        return ctx

    def owners_of(self, kind: str, keys: Iterable[str]) -> dict[str, int]:
        """{key: owning organisation id} for the keys that exist in the database."""
        model, key_field = self.lookups[kind]
        keys = list(keys)
        if connection.vendor == "postgresql":
            return dict(values_in(model, key_field, keys, "owner_organisation_id"))
        found: dict[str, int] = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start:start + LOOKUP_CHUNK]
            found.update(
                model._default_manager.filter(**{f"{key_field}__in": chunk})
                .values_list(key_field, "owner_organisation_id")
            )
        return found

    def unknown_references(self, kind: str, keys: Iterable[str]) -> set[str]:
        """Keys that are neither in the bundle nor a record the organisation owns.

        A record of another organisation counts as unknown: the answer must not tell an importer
        which keys exist elsewhere.
        """
        in_bundle = self.bundle_keys.get(kind, {})
        outside = {key for key in keys if key not in in_bundle}
        owners = self.owners_of(kind, outside)
        return {key for key in outside if owners.get(key) != self.organisation_id}


def values_in(model: type[Model], key_field: str, keys: list[str],
              other_field: str) -> list[tuple[Any, Any]]:
    """(key, other) of the rows whose key is in `keys`: one query with an array on PostgreSQL.

    Why not `filter(key__in=...)`: Django prepares every element of a big IN list one by one,
    which took longer than the query itself (seconds for a few hundred thousand keys).
    """
    meta = model._meta
    key_column = meta.get_field(key_field).column  # type: ignore[union-attr]
    other_column = meta.get_field(other_field).column  # type: ignore[union-attr]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {key_column}, {other_column} FROM {meta.db_table} "  # noqa: S608
            f"WHERE {key_column} = ANY(%s)", [keys])
        return list(cursor.fetchall())


class Row:
    """One data row while it is checked; collects its problems into the handler."""

    __slots__ = ("failed", "handler", "line", "values")

    def __init__(self, handler: FileHandler, line: int, values: dict[str, str]) -> None:
        self.handler = handler
        self.line = line
        self.values = values
        self.failed = False

    def error(self, column: str, message: str) -> None:
        self.failed = True
        self.handler.problems.append(Problem(self.handler.filename, self.line, column, message))

    def get(self, name: str) -> str | None:
        """The field, or None when absent (empty, or the column is not in the file)."""
        value = self.values.get(name)
        if not value:
            return None
        limit = self.handler.max_lengths.get(name)
        if limit is not None and len(value) > limit:
            self.error(name, _("is longer than %(max)d characters") % {"max": limit})
            return None
        return value

    def required(self, name: str) -> str | None:
        if not self.values.get(name):
            if name in self.values:
                self.error(name, _("is required"))
            else:
                self.failed = True  # the missing column is reported once, on the header line
            return None
        return self.get(name)

    def choice(self, name: str, choices: Iterable[str]) -> str | None:
        value = self.required(name)
        if value is not None and value not in choices:
            self.error(name, _("unknown value %(value)s; use one of %(choices)s")
                       % {"value": value, "choices": ", ".join(choices)})
            return None
        return value

    def code(self, name: str, table: dict[str, int], message: Any) -> int | None:
        value = self.required(name)
        if value is None:
            return None
        found = table.get(value)
        if found is None:
            self.error(name, str(message) % {"value": value})
        return found

    def parsed(self, name: str, parser: Any, *, required: bool = False, **kwargs: Any) -> Any:
        value = self.required(name) if required else self.get(name)
        if value is None:
            return None
        try:
            return parser(value, **kwargs)
        except ValueProblem as problem:
            self.error(name, str(problem))
            return None


class FileHandler(ABC):
    """Reads, checks and writes one file of the bundle. Subclasses declare the schema."""

    filename: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    # The columns that identify a row within the file (a duplicate is an error).
    key_columns: ClassVar[tuple[str, ...]]
    # For files whose key other files refer to: the reference kind and where it lives.
    kind: ClassVar[str | None] = None
    model: ClassVar[type[Model] | None] = None
    key_field: ClassVar[str | None] = None
    # The tables `write` fills (their planner statistics are refreshed after a big import).
    tables: ClassVar[tuple[str, ...]] = ()

    def __init__(self, ctx: ImportContext) -> None:
        self.ctx = ctx
        self.problems: list[Problem] = []
        self.records: list[Any] = []
        self.rows = 0
        self.max_lengths = {c.name: c.max_length for c in self.columns if c.max_length}
        # kind -> [(key, line, column)]: references to check against the bundle and database
        self.references: dict[str, list[tuple[str, int, str]]] = {}

    # -- checking ------------------------------------------------------------------------------
    def check_header(self, header: list[str]) -> None:
        known = {column.name for column in self.columns}
        seen: set[str] = set()
        for name in header:
            if name in seen:
                self.problems.append(Problem(self.filename, 1, name or WHOLE_FILE,
                                             _("the header names this column twice")))
            elif name not in known:
                self.problems.append(Problem(self.filename, 1, name or WHOLE_FILE,
                                             _("unknown column")))
            seen.add(name)
        for column in self.columns:
            if column.required and column.name not in seen:
                self.problems.append(Problem(self.filename, 1, column.name,
                                             _("the required column is missing")))

    def check_rows(self, header: list[str], rows: Iterable[tuple[int, list[str]]]) -> None:
        width = len(header)
        first_line: dict[tuple[str, ...], int] = {}
        key_columns = self.key_columns
        for line, fields in rows:
            self.rows += 1
            if len(fields) != width:
                self.problems.append(Problem(
                    self.filename, line, WHOLE_FILE,
                    _("the row has %(found)d fields, the header has %(expected)d")
                    % {"found": len(fields), "expected": width},
                ))
                continue
            values = dict(zip(header, fields, strict=True))
            row = Row(self, line, values)
            record = self.parse_row(row)
            key = tuple(values.get(name, "") for name in key_columns)
            if all(key):
                earlier = first_line.setdefault(key, line)
                if earlier != line:
                    row.error(key_columns[0], _("the same key is on line %(line)d")
                              % {"line": earlier})
            if not row.failed and record is not None:
                self.records.append(record)

    def refer(self, kind: str, key: str | None, line: int, column: str) -> None:
        if key is not None:
            self.references.setdefault(kind, []).append((key, line, column))

    def check(self) -> None:
        """Whole-file checks after every row is read; by default, the references."""
        for kind, references in self.references.items():
            if kind in self.ctx.unreadable:
                continue
            unknown = self.ctx.unknown_references(kind, {key for key, _, _ in references})
            for key, line, column in references:
                if key in unknown:
                    self.problems.append(Problem(self.filename, line, column,
                                                 self.unknown_message(kind)))

    def check_owned_keys(self) -> None:
        """Keyed files: a key that exists must be the importing organisation's own record."""
        assert self.kind is not None and self.key_field is not None
        keys = self.ctx.bundle_keys.get(self.kind, {})
        owners = self.ctx.owners_of(self.kind, keys)
        existing = self.ctx.existing.setdefault(self.kind, set())
        for key, owner in owners.items():
            if owner == self.ctx.organisation_id:
                existing.add(key)
            else:
                self.problems.append(Problem(
                    self.filename, keys[key], self.key_field,
                    _("the key is used by a record your organisation does not own"),
                ))

    def remember_key(self, key: str | None, line: int) -> None:
        if key is not None and self.kind:
            self.ctx.bundle_keys.setdefault(self.kind, {}).setdefault(key, line)

    @staticmethod
    def unknown_message(kind: str) -> str:
        if kind == "person":
            return _("unknown person_key: not in persons.csv nor among your organisation's persons")
        if kind == "incident":
            return _("unknown journal_no: not in incidents.csv nor among your organisation's "
                     "incidents")
        return _("unknown key")

    @abstractmethod
    def parse_row(self, row: Row) -> Any:
        """Check one row and return what write() needs, or record its problems."""

    # -- writing -------------------------------------------------------------------------------
    def dry_run_counts(self) -> FileCounts:
        if self.kind is None:
            return FileCounts(rows=self.rows)
        existing = len(self.ctx.existing.get(self.kind, ()))
        return FileCounts(rows=self.rows, created=self.rows - existing)

    def keyed_counts(self, changed: int) -> FileCounts:
        """Counts of a keyed file from the rows the upsert returned (inserted or changed)."""
        existing = len(self.ctx.existing.get(self.kind or "", ()))
        created = self.rows - existing
        updated = changed - created
        return FileCounts(rows=self.rows, created=created, updated=updated,
                          unchanged=existing - updated)

    @abstractmethod
    def write(self, writer: Writer) -> FileCounts:
        """Write the checked rows and count what changed."""


# --- persons.csv -------------------------------------------------------------------------------
@dataclass(slots=True)
class PersonRecord:
    person_key: str
    cpr: Cpr | None
    given_name: str
    family_name: str
    birth_date: date | None
    gender: str
    municipality_id: int
    address: str
    postal_code: str
    cpr_hash: str | None = None


class PersonsHandler(FileHandler):
    filename = "persons.csv"
    columns = (
        Column("person_key", required=True, max_length=64),
        Column("cpr"),
        Column("given_name", max_length=120),
        Column("family_name", max_length=120),
        Column("birth_date"),
        Column("gender"),
        Column("municipality_code", required=True),
        Column("address", max_length=200),
        Column("postal_code", max_length=10),
    )
    key_columns = ("person_key",)
    kind = "person"
    model = Person
    key_field = "person_key"
    tables = ("persons_person", "persons_nametoken")

    def __init__(self, ctx: ImportContext) -> None:
        super().__init__(ctx)
        self.cpr_lines: dict[str, int] = {}

    def parse_row(self, row: Row) -> PersonRecord | None:
        key = row.required("person_key")
        self.remember_key(key, row.line)
        cpr_text = row.get("cpr")
        cpr: Cpr | None = None
        if cpr_text is not None:
            try:
                cpr = parse_cpr(cpr_text)
            except CprError as error:
                row.error("cpr", _("the date part of the CPR number is not a real date")
                          if error.code == "date"
                          else _("not a CPR number (DDMMYYSSSS or DDMMYY-SSSS)"))
        birth_date = row.parsed("birth_date", parse_date)
        if birth_date is not None and cpr is not None and birth_date != cpr.birth_date:
            row.error("birth_date", _("does not agree with the CPR number (%(date)s)")
                      % {"date": cpr.birth_date.isoformat()})
        elif cpr_text is None and not row.values.get("birth_date"):
            row.error("birth_date", _("is required when there is no cpr"))
        if birth_date is None and cpr is not None:
            birth_date = cpr.birth_date
        gender = row.get("gender")
        if gender is None:
            gender = cpr.gender if cpr is not None else ""
        elif gender not in GENDERS:
            row.error("gender", _("must be M, F or X"))
        municipality_id = row.code("municipality_code", self.ctx.municipalities,
                                   UNKNOWN_MUNICIPALITY)
        given_name = row.get("given_name") or ""
        family_name = row.get("family_name") or ""
        address = row.get("address") or ""
        postal_code = row.get("postal_code") or ""
        if cpr is not None:
            earlier = self.cpr_lines.setdefault(cpr.digits, row.line)
            if earlier != row.line:
                row.error("cpr", _("the same CPR number is on line %(line)d") % {"line": earlier})
        if row.failed or key is None or municipality_id is None:
            return None
        return PersonRecord(key, cpr, given_name, family_name, birth_date, gender,
                            municipality_id, address, postal_code)

    def check(self) -> None:
        super().check()
        self.check_owned_keys()
        # The CPR number is unique in the register: another person holding it is a conflict.
        by_hash: dict[str, PersonRecord] = {}
        for record in self.records:
            if record.cpr is not None:
                digest = cpr_lookup_hash(record.cpr.digits)
                record.cpr_hash = digest
                by_hash[digest] = record
        hashes = list(by_hash)
        found: list[tuple[Any, Any]] = []
        if connection.vendor == "postgresql":
            found = values_in(Person, "cpr_hash", hashes, "person_key")
        else:
            for start in range(0, len(hashes), LOOKUP_CHUNK):
                found.extend(Person.objects.filter(
                    cpr_hash__in=hashes[start:start + LOOKUP_CHUNK]).values_list(
                    "cpr_hash", "person_key"))
        for cpr_hash, person_key in found:
            record = by_hash[str(cpr_hash)]
            if person_key != record.person_key:
                line = self.ctx.bundle_keys["person"][record.person_key]
                self.problems.append(Problem(self.filename, line, "cpr", _(
                    "another person in the register already has this CPR number")))

    def write(self, writer: Writer) -> FileCounts:
        columns = [
            ("person_key", "text"), ("cpr_hash", "text"), ("cpr_encrypted", "text"),
            ("given_name", "text"), ("family_name", "text"), ("name_folded", "text"),
            ("duplicate_key", "text"), ("birth_date", "date"), ("gender", "text"),
            ("municipality_id", "bigint"), ("address", "text"), ("postal_code", "text"),
        ]
        tokens: list[tuple[str, str]] = []
        with_cpr = [r for r in self.records if r.cpr is not None]
        encrypted = dict(zip((r.person_key for r in with_cpr),
                             cpr_encrypt_many([r.cpr.digits for r in with_cpr if r.cpr]),
                             strict=True))

        def staged() -> Iterator[tuple[Any, ...]]:
            for r in self.records:
                folded, duplicate, names = name_index_values(r.given_name, r.family_name)
                tokens.extend((r.person_key, token) for token in names)
                yield (r.person_key, r.cpr_hash, encrypted.get(r.person_key, ""),
                       r.given_name, r.family_name, folded, duplicate,
                       writer.date(r.birth_date), r.gender, r.municipality_id, r.address,
                       r.postal_code)

        writer.stage("ix_persons", columns, staged(), total=len(self.records))
        writer.stage("ix_person_tokens", [("person_key", "text"), ("token", "text")], tokens)
        writer.temp_table("ix_changed_persons", [("id", "bigint"), ("person_key", "text")])
        data = [name for name, _ in columns if name != "cpr_encrypted"]
        compared = [name for name in data if name != "person_key"]
        changed = writer.upsert_into(
            table="persons_person",
            source="ix_persons",
            columns=[name for name, _ in columns],
            fixed={"owner_organisation_id": writer.organisation_id, "confidentiality": "normal",
                   "created_by_id": writer.actor_id, "created_at": writer.now,
                   "updated_at": writer.now, "source": "import",
                   "is_synthetic": writer.is_synthetic},
            conflict="person_key",
            update=[*compared, "updated_at"],
            # A new ciphertext of the same number is no change (Fernet tokens are random).
            update_expressions={"cpr_encrypted": (
                "CASE WHEN persons_person.cpr_hash IS NOT DISTINCT FROM excluded.cpr_hash "
                "THEN persons_person.cpr_encrypted ELSE excluded.cpr_encrypted END")},
            compare=compared,
            returning=["id", "person_key"],
            into="ix_changed_persons",
        )
        writer.execute("DELETE FROM persons_nametoken WHERE person_id IN "
                       "(SELECT id FROM ix_changed_persons)")
        writer.execute("INSERT INTO persons_nametoken (person_id, token) "
                       "SELECT c.id, t.token FROM ix_person_tokens t "
                       "JOIN ix_changed_persons c ON c.person_key = t.person_key")
        return self.keyed_counts(changed)


# --- relations.csv -----------------------------------------------------------------------------
class RelationsHandler(FileHandler):
    filename = "relations.csv"
    columns = (
        Column("person_key", required=True),
        Column("related_person_key", required=True),
        Column("relation", required=True),
    )
    key_columns = ("person_key", "related_person_key", "relation")
    tables = ("persons_relation",)

    def parse_row(self, row: Row) -> tuple[str, str, str] | None:
        person = row.required("person_key")
        related = row.required("related_person_key")
        kind = row.choice("relation", RELATION_KINDS)
        if person is not None and person == related:
            row.error("related_person_key", _("a person cannot be related to themselves"))
        self.refer("person", person, row.line, "person_key")
        self.refer("person", related, row.line, "related_person_key")
        if row.failed or person is None or related is None or kind is None:
            return None
        return (person, related, kind)

    def write(self, writer: Writer) -> FileCounts:
        writer.stage("ix_relations", [("person_key", "text"), ("related_person_key", "text"),
                                      ("relation", "text")], self.records, total=len(self.records))
        return self.write_staged(writer)

    def write_staged(self, writer: Writer) -> FileCounts:
        """Insert what is in temporary table ix_relations (the file's three columns)."""
        writer.temp_table("ix_new_relations", [("id", "bigint")])
        created = writer.insert_select_into(
            sql="INSERT INTO persons_relation (owner_organisation_id, confidentiality, "
                "created_by_id, created_at, updated_at, person_id, related_person_id, kind) "
                "SELECT %s, 'normal', %s, %s, %s, p.id, r.id, s.relation FROM ix_relations s "
                "JOIN persons_person p ON p.person_key = s.person_key "
                "JOIN persons_person r ON r.person_key = s.related_person_key WHERE true "
                "ON CONFLICT (person_id, related_person_id, kind) DO NOTHING",
            params=[writer.organisation_id, writer.actor_id, writer.now, writer.now],
            returning=["id"],
            into="ix_new_relations",
        )
        return FileCounts(rows=self.rows, created=created, updated=0,
                          unchanged=self.rows - created)


# --- incidents.csv -----------------------------------------------------------------------------
@dataclass(slots=True)
class IncidentRecord:
    journal_no: str
    occurred_at: datetime
    reported_at: datetime
    category_id: int
    municipality_id: int
    lat: float | None
    lon: float | None
    narrative: str


class IncidentsHandler(FileHandler):
    filename = "incidents.csv"
    columns = (
        Column("journal_no", required=True, max_length=40),
        Column("occurred_at", required=True),
        Column("reported_at"),
        Column("category", required=True),
        Column("municipality_code", required=True),
        Column("lat"),
        Column("lon"),
        Column("narrative"),
    )
    key_columns = ("journal_no",)
    kind = "incident"
    model = Incident
    key_field = "journal_no"
    tables = ("incidents_incident",)

    def parse_row(self, row: Row) -> IncidentRecord | None:
        key = row.required("journal_no")
        self.remember_key(key, row.line)
        occurred_at = row.parsed("occurred_at", parse_time, required=True)
        reported_at = row.parsed("reported_at", parse_time) or occurred_at
        category_id = row.code("category", self.ctx.categories, UNKNOWN_CATEGORY)
        municipality_id = row.code("municipality_code", self.ctx.municipalities,
                                   UNKNOWN_MUNICIPALITY)
        lat = row.parsed("lat", parse_float, minimum=-90.0, maximum=90.0)
        lon = row.parsed("lon", parse_float, minimum=-180.0, maximum=180.0)
        lat_given, lon_given = row.values.get("lat"), row.values.get("lon")
        if bool(lat_given) != bool(lon_given):
            row.error("lon" if lat_given else "lat", _("lat and lon must be given together"))
        if row.failed or key is None or occurred_at is None or category_id is None \
                or municipality_id is None:
            return None
        return IncidentRecord(key, occurred_at, reported_at, category_id, municipality_id,
                              lat, lon, row.get("narrative") or "")

    def check(self) -> None:
        super().check()
        self.check_owned_keys()

    # The typed staging table both import paths fill before the upsert.
    staged_columns: ClassVar[tuple[tuple[str, str], ...]] = (
        ("journal_no", "text"), ("occurred_at", "timestamptz"), ("occurred_on", "date"),
        ("reported_at", "timestamptz"), ("category_id", "bigint"),
        ("municipality_id", "bigint"), ("lat", "double precision"),
        ("lon", "double precision"), ("narrative", "text"),
    )

    def write(self, writer: Writer) -> FileCounts:
        rows = (
            (r.journal_no, writer.datetime(r.occurred_at),
             writer.date(copenhagen_date(r.occurred_at)), writer.datetime(r.reported_at),
             r.category_id, r.municipality_id, r.lat, r.lon, r.narrative)
            for r in self.records
        )
        writer.stage("ix_incidents", self.staged_columns, rows, total=len(self.records))
        return self.write_staged(writer)

    def write_staged(self, writer: Writer) -> FileCounts:
        """Upsert what is in temporary table ix_incidents (`staged_columns`)."""
        writer.temp_table("ix_changed_incidents", [("id", "bigint")])
        compared = [name for name, _ in self.staged_columns if name != "journal_no"]
        changed = writer.upsert_into(
            table="incidents_incident",
            source="ix_incidents",
            columns=[name for name, _ in self.staged_columns],
            fixed={"owner_organisation_id": writer.organisation_id, "confidentiality": "normal",
                   "created_by_id": writer.actor_id, "created_at": writer.now,
                   "updated_at": writer.now, "source": "import",
                   "is_synthetic": writer.is_synthetic},
            conflict="journal_no",
            update=[*compared, "updated_at"],
            compare=compared,
            returning=["id"],
            into="ix_changed_incidents",
        )
        writer.incident_ids.update(writer.column("SELECT id FROM ix_changed_incidents"))
        return self.keyed_counts(changed)


# --- involvements.csv --------------------------------------------------------------------------
class InvolvementsHandler(FileHandler):
    filename = "involvements.csv"
    columns = (
        Column("journal_no", required=True),
        Column("person_key", required=True),
        Column("role", required=True),
    )
    key_columns = ("journal_no", "person_key", "role")
    tables = ("incidents_involvement",)

    def parse_row(self, row: Row) -> tuple[str, str, str] | None:
        journal_no = row.required("journal_no")
        person_key = row.required("person_key")
        role = row.choice("role", ROLES)
        self.refer("incident", journal_no, row.line, "journal_no")
        self.refer("person", person_key, row.line, "person_key")
        if row.failed or journal_no is None or person_key is None or role is None:
            return None
        return (journal_no, person_key, role)

    def write(self, writer: Writer) -> FileCounts:
        writer.stage("ix_involvements", [("journal_no", "text"), ("person_key", "text"),
                                         ("role", "text")], self.records, total=len(self.records))
        return self.write_staged(writer)

    def write_staged(self, writer: Writer) -> FileCounts:
        """Insert what is in temporary table ix_involvements (the file's three columns)."""
        writer.temp_table("ix_new_involvements", [("incident_id", "bigint")])
        created = writer.insert_select_into(
            sql="INSERT INTO incidents_involvement (incident_id, person_id, role) "
                "SELECT i.id, p.id, s.role FROM ix_involvements s "
                "JOIN incidents_incident i ON i.journal_no = s.journal_no "
                "JOIN persons_person p ON p.person_key = s.person_key WHERE true "
                "ON CONFLICT (incident_id, person_id, role) DO NOTHING",
            params=[],
            returning=["incident_id"],
            into="ix_new_involvements",
        )
        # A new person on an existing incident (a new suspect) must run the rules again too.
        writer.incident_ids.update(
            writer.column("SELECT DISTINCT incident_id FROM ix_new_involvements"))
        return FileCounts(rows=self.rows, created=created, updated=0,
                          unchanged=self.rows - created)


# --- cases.csv ---------------------------------------------------------------------------------
class CasesHandler(FileHandler):
    """cases.csv: the rules and the writing live in samspil.cases.importing (owned by the cases
    app); this handler adapts them to the bundle. Written before the incident rules run, so a
    case in the file is the one the rules find, never a second one."""

    filename = "cases.csv"
    columns = tuple(
        Column(name, required=required, max_length=case_importing.MAX_LENGTHS.get(name))
        for name, required in case_importing.COLUMNS
    )
    key_columns = ("case_ref",)
    tables = ("cases_case", "cases_casestatuschange", "cases_caseparticipant")

    def parse_row(self, row: Row) -> case_importing.CaseRow | None:
        record, problems = case_importing.parse_case_row(row.line, row.values)
        for problem in problems:
            row.error(problem.column, problem.message)
        if record is not None:
            self.refer("person", record.person_key, row.line, "person_key")
            self.refer("incident", record.journal_no, row.line, "journal_no")
        return record

    def check(self) -> None:
        super().check()  # person_key and journal_no against the bundle and the database
        self.problems.extend(
            Problem(self.filename, p.line, p.column, p.message)
            for p in case_importing.check_case_rows(
                self.records, check_references=False, organisation_id=self.ctx.organisation_id
            )
        )

    def write(self, writer: Writer) -> FileCounts:
        from samspil.accounts.models import User

        actor = User.objects.filter(pk=writer.actor_id).first() if writer.actor_id else None
        result = case_importing.write_case_rows(self.records, actor=actor,
                                                is_synthetic=writer.is_synthetic)
        return FileCounts(rows=self.rows, created=result.created, updated=result.updated,
                          unchanged=result.unchanged)


# Dependency order: a file refers only to files before it. cases.csv goes after involvements.csv.
HANDLERS: list[type[FileHandler]] = [
    PersonsHandler,
    IncidentsHandler,
    RelationsHandler,
    InvolvementsHandler,
    CasesHandler,
]
