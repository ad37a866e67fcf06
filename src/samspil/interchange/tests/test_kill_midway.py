"""An import killed with SIGKILL while it writes leaves the database exactly as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from samspil.interchange.synthetic import write_synthetic_bundle
from samspil.interchange.tests.conftest import ensure_categories, table_counts

# Committed data, so that the child process (another connection) sees the district; the
# serialized rollback restores the migrations' data (the categories) for the tests after this.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    password = f":{settings['PASSWORD']}" if settings.get("PASSWORD") else ""
    return (f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}")


def end_orphaned_backends() -> None:
    """A killed client's server process lingers until it next talks to the client."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for _ in range(50):
            cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            cursor.execute("SELECT count(*) FROM pg_stat_activity "
                           "WHERE datname = current_database() AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.1)


def test_a_killed_import_leaves_the_database_as_it_was(police, tmp_path):
    ensure_categories()
    folder = tmp_path / "big"
    write_synthetic_bundle(folder, involvements=30_000)
    before = table_counts()
    samspil = Path(sys.executable).with_name("samspil")
    child = subprocess.Popen(
        [str(samspil), "import", str(folder), "--organisation", "test-politi", "--synthetic",
         "--language", "en", "--verbosity", "2"],
        env={**os.environ, "DATABASE_URL": database_url()},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    stages = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            stages.append(line.strip())
            if line.startswith("== writing involvements.csv"):
                break  # persons, incidents and relations are written, not yet committed
        time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL, (stages, child.stderr.read() if child.stderr
                                                 else "")
    assert "== writing persons.csv" in stages
    end_orphaned_backends()
    assert table_counts() == before
