"""`samspil import`: problems as FILE:LINE: COLUMN: message, in Danish or English, exit non-zero."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from samspil.interchange.tests.conftest import INVOLVEMENTS, good_files, table_counts

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import", *args, stdout=out, stderr=err)
    return err.getvalue(), str(raised.value)


def bad_bundle(bundle):
    files = good_files()
    files["involvements.csv"] = INVOLVEMENTS + "J1,P3,bystander\r\nJ404,P1,witness\r\n"
    return bundle(files)


def test_it_imports_and_summarises(police, categories, bundle):
    out, err = run(str(bundle()), "--organisation", "test-politi", "--language", "en")
    assert "persons.csv: 3 rows, 3 new, 0 changed, 0 unchanged" in out
    assert "Imported bundle" in out and err == ""
    assert table_counts()["involvements"] == 3


def test_it_prints_every_problem_in_english_and_fails(police, categories, bundle):
    err, message = failing(str(bad_bundle(bundle)), "--organisation", "test-politi",
                           "--language", "en")
    assert err.splitlines() == [
        "involvements.csv:5: role: unknown value bystander; use one of suspect, charged, victim, "
        "witness, reporter, involved, child_present",
        "involvements.csv:6: journal_no: unknown journal_no: not in incidents.csv nor among your "
        "organisation's incidents",
    ]
    assert message == "2 problems in the bundle; nothing was imported."
    assert table_counts()["persons"] == 0


def test_it_speaks_danish_by_default(police, categories, bundle):
    err, message = failing(str(bad_bundle(bundle)), "--organisation", "test-politi")
    assert err.splitlines() == [
        "involvements.csv:5: role: ukendt værdi bystander; brug en af suspect, charged, victim, "
        "witness, reporter, involved, child_present",
        "involvements.csv:6: journal_no: ukendt journal_no: findes hverken i incidents.csv eller "
        "blandt din organisations hændelser",
    ]
    assert message == "2 problemer i pakken; intet er importeret."


def test_it_shows_at_most_a_thousand_problems_then_the_count(police, categories, bundle):
    rows = "".join(f"J1,P{n},witness\r\n" for n in range(10, 1210))
    files = {**good_files(), "involvements.csv": INVOLVEMENTS + rows}
    err, message = failing(str(bundle(files)), "--organisation", "test-politi",
                           "--language", "en")
    lines = err.splitlines()
    assert len(lines) == 1001
    assert lines[0].startswith("involvements.csv:5: person_key: unknown person_key")
    assert lines[-1] == "… and 200 more problems not shown."
    assert message == "1200 problems in the bundle; nothing was imported."


def test_a_dry_run_reports_and_writes_nothing(police, categories, bundle):
    out, _err = run(str(bundle()), "--dry-run", "--organisation", "test-politi",
                    "--language", "en")
    assert "Dry run: the bundle has no problems. Nothing was written." in out
    assert table_counts()["persons"] == 0


def test_the_police_of_the_district_owns_the_rows_by_default(police, foreign_police, categories,
                                                              bundle):
    run(str(bundle()), "--district", "midt-vestsjaelland")
    from samspil.persons.models import Person

    assert set(Person.objects.values_list("owner_organisation__slug", flat=True)) == {
        "test-politi"}


def test_it_asks_for_an_organisation_when_it_is_ambiguous(police, foreign_police, categories,
                                                          bundle):
    _err, message = failing(str(bundle()), "--language", "en")
    assert message.startswith("Several organisations could own the imported rows")
    _err, message = failing(str(bundle()), "--organisation", "nowhere", "--language", "en")
    assert message == "There is no organisation nowhere."
    _err, message = failing(str(bundle()), "--district", "atlantis", "--language", "en")
    assert message == "There is no police district atlantis."


def test_the_user_option_makes_the_user_the_actor(administrator, bundle):
    from samspil.audit.models import AuditEntry

    run(str(bundle()), "--user", "ada")
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor_username == "ada"
    assert entry.changes["organisation"] == "test-politi"


def test_no_progress_bar_when_output_is_not_a_terminal(police, categories, bundle):
    out, err = run(str(bundle()), "--organisation", "test-politi", "--language", "en")
    assert "\r" not in out + err and "rows/s" not in out + err
