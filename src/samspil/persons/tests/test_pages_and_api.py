"""Every person page and endpoint: the owner sees, outsiders are refused and the refusal is
audited, and a caseworker sees a police person only after a grant or a disclosure."""

from __future__ import annotations

from datetime import date

import pytest

from samspil.access.constants import LegalBasis
from samspil.access.services import disclosure_create, record_access_grant
from samspil.audit.models import AuditEntry
from samspil.persons.constants import RelationKind
from samspil.persons.models import Person, Relation
from samspil.persons.services import person_merge, relation_add
from samspil.persons.tests.conftest import CPR_CHILD, CPR_MOTHER

pytestmark = pytest.mark.django_db


@pytest.fixture
def mother(register):
    return register("Mette", "Hansen", cpr=CPR_MOTHER, address="Algade 1")


@pytest.fixture
def child(register, officer, mother):
    child = register("Oskar", "Hansen", cpr=CPR_CHILD)
    relation_add(actor=officer, person=mother, related_person=child, kind=RelationKind.PARENT_OF)
    return child


def denied(person: Person, user) -> bool:
    return AuditEntry.objects.filter(action="read_denied", object_type="persons.person",
                                     object_id=str(person.pk), actor_id=user.pk).exists()


def assert_refused(response, person, user):
    assert response.status_code == 403
    body = response.content.decode()
    assert "Mette" not in body and "120385" not in body
    assert denied(person, user)


# --- the person page --------------------------------------------------------------------------

def test_the_owner_sees_the_person_page_with_household_and_reason(client_for, officer, mother,
                                                                   child):
    response = client_for(officer).get(f"/personer/{mother.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mette Hansen" in body and "120385-1238" in body
    assert "Oskar Hansen" in body and 'class="samspil-child"' in body
    assert 'data-access-basis="owner"' in body
    assert AuditEntry.objects.filter(action="read", object_id=str(mother.pk)).exists()


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "caseworker"])
def test_the_person_page_refuses_other_organisations_in_danish(client_for, request, mother, who):
    user = request.getfixturevalue(who)
    response = client_for(user).get(f"/personer/{mother.pk}/")
    assert_refused(response, mother, user)
    assert "Ingen adgang" in response.content.decode()


def test_a_missing_person_is_404(client_for, officer):
    assert client_for(officer).get("/personer/999999/").status_code == 404
    assert client_for(officer).get("/api/v1/persons/999999").status_code == 404


def test_a_caseworker_sees_a_police_person_after_an_access_grant(client_for, caseworker, mother,
                                                                   child):
    record_access_grant(organisation_id=caseworker.organisation_id, subject=mother, source=mother)
    response = client_for(caseworker).get(f"/personer/{mother.pk}/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Mette Hansen" in body and 'data-access-basis="record"' in body
    # The child is not shared: counted, not shown.
    assert "Oskar" not in body and "120375" not in body


def test_a_caseworker_sees_a_police_person_after_a_disclosure(client_for, officer, caseworker,
                                                                other_caseworker, mother):
    disclosure_create(actor=officer, subject=mother, to_organisation=caseworker.organisation,
                      legal_basis=LegalBasis.RPL_115_1_1, purpose="SSP", shared="identitet")
    response = client_for(caseworker).get(f"/personer/{mother.pk}/")
    assert response.status_code == 200
    assert 'data-access-basis="disclosure"' in response.content.decode()
    api = client_for(caseworker).get(f"/api/v1/persons/{mother.pk}")
    assert api.status_code == 200 and api.json()["person"]["cpr"] == "120385-1238"
    assert_refused(client_for(other_caseworker).get(f"/personer/{mother.pk}/"), mother,
                   other_caseworker)


# --- search -----------------------------------------------------------------------------------

def test_the_owner_finds_the_person_on_the_search_page(client_for, officer, mother):
    response = client_for(officer).get("/personer/", {"q": "mette hansen"})
    assert response.status_code == 200
    assert f"/personer/{mother.pk}/" in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "caseworker"])
def test_search_shows_other_organisations_nothing(client_for, request, mother, who):
    client = client_for(request.getfixturevalue(who))
    for query in ("hansen", "120385-1238", "12.03.1985"):
        page = client.get("/personer/", {"q": query})
        assert page.status_code == 200 and "Mette" not in page.content.decode()
        api = client.get("/api/v1/persons", {"q": query})
        assert api.status_code == 200 and api.json() == {"results": []}


