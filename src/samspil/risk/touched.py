"""The reads of the per-incident re-screening, in three round trips (goal: < 10 ms in all).

After every registered incident the families around it are screened again (``services``). At
national scale the time goes to round trips and to building ORM querysets, not to the few
dozen rows involved, so each read here is one hand-written statement whose branches are tagged
``UNION ALL`` rows, run on the raw cursor (no model instances, no queryset compilation):

1. ``incident_scope``: the new incidents' districts and every active rule-set version;
2. ``touched_subset``: the rows ``engine.screen_families_touched`` describes (steps 1–6): the
   caregiver relations of the households around the involved persons, those persons, and the
   involvements of caregivers and children in window incidents of the district;
3. ``touched_hits``: the stored hits of the touched families with their incidents and children
   (what ``reconcile`` compares with).

The statements are plain SQL that PostgreSQL and SQLite both run; the semi-joins use the indexes
on ``persons_relation`` (person, related person, kind) and (related person, kind) and on
``incidents_involvement`` (person, incident). The property test
``test_rescreening_in_the_database_matches_a_full_screening`` holds this path to the full
screening's answer on random data.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from django.db import connection

from samspil.incidents.models import Incident, IncidentCategory, Involvement
from samspil.organisations.models import Organisation
from samspil.persons.models import Person, Relation
from samspil.risk.constants import HitPersonRole, HitStatus
from samspil.risk.engine import window_start
from samspil.risk.loading import Subset, role_pool
from samspil.risk.models import Hit, HitIncident, HitPerson, RuleSetVersion
from samspil.risk.reconcile import ExistingHit
from samspil.risk.reconcile import HitStatus as PureStatus
from samspil.risk.rules import CHILD_PRESENT_ROLE, RuleSet


def _date(value: Any) -> date | None:
    # SQLite's raw cursor returns dates as ISO text; PostgreSQL's as dates.
    return date.fromisoformat(value) if isinstance(value, str) else value


def _marks(values: Collection[Any]) -> str:
    return ", ".join(["%s"] * len(values))


@lru_cache(maxsize=32)
def _parsed(definition: str) -> RuleSet:
    # A version is never edited after creation; parsing and validating it on every incident
    # would cost more than the screening of a household.
    return RuleSet.from_dict(json.loads(definition))


@dataclass(frozen=True)
class ActiveVersion:
    """An active rule-set version, as the re-screening needs it (no model instance)."""

    id: int
    version: str
    rule_set: RuleSet

    def as_model(self) -> RuleSetVersion:
        """An unsaved stand-in for foreign keys and ``reconcile`` (pk and code only)."""
        return RuleSetVersion(pk=self.id, version=self.version)


@dataclass(frozen=True)
class Scope:
    incidents_by_district: dict[int, list[int]]
    national: ActiveVersion | None
    by_district: dict[int, ActiveVersion]

    def version_for(self, district_id: int) -> ActiveVersion | None:
        return self.by_district.get(district_id, self.national)


_SCOPE_SQL = """
SELECT 'i', i.id, o.district_id, CAST(NULL AS varchar(40)), CAST(NULL AS text)
  FROM {incident} i JOIN {organisation} o ON o.id = i.owner_organisation_id
 WHERE i.id IN ({new})
UNION ALL
SELECT 'v', v.id, v.district_id, v.version, CAST(v.definition AS text)
  FROM {version} v WHERE v.is_active = %s
"""


def incident_scope(incident_ids: Sequence[int]) -> Scope:
    """Which districts own the incidents, and the active versions (one round trip)."""
    sql = _SCOPE_SQL.format(
        incident=Incident._meta.db_table,
        organisation=Organisation._meta.db_table,
        version=RuleSetVersion._meta.db_table,
        new=_marks(incident_ids),
    )
    incidents: dict[int, list[int]] = defaultdict(list)
    national: ActiveVersion | None = None
    by_district: dict[int, ActiveVersion] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*incident_ids, True])
        for tag, pk, district_id, code, definition in cursor.fetchall():
            if tag == "i":
                incidents[district_id].append(pk)
                continue
            version = ActiveVersion(pk, code, _parsed(definition))
            if district_id is None:
                national = version
            else:
                by_district[district_id] = version
    return Scope(dict(incidents), national, by_district)


_SUBSET_SQL = """
WITH x(id) AS (SELECT person_id FROM {inv} WHERE incident_id IN ({new})),
c(id) AS (SELECT id FROM x UNION SELECT related_person_id FROM {rel}
          WHERE kind IN ({kinds}) AND person_id IN (SELECT id FROM x)),
g(id) AS (SELECT person_id FROM {rel} WHERE kind IN ({kinds})
          AND related_person_id IN (SELECT id FROM c)),
s(id) AS (SELECT id FROM c UNION SELECT related_person_id FROM {rel} WHERE kind IN ({kinds})
          AND person_id IN (SELECT id FROM g)),
r(a, b, kind) AS (SELECT person_id, related_person_id, kind FROM {rel} WHERE kind IN ({kinds})
          AND related_person_id IN (SELECT id FROM s)),
gs(id) AS (SELECT id FROM g UNION SELECT id FROM s)
SELECT 'r', a, b, kind, CAST(NULL AS date), CAST(NULL AS varchar(100)),
       CAST(NULL AS varchar(40)) FROM r
UNION ALL
SELECT 'p', p.id, CAST(NULL AS bigint), p.person_key, p.birth_date, NULL, NULL FROM {person} p
 WHERE p.id IN (SELECT id FROM gs UNION SELECT id FROM c UNION SELECT a FROM r)
