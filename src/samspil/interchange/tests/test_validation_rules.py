"""Every rule of the interchange format refuses the bundle with a FILE:LINE: COLUMN: message."""

from __future__ import annotations

import pytest
from django.db import connection

from samspil.interchange.handlers import HANDLERS
from samspil.interchange.services import bundle_import
from samspil.interchange.set_based import SET_BASED_FILES
from samspil.interchange.tests.conftest import (
    INCIDENTS,
    INVOLVEMENTS,
    PERSONS,
    RELATIONS,
    good_files,
    table_counts,
)

pytestmark = pytest.mark.django_db

PERSON_HEADER = PERSONS.splitlines()[0]
INCIDENT_HEADER = INCIDENTS.splitlines()[0]


@pytest.fixture(params=["row-by-row", "set-based"])
def problems(request, administrator, police, bundle):
    """Every rule is checked both ways: row by row (SQLite, and PostgreSQL for problems), and
    on PostgreSQL through the set-based path, whose SQL checks must refuse every bundle with a
    problem (it then hands over to the row-by-row path, which words the problems) and take every
    clean one."""
    set_based = request.param == "set-based"
    if set_based and connection.vendor != "postgresql":
        pytest.skip("the set-based import path exists on PostgreSQL only")

    def check(**files: str) -> list[str]:
        merged = {**good_files(), **{name.replace("_", ".", 1): text
                                     for name, text in files.items()}}
        merged = {name: text for name, text in merged.items() if text is not None}
        before = table_counts()
        result = bundle_import(actor=administrator, path=bundle(merged), organisation=police,
                               set_based_path=set_based)
        if result.problems:
            assert table_counts() == before, "a bundle with problems must write nothing"
        if set_based and set(merged) <= SET_BASED_FILES:
            assert result.path == ("row-by-row" if result.problems else "set-based")
        return [str(problem) for problem in result.problems]

    return check