def test_search_is_refused_to_roles_that_read_no_persons(client_for, dpo):
    assert client_for(dpo).get("/personer/", {"q": "hansen"}).status_code == 403
    assert client_for(dpo).get("/api/v1/persons", {"q": "hansen"}).status_code == 403


def test_the_search_api_returns_the_owner_the_person(client_for, officer, mother):
    response = client_for(officer).get("/api/v1/persons", {"q": "1203851238"})
    (row,) = response.json()["results"]
    assert row["id"] == mother.pk and row["cpr"] == "120385-1238"
    assert row["birth_date"] == "1985-03-12"


# --- the person API ---------------------------------------------------------------------------

def test_the_person_api_gives_the_owner_the_household(client_for, officer, mother, child):
    data = client_for(officer).get(f"/api/v1/persons/{mother.pk}").json()
    assert data["person"]["name"] == "Mette Hansen"
    (member,) = data["household"]
    assert member["kind"] == "parent_of" and member["relation_label"] == "barn" and member["person"]["is_child"] is True


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "caseworker"])
def test_the_person_api_refuses_other_organisations(client_for, request, mother, who):
    user = request.getfixturevalue(who)
    assert_refused(client_for(user).get(f"/api/v1/persons/{mother.pk}"), mother, user)


# --- registration -----------------------------------------------------------------------------

def test_an_officer_registers_a_person_on_the_page(client_for, officer):
    response = client_for(officer).post("/personer/ny/", {
        "given_name": "Søren", "family_name": "Bækgaard", "cpr": "020490-1237",
        "municipality": _municipality("265"),
    })
    person = Person.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/personer/{person.pk}/"
    assert person.birth_date == date(1990, 4, 2) and person.gender == "M"


def test_the_register_page_names_the_existing_person_for_the_same_cpr(client_for, officer,
                                                                        mother):
    response = client_for(officer).post("/personer/ny/", {
        "family_name": "Hansen", "cpr": "1203851238", "municipality": _municipality("265"),
    })
    assert response.status_code == 200
    assert mother.person_key in response.content.decode()
    assert Person.objects.count() == 1


def test_the_register_page_is_refused_to_other_roles(client_for, dpo, admin):
    assert client_for(dpo).get("/personer/ny/").status_code == 403
    assert client_for(admin).get("/personer/ny/").status_code == 403


def test_the_register_api_creates_and_validates(client_for, caseworker, officer, mother):
    client = client_for(caseworker)
    created = client.post("/api/v1/persons", {
        "given_name": "Anna", "family_name": "Lund", "birth_date": "2011-05-06",
        "municipality_code": "265"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["is_child"] is True
    assert Person.objects.get(pk=created.json()["id"]).owner_organisation == caseworker.organisation
    same = client.post("/api/v1/persons", {"family_name": "H", "cpr": "120385-1238",
                                           "municipality_code": "265"},
                       content_type="application/json")
    assert same.status_code == 400 and mother.person_key in str(same.json())
    bad = client.post("/api/v1/persons", {"family_name": "H", "municipality_code": "265"},
                      content_type="application/json")
    assert bad.status_code == 400 and "birth_date" in bad.json()


def test_the_register_api_refuses_roles_without_registration(client_for, dpo):
    response = client_for(dpo).post("/api/v1/persons", {
        "family_name": "H", "birth_date": "2011-05-06", "municipality_code": "265"},
        content_type="application/json")
    assert response.status_code == 403


def _municipality(code: str) -> int:
    from samspil.organisations.models import Municipality

    return Municipality.objects.get(code=code).pk


# --- relations --------------------------------------------------------------------------------

def test_the_owner_adds_a_relation_on_the_page_and_sees_the_warning(client_for, officer, mother,
                                                                      register):
    partner = register("Lars", "Berg", birth_date=date(1983, 1, 1))
    client = client_for(officer)
    assert client.get(f"/personer/{mother.pk}/relationer/ny/").status_code == 200
    response = client.post(f"/personer/{mother.pk}/relationer/ny/",
                           {"kind": "parent_of", "related": partner.person_key}, follow=True)
    assert response.status_code == 200
    assert Relation.objects.filter(person=mother, related_person=partner).exists()
    assert "Lars Berg" in response.content.decode()
    relation = Relation.objects.get(person=mother, related_person=partner)
    removed = client.post(f"/personer/{mother.pk}/relationer/{relation.pk}/fjern/")
    assert removed.status_code == 302 and not Relation.objects.filter(pk=relation.pk).exists()


def test_the_relation_page_does_not_find_persons_the_user_may_not_read(client_for, caseworker,
                                                                       register, mother):
    own = register("Anna", "Lund", birth_date=date(2011, 5, 6), actor=caseworker)
    response = client_for(caseworker).post(f"/personer/{own.pk}/relationer/ny/",
                                           {"kind": "sibling", "related": "1203851238"})
    assert response.status_code == 200 and not Relation.objects.exists()
    assert "Mette" not in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "caseworker"])
