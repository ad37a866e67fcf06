"""A list read (a queue page, a search result) is one audit entry per record type naming every
record shown; the chain covers the names, and the data-protection officer still finds each
record, in the UI and through the API."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.db import connection

from samspil.access.constants import Purpose
from samspil.access.policy import log_reads
from samspil.audit.chain import canonical_time, entry_hash
from samspil.audit.constants import Action
from samspil.audit.models import AuditChainHead, AuditEntry
from samspil.audit.selectors import AuditQuery, audit_entries_search
from samspil.audit.services import AuditEvent, audit_record, audit_record_many
from samspil.audit.verify import audit_verify
from samspil.organisations.models import Municipality
from samspil.persons.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(police):
    municipality = Municipality.objects.get(code="265")
    return [
        Person.objects.create(owner_organisation=police, given_name=f"Liste{n}",
                              family_name="Testesen", municipality=municipality,
                              is_synthetic=True)
        for n in range(12)
    ]


def _reads_of(user):
    return AuditEntry.objects.filter(actor_username=user.username, action=Action.READ)


def test_a_list_read_is_one_entry_per_record_type_naming_every_record(officer, persons):
    log_reads(officer, [*persons, persons[0]], purpose=Purpose.CASEWORK)
    entry = _reads_of(officer).get()
    assert entry.object_type == "persons.person"
    assert entry.object_id == ""
    assert entry.object_ids == [str(p.pk) for p in persons]  # in order, each once


def test_a_single_record_keeps_the_one_record_shape(officer, persons):
    log_reads(officer, [persons[3]], purpose=Purpose.CASEWORK)
    entry = _reads_of(officer).get()
    assert (entry.object_id, entry.object_ids) == (str(persons[3].pk), [])


def test_an_empty_list_writes_nothing_and_leaves_the_chain_alone(officer):
    audit_record(actor=officer, action=Action.UPDATE, object_type="x.y", object_id=1)
    head = AuditChainHead.objects.get(id=1)
    before = AuditEntry.objects.count()
    log_reads(officer, [], purpose=Purpose.CASEWORK)
    assert audit_record_many(actor=officer, events=[]) == []
    assert AuditEntry.objects.count() == before
    assert AuditChainHead.objects.get(id=1).seq == head.seq


def test_an_entry_without_ids_hashes_as_entries_did_before_the_id_list(officer):
    entry = audit_record(actor=officer, action=Action.READ, object_type="persons.person",
                         object_id=7, purpose=Purpose.CASEWORK, changes={"a": [1, 2]})
    body = json.dumps(
        [entry.seq, canonical_time(entry.at), entry.actor_id, entry.actor_username,
         entry.organisation_id, entry.action, entry.object_type, entry.object_id,
         entry.purpose, entry.reason, entry.changes],
        sort_keys=True, ensure_ascii=False, separators=(",", ":"),
    )
    assert entry.hash == hashlib.sha256(f"{entry.prev_hash}|{body}".encode()).hexdigest()


def test_the_chain_covers_the_id_list(officer, persons):
    log_reads(officer, persons, purpose=Purpose.CASEWORK)
    audit_record(actor=officer, action=Action.UPDATE, object_type="x.y", object_id=1)
    assert audit_verify().ok
    entry = _reads_of(officer).get()
    assert entry.hash == entry_hash(
        prev_hash=entry.prev_hash, seq=entry.seq, at=entry.at, actor_id=entry.actor_id,
        actor_username=entry.actor_username, organisation_id=entry.organisation_id,
        action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
        purpose=entry.purpose, reason=entry.reason, changes=entry.changes,
        object_ids=entry.object_ids,
    )
    # Someone able to bypass the append-only triggers drops a person from the list.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")
        cursor.execute("UPDATE audit_auditentry SET object_ids = %s WHERE seq = %s",
                       [json.dumps(entry.object_ids[1:]), entry.seq])
    result = audit_verify()
    assert not result.ok and result.broken_seq == entry.seq


def test_the_dpo_finds_every_person_of_a_list_and_only_them(officer, dpo, persons):
    log_reads(officer, persons[:10], purpose=Purpose.CASEWORK)
    log_reads(officer, [persons[11]], purpose=Purpose.CASEWORK)
    for person in persons:
        found = audit_entries_search(user=dpo, query=AuditQuery(
            object_type="persons.person", object_id=str(person.pk)))
        assert [e.actor_username for e in found] == (
            [] if person == persons[10] else [officer.username]
        ), person.pk
    # An id is matched whole: "1" does not find a list holding "12" or "21".
    assert not audit_entries_search(user=dpo, query=AuditQuery(object_id="99999")).exists()


def test_an_id_is_matched_whole_not_as_a_substring(officer, dpo):
    audit_record_many(actor=officer, events=[AuditEvent(
        action=Action.READ, object_type="persons.person", object_ids=("12", "21", "312"))])
    search = audit_entries_search
    assert not search(user=dpo, query=AuditQuery(object_id="1")).exists()
    assert not search(user=dpo, query=AuditQuery(object_id="2")).exists()
    assert search(user=dpo, query=AuditQuery(object_id="21")).count() == 1


def test_the_api_and_the_page_show_the_records_of_a_list_read(client_for, officer, dpo,
                                                               persons):
    log_reads(officer, persons[:3], purpose=Purpose.CASEWORK)
    wanted = str(persons[1].pk)
    response = client_for(dpo).get("/api/v1/audit/entries",
                                   {"object_type": "persons.person", "object_id": wanted})
    assert response.status_code == 200
    [row] = response.json()
    assert row["object_ids"] == [str(p.pk) for p in persons[:3]]
    page = client_for(dpo).get("/revision/", {"object_id": wanted})
    assert page.status_code == 200
    assert ", ".join(str(p.pk) for p in persons[:3]) in page.content.decode()


def test_a_dpo_of_another_district_does_not_find_the_list(officer, outsider, persons):
    log_reads(officer, persons, purpose=Purpose.CASEWORK)
    assert not audit_entries_search(user=outsider, query=AuditQuery(
        object_id=str(persons[0].pk))).exists()
