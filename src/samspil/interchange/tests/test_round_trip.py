"""Export → import into an empty database → the same persons, relations, incidents and
involvements, field by field."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from samspil.audit.models import AuditEntry
from samspil.incidents.models import Incident, Involvement
from samspil.interchange.services import bundle_export, bundle_import
from samspil.interchange.synthetic import write_synthetic_bundle
from samspil.interchange.tests.conftest import write_bundle
from samspil.organisations.models import District
from samspil.persons.models import NameToken, Person, Relation
from samspil.persons.protection import cpr_decrypt

pytestmark = pytest.mark.django_db

EDGE_CASES = {
    "persons.csv": (
        "person_key,cpr,given_name,family_name,birth_date,gender,municipality_code,address,"
        "postal_code\r\n"
        'E1,1203104234,"Åse, ""Lille""",Ø,2010-03-12,X,265,"Vej 1\nBaghuset",4000\r\n'
        "E2,,Ib,,1950-06-30,,561,,\r\n"
    ),
    "incidents.csv": (
        "journal_no,occurred_at,reported_at,category,municipality_code,lat,lon,narrative\r\n"
        'E-1,2025-10-26T02:30:00.123456+02:00,2025-10-26T02:30:00+01:00,threats,265,'
        '55.123456789012345,12.000000000000002,"Linje 1\r\nLinje ""2"""\r\n'
        "E-2,2025-12-31T23:59:59,,other,561,,,\r\n"
    ),
    "involvements.csv": "journal_no,person_key,role\r\nE-1,E1,child_present\r\nE-2,E2,reporter\r\n",
    "relations.csv": "person_key,related_person_key,relation\r\nE2,E1,caregiver_of\r\n",
}


def state() -> dict[str, Any]:
    persons = {}
    for person in Person.objects.select_related("municipality", "owner_organisation"):
        persons[person.person_key] = {
            "cpr": cpr_decrypt(person.cpr_encrypted) if person.cpr_encrypted else None,
            "cpr_hash": person.cpr_hash,
            **{name: getattr(person, name) for name in (
                "given_name", "family_name", "name_folded", "duplicate_key", "birth_date",
                "gender", "address", "postal_code", "source", "is_synthetic", "confidentiality",
                "merged_into_id")},
            "municipality": person.municipality.code,
            "owner": person.owner_organisation.slug,
            "tokens": sorted(NameToken.objects.filter(person=person).values_list("token",
                                                                                  flat=True)),
        }
    incidents = {}
    for incident in Incident.objects.select_related("category", "municipality",
                                                    "owner_organisation"):
        incidents[incident.journal_no] = {
            **{name: getattr(incident, name) for name in (
                "occurred_at", "occurred_on", "reported_at", "lat", "lon", "narrative", "source",
                "is_synthetic", "confidentiality")},
            "category": incident.category.code,
            "municipality": incident.municipality.code,
            "owner": incident.owner_organisation.slug,
        }
    return {
        "persons": persons,
        "incidents": incidents,
        "relations": sorted(Relation.objects.values_list(
            "person__person_key", "related_person__person_key", "kind",
            "owner_organisation__slug")),
        "involvements": sorted(Involvement.objects.values_list(
            "incident__journal_no", "person__person_key", "role")),
    }


def empty_the_register() -> None:
    if apps.is_installed("samspil.cases"):
        # Cases opened by the automatic rules point at the incidents and persons.
        apps.get_model("cases", "Case").objects.all().delete()
    Involvement.objects.all().delete()
    Relation.objects.all().delete()
    Incident.objects.all().delete()
    Person.objects.all().delete()


def test_export_then_import_into_an_empty_register_gives_the_same_state(
        administrator, police, tmp_path):
    write_synthetic_bundle(tmp_path / "synthetic", involvements=1500)
    for folder in (tmp_path / "synthetic", write_bundle(tmp_path / "edge", EDGE_CASES)):
        result = bundle_import(actor=administrator, path=folder, organisation=police,
                               is_synthetic=True)
        assert result.ok, result.problems[:5]
    # An export holds the persons involved in its incidents; the others have no place in it.
    Person.objects.filter(involvements__isnull=True).delete()
    original = state()
    exported = bundle_export(actor=administrator, path=tmp_path / "export.zip")
    assert exported.counts["incidents.csv"] == len(original["incidents"])

    empty_the_register()
    assert state()["persons"] == {}
    result = bundle_import(actor=administrator, path=tmp_path / "export.zip",
                           organisation=police, is_synthetic=True)
    assert result.ok, result.problems[:5]
    again = state()
    for part in ("persons", "incidents", "relations", "involvements"):
        assert again[part] == original[part], part


def read_zip(path) -> dict[str, list[dict[str, str]]]:
    with zipfile.ZipFile(path) as archive:
        return {name: list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"),
                                                      newline="")))
                for name in archive.namelist()}


def test_export_selects_district_and_period_with_cpr_in_full(administrator, police, bundle,
                                                            tmp_path):
    files = {**EDGE_CASES}
    assert bundle_import(actor=administrator, path=bundle(files), organisation=police).ok
    path = tmp_path / "out.zip"
    bundle_export(actor=administrator, path=path,
                  district=District.objects.get(slug="midt-vestsjaelland"),
                  date_from=date(2025, 10, 1), date_to=date(2025, 10, 31))
    content = read_zip(path)
    assert [row["journal_no"] for row in content["incidents.csv"]] == ["E-1"]
    assert [row["cpr"] for row in content["persons.csv"]] == ["1203104234"]
    assert content["involvements.csv"] == [
        {"journal_no": "E-1", "person_key": "E1", "role": "child_present"}]
    assert content["relations.csv"] == []  # E2 is not exported, so neither is the relation
    raw = zipfile.ZipFile(path).read("incidents.csv")
    assert raw.startswith(b"journal_no,occurred_at,") and b"\r\n" in raw


def test_the_export_is_audited_and_a_folder_works_too(administrator, police, bundle, tmp_path):
    assert bundle_import(actor=administrator, path=bundle(EDGE_CASES), organisation=police).ok
    out = StringIO()
    call_command("export", str(tmp_path / "folder"), "--user", "ada", "--language", "en",
                 stdout=out)
    assert "incidents.csv: 2 rows" in out.getvalue()
    assert sorted(p.name for p in (tmp_path / "folder").iterdir()) == [
        "incidents.csv", "involvements.csv", "persons.csv", "relations.csv"]
    entry = AuditEntry.objects.get(action="export")
    assert entry.actor_username == "ada" and entry.changes["counts"]["persons.csv"] == 2
