"""cases.csv: its rules (cases.importing) and, end to end, through the interchange bundle import."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from django.utils import translation

from samspil.accounts.constants import Role
from samspil.cases import importing
from samspil.cases.models import Case, CaseStatusChange

pytestmark = pytest.mark.django_db

HEADER = ["case_ref", "case_type", "municipality_code", "person_key", "journal_no", "opened_at",
          "closed_at", "outcome", "origin", "crime_class"]


def rows(*lines: str) -> list[tuple[int, dict[str, str]]]:
    return [(number, dict(zip(HEADER, line.split(","), strict=True)))
            for number, line in enumerate(lines, start=2)]


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def test_row_rules_name_the_line_and_column(police, reference):
    problems, valid = importing.validate_case_rows(
        rows(
            "A1,ukn_screening,265,,,2025-01-01T10:00,,,,",
            "A2,victim_followup,265,P1,,2025-01-01,2025-01-05T10:00,contacted,,",
            "A3,officer_request,999,,,2025-01-01T10:00,2025-01-02T10:00,,mopeds,",
            "A4,officer_request,265,,,2025-01-01T10:00,2025-01-02T10:00,held,cake,",
            "A5,social_report,265,P1,,2025-01-01T10:00,,sent,socialsoeg,personfarlig",
            "A1,nonsense,265,P1,,2025-01-01T10:00,,,,",
            "A6,officer_request,999,,,2025-01-01T10:00,,,mopeds,",
        ),
        header=HEADER, bundle_person_keys={"P1"},
    )
    found = {(p.line, p.column) for p in problems}
    assert (2, "person_key") in found
    assert (3, "opened_at") in found
    assert (4, "outcome") in found
    assert {(5, "outcome"), (5, "origin")} <= found
    assert {(6, "outcome"), (6, "crime_class")} <= found
    assert (7, "case_type") in found
    assert (8, "municipality_code") in found
    assert valid == []


def test_an_unknown_column_is_an_error():
    problems = importing.check_header([*HEADER, "case_typ"])
    assert [(p.line, p.column) for p in problems] == [(1, "case_typ")]


def _bundle(tmp_path: Path, cases: str) -> Path:
    files = {
        "persons.csv": "person_key,birth_date,given_name,municipality_code\r\n"
                       "P1,2012-11-28,Lille,265\r\nP2,1985-03-15,Mette,265\r\n",
        "incidents.csv": "journal_no,occurred_at,category,municipality_code\r\n"
                         "J1,2025-03-01T23:30:00,violence,265\r\n"
                         "J2,2025-03-02T10:00:00,violence,265\r\n",
        "involvements.csv": "journal_no,person_key,role\r\nJ1,P1,suspect\r\nJ2,P1,suspect\r\n",
        "cases.csv": cases,
    }
    folder = tmp_path / "bundle"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_bundle_with_cases_imports_them_and_the_rules_add_only_what_is_missing(
    tmp_path, make_user, police, roskilde
):
    from samspil.interchange.services import bundle_import

    admin = make_user("ada", police, Role.ADMINISTRATOR)
    cases = (
        ",".join(HEADER) + "\r\n"
        "UKN-OLD-1,ukn_screening,265,P1,J1,2025-03-02T09:00,2025-03-20T12:00,referred_ukn,,\r\n"
        "BEB-OLD-7,officer_request,265,,,2025-02-01T09:00,,,mopeds,\r\n"
    )
    path = _bundle(tmp_path, cases)
    result = bundle_import(actor=admin, path=path, organisation=police)
    assert result.ok, [str(p) for p in result.problems]
    imported = Case.objects.get(case_ref="UKN-OLD-1")
    assert imported.crime_class == "personfarlig"  # from the incident's category
    assert (imported.state, imported.outcome) == ("screened", "referred_ukn")
    assert imported.opened_at == datetime.fromisoformat("2025-03-02T09:00+01:00")
    history = list(CaseStatusChange.objects.filter(case=imported))
    assert [(h.to_state, h.outcome, h.action) for h in history] == [
        ("screened", "referred_ukn", "import")
    ]
    # J1/P1 has its screening from the file; J2/P1 gets one from the rule.
    ukn = Case.objects.filter(case_type="ukn_screening")
    assert sorted(ukn.values_list("incident__journal_no", flat=True)) == ["J1", "J2"]
    request = Case.objects.get(case_ref="BEB-OLD-7")
    assert request.person is None and request.state == "received"
    # The same bundle again changes nothing.
    again = bundle_import(actor=admin, path=path, organisation=police)
    assert again.ok
    assert again.counts["cases.csv"].created == 0
    assert again.counts["cases.csv"].unchanged == 2
    assert Case.objects.count() == 3


def test_a_cases_file_with_a_problem_writes_nothing(tmp_path, make_user, police, roskilde):
    from samspil.interchange.services import bundle_import

    admin = make_user("ada", police, Role.ADMINISTRATOR)
    cases = (",".join(HEADER) + "\r\n"
             "X1,ukn_screening,265,P1,J1,2025-03-02T09:00,2025-03-20T12:00,,,\r\n")
    result = bundle_import(actor=admin, path=_bundle(tmp_path, cases), organisation=police)
    assert not result.ok
    assert "cases.csv:2: outcome:" in next(str(p) for p in result.problems)
    assert not Case.objects.exists()
