"""What a good bundle writes, and that writing it again changes nothing."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from samspil.audit.constants import Action
from samspil.audit.models import AuditEntry
from samspil.incidents import rules
from samspil.incidents.models import Incident, Involvement
from samspil.interchange.services import bundle_import
from samspil.interchange.synthetic import write_synthetic_bundle
from samspil.interchange.tests.conftest import (
    INCIDENTS,
    good_files,
    table_counts,
    write_bundle,
    zip_bundle,
)
from samspil.persons.models import Person, Relation
from samspil.persons.protection import cpr_decrypt, cpr_lookup_hash

pytestmark = pytest.mark.django_db


@pytest.fixture
def rule_calls():
    calls: list[list[int]] = []

    def spy(*, incident_ids, actor):
        calls.append(sorted(incident_ids))

    rules.register_incident_rule(spy)
    yield calls
    rules._RULES.remove(spy)


def test_it_writes_persons_with_protected_cpr_and_name_index(administrator, police, bundle):
    result = bundle_import(actor=administrator, path=bundle(), organisation=police)
    assert result.ok, result.problems
    p1 = Person.objects.get(person_key="P1")
    assert p1.cpr_hash == cpr_lookup_hash("2811124237")
    assert cpr_decrypt(p1.cpr_encrypted) == "2811124237"
    assert p1.birth_date == date(2012, 11, 28)  # from the CPR number
    assert p1.gender == "M"  # odd last digit
    assert p1.name_folded == "soeren aage mueller hansen"
    assert sorted(p1.name_tokens.values_list("token", flat=True)) == [
        "aage", "hansen", "mueller", "soeren"]
    assert (p1.owner_organisation, p1.created_by, p1.source) == (police, administrator, "import")
    assert p1.municipality.code == "265" and p1.address == "Fiktivvej 1"
    p2 = Person.objects.get(person_key="P2")
    assert (p2.gender, cpr_decrypt(p2.cpr_encrypted)) == ("F", "1503851236")
    p3 = Person.objects.get(person_key="P3")
    assert (p3.cpr_hash, p3.cpr_encrypted, p3.gender, p3.birth_date) == (
        None, "", "X", date(2016, 5, 4))
    assert set(Relation.objects.values_list("person__person_key", "related_person__person_key",
                                            "kind")) == {("P2", "P1", "parent_of"),
                                                         ("P2", "P3", "caregiver_of")}


def test_times_without_offset_are_copenhagen_time(administrator, police, bundle):
    files = good_files()
    files["incidents.csv"] = INCIDENTS + "J3,2025-07-01T23:30:00Z,,theft,265,,,\r\n"
    assert bundle_import(actor=administrator, path=bundle(files), organisation=police).ok
    j1 = Incident.objects.get(journal_no="J1")
    assert j1.occurred_at == datetime(2025, 3, 1, 22, 30, tzinfo=UTC)  # 23:30 CET
    assert j1.reported_at == j1.occurred_at  # defaults to occurred_at
    assert j1.occurred_on == date(2025, 3, 1)
    assert (j1.lat, j1.lon, j1.narrative) == (55.64, 12.08, 'Råb, skrig og "slag"')
    assert j1.category.code == "violence" and j1.municipality.code == "265"
    j2 = Incident.objects.get(journal_no="J2")
    assert j2.reported_at == datetime(2025, 3, 2, 9, 0, tzinfo=UTC)
    # 23:30 UTC on 1 July is 01:30 on 2 July in Copenhagen (summer time).
    assert Incident.objects.get(journal_no="J3").occurred_on == date(2025, 7, 2)
    assert set(Involvement.objects.values_list("incident__journal_no", "person__person_key",
                                               "role")) == {("J1", "P1", "suspect"),
                                                            ("J1", "P2", "victim"),
                                                            ("J2", "P3", "witness")}


def test_importing_the_same_bundle_twice_leaves_identical_counts(administrator, police, bundle,
                                                                 rule_calls):
    first = bundle_import(actor=administrator, path=bundle(), organisation=police)
    counts = table_counts()
    second = bundle_import(actor=administrator, path=bundle(), organisation=police)
    assert second.ok
    assert table_counts() == {**counts, "audit": counts["audit"] + 1}
    assert {name: c.created for name, c in first.counts.items()} == {
        "persons.csv": 3, "incidents.csv": 2, "relations.csv": 2, "involvements.csv": 3}
    assert all(c.created == 0 and c.updated == 0 and c.unchanged == c.rows
               for c in second.counts.values())
    # The rules saw both new incidents once; the second import had nothing new to show them.
    assert rule_calls == [sorted(Incident.objects.values_list("id", flat=True))]


def test_an_existing_key_is_updated_in_place(administrator, police, bundle, rule_calls):
    assert bundle_import(actor=administrator, path=bundle(), organisation=police).ok
    counts = table_counts()
    before = Person.objects.get(person_key="P1")
    files = good_files()
    files["persons.csv"] = files["persons.csv"].replace("Søren Åge", "Bo")
    files["incidents.csv"] = files["incidents.csv"].replace(",theft,", ",burglary,")
    files["involvements.csv"] += "J2,P1,suspect\r\n"
    result = bundle_import(actor=administrator, path=bundle(files), organisation=police)
    assert result.ok
    after = Person.objects.get(person_key="P1")
    assert (after.pk, after.given_name, after.name_folded) == (before.pk, "Bo",
                                                               "bo mueller hansen")
    assert after.cpr_encrypted == before.cpr_encrypted  # same number: ciphertext kept
    assert sorted(after.name_tokens.values_list("token", flat=True)) == ["bo", "hansen", "mueller"]
    assert Incident.objects.get(journal_no="J2").category.code == "burglary"
    assert result.counts["persons.csv"].updated == 1
    assert result.counts["persons.csv"].unchanged == 2
    assert result.counts["incidents.csv"].updated == 1
    assert result.counts["involvements.csv"].created == 1
    counts.pop("audit")  # the rules may audit the cases they open
    assert {k: v for k, v in table_counts().items() if k != "audit"} == {
        **counts, "tokens": counts["tokens"] - 1, "involvements": counts["involvements"] + 1}
    # J2 changed category and gained a suspect: the rules see it (and only it) again.
    assert rule_calls[-1] == [Incident.objects.get(journal_no="J2").pk]


@pytest.mark.parametrize("top", ["bundle", None])
def test_a_zip_imports_like_the_folder(administrator, police, tmp_path, top):
    path = zip_bundle(tmp_path / "bundle.zip", good_files(), top=top)
    result = bundle_import(actor=administrator, path=path, organisation=police)
    assert result.ok, result.problems
    assert table_counts()["involvements"] == 3


def test_a_byte_order_mark_is_tolerated(administrator, police, bundle):
    result = bundle_import(actor=administrator, path=bundle(bom=True), organisation=police)
    assert result.ok, result.problems
    assert Person.objects.filter(person_key="P1").exists()


def test_a_dry_run_writes_nothing(administrator, police, bundle, rule_calls):
    before = table_counts()
    result = bundle_import(actor=administrator, path=bundle(), organisation=police, dry_run=True)
    assert result.ok and result.dry_run and not result.written
    assert result.counts["persons.csv"].created == 3
    assert table_counts() == before
    assert rule_calls == []


def test_one_audit_entry_records_the_bundle(administrator, police, bundle):
    result = bundle_import(actor=administrator, path=bundle(), organisation=police)
    entry = AuditEntry.objects.get(action=Action.IMPORT)
    assert entry.object_id == result.sha256 and len(result.sha256) == 64
    assert entry.actor_username == "ada"
    assert entry.changes["files"] == ["incidents.csv", "involvements.csv", "persons.csv",
                                      "relations.csv"]
    assert entry.changes["counts"]["involvements.csv"] == {
        "rows": 3, "created": 3, "updated": 0, "unchanged": 0}


def test_one_bad_row_among_ten_thousand_writes_nothing(administrator, police, tmp_path):
    folder = tmp_path / "big"
    write_synthetic_bundle(folder, involvements=10_000)
    path = folder / "involvements.csv"
    lines = path.read_bytes().decode("utf-8").split("\r\n")
    journal, person, _role = lines[7000].split(",")
    lines[7000] = f"{journal},{person},bystander"
    path.write_bytes("\r\n".join(lines).encode("utf-8"))
    before = table_counts()
    clock = time.perf_counter()
    result = bundle_import(actor=administrator, path=folder, organisation=police)
    elapsed = time.perf_counter() - clock
    assert [str(p) for p in result.problems] == [
        "involvements.csv:7001: role: unknown value bystander; use one of suspect, charged, "
        "victim, witness, reporter, involved, child_present"]
    assert table_counts() == before
    assert elapsed < 30


def test_a_synthetic_bundle_imports_completely(administrator, police, tmp_path):
    counts = write_synthetic_bundle(tmp_path / "small", involvements=2000)
    result = bundle_import(actor=administrator, path=tmp_path / "small", organisation=police,
                           is_synthetic=True)
    assert result.ok, result.problems[:5]
    assert {name: c.created for name, c in result.counts.items()} == counts
    assert not Person.objects.filter(is_synthetic=False).exists()
    tables = table_counts()
    assert (tables["persons"], tables["incidents"], tables["involvements"]) == (600, 800, 2000)


def test_write_bundle_helper_makes_distinct_folders(tmp_path):
    # Guards the fixture the other tests rely on.
    assert write_bundle(tmp_path / "a", {"x.csv": "a"}) != write_bundle(tmp_path / "b", {})
    assert isinstance(tmp_path / "a", Path)