def test_relations_are_refused_to_other_organisations(client_for, request, mother, child, who):
    user = request.getfixturevalue(who)
    client = client_for(user)
    assert_refused(client.get(f"/personer/{mother.pk}/relationer/ny/"), mother, user)
    api = client.post(f"/api/v1/persons/{mother.pk}/relations",
                      {"related_person_id": child.pk, "kind": "sibling"},
                      content_type="application/json")
    assert api.status_code == 403
    relation = Relation.objects.get()
    removed = client.post(f"/personer/{mother.pk}/relationer/{relation.pk}/fjern/")
    assert removed.status_code == 403 and Relation.objects.filter(pk=relation.pk).exists()


def test_the_relation_api_adds_a_relation_with_warnings(client_for, officer, mother, register):
    older = register("Gamle", "Hansen", birth_date=date(1950, 1, 1))
    response = client_for(officer).post(f"/api/v1/persons/{mother.pk}/relations",
                                        {"related_person_id": older.pk, "kind": "parent_of"},
                                        content_type="application/json")
    assert response.status_code == 201 and response.json()["warnings"]
    again = client_for(officer).post(f"/api/v1/persons/{mother.pk}/relations",
                                     {"related_person_id": older.pk, "kind": "parent_of"},
                                     content_type="application/json")
    assert again.status_code == 400


# --- duplicates and merges ----------------------------------------------------------------------

@pytest.fixture
def duplicate(register):
    return register("Mette", "Hansen", birth_date=date(1985, 3, 12))


def test_the_administrator_merges_from_the_suggestions_and_undoes(client_for, admin, mother,
                                                                  duplicate):
    client = client_for(admin)
    page = client.get("/personer/dubletter/").content.decode()
    assert f"/personer/dubletter/{mother.pk}/{duplicate.pk}/" in page
    confirm = client.get(f"/personer/dubletter/{mother.pk}/{duplicate.pk}/")
    assert confirm.status_code == 200 and duplicate.person_key in confirm.content.decode()
    assert client.post(f"/personer/dubletter/{mother.pk}/{duplicate.pk}/", {}).status_code == 200
    done = client.post(f"/personer/dubletter/{mother.pk}/{duplicate.pk}/", {"confirm": "on"})
    assert done.status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into == mother
    history = client.get("/personer/sammenlaegninger/")
    assert history.status_code == 200 and duplicate.person_key in history.content.decode()
    merge = mother.merges_in.get()
    assert client.post(f"/personer/sammenlaegninger/{merge.pk}/fortryd/").status_code == 302
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


@pytest.mark.parametrize("who", ["outsider", "other_caseworker", "officer"])
def test_merge_pages_refuse_everyone_else(client_for, request, admin, mother, duplicate, who):
    user = request.getfixturevalue(who)
    merge = person_merge(actor=admin, survivor=mother, merged=duplicate)
    client = client_for(user)
    suggestions = client.get("/personer/dubletter/")
    assert suggestions.status_code in (200, 403) and "Mette" not in suggestions.content.decode()
    confirm = client.get(f"/personer/dubletter/{mother.pk}/{duplicate.pk}/")
    assert confirm.status_code == 403 and "Mette" not in confirm.content.decode()
    history = client.get("/personer/sammenlaegninger/")
    assert history.status_code in (200, 403) and mother.person_key not in history.content.decode()
    assert client.post(f"/personer/sammenlaegninger/{merge.pk}/fortryd/").status_code == 403
    duplicate.refresh_from_db()
    assert duplicate.merged_into == mother


def test_an_outsider_administrator_is_logged_when_refused_a_merge_page(client_for, outsider,
                                                                       mother, duplicate):
    client_for(outsider).get(f"/personer/dubletter/{mother.pk}/{duplicate.pk}/")
    assert denied(mother, outsider)
