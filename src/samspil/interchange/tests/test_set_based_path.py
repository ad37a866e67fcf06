"""The set-based import path (PostgreSQL) writes exactly what the row-by-row path writes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from samspil.incidents.models import Incident
from samspil.interchange import bulk
from samspil.interchange.services import bundle_import
from samspil.interchange.tests.conftest import good_files, table_counts

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'postgresql'",
                       reason="the set-based import path exists on PostgreSQL only"),
]

HEADER = "journal_no,occurred_at,reported_at,category,municipality_code,lat,lon,narrative"
# Times and values whose reading is easy to get subtly wrong in SQL.
TRICKY = [
    "T1,2025-10-26T02:30,,theft,265,,,",  # the autumn's repeated hour: the first one
    "T2,2025-03-30T02:30,,theft,265,,,",  # the spring's missing hour
    "T3,2025-03-01T14:30:00+0100,2025-03-01 15:00Z,theft,265,-0.5,055.25,",
    "T4,2025-03-01T14:30:00.5,2025-03-01T14:30:00.123456-03:30,theft,265,90,-180,",
    'T5,2025-12-31T23:59:59,,violence,259,,,"Linje 1\r\nlinje 2, ""citat"""',
    'T6,2025-06-01T00:00,,violence,259,,,""',
]
INVOLVED = "journal_no,person_key,role\r\nT1,P1,suspect\r\nT5,P2,victim\r\n"


def tricky_bundle(bundle, *rows: str):
    files = {**good_files(), "incidents.csv": "\r\n".join([HEADER, *rows]) + "\r\n",
             "involvements.csv": INVOLVED}
    return bundle(files)


def test_tricky_values_are_read_as_the_row_by_row_path_reads_them(administrator, police,
                                                                  bundle):
    path = tricky_bundle(bundle, *TRICKY)
    first = bundle_import(actor=administrator, path=path, organisation=police)
    assert first.ok and first.path == "set-based"
    # The row-by-row path, over what the set-based path wrote: a single differing value would
    # be an update.
    again = bundle_import(actor=administrator, path=path, organisation=police,
                          set_based_path=False)
    assert again.ok and again.path == "row-by-row"
    assert all((c.created, c.updated) == (0, 0) for c in again.counts.values())
    incidents = {i.journal_no: i for i in Incident.objects.filter(journal_no__startswith="T")}
    assert incidents["T1"].occurred_at == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)
    assert incidents["T2"].occurred_at == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert incidents["T3"].reported_at == datetime(2025, 3, 1, 15, 0, tzinfo=UTC)
    assert incidents["T5"].narrative == 'Linje 1\r\nlinje 2, "citat"'
    assert str(incidents["T5"].occurred_on) == "2025-12-31"
    assert incidents["T6"].narrative == ""


def test_the_row_by_row_path_writes_the_same_as_the_set_based_path(administrator, police,
                                                                   bundle):
    path = tricky_bundle(bundle, *TRICKY)
    first = bundle_import(actor=administrator, path=path, organisation=police,
                          set_based_path=False)
    assert first.ok and first.path == "row-by-row"
    again = bundle_import(actor=administrator, path=path, organisation=police)
    assert again.ok and again.path == "set-based"
    assert all((c.created, c.updated) == (0, 0) for c in again.counts.values())


@pytest.mark.parametrize("row", [
    "T7,2025-03-01T10:00+01:60,,theft,265,,,",  # Python reads +01:60 as +02:00
    "T7,2025-03-01T10:00,,theft,265,1e1,2,",  # and 1e1 as a number
])
def test_a_value_only_python_reads_goes_the_row_by_row_way(administrator, police, bundle, row):
    result = bundle_import(actor=administrator, path=tricky_bundle(bundle, *TRICKY, row),
                           organisation=police)
    assert result.ok and result.path == "row-by-row"
    assert Incident.objects.filter(journal_no="T7").exists()


def schema_snapshot() -> dict[str, list[tuple[str, str]]]:
    tables = ("persons_person", "persons_nametoken", "incidents_incident", "persons_relation",
              "incidents_involvement")
    snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                "UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = %s::regclass ORDER BY 1, 2", [table, table])
            snapshot[table] = cursor.fetchall()
    return snapshot


def settle_fixture_rows() -> None:
    """Run now the foreign-key checks the fixtures' rows owe: PostgreSQL does not let a
    transaction alter a table it still owes checks for (bulk mode would then be skipped)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_without_bulk_mode_when_the_transaction_owes_checks(administrator, police, bundle,
                                                            monkeypatch):
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)  # the fixtures' rows owe their checks still
    result = bundle_import(actor=administrator, path=bundle(), organisation=police)
    assert result.ok and result.path == "set-based" and result.bulk_tables == []


def test_a_bulk_import_puts_back_every_index_and_constraint(administrator, police, bundle,
                                                            monkeypatch):
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)  # every table of this small bundle goes bulk
    settle_fixture_rows()
    before = schema_snapshot()
    result = bundle_import(actor=administrator, path=bundle(), organisation=police)
    assert result.ok and result.path == "set-based"
    assert set(result.bulk_tables) == set(before)
    assert schema_snapshot() == before
    assert table_counts()["involvements"] == 3


def test_a_refused_bulk_import_leaves_the_tables_as_they_were(administrator, police, bundle,
                                                              monkeypatch):
    monkeypatch.setattr(bulk, "MIN_ROWS", 1)
    settle_fixture_rows()
    before, counts = schema_snapshot(), table_counts()
    files = {**good_files(), "involvements.csv": "journal_no,person_key,role\r\nJ1,P404,victim\r\n"}
    result = bundle_import(actor=administrator, path=bundle(files), organisation=police)
    assert [str(p) for p in result.problems] == [
        "involvements.csv:2: person_key: unknown person_key: not in persons.csv nor among your "
        "organisation's persons"]
    assert schema_snapshot() == before
    assert table_counts() == counts
