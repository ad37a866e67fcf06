from __future__ import annotations

import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from samspil.audit.models import AuditEntry
from samspil.persons.models import NameToken, Person
from samspil.persons.protection import cpr_decrypt
from samspil.persons.services import (
    DuplicateCprError,
    person_get_or_register,
    person_update,
)
from samspil.persons.tests.conftest import CPR_MOTHER

pytestmark = pytest.mark.django_db


def test_a_person_is_owned_by_the_organisation_of_who_registered_it(register, officer):
    person = register("Mette", "Hansen", cpr=CPR_MOTHER)
    assert person.owner_organisation_id == officer.organisation_id
    assert person.created_by == officer
    assert person.birth_date == date(1985, 3, 12)
    assert person.gender == "F"  # even last digit
    assert person.duplicate_key == "mette hansen"
    assert set(NameToken.objects.filter(person=person).values_list("token", flat=True)) == {
        "mette", "hansen"}


def test_the_gender_comes_from_the_cpr_number_unless_given(register):
    assert register("Ib", "Holm", cpr="1203851237").gender == "M"
    assert register("Kim", "Holm", cpr="120385-1239", gender="X").gender == "X"


def test_the_birth_date_must_agree_with_the_cpr_number(register):
    with pytest.raises(ValidationError) as error:
        register("Mette", "Hansen", cpr=CPR_MOTHER, birth_date=date(1985, 3, 13))
    assert "birth_date" in error.value.message_dict
    assert register("Mette", "Hansen", cpr=CPR_MOTHER, birth_date=date(1985, 3, 12)).pk


def test_without_a_cpr_number_the_birth_date_is_required(register):
    with pytest.raises(ValidationError) as error:
        register("Ukendt", "Person")
    assert "birth_date" in error.value.message_dict
    person = register("Kendt", "Person", birth_date=date(2001, 5, 6))
    assert person.cpr_hash is None and person.gender == ""


def test_an_invalid_cpr_number_is_refused_with_a_reason(register):
    with pytest.raises(ValidationError) as error:
        register("Mette", "Hansen", cpr="3102851234")
    assert "cpr" in error.value.message_dict
    with pytest.raises(ValidationError):
        register("Mette", "Hansen", cpr="12345")


def test_the_same_cpr_number_is_the_same_person(register, caseworker):
    first = register("Mette", "Hansen", cpr=CPR_MOTHER)
    with pytest.raises(DuplicateCprError) as error:
        register("Mette", "Hansen-Berg", cpr="120385-1238", actor=caseworker)
    assert error.value.person_key == first.person_key
    assert first.person_key in str(error.value.message_dict["cpr"])
    assert Person.objects.count() == 1


def test_get_or_register_returns_the_existing_person(officer):
    from samspil.organisations.models import Municipality

    roskilde = Municipality.objects.get(code="265")
    person, created = person_get_or_register(actor=officer, cpr=CPR_MOTHER, given_name="Mette",
                                             family_name="Hansen", municipality=roskilde)
    again, created_again = person_get_or_register(actor=officer, cpr=CPR_MOTHER,
                                                  given_name="M", family_name="H",
                                                  municipality=roskilde)
    assert created and not created_again and again == person


def test_roles_without_registration_are_refused(register, dpo):
    with pytest.raises(PermissionDenied):
        register("Mette", "Hansen", cpr=CPR_MOTHER, actor=dpo)


def _raw_rows() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM persons_person")
        return json.dumps(cursor.fetchall(), default=str)


def _audit_text() -> str:
    return json.dumps(
        list(AuditEntry.objects.values("reason", "changes", "object_id")), default=str
    )


def test_the_cpr_number_is_never_stored_in_clear(register):
    person = register("Mette", "Hansen", cpr="120385-1238")
    raw = _raw_rows()
    assert "1203851238" not in raw and "120385-1238" not in raw and "851238" not in raw
    assert cpr_decrypt(person.cpr_encrypted) == "1203851238"
    assert len(person.cpr_hash) == 64


def test_the_cpr_number_never_reaches_the_audit_trail(register, officer):
    person = register("Mette", "Hansen", cpr=CPR_MOTHER)
    first_hash = person.cpr_hash
    person = person_update(actor=officer, person=person, cpr="1203851246", address="Algade 1")
    second_hash = person.cpr_hash
    person = person_update(actor=officer, person=person, cpr=None, birth_date=date(1985, 3, 12))
    text = _audit_text()
    for digits in (CPR_MOTHER, "1203851246"):
        assert digits not in text and f"{digits[:6]}-{digits[6:]}" not in text
    assert person.cpr_hash is None and person.cpr_encrypted == ""
    assert first_hash not in text and second_hash not in text
    changes = [e.changes for e in AuditEntry.objects.filter(object_type="persons.person")]
    assert all(c.get("cpr") == "changed" for c in changes)
    assert any(c.get("address") == ["", "Algade 1"] for c in changes)


def test_registration_and_change_are_audited_with_old_and_new_values(register, officer):
    person = register("Mette", "Hansen", birth_date=date(1985, 3, 12))
    person_update(actor=officer, person=person, family_name="Hansen-Berg")
    created, changed = AuditEntry.objects.filter(
        object_type="persons.person", object_id=str(person.pk)).order_by("seq")
    assert created.action == "create" and created.changes["family_name"] == [None, "Hansen"]
    assert changed.action == "update"
    assert changed.changes == {"family_name": ["Hansen", "Hansen-Berg"]}
    assert set(NameToken.objects.filter(person=person).values_list("token", flat=True)) == {
        "mette", "hansen", "berg"}


def test_only_the_owner_changes_a_person(register, caseworker):
    person = register("Mette", "Hansen", birth_date=date(1985, 3, 12))
    with pytest.raises(PermissionDenied):
        person_update(actor=caseworker, person=person, address="Algade 1")
