from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from samspil.access.constants import Purpose
from samspil.access.models import AccessGrant
from samspil.access.policy import AccessDenied, readable
from samspil.audit.models import AuditEntry
from samspil.persons import registry
from samspil.persons.constants import RelationKind
from samspil.persons.models import Person, Relation
from samspil.persons.selectors import duplicate_suggestions, person_search
from samspil.persons.services import person_merge, person_merge_undo, relation_add
from samspil.persons.tests.conftest import CPR_CHILD, CPR_MOTHER

pytestmark = pytest.mark.django_db


@pytest.fixture
def twins(register):
    """The same woman registered twice: with a middle name and Danish letters, and without."""
    first = register("Mette Søs", "Hansen", cpr=CPR_MOTHER)
    second = register("Mette", "Hansen", birth_date=date(1985, 3, 12))
    return first, second


def test_duplicates_are_suggested_by_birth_date_and_folded_name(register, admin, twins):
    register("Søren", "Bækgaard", birth_date=date(1990, 4, 2))
    register("Soeren Peter", "Baekgaard", birth_date=date(1990, 4, 2))
    register("Søren", "Bækgaard", birth_date=date(1990, 4, 3))  # another birth date
    register("Mette", "Jensen", birth_date=date(1985, 3, 12))  # another name
    suggestions = duplicate_suggestions(user=admin, limit=10)
    keys = [(s.birth_date, s.duplicate_key, len(s.persons)) for s in suggestions]
    assert keys == [(date(1985, 3, 12), "mette hansen", 2), (date(1990, 4, 2), "soeren baekgaard", 2)]


def test_two_cpr_numbers_are_never_suggested_as_duplicates(register, admin):
    register("Ib", "Holm", cpr="1203851237")
    register("Ib", "Holm", cpr="1203851245")
    assert duplicate_suggestions(user=admin, limit=10) == []


def test_merged_persons_are_not_suggested_again(admin, twins):
    person_merge(actor=admin, survivor=twins[0], merged=twins[1])
    assert duplicate_suggestions(user=admin, limit=10) == []


def test_only_an_administrator_merges(officer, twins):
    with pytest.raises(PermissionDenied):
        person_merge(actor=officer, survivor=twins[0], merged=twins[1])
    with pytest.raises(AccessDenied):
        duplicate_suggestions(user=officer, limit=10)


def test_an_administrator_of_another_district_may_not_merge(outsider, twins):
    assert duplicate_suggestions(user=outsider, limit=10) == []
    with pytest.raises(PermissionDenied):
        person_merge(actor=outsider, survivor=twins[0], merged=twins[1])


def _state(*persons: Person) -> dict:
    return {
        "relations": sorted(Relation.objects.values_list("pk", "person_id", "related_person_id",
                                                         "kind")),
        "persons": sorted(Person.objects.filter(pk__in=[p.pk for p in persons]).values_list(
            "pk", "merged_into_id", "cpr_hash", "cpr_encrypted")),
        "grants": sorted(AccessGrant.objects.values_list("organisation_id", "subject_id",
                                                         "source")),
    }


def test_a_merge_moves_everything_and_its_undo_restores_it_exactly(
        register, officer, caseworker, admin, twins):
    kept, duplicate = twins
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    partner = register("Lars", "Berg", birth_date=date(1983, 1, 1))
    # The duplicate has a child, a partner (both directions kept) and a relation to the kept
    # record itself; the kept record already has the partner.
    r_child = relation_add(actor=officer, person=duplicate, related_person=child,
                           kind=RelationKind.PARENT_OF)
    r_partner = relation_add(actor=officer, person=partner, related_person=duplicate,
                             kind=RelationKind.COHABITANT)
    r_same = relation_add(actor=officer, person=kept, related_person=partner,
                          kind=RelationKind.PARTNER)
    r_dup_partner = relation_add(actor=officer, person=duplicate, related_person=partner,
                                 kind=RelationKind.PARTNER)
    r_self = relation_add(actor=officer, person=kept, related_person=duplicate,
                          kind=RelationKind.SIBLING)
    # A municipal caseworker has a record about the duplicate: it must keep seeing the person.
    AccessGrant.objects.create(organisation_id=caseworker.organisation_id,
                               subject_type="persons.person", subject_id=duplicate.pk,
                               basis="record", source="cases.case:1")
    # A fake mover stands in for the apps above (incidents, cases …).
    moved_log: list[tuple] = []

    def mover(*, source, target, ids=None):
        moved_log.append((source.pk, target.pk, ids))
        return [101, 102] if ids is None else list(ids)

    registry.register_person_mover("test.thing", mover)
    try:
        before = _state(kept, duplicate, child, partner)
        merge = person_merge(actor=admin, survivor=kept, merged=duplicate)
        duplicate.refresh_from_db()
        kept.refresh_from_db()
        assert duplicate.merged_into == kept
        assert merge.moved["test.thing"] == [101, 102]
        assert merge.moved["persons.relation.person"] == [r_child.pk]
        assert merge.moved["persons.relation.related_person"] == [r_partner.pk]
        assert Relation.objects.get(pk=r_child.pk).person == kept
        assert Relation.objects.get(pk=r_partner.pk).related_person == kept
        # Relations the kept record already has, or between the two, stay where they were.
        assert Relation.objects.get(pk=r_dup_partner.pk).person == duplicate
        assert Relation.objects.get(pk=r_self.pk).related_person == duplicate
        assert Relation.objects.get(pk=r_same.pk).person == kept
        assert readable(caseworker, Person.objects.filter(pk=kept.pk),
                        purpose=Purpose.CASEWORK).exists()
        assert person_search(user=officer, query="mette", purpose=Purpose.CASEWORK) == [kept]
        assert AuditEntry.objects.filter(action="merge", object_id=str(kept.pk)).exists()

        person_merge_undo(actor=admin, merge=merge)
        assert moved_log[-1] == (kept.pk, duplicate.pk, [101, 102])
        assert _state(kept, duplicate, child, partner) == before
        merge.refresh_from_db()
        assert merge.undone_at is not None and merge.undone_by == admin
        assert not readable(caseworker, Person.objects.filter(pk=kept.pk),
                            purpose=Purpose.CASEWORK).exists()
        assert AuditEntry.objects.filter(action="merge").count() == 2
        with pytest.raises(ValidationError):
            person_merge_undo(actor=admin, merge=merge)
    finally:
        registry._PERSON_MOVERS.pop("test.thing", None)


def test_the_cpr_number_moves_to_a_kept_record_without_one_and_back(admin, twins):
    with_cpr, without_cpr = twins
    cpr_hash = with_cpr.cpr_hash
    merge = person_merge(actor=admin, survivor=without_cpr, merged=with_cpr)
    without_cpr.refresh_from_db()
    assert without_cpr.cpr_hash == cpr_hash
    person_merge_undo(actor=admin, merge=merge)
    with_cpr.refresh_from_db()
    without_cpr.refresh_from_db()
    assert with_cpr.cpr_hash == cpr_hash and without_cpr.cpr_hash is None


def test_a_person_cannot_be_merged_twice_or_into_itself(admin, twins, register):
    with pytest.raises(ValidationError):
        person_merge(actor=admin, survivor=twins[0], merged=twins[0])
    person_merge(actor=admin, survivor=twins[0], merged=twins[1])
    third = register("Mette", "Hansen", birth_date=date(1985, 3, 12))
    with pytest.raises(ValidationError):
        person_merge(actor=admin, survivor=third, merged=twins[1])
