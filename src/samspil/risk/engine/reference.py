"""The reference screening in plain Python: the readable specification that the vectorised path
is tested against, and the fast path for the small subsets of a per-incident re-screening."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from samspil.risk.engine.records import (
    Clause,
    FamilyHit,
    FamilyKey,
    Incident,
    IncidentExplanation,
    Involvement,
    Person,
    PersonRole,
    Relation,
    build_hit,
    hit_order,
    is_child,
    unknown_categories_error,
    window_start,
)
from samspil.risk.rules import CHILD_PRESENT_ROLE, RuleSet

# --- the reference implementation --------------------------------------------------------------


def _families(
    rule_set: RuleSet,
    as_of: date,
    persons: Mapping[int, Person],
    relations: Iterable[Relation],
) -> dict[FamilyKey, list[int]]:
    children = {
        p.id for p in persons.values() if is_child(p.birth_date, as_of, rule_set.child_age_limit)
    }
    caregivers_of: dict[int, set[int]] = defaultdict(set)
    for rel in relations:
        if (
            rel.relation in rule_set.caregiver_relations
            and rel.related_person_id in children
            and rel.person_id in persons
            and rel.person_id != rel.related_person_id
        ):
            caregivers_of[rel.related_person_id].add(rel.person_id)
    families: dict[FamilyKey, list[int]] = defaultdict(list)
    for child, caregivers in caregivers_of.items():
        families[tuple(sorted(caregivers))].append(child)
    return families


def screen_reference(
    rule_set: RuleSet,
    as_of: date,
    persons: Iterable[Person | tuple[Any, ...]],
    relations: Iterable[Relation | tuple[Any, ...]],
    incidents: Iterable[Incident | tuple[Any, ...]],
    involvements: Iterable[Involvement | tuple[Any, ...]],
    *,
    only_families: Iterable[FamilyKey] | None = None,
) -> list[FamilyHit]:
    """Plain-Python screening; the specification the vectorised path is tested against."""
    people = {p.id: p for p in (Person(*row) for row in persons)}
    families = _families(rule_set, as_of, people, (Relation(*row) for row in relations))
    if only_families is not None:
        wanted = set(only_families)
        families = {key: kids for key, kids in families.items() if key in wanted}
    start = window_start(rule_set, as_of)
    in_window = {
        i.id: i for i in (Incident(*row) for row in incidents) if start <= i.occurred_on <= as_of
    }
    unknown = {
        i.category for i in in_window.values() if i.category not in rule_set.category_weights
    }
    if unknown:
        raise unknown_categories_error(rule_set, unknown)

    caregivers = {c for key in families for c in key}
    children = {c for kids in families.values() for c in kids}
    # incident -> caregiver -> roles, and child -> incidents where present
    counted: dict[int, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    present: dict[int, set[int]] = defaultdict(set)
    for row in involvements:
        inv = Involvement(*row)
        incident = in_window.get(inv.incident_id)
        if incident is None:
            continue
        # Not elif: a 17-year-old parent can be both a caregiver and a child.
        if inv.person_id in caregivers and rule_set.counts(inv.role, incident.category):
            counted[inv.person_id][inv.incident_id].add(inv.role)
        if inv.role == CHILD_PRESENT_ROLE and inv.person_id in children:
            present[inv.person_id].add(inv.incident_id)

    key_of = {p.id: p.key for p in people.values()}
    hits: list[FamilyHit] = []
    for family_key, kids in families.items():
        roles_by_incident: dict[int, list[PersonRole]] = defaultdict(list)
        for caregiver in family_key:
            for incident_id, roles in counted.get(caregiver, {}).items():
                roles_by_incident[incident_id].extend(
                    PersonRole(caregiver, key_of[caregiver], role) for role in roles
                )
        if not roles_by_incident:
            continue
        explanation: list[IncidentExplanation] = []
        any_present = False
        for incident_id, roles_here in roles_by_incident.items():
            incident = in_window[incident_id]
            weight = rule_set.weight(incident.category)
            kids_present = tuple(
                PersonRole(child, key_of[child], CHILD_PRESENT_ROLE)
                for child in sorted(kids)
                if incident_id in present.get(child, ())
            )
            any_present = any_present or bool(kids_present)
            explanation.append(
                IncidentExplanation(
                    incident_id=incident_id,
                    journal_no=incident.journal_no,
                    occurred_on=incident.occurred_on,
                    category=incident.category,
                    weight=weight,
                    serious=weight >= rule_set.serious_weight,
                    involvements=tuple(sorted(roles_here, key=lambda r: (r.person_id, r.role))),
                    children_present=kids_present,
                )
            )
        score = sum(item.weight for item in explanation)
        clause: Clause
        if any_present or any(item.serious for item in explanation):
            clause = "a"
        elif (
            len(explanation) >= rule_set.clause_b_min_incidents
            and score >= rule_set.clause_b_min_score
        ):
            clause = "b"
        else:
            continue
        hits.append(
            build_hit(
                rule_set=rule_set,
                as_of=as_of,
                caregivers=family_key,
                children=kids,
                key_of=key_of,
                explanation=explanation,
                clause=clause,
                score=score,
            )
        )
    hits.sort(key=hit_order)
    return hits


# --- per-incident re-screening -----------------------------------------------------------------


def families_touched(
    rule_set: RuleSet,
    as_of: date,
    incident_id: int | Collection[int],
    persons: Iterable[Person | tuple[Any, ...]],
    relations: Iterable[Relation | tuple[Any, ...]],
    involvements: Iterable[Involvement | tuple[Any, ...]],
) -> set[FamilyKey]:
    """The families whose result may change because of one incident (or several: a collection
    of ids, as when an import registers a batch).

    A family is touched when one of its caregivers or children is involved in the incident (any
    role: cheaper to re-screen an unchanged family than to reason about which roles matter).
    """
    wanted = {incident_id} if isinstance(incident_id, int) else set(incident_id)
    people = {p.id: p for p in (Person(*row) for row in persons)}
    involved = {
        inv.person_id
        for inv in (Involvement(*row) for row in involvements)
        if inv.incident_id in wanted
    }
    families = _families(rule_set, as_of, people, (Relation(*row) for row in relations))
    return {
        key
        for key, kids in families.items()
        if involved.intersection(key) or involved.intersection(kids)
    }


def screen_families_touched(
    rule_set: RuleSet,
    as_of: date,
    incident_id: int | Collection[int],
    persons: Iterable[Person | tuple[Any, ...]],
    relations: Iterable[Relation | tuple[Any, ...]],
    incidents: Iterable[Incident | tuple[Any, ...]],
    involvements: Iterable[Involvement | tuple[Any, ...]],
) -> list[FamilyHit]:
    """Re-screen only the families of the persons in one (new) incident.

    Runs the reference implementation: on the few dozen rows involved, plain Python is faster
    than building data frames. The caller loads this subset (caregiver relations = the rule
    set's ``caregiver_relations``):

    1. X = the persons involved in the incident;
    2. C = X and the children of X (caregiver relations from X);
    3. G = every caregiver of C (caregiver relations to C);
    4. S = every child of G (caregiver relations from G): the siblings who may share a family;
       then every caregiver relation to S, naming the caregivers H, so that each child's
       caregiver set is complete (a family is defined by the exact set);
    5. the persons X ∪ C ∪ G ∪ S ∪ H with their birth dates (a relation naming a person who is
       not loaded is ignored, like one naming an unknown person);
    6. the involvements of G ∪ S in incidents in the window (and in the new incident), and
       those incidents.

    Returns the hits among the touched families only; a touched family missing from the result
    no longer meets the rules (see ``reconcile`` and its ``screened_families``).
    """
    persons = list(persons)
    relations = list(relations)
    involvements = list(involvements)
    touched = families_touched(rule_set, as_of, incident_id, persons, relations, involvements)
    if not touched:
        return []
    return screen_reference(
        rule_set, as_of, persons, relations, incidents, involvements, only_families=touched
    )
