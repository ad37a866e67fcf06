"""The engine's plain data: input rows, hits with their explanation, and the shared rules of
date arithmetic and ordering (one place, so the two implementations cannot drift)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal, NamedTuple
from zoneinfo import ZoneInfo

import polars as pl

from samspil.risk.rules import KNOWN_RELATIONS, KNOWN_ROLES, RuleSet, RuleSetError

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

Clause = Literal["a", "b"]
FamilyKey = tuple[int, ...]


# --- inputs ------------------------------------------------------------------------------------
# NamedTuples so that callers may pass plain tuples in the same field order, and the polars path
# can build frames from them without a conversion step per field.


class Person(NamedTuple):
    id: int
    key: str
    birth_date: date | None


class Relation(NamedTuple):
    person_id: int
    related_person_id: int
    relation: str


class Incident(NamedTuple):
    id: int
    journal_no: str
    occurred_on: date
    category: str


class Involvement(NamedTuple):
    incident_id: int
    person_id: int
    role: str


PERSON_SCHEMA: dict[str, Any] = {"id": pl.Int64, "key": pl.String, "birth_date": pl.Date}
RELATION_SCHEMA: dict[str, Any] = {
    "person_id": pl.Int64,
    "related_person_id": pl.Int64,
    "relation": pl.String,
}
INCIDENT_SCHEMA: dict[str, Any] = {
    "id": pl.Int64,
    "journal_no": pl.String,
    "occurred_on": pl.Date,
    "category": pl.String,
}
INVOLVEMENT_SCHEMA: dict[str, Any] = {
    "incident_id": pl.Int64,
    "person_id": pl.Int64,
    "role": pl.String,
}
# Role and relation columns may be String, Categorical or Enum. The database layer should stream
# them as these Enums: filtering millions of rows by role is then ~10x faster than on String.
ROLE_ENUM = pl.Enum(sorted(KNOWN_ROLES))
RELATION_ENUM = pl.Enum(sorted(KNOWN_RELATIONS))


# --- outputs -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PersonRole:
    person_id: int
    person_key: str
    role: str

    def to_dict(self) -> dict[str, Any]:
        return {"person_id": self.person_id, "person_key": self.person_key, "role": self.role}


@dataclass(frozen=True, slots=True)
class IncidentExplanation:
    """Why one incident is part of a hit: who was involved how, what it weighs."""

    incident_id: int
    journal_no: str
    occurred_on: date
    category: str
    weight: int
    serious: bool  # weight >= serious_weight: clause (a) on its own
    involvements: tuple[PersonRole, ...]  # the caregivers' counted involvements
    children_present: tuple[PersonRole, ...]  # the family's children present (clause a)

    def to_dict(self) -> dict[str, Any]:
        return {
            "incident_id": self.incident_id,
            "journal_no": self.journal_no,
            "occurred_on": self.occurred_on.isoformat(),
            "category": self.category,
            "weight": self.weight,
            "serious": self.serious,
            "involvements": [x.to_dict() for x in self.involvements],
            "children_present": [x.to_dict() for x in self.children_present],
        }


@dataclass(frozen=True, slots=True)
class FamilyHit:
    """One family that meets the rules on ``as_of``.

    Ids are sorted numerically, keys and journal numbers as strings (they are what the CLI
    prints); ``explanation`` is in date order so a reviewer reads it as a timeline.
    """

    family_key: FamilyKey
    caregiver_ids: tuple[int, ...]
    child_ids: tuple[int, ...]
    caregiver_keys: tuple[str, ...]
    child_keys: tuple[str, ...]
    incident_ids: tuple[int, ...]
    journal_nos: tuple[str, ...]
    score: int
    clause: Clause
    rule_set_version: str
    as_of: date
    explanation: tuple[IncidentExplanation, ...]

    def weight_of(self, incident_id: int) -> int:
        for item in self.explanation:
            if item.incident_id == incident_id:
                return item.weight
        raise KeyError(incident_id)

    def to_cli_dict(self) -> dict[str, Any]:
        """The hit as the ``socialsoeg`` command prints it."""
        return {
            "caregivers": list(self.caregiver_keys),
            "children": list(self.child_keys),
            "score": self.score,
            "clause": self.clause,
            "journal_nos": list(self.journal_nos),
        }

    def to_dict(self) -> dict[str, Any]:
        """Everything, JSON-ready, for storing the explanation with the hit."""
        return {
            **self.to_cli_dict(),
            "caregiver_ids": list(self.caregiver_ids),
            "child_ids": list(self.child_ids),
            "incident_ids": list(self.incident_ids),
            "rule_set": self.rule_set_version,
            "as_of": self.as_of.isoformat(),
            "explanation": [x.to_dict() for x in self.explanation],
        }


def screening_report(rule_set: RuleSet, as_of: date, hits: Iterable[FamilyHit]) -> dict[str, Any]:
    """The CLI JSON: ``{"as_of", "rule_set", "hits": [...]}`` with hits in the contract order."""
    ordered = sorted(hits, key=hit_order)
    return {
        "as_of": as_of.isoformat(),
        "rule_set": rule_set.version,
        "hits": [hit.to_cli_dict() for hit in ordered],
    }


# --- shared helpers ----------------------------------------------------------------------------


def local_date(moment: datetime) -> date:
    """The Europe/Copenhagen date of a moment; a naive time is local already (interchange)."""
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(COPENHAGEN).date()


def window_start(rule_set: RuleSet, as_of: date) -> date:
    return as_of - timedelta(days=rule_set.window_days - 1)


def child_cutoff(as_of: date, age_limit: int) -> date:
    """The last birth date of someone who is *not* under ``age_limit`` on ``as_of``.

    A child is born after this date (and not after as_of). On the birthday itself the person
    has reached the age. For as_of = 29 February the cutoff is 28 February (that year has no
    29th); someone born on 29 February therefore comes of age on 1 March in common years.
    Being a date comparison, the polars path can use the very same cutoff.
    """
    year = as_of.year - age_limit
    try:
        return as_of.replace(year=year)
    except ValueError:
        return date(year, 2, 28)


def is_child(birth_date: date | None, as_of: date, age_limit: int) -> bool:
    if birth_date is None:
        return False
    return child_cutoff(as_of, age_limit) < birth_date <= as_of


def hit_order(hit: FamilyHit) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return (hit.caregiver_keys, hit.child_keys)


def unknown_categories_error(rule_set: RuleSet, categories: Iterable[str]) -> RuleSetError:
    return RuleSetError(
        f"rule set {rule_set.version} has no weight for categories {sorted(set(categories))}"
    )


def explanation_order(item: IncidentExplanation) -> tuple[date, str, int]:
    return (item.occurred_on, item.journal_no, item.incident_id)


def sorted_tuple(values: Iterable[Any], key: Any = None) -> tuple[Any, ...]:
    # Most families have one or two of everything; skipping sorted() for those halves the cost
    # of turning thousands of vectorised hits into objects.
    items = tuple(values)
    if len(items) < 2:
        return items
    return tuple(sorted(items, key=key))


def build_hit(
    *,
    rule_set: RuleSet,
    as_of: date,
    caregivers: Sequence[int],
    children: Sequence[int],
    key_of: Mapping[int, str],
    explanation: Iterable[IncidentExplanation],
    clause: Clause,
    score: int,
) -> FamilyHit:
    """One constructor for both implementations, so they cannot drift in ordering."""
    items = sorted_tuple(explanation, key=explanation_order)
    caregiver_ids = sorted_tuple(caregivers)
    child_ids = sorted_tuple(children)
    return FamilyHit(
        family_key=caregiver_ids,
        caregiver_ids=caregiver_ids,
        child_ids=child_ids,
        caregiver_keys=sorted_tuple([key_of[c] for c in caregiver_ids]),
        child_keys=sorted_tuple([key_of[c] for c in child_ids]),
        incident_ids=sorted_tuple([item.incident_id for item in items]),
        journal_nos=sorted_tuple([item.journal_no for item in items]),
        score=score,
        clause=clause,
        rule_set_version=rule_set.version,
        as_of=as_of,
        explanation=items,
    )
