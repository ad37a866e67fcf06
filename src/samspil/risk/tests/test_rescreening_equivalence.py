"""The live re-screening after an incident, through the database, equals a full screening of the
same data restricted to the families the incident touches (random populations, any rule set)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, time

import pytest
import time_machine
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.incidents.models import Incident as IncidentRow
from samspil.incidents.models import IncidentCategory
from samspil.incidents.models import Involvement as InvolvementRow
from samspil.organisations.models import District, Municipality, Organisation
from samspil.persons.models import Person as PersonRow
from samspil.persons.models import Relation as RelationRow
from samspil.risk import touched
from samspil.risk.constants import HitStatus
from samspil.risk.engine import (
    COPENHAGEN,
    FamilyHit,
    Incident,
    Involvement,
    Person,
    Relation,
    families_touched,
    screen_families_touched,
    screen_reference,
    window_start,
)
from samspil.risk.models import Hit, RuleSetVersion
from samspil.risk.rules import RuleSet
from samspil.risk.services import family_key_text, screen_after_incident, screening_run
from samspil.risk.tests.test_properties import Population, populations

pytestmark = pytest.mark.django_db

PROFILE = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)


VERSION = "property"


def as_version(population: Population) -> Population:
    """The population's rules as the district's own version (a hit records the version code,
    and ``rule_set_version_create`` keeps it equal to the row's)."""
    rules = RuleSet.from_dict({**population.rule_set.to_dict(), "version": VERSION})
    return replace(population, rule_set=rules)


def store(population: Population, police: Organisation) -> Population:
    """Write the population as rows of the district (a relation or involvement naming a person
    the table lacks cannot be stored and is left out) and return it with the database ids."""
    municipality = Municipality.objects.get(code="265")
    owned = {"owner_organisation": police, "is_synthetic": True}
    people = PersonRow.objects.bulk_create(
        PersonRow(person_key=p.key, birth_date=p.birth_date, municipality=municipality, **owned)
        for p in population.persons
    )
    person_id = {p.id: row.pk for p, row in zip(population.persons, people, strict=True)}
    relations = sorted(
        {
            Relation(person_id[r.person_id], person_id[r.related_person_id], r.relation)
            for r in population.relations
            if r.person_id in person_id
            and r.related_person_id in person_id
            and r.person_id != r.related_person_id
        }
    )
    RelationRow.objects.bulk_create(
        RelationRow(person_id=r.person_id, related_person_id=r.related_person_id,
                    kind=r.relation, owner_organisation=police)
        for r in relations
    )  # fmt: skip
    categories = dict(IncidentCategory.objects.values_list("code", "pk"))
    stored = IncidentRow.objects.bulk_create(
        IncidentRow(
            journal_no=f"{i.journal_no}-{i.id}",
            occurred_at=datetime.combine(i.occurred_on, time(12), tzinfo=COPENHAGEN),
            occurred_on=i.occurred_on,
            reported_at=datetime.combine(i.occurred_on, time(12), tzinfo=COPENHAGEN),
            category_id=categories[i.category],
            municipality=municipality,
            **owned,
        )
        for i in population.incidents
    )
    incidents = [
        Incident(row.pk, row.journal_no, i.occurred_on, i.category)
        for i, row in zip(population.incidents, stored, strict=True)
    ]
    incident_id = {i.id: row.id for i, row in zip(population.incidents, incidents, strict=True)}
    involvements = sorted(
        {
            Involvement(incident_id[v.incident_id], person_id[v.person_id], v.role)
            for v in population.involvements
            if v.person_id in person_id
        }
    )
    InvolvementRow.objects.bulk_create(
        InvolvementRow(incident_id=v.incident_id, person_id=v.person_id, role=v.role)
        for v in involvements
    )
    persons = [Person(person_id[p.id], p.key, p.birth_date) for p in population.persons]
    return Population(
        population.rule_set, population.as_of, persons, relations, incidents, involvements
    )


@PROFILE
@given(populations(), st.data())
def test_rescreening_in_the_database_matches_a_full_screening(
    police: Organisation, population: Population, data: st.DataObject
) -> None:
    district = District.objects.get(slug="midt-vestsjaelland")
    population = as_version(population)
    noon = datetime.combine(population.as_of, time(12), tzinfo=COPENHAGEN)
    with time_machine.travel(noon, tick=False), transaction.atomic():
        RuleSetVersion.objects.create(
            version=VERSION, definition=population.rule_set.to_dict(), district=district,
            is_active=True,
        )  # fmt: skip
        world = store(population, police)
        new = data.draw(st.sampled_from([i.id for i in world.incidents]))
        rule_set, as_of = world.rule_set, world.as_of
        families = families_touched(
            rule_set, as_of, new, world.persons, world.relations, world.involvements
        )
        expected = [h for h in screen_reference(*world.args()) if h.family_key in families]  # type: ignore[arg-type]

        # The three reads of the live path hand the engine a subset that gives the same answer.
        scope = touched.incident_scope([new])
        assert scope.incidents_by_district == {district.pk: [new]}
        version = scope.version_for(district.pk)
        assert version is not None and version.rule_set == rule_set
        subset = touched.touched_subset(
            district_id=district.pk, rule_set=rule_set, as_of=as_of, incident_ids=[new]
        )
        assert (
            screen_families_touched(
                rule_set, as_of, new, subset.persons, subset.relations, subset.incidents,
                subset.involvements,
            )
            == expected
        )  # fmt: skip

        # And the live path stores exactly those hits, each as its family's one open hit.
        screen_after_incident(incident_ids=[new], actor=None)
        stored = {
            h.family_key: h.explanation
            for h in Hit.objects.filter(district=district, status=HitStatus.OPEN)
        }
        encoded = json.dumps({family_key_text(h.family_key): h.to_dict() for h in expected},
                             cls=DjangoJSONEncoder)  # fmt: skip
        assert stored == json.loads(encoded)
        governing = touched.touched_hits(district.pk, list(stored))
        assert {
            family_key_text(h.family_key): (h.incident_ids, h.child_ids) for h in governing
        } == {
            family_key_text(h.family_key): (frozenset(h.incident_ids), frozenset(h.child_ids))
            for h in expected
        }
        transaction.set_rollback(True)


def stored_hits(district: District) -> dict[str, tuple[object, frozenset[int], frozenset[int]]]:
    """Each open hit's explanation, and its incidents and children as the member rows say."""
    explanations = dict(
        Hit.objects.filter(district=district, status=HitStatus.OPEN).values_list(
            "family_key", "explanation"
        )
    )
    return {
        family_key_text(h.family_key): (explanations[family_key_text(h.family_key)],
                                        h.incident_ids, h.child_ids)
        for h in touched.touched_hits(district.pk, list(explanations))
    }  # fmt: skip


def as_stored(hits: list[FamilyHit]) -> dict[str, tuple[object, frozenset[int], frozenset[int]]]:
    return {
        family_key_text(h.family_key): (
            json.loads(json.dumps(h.to_dict(), cls=DjangoJSONEncoder)),
            frozenset(h.incident_ids),
            frozenset(h.child_ids),
        )
        for h in hits
    }


@PROFILE
@given(populations(), st.data())
def test_a_full_screening_then_the_rescreening_of_a_new_incident_equals_a_full_screening(
    police: Organisation, population: Population, data: st.DataObject
) -> None:
    # The weekly run stores every hit without the new incident; the incident is registered;
    # the re-screening updates, creates or reopens in place (members written by difference).
    # Every stored open hit must then be what a full screening with the incident finds.
    district = District.objects.get(slug="midt-vestsjaelland")
    population = as_version(population)
    noon = datetime.combine(population.as_of, time(12), tzinfo=COPENHAGEN)
    with time_machine.travel(noon, tick=False), transaction.atomic():
        version = RuleSetVersion.objects.create(
            version=VERSION, definition=population.rule_set.to_dict(), district=district,
            is_active=True,
        )  # fmt: skip
        world = store(population, police)
        # Mostly an incident of someone's caregiver in the window: the ones that change a hit.
        carers = {r.person_id for r in world.relations}
        start = window_start(world.rule_set, world.as_of)
        current = {i.id for i in world.incidents if start <= i.occurred_on <= world.as_of}
        relevant = sorted(
            {v.incident_id for v in world.involvements if v.person_id in carers} & current
        )
        new = data.draw(st.sampled_from(relevant or [i.id for i in world.incidents]))
        rows = list(InvolvementRow.objects.filter(incident_id=new).values_list("person_id", "role"))
        InvolvementRow.objects.filter(incident_id=new).delete()
        screening_run(as_of=world.as_of, district=district, rule_set_version=version)
        InvolvementRow.objects.bulk_create(
            InvolvementRow(incident_id=new, person_id=person, role=role) for person, role in rows
        )
        screen_after_incident(incident_ids=[new], actor=None)
        assert stored_hits(district) == as_stored(screen_reference(*world.args()))  # type: ignore[arg-type]
        transaction.set_rollback(True)
