"""`samspil backup` and `samspil restore`: a round trip gives back the same data and chain."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import translation

from samspil.audit.models import AuditChainHead, AuditEntry
from samspil.audit.verify import audit_verify
from samspil.operations import backup
from samspil.operations.tests.conftest import database_snapshot

# Committed data: pg_dump and pg_restore are other connections. The serialized rollback gives
# the tests after these the migrations' data back.
pytestmark = [
    pytest.mark.usefixtures("post_migrate_rows_cleared"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# The audit trail gains the restore's own entry; it is compared separately.
NOT_COMPARED = ("audit.auditentry", "audit.auditchainhead", "sessions.session")


def annual_report_json() -> str | None:
    try:
        from samspil.reports.annual import annual_report, dumps
    except ImportError:
        return None
    from samspil.organisations.models import District

    return dumps(annual_report(District.objects.get(slug="midt-vestsjaelland"), 2025))


def change_everything(world: Any, officer: Any) -> None:
    from samspil.incidents.models import Involvement
    from samspil.incidents.services import involvement_remove
    from samspil.persons.services import person_register, person_update

    adult, _youth, victim = world.persons
    person_update(actor=officer, person=victim, address="Andenvej 2", given_name="Cecilie")
    involvement_remove(actor=officer, involvement=Involvement.objects.filter(person=victim)
                       .get())
    person_register(actor=officer, given_name="Ny", family_name="Efterbackup",
                    municipality=adult.municipality, birth_date=adult.birth_date,
                    is_synthetic=True)


def test_a_restored_backup_has_the_same_data_and_an_intact_chain(world, officer, tmp_path):
    path = tmp_path / "samspil.tar"
    report_before = annual_report_json()
    rows_before = database_snapshot(exclude=NOT_COMPARED)
    entries_before = list(AuditEntry.objects.order_by("seq").values())
    assert len(entries_before) > 10

    call_command("backup", str(path), stdout=io.StringIO())
    change_everything(world, officer)
    assert database_snapshot(exclude=NOT_COMPARED) != rows_before
    out = io.StringIO()
    with translation.override("en"):
        call_command("restore", str(path), stdout=out)

    assert "intact" in out.getvalue()
    assert database_snapshot(exclude=NOT_COMPARED) == rows_before
    assert annual_report_json() == report_before
    entries_after = list(AuditEntry.objects.order_by("seq").values())
    assert entries_after[: len(entries_before)] == entries_before
    restore_entry = AuditEntry.objects.get(seq=len(entries_before) + 1)
    assert (restore_entry.object_type, restore_entry.reason) == ("operations.backup", "restore")
    assert audit_verify().ok
    assert AuditChainHead.objects.get().seq == len(entries_before) + 1
    # The CPR key was not in the backup, but the installed one still reads what it encrypted.
    from samspil.persons.models import Person
    from samspil.persons.protection import cpr_decrypt

    assert cpr_decrypt(Person.objects.get(pk=world.persons[0].pk).cpr_encrypted) == "0101851235"


def test_the_manifest_says_how_to_read_the_backup_and_holds_no_keys(world, tmp_path, settings):
    path = tmp_path / "samspil.tar"
    manifest = backup.backup_create(path=path)
    with tarfile.open(path) as archive:
        names = archive.getnames()
        stored = json.loads(archive.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert names == ["manifest.json", backup.DATA_NAMES[connection.vendor]]
    assert stored == manifest
    assert stored["vendor"] == connection.vendor
    assert stored["format"] == backup.FORMAT_VERSION
    head = AuditChainHead.objects.get()
    # The backup's own audit entry comes after the dump.
    assert stored["audit_head"] == {"seq": head.seq - 1,
                                    "hash": AuditEntry.objects.get(seq=head.seq - 1).hash}
    assert ["persons", "0001_initial"] in stored["migrations"]
    raw = path.read_bytes()
    from samspil.persons.protection import _master_key

    assert settings.SECRET_KEY.encode() not in raw
    assert _master_key() not in raw
    assert path.stat().st_mode & 0o077 == 0


def rewrite(path: Path, target: Path, *, manifest_changes: dict[str, Any] | None = None,
            tamper_sqlite: bool = False) -> None:
    """A copy of a backup with its manifest (and, for SQLite, its audit trail) changed."""
    work = target.parent / "unpacked"
    with tarfile.open(path) as archive:
        archive.extractall(work, filter="data")
    manifest = json.loads((work / "manifest.json").read_text())
    manifest.update(manifest_changes or {})
    data = work / manifest["data_file"]
    if tamper_sqlite:
        db = sqlite3.connect(data)
        db.execute("DROP TRIGGER audit_entry_no_update")
        db.execute("UPDATE audit_auditentry SET reason = 'nothing to see' WHERE seq = 3")
        db.commit()
        db.close()
        manifest["data_sha256"] = backup._sha256(data)
    (work / "manifest.json").write_text(json.dumps(manifest))
    with tarfile.open(target, "w") as archive:
        archive.add(work / "manifest.json", arcname="manifest.json")
        archive.add(data, arcname=data.name)


def test_a_backup_of_another_database_vendor_is_refused_before_anything_changes(
    world, tmp_path
):
    path, other = tmp_path / "a.tar", tmp_path / "b.tar"
    backup.backup_create(path=path)
    theirs = "sqlite" if connection.vendor == "postgresql" else "postgresql"
    rewrite(path, other, manifest_changes={"vendor": theirs})
    rows = database_snapshot()
    with pytest.raises(CommandError, match="installation uses"):
        call_command("restore", str(other))
    assert database_snapshot() == rows


def test_a_damaged_backup_is_refused(world, tmp_path):
    path, other = tmp_path / "a.tar", tmp_path / "b.tar"
    backup.backup_create(path=path)
    rewrite(path, other, manifest_changes={"data_sha256": "0" * 64})
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(other))


def test_a_backup_made_with_another_cpr_key_is_refused(world, tmp_path):
    path, other = tmp_path / "a.tar", tmp_path / "b.tar"
    backup.backup_create(path=path)
    rewrite(path, other, manifest_changes={"cpr_key_fingerprint": "f" * 16})
    with pytest.raises(CommandError, match="CPR key"):
        call_command("restore", str(other))


def test_a_backup_from_a_newer_samspil_is_refused(world, tmp_path):
    path, other = tmp_path / "a.tar", tmp_path / "b.tar"
    manifest = backup.backup_create(path=path)
    rewrite(path, other, manifest_changes={
        "migrations": [*manifest["migrations"], ["persons", "9999_from_the_future"]]})
    with pytest.raises(CommandError, match="newer Samspil"):
        call_command("restore", str(other))


@pytest.mark.skipif("connection.vendor != 'sqlite'", reason="edits the SQLite file directly")
def test_restore_fails_when_the_restored_audit_chain_does_not_verify(world, tmp_path):
    path, other = tmp_path / "a.tar", tmp_path / "b.tar"
    backup.backup_create(path=path)
    rewrite(path, other, tamper_sqlite=True)
    with pytest.raises(CommandError, match="broken at entry #3"):
        call_command("restore", str(other))


def test_the_database_password_never_appears_on_a_command_line(monkeypatch, tmp_path):
    calls: list[tuple[list[str], dict[str, str]]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((command, kwargs["env"]))
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(backup.subprocess, "run", fake_run)
    monkeypatch.setattr(backup.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setenv("PGSERVICE", "elsewhere")
    settings_dict = {"NAME": "samspil", "USER": "samspil", "PASSWORD": "s3cret-db-password",
                     "HOST": "db.internal", "PORT": "5432", "OPTIONS": {"sslmode": "require"}}
    env = backup.pg_environment(settings_dict)
    backup._run(["pg_dump", "--format=custom", "--file=/tmp/x"], env)
    command, passed = calls[0]
    assert not any("s3cret" in part for part in command)
    assert passed["PGPASSWORD"] == "s3cret-db-password"
    assert (passed["PGHOST"], passed["PGDATABASE"], passed["PGSSLMODE"]) == (
        "db.internal", "samspil", "require")
    assert "PGSERVICE" not in passed
