from __future__ import annotations

import pytest

from samspil.access.constants import Purpose
from samspil.incidents.models import Involvement, MergeDroppedInvolvement
from samspil.incidents.services import involvements_move
from samspil.persons.registry import person_movers, timeline_for

pytestmark = pytest.mark.django_db


def test_the_mover_and_the_timeline_provider_are_registered():
    assert person_movers()["incidents.involvement"] is involvements_move


def test_a_merge_moves_involvements_and_drops_a_duplicate_role_that_undo_recreates(
    register, make_person, police, suspect
):
    duplicate = make_person("Mads", "Testesen", owner=police)
    both = register(involvements=[(suspect, "suspect"), (duplicate, "suspect"),
                                  (duplicate, "witness")])
    only_duplicate = register(involvements=[(duplicate, "victim")])
    ids = {(i.incident_id, i.role): i.pk for i in Involvement.objects.filter(person=duplicate)}

    moved = involvements_move(source=duplicate, target=suspect)

    assert sorted(moved) == sorted(ids.values())
    assert not Involvement.objects.filter(person=duplicate).exists()
    assert set(Involvement.objects.filter(person=suspect).values_list("incident_id", "role")) == {
        (both.pk, "suspect"), (both.pk, "witness"), (only_duplicate.pk, "victim")}
    dropped = MergeDroppedInvolvement.objects.get()
    assert dropped.involvement_id == ids[(both.pk, "suspect")]

    back = involvements_move(source=suspect, target=duplicate, ids=moved)

    assert sorted(back) == sorted(moved)
    restored = {(i.incident_id, i.role): i.pk for i in Involvement.objects.filter(person=duplicate)}
    assert restored == ids
    assert Involvement.objects.filter(person=suspect, incident=both, role="suspect").exists()
    assert not MergeDroppedInvolvement.objects.exists()


def test_a_merge_gives_the_incidents_owner_access_to_the_survivor(register, suspect, victim):
    from samspil.access.models import AccessGrant

    incident = register(involvements=[(suspect, "suspect")])
    involvements_move(source=suspect, target=victim)
    assert AccessGrant.objects.filter(organisation_id=incident.owner_organisation_id,
                                      subject_type="persons.person", subject_id=victim.pk).exists()


def test_the_person_timeline_shows_readable_incidents_with_role_and_link(officer, outsider,
                                                                         incident, suspect):
    entries = [e for e in timeline_for(user=officer, person=suspect, purpose=Purpose.CASEWORK)
               if e.kind == "incident"]
    assert len(entries) == 1
    entry = entries[0]
    assert entry.at == incident.occurred_at
    assert entry.url == f"/haendelser/{incident.pk}/"
    assert incident.journal_no in entry.detail
    assert [e for e in timeline_for(user=outsider, person=suspect, purpose=Purpose.CASEWORK)
            if e.kind == "incident"] == []
