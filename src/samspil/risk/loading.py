"""Stream the columns the screening needs from the database into polars.

Why this shape, for a national register (millions of involvements):

* Only the rows that can matter leave the database. The incidents are those of the district in
  the window; the involvements those of window incidents with a role the rule set can count (or
  ``child_present``); the caregiver relations only those around children of persons with such an
  involvement (with *all* caregivers of those children, because a family is defined by its exact
  caregiver set); the persons only those named by these relations. The database does those
  semi-joins with its indexes; the engine then does the same filtering again on far fewer rows.
* On PostgreSQL each query is streamed with ``COPY (query) TO STDOUT`` as CSV and parsed by
  polars' multi-threaded reader: no Python object per row. Elsewhere (SQLite in development and
  tests) ``values_list`` iterators feed the frames.

A district's data are the incidents owned by the district's organisations: what its police hold
(the access policy gives the reviewer no other incidents to read either). Persons are not limited
by home municipality: a child living outside the district still has caregivers with incidents in
it, and the report goes to the child's home municipality.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q, QuerySet

from samspil.incidents.models import Incident, Involvement
from samspil.persons.models import Person, Relation
from samspil.risk.engine import RELATION_ENUM, ROLE_ENUM, window_start
from samspil.risk.engine.records import (
    INCIDENT_SCHEMA,
    INVOLVEMENT_SCHEMA,
    PERSON_SCHEMA,
    RELATION_SCHEMA,
)
from samspil.risk.rules import CHILD_PRESENT_ROLE, RuleSet

_FETCH_CHUNK = 20_000


def _copy_csv(queryset: QuerySet[Any]) -> bytes:
    """The queryset's rows as CSV bytes through COPY (PostgreSQL only)."""
    sql, params = queryset.query.sql_with_params()
    buffer = io.BytesIO()
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor: Django's wrapper has no copy()
        with raw.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)", params) as copy:  # type: ignore[union-attr]
            for block in copy:
                buffer.write(block)
    return buffer.getvalue()