def persons(*rows: str, header: str = PERSON_HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def incidents(*rows: str, header: str = INCIDENT_HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


GOOD_PERSON = "P9,1203104234,Ib,Fiktiv,,,265,,"


def test_a_good_bundle_has_no_problems(problems):
    assert problems() == []


def test_an_unknown_column_is_an_error(problems):
    text = PERSONS.replace("postal_code", "postcode", 1)
    assert problems(persons_csv=text) == ["persons.csv:1: postcode: unknown column"]


def test_a_missing_required_column_is_an_error_once(problems):
    text = "person_key,birth_date\r\nP1,2000-01-02\r\nP2,2000-01-03\r\n"
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:1: municipality_code: the required column is missing"]


def test_a_column_named_twice_is_an_error(problems):
    header = PERSON_HEADER + ",address"
    text = persons("P9,1203104234,Ib,Fiktiv,,,265,,,", header=header)
    assert "persons.csv:1: address: the header names this column twice" in problems(
        persons_csv=text, relations_csv=None, involvements_csv=None)


def test_an_empty_required_field_is_an_error(problems):
    text = persons("P9,1203104234,Ib,Fiktiv,,,,,", "P8,,Ib,Fiktiv,2010-03-12,M,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: municipality_code: is required"]


def test_a_row_with_the_wrong_number_of_fields_is_an_error(problems):
    text = persons("P9,1203104234,Ib,Fiktiv,,,265")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: -: the row has 7 fields, the header has 9"]


@pytest.mark.parametrize(("cpr", "message"), [
    ("12031042", "not a CPR number (DDMMYYSSSS or DDMMYY-SSSS)"),
    ("120310+4234", "not a CPR number (DDMMYYSSSS or DDMMYY-SSSS)"),
    ("3102854234", "the date part of the CPR number is not a real date"),
])
def test_a_cpr_number_must_be_one_with_a_real_date(problems, cpr, message):
    text = persons(f"P9,{cpr},Ib,Fiktiv,,,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        f"persons.csv:2: cpr: {message}"]


def test_the_birth_date_must_agree_with_the_cpr_number(problems):
    text = persons("P9,1203104234,Ib,Fiktiv,2010-03-13,,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: birth_date: does not agree with the CPR number (2010-03-12)"]


def test_a_person_without_cpr_needs_a_birth_date(problems):
    text = persons("P9,,Ib,Fiktiv,,M,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: birth_date: is required when there is no cpr"]


@pytest.mark.parametrize(("value", "message"), [
    ("12-03-2010", "not a date (YYYY-MM-DD)"),
    ("20100312", "not a date (YYYY-MM-DD)"),
    ("2010-02-30", "not a real date"),
])
def test_dates_are_yyyy_mm_dd(problems, value, message):
    text = persons(f"P9,,Ib,Fiktiv,{value},M,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        f"persons.csv:2: birth_date: {message}"]


def test_gender_is_m_f_or_x(problems):
    text = persons("P9,1203104234,Ib,Fiktiv,,K,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: gender: must be M, F or X"]


def test_the_municipality_code_must_exist(problems):
    text = persons("P9,1203104234,Ib,Fiktiv,,,999,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: municipality_code: unknown municipality code 999"]


def test_a_field_may_not_be_longer_than_its_column(problems):
    text = persons(f"P9,1203104234,{'I' * 121},Fiktiv,,,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: given_name: is longer than 120 characters"]


def test_a_person_key_twice_in_the_file_is_an_error(problems):
    text = persons(GOOD_PERSON, "P9,,Ib,Fiktiv,2010-03-12,M,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:3: person_key: the same key is on line 2"]


def test_a_cpr_number_twice_in_the_file_is_an_error(problems):
    text = persons(GOOD_PERSON, GOOD_PERSON.replace("P9", "P8"))
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:3: cpr: the same CPR number is on line 2"]


def test_a_cpr_number_another_person_holds_is_an_error(problems, administrator, police, bundle):
    assert bundle_import(actor=administrator, path=bundle({"persons.csv": persons(GOOD_PERSON)}),
                         organisation=police).ok
    text = persons(GOOD_PERSON.replace("P9", "P7"))
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: cpr: another person in the register already has this CPR number"]


def test_a_key_of_another_organisations_record_is_refused(problems, outsider, bundle):
    foreign = outsider.organisation
    assert bundle_import(actor=outsider, path=bundle(), organisation=foreign).ok
    found = problems()
    assert "persons.csv:2: person_key: the key is used by a record your organisation does not own" \
        in found
    assert "incidents.csv:2: journal_no: the key is used by a record your organisation does not own" \
        in found


def test_a_relation_must_be_one_of_the_kinds(problems):
    text = RELATIONS + "P1,P2,uncle_of\r\n"
    assert problems(relations_csv=text) == [
        "relations.csv:4: relation: unknown value uncle_of; use one of parent_of, caregiver_of, "
        "partner, former_partner, sibling, cohabitant"]


def test_a_relation_must_name_known_persons(problems):
    text = RELATIONS + "P1,P404,partner\r\n"
    assert problems(relations_csv=text) == [
        "relations.csv:4: related_person_key: unknown person_key: not in persons.csv nor among "
        "your organisation's persons"]


def test_a_person_cannot_be_related_to_themselves(problems):
    text = RELATIONS + "P1,P1,partner\r\n"
    assert problems(relations_csv=text) == [
        "relations.csv:4: related_person_key: a person cannot be related to themselves"]


def test_the_same_relation_twice_is_an_error(problems):
    text = RELATIONS + "P2,P1,parent_of\r\n"
    assert problems(relations_csv=text) == ["relations.csv:4: person_key: the same key is on line 2"]


@pytest.mark.parametrize("value", ["01-03-2025 10:00", "2025-03-01", "2025-03-01T25:00",
                                   "yesterday"])
def test_times_are_iso_8601(problems, value):
    text = incidents(f"J9,{value},,theft,265,,,")
    found = problems(incidents_csv=text, involvements_csv=None)
    assert len(found) == 1 and found[0].startswith("incidents.csv:2: occurred_at: not a ")


def test_the_category_must_exist(problems):
    text = incidents("J9,2025-03-01T10:00,,pickpocketing,265,,,")
    assert problems(incidents_csv=text, involvements_csv=None) == [
        "incidents.csv:2: category: unknown category pickpocketing"]


def test_lat_and_lon_come_together(problems):
    text = incidents("J9,2025-03-01T10:00,,theft,265,55.6,,", "J8,2025-03-01T10:00,,theft,265,,12.1,")
    assert problems(incidents_csv=text, involvements_csv=None) == [
        "incidents.csv:2: lon: lat and lon must be given together",
        "incidents.csv:3: lat: lat and lon must be given together"]


def test_positions_are_numbers_in_range(problems):
    text = incidents("J9,2025-03-01T10:00,,theft,265,95,12,", "J8,2025-03-01T10:00,,theft,265,55,east,")
    assert problems(incidents_csv=text, involvements_csv=None) == [
        "incidents.csv:2: lat: must be between -90.0 and 90.0",
        "incidents.csv:3: lon: not a number"]


def test_a_journal_number_twice_is_an_error(problems):
    text = INCIDENTS + "J1,2025-03-01T10:00,,theft,265,,,\r\n"
    assert problems(incidents_csv=text) == [
        "incidents.csv:4: journal_no: the same key is on line 2"]


def test_a_role_must_be_one_of_the_roles(problems):
    text = INVOLVEMENTS + "J2,P1,bystander\r\n"
    assert problems(involvements_csv=text) == [
        "involvements.csv:5: role: unknown value bystander; use one of suspect, charged, victim, "
        "witness, reporter, involved, child_present"]


def test_an_involvement_must_name_a_known_incident_and_person(problems):
    text = INVOLVEMENTS + "J404,P404,witness\r\n"
    assert problems(involvements_csv=text) == [
        "involvements.csv:5: journal_no: unknown journal_no: not in incidents.csv nor among your "
        "organisation's incidents",
        "involvements.csv:5: person_key: unknown person_key: not in persons.csv nor among your "
        "organisation's persons"]


def test_the_same_involvement_twice_is_an_error(problems):
    text = INVOLVEMENTS + "J1,P1,suspect\r\n"
    assert problems(involvements_csv=text) == [
        "involvements.csv:5: journal_no: the same key is on line 2"]


def test_references_may_point_to_the_organisations_own_records(administrator, police, bundle):
    assert bundle_import(actor=administrator, path=bundle(), organisation=police).ok
    later = bundle({"involvements.csv": "journal_no,person_key,role\r\nJ2,P1,witness\r\n"})
    result = bundle_import(actor=administrator, path=later, organisation=police)
    assert result.ok and result.counts["involvements.csv"].created == 1


def test_references_to_another_organisations_records_are_unknown(outsider, police, administrator,
                                                                  bundle):
    assert bundle_import(actor=administrator, path=bundle(), organisation=police).ok
    probe = bundle({"involvements.csv": "journal_no,person_key,role\r\nJ2,P1,witness\r\n"})
    result = bundle_import(actor=outsider, path=probe, organisation=outsider.organisation)
    assert [str(p) for p in result.problems] == [
        "involvements.csv:2: journal_no: unknown journal_no: not in incidents.csv nor among your "
        "organisation's incidents",
        "involvements.csv:2: person_key: unknown person_key: not in persons.csv nor among your "
        "organisation's persons"]


KNOWN_FILES = ", ".join(handler.filename for handler in HANDLERS)


def test_an_unknown_file_is_an_error(problems):
    assert problems(notes_csv="note\r\nhello\r\n") == [
        f"notes.csv:1: -: unknown file; a bundle holds only {KNOWN_FILES}"]


def test_a_bundle_without_any_known_file_is_an_error(administrator, police, bundle):
    result = bundle_import(actor=administrator, path=bundle({"notes.txt": "hello"}),
                           organisation=police)
    assert [str(p) for p in result.problems] == [
        f"notes.txt:1: -: unknown file; a bundle holds only {KNOWN_FILES}",
        f"{result.bundle}:1: -: the bundle holds none of {KNOWN_FILES}"]


def test_a_file_that_is_not_utf8_is_an_error(administrator, police, bundle, tmp_path):
    folder = bundle({"incidents.csv": INCIDENTS})
    (folder / "persons.csv").write_bytes(PERSONS.encode("utf-8") + "P8,,Øjvind".encode("latin-1"))
    result = bundle_import(actor=administrator, path=folder, organisation=police)
    assert [str(p) for p in result.problems] == ["persons.csv:5: -: the file is not UTF-8 text"]


def test_broken_quoting_is_an_error(problems):
    text = INCIDENTS + 'J9,2025-03-01T10:00,,theft,265,,,"no end\r\n'
    found = problems(incidents_csv=text)
    assert len(found) == 1 and found[0].startswith("incidents.csv:4: -: not valid CSV: ")


def test_a_path_that_is_no_bundle_is_an_error(administrator, police, tmp_path):
    path = tmp_path / "persons.csv"
    path.write_text(PERSONS, encoding="utf-8")
    result = bundle_import(actor=administrator, path=path, organisation=police)
    assert [str(p) for p in result.problems] == ["persons.csv:1: -: not a folder or a .zip file"]


def test_every_problem_is_reported_not_just_the_first(problems):
    text = persons("P9,12031042,Ib,Fiktiv,,K,999,,", "P8,,Ib,Fiktiv,,M,265,,")
    assert problems(persons_csv=text, relations_csv=None, involvements_csv=None) == [
        "persons.csv:2: cpr: not a CPR number (DDMMYYSSSS or DDMMYY-SSSS)",
        "persons.csv:2: gender: must be M, F or X",
        "persons.csv:2: municipality_code: unknown municipality code 999",
        "persons.csv:3: birth_date: is required when there is no cpr",
    ]
