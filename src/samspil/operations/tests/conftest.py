"""Fixtures of the operations tests: a small district with persons, incidents and cases."""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from django.apps import apps
from django.core import serializers
from django.db import connection
from django.utils import timezone

from samspil.organisations.models import Municipality


def ensure_categories() -> None:
    """A flush by an earlier transactional test empties the table the data migration filled."""
    from samspil.incidents.models import IncidentCategory

    if not IncidentCategory.objects.exists():
        module = importlib.import_module("samspil.incidents.migrations.0003_default_categories")
        for code, label_da, label_en, crime_class, weight, psp in module.CATEGORIES:
            IncidentCategory.objects.create(code=code, label_da=label_da, label_en=label_en,
                                            crime_class=crime_class, risk_weight=weight, psp=psp)


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
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


def database_snapshot(exclude: tuple[str, ...] = ()) -> dict[str, str]:
    """Every row of every table, serialised in primary-key order, by model label."""
    snapshot = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in exclude or model._meta.proxy or not model._meta.managed:
            continue
        rows = model._base_manager.order_by("pk")
        snapshot[label] = serializers.serialize("json", rows)
    return snapshot


def roskilde_municipality() -> Municipality:
    return Municipality.objects.get(code="265")


@dataclass
class World:
    persons: list[Any]
    incidents: list[Any]
    cases: list[Any]


@pytest.fixture
def world(officer: Any, caseworker: Any, police: Any, roskilde: Any) -> World:
    """Persons (one with a CPR number), incidents with involvements, cases, a disclosure."""
    from samspil.access.services import disclosure_create
    from samspil.incidents.services import incident_register
    from samspil.persons.services import person_register, relation_add

    ensure_categories()
    municipality = roskilde_municipality()
    adult = person_register(actor=officer, given_name="Anders", family_name="Testesen",
                            municipality=municipality, cpr="0101851235", is_synthetic=True)
    youth = person_register(actor=officer, given_name="Bo", family_name="Prøvesen",
                            municipality=municipality, birth_date=date(2011, 5, 5),
                            gender="M", is_synthetic=True)
    victim = person_register(actor=officer, given_name="Cille", family_name="Eksempel",
                             municipality=municipality, birth_date=date(1979, 3, 3),
                             gender="F", address="Testvej 1", is_synthetic=True)
    relation_add(actor=officer, person=adult, related_person=youth, kind="parent_of")
    at = timezone.make_aware(datetime(2025, 3, 14, 12, 0))
    incidents = [
        incident_register(actor=officer, journal_no="0100-99990-00001-25", occurred_at=at,
                          category="violence", municipality=municipality,
                          involvements=[(youth, "suspect"), (victim, "victim")],
                          is_synthetic=True),
        incident_register(actor=officer, journal_no="0100-99990-00002-25", occurred_at=at,
                          category="burglary", municipality=municipality,
                          involvements=[(adult, "charged")], is_synthetic=True),
    ]
    cases = []
    try:
        from samspil.cases.services import case_open, case_transition
    except ImportError:  # the cases app is optional to this fixture
        pass
    else:
        ukn = case_open(actor=officer, case_type="ukn_screening", municipality=municipality,
                        person=adult, crime_class="anden_alvorlig", opened_at=at)
        cases.append(case_transition(actor=officer, case=ukn, action="screen",
                                     outcome="not_relevant"))
        cases.extend(apps.get_model("cases", "Case").objects.exclude(pk=ukn.pk))
    disclosure_create(actor=officer, subject=victim, to_organisation=roskilde,
                      legal_basis="rpl_115_1_1", purpose="SSP-møde", shared="Navn og hændelse")
    return World([adult, youth, victim], incidents, cases)


@pytest.fixture(scope="module")
def post_migrate_rows_cleared(django_db_setup: Any, django_db_blocker: Any) -> None:
    """Let the serialized rollback of a transactional module load after any earlier flush.

    A transactional test without serialized rollback (elsewhere in the suite) flushes and lets
    post_migrate recreate content types and permissions under new ids; loading the serialized
    copy then fails on their unique names. Module scope runs this before the first test's
    database set-up; the serialized copy brings them back with their original ids.
    """
    from django.contrib.contenttypes.models import ContentType

    with django_db_blocker.unblock():
        ContentType.objects.all().delete()
        ContentType.objects.clear_cache()
