from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.utils import translation

from samspil.access.constants import Purpose
from samspil.access.services import record_access_grant
from samspil.audit.models import AuditEntry
from samspil.persons.constants import RelationKind
from samspil.persons.selectors import (
    age_on,
    cpr_display,
    household,
    person_purpose,
    person_view,
)
from samspil.persons.services import relation_add, relation_remove, relation_warnings
from samspil.persons.tests.conftest import CPR_CHILD, CPR_MOTHER

pytestmark = pytest.mark.django_db


def test_the_full_cpr_number_only_for_the_roles_that_need_it(
        register, officer, caseworker, ssp, analyst, admin, make_user, police):
    from samspil.accounts.constants import Role

    reviewer = make_user("ida", police, Role.SOCIALSOEG_REVIEWER)
    mediator = make_user("jonas", police, Role.MEDIATOR)
    person = register("Mette", "Hansen", cpr=CPR_MOTHER)
    for user in (officer, caseworker, admin, reviewer):
        assert cpr_display(user, person) == "120385-1238"
    assert cpr_display(ssp, person) == "120385-xxxx"
    assert cpr_display(mediator, person) == "120385-xxxx"
    assert cpr_display(analyst, person) == ""


def test_analysts_see_the_pseudonym_only(register, analyst):
    person = register("Mette", "Hansen", cpr=CPR_MOTHER)
    assert person_purpose(analyst) == Purpose.STATISTICS
    view = person_view(analyst, person, purpose=Purpose.STATISTICS)
    assert view.name == person.person_key and view.cpr == "" and view.address == ""


def test_a_socialsoeg_reviewer_reads_for_screening(make_user, police, officer, caseworker):
    from samspil.accounts.constants import Role

    assert person_purpose(make_user("ida", police, Role.SOCIALSOEG_REVIEWER)) == Purpose.SCREENING
    assert person_purpose(officer) == Purpose.CASEWORK
    assert person_purpose(caseworker) == Purpose.CASEWORK


def test_age_counts_whole_years():
    assert age_on(date(2008, 6, 15), date(2026, 6, 14)) == 17
    assert age_on(date(2008, 6, 15), date(2026, 6, 15)) == 18
    assert age_on(None) is None


@time_machine.travel(date(2026, 6, 1))
def test_the_household_marks_the_child_under_18(register, officer):
    mother = register("Mette", "Hansen", cpr=CPR_MOTHER)
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    adult_son = register("Adam", "Hansen", birth_date=date(2005, 1, 1))
    partner = register("Lars", "Berg", birth_date=date(1983, 1, 1))
    relation_add(actor=officer, person=mother, related_person=child, kind=RelationKind.PARENT_OF)
    relation_add(actor=officer, person=mother, related_person=adult_son,
                 kind=RelationKind.PARENT_OF)
    relation_add(actor=officer, person=partner, related_person=mother,
                 kind=RelationKind.COHABITANT)
    with translation.override("en"):
        house = household(user=officer, person=mother, purpose=Purpose.CASEWORK)
        (parent,) = household(user=officer, person=child, purpose=Purpose.CASEWORK).members
    by_name = {m.view.name: m for m in house.members}
    assert set(by_name) == {"Oskar Hansen", "Adam Hansen", "Lars Berg"}
    assert by_name["Oskar Hansen"].is_child and by_name["Oskar Hansen"].age == 10
    assert not by_name["Adam Hansen"].is_child
    assert by_name["Oskar Hansen"].label == "child"
    assert by_name["Lars Berg"].label == "cohabitant"
    assert [m.view.name for m in house.children] == ["Oskar Hansen"]
    # Seen from the child, the mother is a parent.
    assert parent.label == "parent" and parent.view.person == mother
    assert house.hidden == 0


def test_the_household_counts_the_persons_the_user_may_not_see(register, officer, caseworker):
    mother = register("Mette", "Hansen", cpr=CPR_MOTHER)
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    relation_add(actor=officer, person=mother, related_person=child, kind=RelationKind.PARENT_OF)
    record_access_grant(organisation_id=caseworker.organisation_id, subject=mother, source=mother)
    house = household(user=caseworker, person=mother, purpose=Purpose.CASEWORK)
    assert house.members == [] and house.hidden == 1


def test_a_relation_is_validated_and_audited(register, officer):
    mother = register("Mette", "Hansen", cpr=CPR_MOTHER)
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        relation_add(actor=officer, person=mother, related_person=mother,
                     kind=RelationKind.PARTNER)
    relation = relation_add(actor=officer, person=mother, related_person=child,
                            kind=RelationKind.PARENT_OF)
    with pytest.raises(ValidationError):
        relation_add(actor=officer, person=mother, related_person=child,
                     kind=RelationKind.PARENT_OF)
    relation_add(actor=officer, person=mother, related_person=child, kind=RelationKind.SIBLING)
    with pytest.raises(ValidationError):  # a sibling relation reads the same both ways
        relation_add(actor=officer, person=child, related_person=mother,
                     kind=RelationKind.SIBLING)
    entry = AuditEntry.objects.filter(object_type="persons.relation").order_by("seq").first()
    assert entry.changes["kind"] == [None, "parent_of"]
    relation_remove(actor=officer, relation=relation)
    assert AuditEntry.objects.filter(object_type="persons.relation", action="delete").exists()


def test_an_older_child_is_a_warning_not_a_refusal(register, officer):
    mother = register("Mette", "Hansen", cpr=CPR_MOTHER)
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    assert relation_warnings(person=child, related_person=mother, kind=RelationKind.PARENT_OF)
    assert not relation_warnings(person=mother, related_person=child,
                                 kind=RelationKind.PARENT_OF)
    relation_add(actor=officer, person=child, related_person=mother, kind=RelationKind.PARENT_OF)
    entry = AuditEntry.objects.filter(object_type="persons.relation").get()
    assert "Mette Hansen" in entry.reason and "Oskar Hansen" in entry.reason


def test_a_relation_needs_access_to_both_persons(register, officer, caseworker):
    mother = register("Mette", "Hansen", cpr=CPR_MOTHER)
    child = register("Oskar", "Hansen", cpr=CPR_CHILD, actor=caseworker)
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        relation_add(actor=officer, person=mother, related_person=child,
                     kind=RelationKind.PARENT_OF)