def frame(queryset: QuerySet[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """Run a ``values_list`` queryset whose columns are, in order, those of ``schema``."""
    if connection.vendor == "postgresql":
        data = _copy_csv(queryset)
        if not data:
            return pl.DataFrame(schema=schema)
        return pl.read_csv(data, has_header=False, schema=schema)
    rows = list(queryset.iterator(chunk_size=_FETCH_CHUNK))
    return pl.DataFrame(rows, schema=schema, orient="row")


# --- the weekly screening of a district -----------------------------------------------------


def window_incidents(*, district_id: int, rule_set: RuleSet, as_of: date) -> QuerySet[Incident]:
    return Incident.objects.filter(
        owner_organisation__district_id=district_id,
        occurred_on__gte=window_start(rule_set, as_of),
        occurred_on__lte=as_of,
    )


def role_pool(rule_set: RuleSet) -> list[str]:
    """Every role that may count in some category (the engine decides per category)."""
    extra = rule_set.extra_counted_roles_by_category.values()
    return sorted(set(rule_set.counted_roles).union(*extra))


@dataclass(frozen=True)
class Frames:
    persons: pl.DataFrame
    relations: pl.DataFrame
    incidents: pl.DataFrame
    involvements: pl.DataFrame

    def as_kwargs(self) -> dict[str, pl.DataFrame]:
        return {
            "persons": self.persons,
            "relations": self.relations,
            "incidents": self.incidents,
            "involvements": self.involvements,
        }

    @property
    def rows(self) -> int:
        return sum(f.height for f in self.as_kwargs().values())


def district_frames(*, district_id: int, rule_set: RuleSet, as_of: date) -> Frames:
    """The four input frames of ``engine.screen`` for one district on one date."""
    incidents = window_incidents(district_id=district_id, rule_set=rule_set, as_of=as_of)
    pool = role_pool(rule_set)
    involvements = Involvement.objects.filter(
        incident__owner_organisation__district_id=district_id,
        incident__occurred_on__gte=window_start(rule_set, as_of),
        incident__occurred_on__lte=as_of,
        role__in=[*pool, CHILD_PRESENT_ROLE],
    )
    kinds = sorted(rule_set.caregiver_relations)
    active = involvements.filter(role__in=pool).values("person_id")
    children = Relation.objects.filter(kind__in=kinds, person_id__in=active).values(
        "related_person_id"
    )
    relations = Relation.objects.filter(kind__in=kinds, related_person_id__in=children)
    persons = Person.objects.filter(
        Q(pk__in=children) | Q(pk__in=relations.values("person_id"))
    )
    return Frames(
        persons=frame(persons.values_list("id", "person_key", "birth_date"), PERSON_SCHEMA),
        relations=frame(
            relations.values_list("person_id", "related_person_id", "kind"), RELATION_SCHEMA
        ).with_columns(pl.col("relation").cast(RELATION_ENUM)),
        incidents=frame(
            incidents.values_list("id", "journal_no", "occurred_on", "category__code"),
            INCIDENT_SCHEMA,
        ),
        involvements=frame(
            involvements.values_list("incident_id", "person_id", "role"), INVOLVEMENT_SCHEMA
        ).with_columns(pl.col("role").cast(ROLE_ENUM)),
    )


# --- the few rows around new incidents ------------------------------------------------------


@dataclass(frozen=True)
class Subset:
    """The rows ``engine.families_touched`` and ``screen_reference`` need for new incidents."""

    persons: list[tuple[int, str, date | None]]
    relations: list[tuple[int, int, str]]
    incidents: list[tuple[int, str, date, str]]
    involvements: list[tuple[int, int, str]]


def _ids(rows: Iterable[Sequence[Any]], index: int) -> set[int]:
    return {row[index] for row in rows}


_HOUSEHOLDS_SQL = """
WITH x(id) AS (VALUES {x}),
c(id) AS (SELECT id FROM x UNION SELECT related_person_id FROM {relation} WHERE kind IN ({kinds})
          AND person_id IN (SELECT id FROM x)),
g(id) AS (SELECT person_id FROM {relation} WHERE kind IN ({kinds})
          AND related_person_id IN (SELECT id FROM c)),
s(id) AS (SELECT id FROM c UNION SELECT related_person_id FROM {relation} WHERE kind IN ({kinds})
          AND person_id IN (SELECT id FROM g))
SELECT 'r', person_id, related_person_id, kind FROM {relation} WHERE kind IN ({kinds})
       AND related_person_id IN (SELECT id FROM s)
UNION ALL SELECT 'c', id, NULL, NULL FROM c
UNION ALL SELECT 'g', id, NULL, NULL FROM g
"""


def _households(
    involved: set[int], kinds: list[str]
) -> tuple[list[tuple[int, int, str]], set[int], set[int], set[int]]:
    """Steps 2–4 of the subset in one round trip: C = X and X's children, G = the caregivers
    of C, S = C and the children of G, and every caregiver relation to S."""
    sql = _HOUSEHOLDS_SQL.format(
        x=", ".join(["(%s)"] * len(involved)),
        relation=Relation._meta.db_table,
        kinds=", ".join(["%s"] * len(kinds)),
    )
    relations: list[tuple[int, int, str]] = []
    around: set[int] = set()
    caregivers: set[int] = set()
    with connection.cursor() as cursor:
        # The kinds appear four times in the statement (no CTE over the relation table: one
        # referenced several times is materialised whole by PostgreSQL).
        cursor.execute(sql, [*sorted(involved), *kinds * 4])
        for tag, a, b, kind in cursor.fetchall():
            if tag == "r":
                relations.append((a, b, kind))
            elif tag == "c":
                around.add(a)
            else:
                caregivers.add(a)
    siblings = around | _ids(relations, 1)
    return relations, around, caregivers, siblings


def touched_subset(
    *, district_id: int, rule_set: RuleSet, as_of: date, incident_ids: Collection[int]
) -> Subset:
    """Load the subset described in ``engine.screen_families_touched`` (steps 1–6).

    Seven small indexed queries; no query touches more than the few households around the
    persons of the new incidents.
    """
    kinds = sorted(rule_set.caregiver_relations)
    new_rows = list(
        Involvement.objects.filter(incident_id__in=list(incident_ids)).values_list(
            "incident_id", "person_id", "role"
        )
    )
    involved = _ids(new_rows, 1)  # X
    if not involved:
        return Subset([], [], [], [])
    relations, around, caregivers, siblings = _households(involved, kinds)
    everyone = around | caregivers | siblings | _ids(relations, 0)
    persons = list(
        Person.objects.filter(pk__in=everyone).values_list("id", "person_key", "birth_date")
    )
    rows = list(
        Involvement.objects.filter(person_id__in=caregivers | siblings)
        .filter(
            Q(
                incident__owner_organisation__district_id=district_id,
                incident__occurred_on__gte=window_start(rule_set, as_of),
                incident__occurred_on__lte=as_of,
            )
            | Q(incident_id__in=list(incident_ids))
        )
        .values_list(
            "incident_id",
            "person_id",
            "role",
            "incident__journal_no",
            "incident__occurred_on",
            "incident__category__code",
        )
    )
    incidents = {row[0]: (row[0], row[3], row[4], row[5]) for row in rows}
    involvements = [(row[0], row[1], row[2]) for row in rows]
    # The new incidents' own rows: families_touched needs every person involved in them.
    seen = set(involvements)
    involvements += [row for row in new_rows if row not in seen]
    return Subset(persons, relations, list(incidents.values()), involvements)
