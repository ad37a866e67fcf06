"""A writer killed with SIGKILL mid-way leaves no half-written record and an intact chain."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from samspil.audit.models import AuditEntry
from samspil.cases.models import Case, CaseStatusChange
from samspil.incidents.models import Incident, Involvement
from samspil.operations.tests.conftest import (
    database_url,
    end_orphaned_backends,
    ensure_categories,
)
from samspil.persons.models import NameToken, Person

# The child is another connection: it must see committed users and reference data.
pytestmark = [
    pytest.mark.usefixtures("post_migrate_rows_cleared"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

COMMITS_BEFORE_KILL = 12


def audited(label: str, action: str = "create") -> set[str]:
    return set(AuditEntry.objects.filter(object_type=label, action=action)
               .values_list("object_id", flat=True))


def test_a_writer_killed_mid_way_leaves_whole_records_and_a_verifying_chain(officer):
    ensure_categories()
    env = {**os.environ, "DATABASE_URL": database_url()}
    child = subprocess.Popen(
        [sys.executable, "-m", "samspil.operations.tests.crash_writer", officer.username],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    lines: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            lines.append(line.strip())
            if len(lines) >= COMMITS_BEFORE_KILL:
                break
        # Land the kill somewhere inside the next iteration's transaction.
        time.sleep(random.uniform(0.0, 0.03))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    stderr = child.stderr.read() if child.stderr else ""
    assert child.returncode == -signal.SIGKILL, stderr
    assert len(lines) == COMMITS_BEFORE_KILL, stderr
    end_orphaned_backends()

    persons = Person.objects.filter(given_name__startswith="Nedbrud")
    assert persons.count() >= COMMITS_BEFORE_KILL
    # Every iteration is whole or absent: as many incidents and cases as persons.
    assert Incident.objects.filter(journal_no__startswith="0100-77770-").count() == persons.count()
    assert Case.objects.filter(person__in=persons).count() == persons.count()
    person_ids = {str(pk) for pk in persons.values_list("pk", flat=True)}
    assert person_ids <= audited("persons.person")
    assert set(persons.values_list("pk", flat=True)) == set(
        NameToken.objects.filter(person__in=persons).values_list("person_id", flat=True))
    assert {str(pk) for pk in Incident.objects.values_list("pk", flat=True)} <= audited(
        "incidents.incident")
    assert {str(pk) for pk in Involvement.objects.values_list("pk", flat=True)} <= audited(
        "incidents.involvement")
    case_ids = set(Case.objects.values_list("pk", flat=True))
    assert case_ids == set(CaseStatusChange.objects.filter(action="create")
                           .values_list("case_id", flat=True))
    assert {str(pk) for pk in case_ids} <= audited("cases.case")
    # No audit entry for a change that did not happen either.
    assert audited("persons.person") <= {str(pk) for pk in Person.objects.values_list("pk",
                                                                                      flat=True)}
    assert audited("cases.case") <= {str(pk) for pk in case_ids}

    samspil = Path(sys.executable).with_name("samspil")
    verify = subprocess.run([str(samspil), "audit", "verify"], env=env, capture_output=True,
                            text=True, check=False)
    assert verify.returncode == 0, verify.stderr
