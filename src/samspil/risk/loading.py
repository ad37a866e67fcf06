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
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.core.exceptions import EmptyResultSet
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
        try:
            data = _copy_csv(queryset)
        except EmptyResultSet:  # e.g. ``role__in=[]``: a rule set that counts no role
            return pl.DataFrame(schema=schema)
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
    """The rows ``engine.families_touched`` and ``screen_reference`` need for new incidents
    (read by ``touched.touched_subset``)."""

    persons: list[tuple[int, str, date | None]]
    relations: list[tuple[int, int, str]]
    incidents: list[tuple[int, str, date, str]]
    involvements: list[tuple[int, int, str]]