UNION ALL
SELECT 'i', v.incident_id, v.person_id, v.role, i.occurred_on, i.journal_no, k.code
  FROM {inv} v JOIN {incident} i ON i.id = v.incident_id
  JOIN {category} k ON k.id = i.category_id
  JOIN {organisation} o ON o.id = i.owner_organisation_id
 WHERE v.person_id IN (SELECT id FROM gs) AND v.role IN ({roles})
   AND ((o.district_id = %s AND i.occurred_on >= %s AND i.occurred_on <= %s)
        OR v.incident_id IN ({new}))
UNION ALL
SELECT 'n', incident_id, person_id, role, NULL, NULL, NULL FROM {inv}
 WHERE incident_id IN ({new})
"""


def touched_subset(
    *, district_id: int, rule_set: RuleSet, as_of: date, incident_ids: Collection[int]
) -> Subset:
    """The subset of ``engine.screen_families_touched`` (steps 1–6) in one round trip.

    X = the persons of the new incidents; C = X and their children; G = the caregivers of C;
    S = C and the children of G; every caregiver relation to S (naming H); the persons
    C ∪ G ∪ S ∪ H; the involvements of G ∪ S in the district's window incidents (and in the
    new incidents) in a role that can count, or ``child_present``; and every involvement of the
    new incidents (``families_touched`` looks at all of their persons).
    """
    ids = sorted(incident_ids)
    kinds = sorted(rule_set.caregiver_relations)
    roles = [*role_pool(rule_set), CHILD_PRESENT_ROLE]
    sql = _SUBSET_SQL.format(
        inv=Involvement._meta.db_table,
        rel=Relation._meta.db_table,
        person=Person._meta.db_table,
        incident=Incident._meta.db_table,
        category=IncidentCategory._meta.db_table,
        organisation=Organisation._meta.db_table,
        new=_marks(ids),
        kinds=_marks(kinds),
        roles=_marks(roles),
    )
    params: list[Any] = [
        *ids,  # x
        *kinds * 4,  # c, g, s, r
        *roles,
        district_id,
        window_start(rule_set, as_of),
        as_of,
        *ids,  # the new incidents' rows of G ∪ S
        *ids,  # every row of the new incidents
    ]
    persons: list[tuple[int, str, date | None]] = []
    relations: list[tuple[int, int, str]] = []
    incidents: dict[int, tuple[int, str, date, str]] = {}
    involvements: list[tuple[int, int, str]] = []
    new_rows: list[tuple[int, int, str]] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for tag, a, b, text, day, journal_no, category in cursor.fetchall():
            if tag == "r":
                relations.append((a, b, text))
            elif tag == "p":
                persons.append((a, text, _date(day)))
            elif tag == "i":
                involvements.append((a, b, text))
                incidents[a] = (a, journal_no, _date(day), category)  # type: ignore[assignment]
            else:
                new_rows.append((a, b, text))
    seen = set(involvements)
    involvements += [row for row in new_rows if row not in seen]
    return Subset(persons, relations, list(incidents.values()), involvements)


_HITS_SQL = """
WITH h AS (SELECT id FROM {hit} WHERE district_id = %s AND family_key IN ({keys}))
SELECT 'h', t.id, CAST(NULL AS bigint), t.family_key, t.status, t.score, t.clause, v.version
  FROM {hit} t JOIN {version} v ON v.id = t.rule_set_version_id WHERE t.id IN (SELECT id FROM h)
UNION ALL
SELECT 'i', hit_id, incident_id, NULL, NULL, NULL, NULL, NULL FROM {hit_incident}
 WHERE hit_id IN (SELECT id FROM h)
UNION ALL
SELECT 'c', hit_id, person_id, NULL, NULL, NULL, NULL, NULL FROM {hit_person}
 WHERE hit_id IN (SELECT id FROM h) AND role = %s
"""


def touched_hits(district_id: int, family_keys: Collection[str]) -> list[ExistingHit]:
    """The governing stored hit of each of the families (the open one, else the newest), with
    its incidents and children, as ``reconcile`` sees it: one round trip."""
    if not family_keys:
        return []
    keys = sorted(family_keys)
    sql = _HITS_SQL.format(
        hit=Hit._meta.db_table,
        version=RuleSetVersion._meta.db_table,
        hit_incident=HitIncident._meta.db_table,
        hit_person=HitPerson._meta.db_table,
        keys=_marks(keys),
    )
    governing: dict[str, tuple[Any, ...]] = {}
    incidents: dict[int, set[int]] = defaultdict(set)
    children: dict[int, set[int]] = defaultdict(set)
    with connection.cursor() as cursor:
        cursor.execute(sql, [district_id, *keys, HitPersonRole.CHILD])
        for tag, hit_id, other, family_key, status, score, clause, version in cursor.fetchall():
            if tag == "i":
                incidents[hit_id].add(other)
            elif tag == "c":
                children[hit_id].add(other)
            else:
                row = (hit_id, family_key, status, score, clause, version)
                current = governing.get(family_key)
                if (
                    current is None
                    or status == HitStatus.OPEN
                    or (current[2] != HitStatus.OPEN and hit_id > current[0])
                ):
                    governing[family_key] = row
    return [
        ExistingHit(
            hit_id=row[0],
            family_key=tuple(int(x) for x in row[1].split(",") if x),
            status=PureStatus(row[2]),
            incident_ids=frozenset(incidents[row[0]]),
            child_ids=frozenset(children[row[0]]),
            score=row[3],
            clause=row[4],
            rule_set_version=row[5],
        )
        for row in governing.values()
    ]
