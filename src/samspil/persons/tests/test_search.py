from __future__ import annotations

from datetime import date

import pytest

from samspil.access.constants import Purpose
from samspil.access.policy import AccessDenied
from samspil.access.services import record_access_grant
from samspil.audit.models import AuditEntry
from samspil.persons.selectors import mask_cpr_in, parse_search, person_search
from samspil.persons.tests.conftest import CPR_MOTHER

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(register):
    return {
        "soeren": register("Søren Åge", "Bækgaard", birth_date=date(1990, 4, 2)),
        "mette": register("Mette", "Hansen", cpr=CPR_MOTHER),
        "maja": register("Maja", "Hansen-Lund", birth_date=date(2012, 1, 30)),
        "jens": register("Jens", "Hansen", birth_date=date(1990, 4, 2)),
    }


def search(user, query):
    return person_search(user=user, query=query, purpose=Purpose.CASEWORK)


def test_a_name_is_found_with_and_without_danish_letters(officer, people):
    assert search(officer, "Søren Bækgaard") == [people["soeren"]]
    assert search(officer, "soeren baekgaard") == [people["soeren"]]
    assert search(officer, "SØREN baek") == [people["soeren"]]


def test_middle_names_need_not_be_typed_and_may_be_searched(officer, people):
    assert search(officer, "Søren Bækgaard") == [people["soeren"]]
    assert search(officer, "Åge") == [people["soeren"]]
    assert search(officer, "aage baek") == [people["soeren"]]


def test_every_word_must_begin_a_word_of_the_name(officer, people):
    assert set(search(officer, "hansen")) == {people["mette"], people["maja"], people["jens"]}
    assert search(officer, "ma lund") == [people["maja"]]
    assert search(officer, "m hansen") == [people["mette"], people["maja"]]  # by family name
    assert search(officer, "ansen") == []
    assert search(officer, "søren jensen") == []


def test_a_cpr_number_is_found_with_and_without_hyphen(officer, people):
    assert search(officer, "1203851238") == [people["mette"]]
    assert search(officer, "120385-1238") == [people["mette"]]
    assert search(officer, "120385-1239") == []


@pytest.mark.parametrize("query", ["02.04.1990", "2.4.1990", "020490", "1990-04-02"])
def test_a_birth_date_is_found_in_the_usual_formats(officer, people, query):
    assert set(search(officer, query)) == {people["soeren"], people["jens"]}


def test_a_short_birth_date_tries_both_centuries():
    terms = parse_search("300112")
    assert terms.kind == "birth_date"
    assert set(terms.birth_dates) == {date(2012, 1, 30), date(1912, 1, 30)}


def test_nonsense_finds_nothing(officer, people):
    assert search(officer, "31.02.1990") == []
    assert search(officer, "   ") == []
    assert search(officer, "--") == []


def test_a_search_is_logged_with_the_cpr_number_masked(officer, people):
    search(officer, "120385-1238")
    entry = AuditEntry.objects.filter(action="search").get()
    assert entry.reason == "120385-xxxx"
    assert entry.object_id == str(people["mette"].pk)
    assert "1238" not in entry.reason
    assert mask_cpr_in("find 1203851238 now") == "find 120385-xxxx now"


def test_merged_persons_are_not_found(officer, people):
    from samspil.persons.models import Person

    Person.objects.filter(pk=people["jens"].pk).update(merged_into=people["mette"])
    assert search(officer, "jens") == []


def test_another_organisation_finds_a_person_only_with_a_grant(caseworker, other_caseworker,
                                                                  outsider, people):
    assert search(caseworker, "hansen") == []
    assert search(other_caseworker, "1203851238") == []
    assert search(outsider, "hansen") == []
    record_access_grant(organisation_id=caseworker.organisation_id, subject=people["mette"],
                        source=people["mette"])
    assert search(caseworker, "hansen") == [people["mette"]]
    assert search(other_caseworker, "hansen") == []


def test_statistics_may_not_search_named_persons(analyst, people):
    with pytest.raises(AccessDenied):
        person_search(user=analyst, query="hansen", purpose=Purpose.STATISTICS)
