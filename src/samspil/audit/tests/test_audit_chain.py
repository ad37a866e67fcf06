from __future__ import annotations

import itertools
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from samspil.audit.constants import Action
from samspil.audit.models import AuditEntry
from samspil.audit.services import audit_record, changes_between
from samspil.audit.verify import audit_verify

pytestmark = pytest.mark.django_db


def _write_entries(officer, n: int = 5) -> list[AuditEntry]:
    return [
        audit_record(
            actor=officer,
            action=Action.UPDATE,
            object_type="persons.person",
            object_id=i,
            changes={"name": ["Old", f"New {i}"]},
            reason="test",
        )
        for i in range(n)
    ]


def test_it_chains_every_entry_to_the_previous_one(officer):
    entries = _write_entries(officer)
    seqs = [entry.seq for entry in entries]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    for previous, entry in itertools.pairwise(entries):
        assert entry.prev_hash == previous.hash
    assert audit_verify().ok


def test_the_verify_command_passes_on_an_intact_chain(officer):
    _write_entries(officer)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert f": {AuditEntry.objects.count()} " in out.getvalue()  # "… intact: N entries checked"


def test_the_database_refuses_to_update_or_delete_an_entry(officer):
    entry = _write_entries(officer, 1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(reason="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()


def _drop_append_only_triggers() -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_entry_no_update")
            cursor.execute("DROP TRIGGER audit_entry_no_delete")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER USER")


def test_it_names_the_first_entry_altered_directly_in_the_database(officer):
    entries = _write_entries(officer, 6)
    victim = entries[3]
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditentry SET reason = %s WHERE seq = %s", ["nothing to see", victim.seq]
        )
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == victim.seq
    with pytest.raises(CommandError, match=rf"#{victim.seq}\b"):
        call_command("audit", "verify", stdout=StringIO())


def test_it_notices_a_deleted_entry(officer):
    entries = _write_entries(officer, 4)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[1].seq])
    result = audit_verify()
    assert not result.ok
    assert result.broken_seq == entries[1].seq


def test_it_notices_entries_cut_off_at_the_end(officer):
    entries = _write_entries(officer, 4)
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = %s", [entries[-1].seq])
    assert not audit_verify().ok


def test_changes_list_old_and_new_values_of_changed_fields_only():
    assert changes_between({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": None}) == {"b": [2, 3]}
    assert changes_between(None, {"a": "x"}) == {"a": [None, "x"]}


def test_a_write_and_its_audit_entry_roll_back_together(officer):
    before = AuditEntry.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=officer, action=Action.CREATE, object_type="x.y", object_id=1)
        raise RuntimeError("the write failed")
    assert AuditEntry.objects.count() == before
    assert audit_verify().ok
