"""Backup and restore of the whole database, with a manifest that says how to read it back.

A backup is one tar file holding ``manifest.json`` and the database itself:

- PostgreSQL: ``database.pgdump``, written by ``pg_dump -Fc`` inside a REPEATABLE READ snapshot
  that we export, so the manifest (audit chain head, migrations) describes exactly the dump;
- SQLite: ``database.sqlite3``, copied with SQLite's online backup API (consistent while others
  write).

The manifest never holds the CPR key or the secret key: a stolen backup must stay as protected
as the database (CPR numbers encrypted with a key kept elsewhere). It holds a fingerprint of the
CPR key, so a restore into an installation with another key is refused before it happens.
Connection passwords reach pg_dump and pg_restore through PGPASSWORD in the child's environment,
never on its command line (which other users of the host can read in the process list).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from django.db import connections, transaction
from django.db.migrations.loader import MigrationLoader

from samspil.audit.constants import Action
from samspil.audit.services import audit_record
from samspil.audit.verify import ChainVerification, audit_verify

FORMAT_VERSION = 1
MANIFEST_NAME = "manifest.json"
DATA_NAMES = {"postgresql": "database.pgdump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
ACTOR_NAME = "samspil-operations"
# libpq reads these from the environment; the rest of a database's OPTIONS are psycopg's own.
_LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class RestoreResult:
    manifest: dict[str, Any]
    verification: ChainVerification
    missing_migrations: list[list[str]]


def samspil_version() -> str:
    try:
        return version("samspil")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "unknown"


def cpr_key_fingerprint() -> str:
    """A short keyed digest that tells two CPR keys apart without revealing either."""
    from samspil.persons.protection import cpr_lookup_hash

    probe = cpr_lookup_hash("samspil-backup-key-fingerprint")
    return hashlib.sha256(probe.encode()).hexdigest()[:16]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in DATA_NAMES:
        raise BackupError(f"Backups of {vendor} databases are not supported.")
    return vendor


# --- PostgreSQL ---------------------------------------------------------------------------------


def pg_environment(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The child's environment: our connection settings as libpq variables, nothing inherited.

    Inherited PG* variables (PGSERVICE, PGHOST …) could point the tools at another database.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    values = {
        "PGHOST": settings_dict.get("HOST") or "",
        "PGPORT": str(settings_dict.get("PORT") or ""),
        "PGUSER": settings_dict.get("USER") or "",
        "PGPASSWORD": settings_dict.get("PASSWORD") or "",
        "PGDATABASE": settings_dict.get("NAME") or "",
    }
    for option, variable in _LIBPQ_OPTIONS.items():
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            values[variable] = str(value)
    env.update({key: value for key, value in values.items() if value})
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(
            f"{command[0]} is not installed: install the PostgreSQL client "
            f"(Debian: apt-get install postgresql-client-15)."
        )
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments are ours, no shell
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.returncode}")


def _pg_backup(using: str, data_file: Path) -> dict[str, Any]:
    connection = connections[using]
    env = pg_environment(connection.settings_dict)
    with transaction.atomic(using=using), connection.cursor() as cursor:
        # pg_dump takes over this transaction's snapshot, so what we read here (chain head,
        # migrations) is exactly the state in the dump, however busy the database is.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _database_state(cursor)
        cursor.execute("SHOW server_version")
        state["server_version"] = cursor.fetchone()[0]
        _run(
            ["pg_dump", "--format=custom", "--no-password", f"--snapshot={snapshot}",
             f"--file={data_file}"],
            env,
        )
    return state


def _pg_restore(using: str, data_file: Path) -> None:
    connection = connections[using]
    env = pg_environment(connection.settings_dict)
    connection.close()  # hold no locks of our own while pg_restore drops and recreates tables
    _run(
        ["pg_restore", "--clean", "--if-exists", "--single-transaction", "--exit-on-error",
         "--no-owner", "--no-password", f"--dbname={env.get('PGDATABASE', '')}", str(data_file)],
        env,
    )


# --- SQLite -------------------------------------------------------------------------------------


def _raw_sqlite(using: str) -> sqlite3.Connection:
    connection = connections[using]
    if connection.in_atomic_block:
        raise BackupError("Backup and restore cannot run inside a transaction.")
    connection.ensure_connection()
    return connection.connection  # type: ignore[no-any-return]


def _sqlite_backup(using: str, data_file: Path) -> dict[str, Any]:
    source = _raw_sqlite(using)
    target = sqlite3.connect(data_file)
    try:
        source.backup(target)
        # A copy of a WAL database is a WAL database; make the file self-contained.
        target.execute("PRAGMA journal_mode=DELETE")
        cursor = target.cursor()
        state = _database_state(cursor)
        state["server_version"] = sqlite3.sqlite_version
    finally:
        target.close()
    return state


def _sqlite_restore(using: str, data_file: Path) -> None:
    source = sqlite3.connect(data_file)
    try:
        check = source.execute("PRAGMA integrity_check").fetchone()[0]
        if check != "ok":
            raise BackupError(f"The SQLite file in the backup is damaged: {check}")
        target = _raw_sqlite(using)
        # Page by page into the live file, under SQLite's own locking: other connections see
        # the old database or the restored one, never a mixture.
        source.backup(target)
    finally:
        source.close()


# --- Manifest -----------------------------------------------------------------------------------


def _database_state(cursor: Any) -> dict[str, Any]:
    cursor.execute("SELECT seq, last_hash FROM audit_auditchainhead WHERE id = 1")
    row = cursor.fetchone()
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
    migrations = [[app, name] for app, name in cursor.fetchall()]
    return {
        "audit_head": {"seq": row[0] if row else 0, "hash": row[1] if row else ""},
        "migrations": migrations,
    }


def known_migrations() -> set[tuple[str, str]]:
    return set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)


@contextmanager
def _workdir(near: Path) -> Iterator[Path]:
    # Beside the target, so the final rename stays on one file system.
    with tempfile.TemporaryDirectory(prefix=".samspil-backup-", dir=near) as name:
        folder = Path(name)
        folder.chmod(0o700)
        yield folder


def backup_create(*, path: Path, using: str = "default") -> dict[str, Any]:
    """Write a backup of the whole database to ``path``; returns its manifest."""
    vendor = _vendor(using)
    path = path.resolve()
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give a file name (e.g. samspil-2025-01-31.tar).")
    path.parent.mkdir(parents=True, exist_ok=True)
    with _workdir(path.parent) as work:
        data_file = work / DATA_NAMES[vendor]
        state = (_pg_backup if vendor == "postgresql" else _sqlite_backup)(using, data_file)
        manifest: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "samspil_version": samspil_version(),
            "vendor": vendor,
            "server_version": state.pop("server_version"),
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "data_file": data_file.name,
            "data_sha256": _sha256(data_file),
            "data_bytes": data_file.stat().st_size,
            "cpr_key_fingerprint": cpr_key_fingerprint(),
            "keys_included": False,
            **state,
        }
        manifest_file = work / MANIFEST_NAME
        manifest_file.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n",
                                 encoding="utf-8")
        partial = work / "backup.tar"
        with tarfile.open(partial, "w") as archive:
            archive.add(manifest_file, arcname=MANIFEST_NAME)
            archive.add(data_file, arcname=data_file.name)
        # The backup holds everything the database holds: readable by its owner only.
        partial.chmod(0o600)
        partial.replace(path)
    # After the dump, so the backup's own entry is not inside it; the restore records itself.
    audit_record(
        actor=None,
        actor_username=ACTOR_NAME,
        action=Action.EXPORT,
        object_type="operations.backup",
        reason="backup",
        changes={"file": path.name, "sha256": manifest["data_sha256"],
                 "audit_head_seq": manifest["audit_head"]["seq"]},
    )
    return manifest


def _safe_member(archive: tarfile.TarFile, name: str) -> tarfile.TarInfo:
    try:
        member = archive.getmember(name)
    except KeyError:
        raise BackupError(f"This is not a Samspil backup: {name} is missing.") from None
    if not member.isfile():
        raise BackupError(f"This is not a Samspil backup: {name} is not a file.")
    return member


def backup_manifest(path: Path) -> dict[str, Any]:
    """Read the manifest of a backup without touching the database."""
    try:
        with tarfile.open(path, "r") as archive:
            member = _safe_member(archive, MANIFEST_NAME)
            handle = archive.extractfile(member)
            assert handle is not None
            manifest: dict[str, Any] = json.loads(handle.read().decode("utf-8"))
    except (OSError, tarfile.TarError, ValueError) as error:
        raise BackupError(f"Cannot read the backup {path}: {error}") from None
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(
            f"This backup has format {manifest.get('format')!r}; this Samspil reads format "
            f"{FORMAT_VERSION}."
        )
    return manifest


def backup_check(manifest: dict[str, Any], *, using: str = "default",
                 allow_other_cpr_key: bool = False) -> None:
    """Refuse, before anything changes, a backup this installation cannot restore."""
    vendor = _vendor(using)
    if manifest.get("vendor") != vendor:
        theirs = VENDOR_NAMES.get(str(manifest.get("vendor")), str(manifest.get("vendor")))
        raise BackupError(
            f"This backup is of a {theirs} database, but this installation uses "
            f"{VENDOR_NAMES[vendor]}. Restore it into a {theirs} installation (set DATABASE_URL)."
        )
    unknown = sorted({tuple(m) for m in manifest.get("migrations", [])} - known_migrations())
    if unknown:
        raise BackupError(
            "This backup was made by a newer Samspil (it has migrations this version does not "
            f"know, e.g. {unknown[0][0]}.{unknown[0][1]}). Install that version first."
        )
    if manifest.get("cpr_key_fingerprint") != cpr_key_fingerprint() and not allow_other_cpr_key:
        raise BackupError(
            "The CPR key of this installation is not the one the backup was made with: the CPR "
            "numbers in it could not be read or found. Install the backed-up key "
            "(SAMSPIL_CPR_KEY_FILE) first, or pass --allow-other-cpr-key."
        )


def backup_restore(*, path: Path, using: str = "default",
                   allow_other_cpr_key: bool = False) -> RestoreResult:
    """Replace the database with the backup, then prove the audit chain holds.

    Raises BackupError before touching the database when the backup does not fit, and after
    restoring when the restored audit chain does not verify or does not end where the manifest
    says it did.
    """
    manifest = backup_manifest(path)
    backup_check(manifest, using=using, allow_other_cpr_key=allow_other_cpr_key)
    vendor = manifest["vendor"]
    with _workdir(path.resolve().parent) as work, tarfile.open(path, "r") as archive:
        member = _safe_member(archive, DATA_NAMES[vendor])
        data_file = work / DATA_NAMES[vendor]
        source = archive.extractfile(member)
        assert source is not None
        with data_file.open("wb") as target:
            shutil.copyfileobj(source, target)
        if _sha256(data_file) != manifest.get("data_sha256"):
            raise BackupError("The backup is damaged: its database does not match the manifest.")
        (_pg_restore if vendor == "postgresql" else _sqlite_restore)(using, data_file)
    verification = audit_verify()
    if not verification.ok:
        raise BackupError(
            f"The restored audit chain is broken at entry #{verification.broken_seq}: "
            f"{verification.problem}."
        )
    head = manifest.get("audit_head", {})
    if verification.checked != head.get("seq"):
        raise BackupError(
            f"The restored audit chain has {verification.checked} entries; the backup was made "
            f"at entry #{head.get('seq')}."
        )
    from samspil.audit.models import AuditChainHead

    restored_head = AuditChainHead.objects.using(using).filter(id=1).first()
    if restored_head is not None and restored_head.last_hash != head.get("hash"):
        raise BackupError("The restored audit chain does not end with the hash in the manifest.")
    missing = sorted([list(m) for m in known_migrations()
                      - {tuple(m) for m in manifest.get("migrations", [])}])
    audit_record(
        actor=None,
        actor_username=ACTOR_NAME,
        action=Action.IMPORT,
        object_type="operations.backup",
        reason="restore",
        changes={"file": path.name, "sha256": manifest["data_sha256"],
                 "created_at": manifest["created_at"], "audit_head_seq": head.get("seq")},
    )
    return RestoreResult(manifest, verification, missing)
