"""Make sure Django is set up before tests turn lazy translations into text.

Under the project's pytest-django configuration this is a no-op; it only matters when these tests
run with a bare DJANGO_SETTINGS_MODULE and no plugin.
"""

from __future__ import annotations

import django
from django.apps import apps

if not apps.ready:
    django.setup()


# --- Fixtures of the case tests --------------------------------------------------------------

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from samspil.accounts.constants import Role
from samspil.conftest import make_organisation
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import Municipality, Organisation

DISTRICT = "midt-vestsjaelland"


@pytest.fixture
def mediation(reference: None) -> Organisation:
    return make_organisation("test-konfliktraad", OrganisationKind.MEDIATION, DISTRICT)


@pytest.fixture
def probation(reference: None) -> Organisation:
    return make_organisation("test-kriminalforsorg", OrganisationKind.PRISON_PROBATION, DISTRICT)


@pytest.fixture
def mediation_worker(make_user: Callable[..., Any], mediation: Organisation) -> Any:
    return make_user("mette", mediation, Role.CASEWORKER)


@pytest.fixture
def probation_worker(make_user: Callable[..., Any], probation: Organisation) -> Any:
    return make_user("karl", probation, Role.CASEWORKER)


@pytest.fixture
def reviewer(make_user: Callable[..., Any], police: Organisation) -> Any:
    return make_user("lene", police, Role.SOCIALSOEG_REVIEWER)


@pytest.fixture
def second_officer(make_user: Callable[..., Any], police: Organisation) -> Any:
    return make_user("mads", police, Role.PREVENTION_OFFICER)


@pytest.fixture
def make_person(reference: None) -> Callable[..., Any]:
    from samspil.persons.models import Person

    counter = {"n": 0}

    def factory(owner: Organisation, birth_date: date | None = date(1990, 1, 1),
                municipality: str = "265", **extra: Any) -> Person:
        counter["n"] += 1
        return Person.objects.create(
            owner_organisation=owner,
            given_name=extra.pop("given_name", f"Test{counter['n']}"),
            family_name=extra.pop("family_name", "Testesen"),
            birth_date=birth_date,
            municipality=Municipality.objects.get(code=municipality),
            is_synthetic=True,
            **extra,
        )

    return factory


@pytest.fixture
def register_incident(reference: None) -> Callable[..., Any]:
    """Register an incident through the incidents service, so the automatic rules run."""
    from django.utils import timezone

    from samspil.incidents.services import incident_register

    counter = {"n": 0}

    def factory(actor: Any, *, category: str, occurred_at: datetime | None = None,
                involvements: Any = (), municipality: str = "265", **extra: Any) -> Any:
        counter["n"] += 1
        return incident_register(
            actor=actor,
            journal_no=extra.pop("journal_no", f"0100-{counter['n']:05d}-00001-25"),
            occurred_at=occurred_at or timezone.now(),
            category=category,
            municipality=municipality,
            involvements=involvements,
            is_synthetic=True,
            **extra,
        )

    return factory
