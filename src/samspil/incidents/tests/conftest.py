"""Fixtures for the incident tests: persons, an island constable, registered incidents."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.conftest import make_organisation
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.models import Incident
from samspil.incidents.services import incident_register
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import Municipality, Organisation
from samspil.persons.models import Person

CPH = ZoneInfo("Europe/Copenhagen")


def when(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CPH)


@pytest.fixture
def make_person(db: Any) -> Callable[..., Person]:
    def factory(given_name: str, family_name: str, *, owner: Organisation,
                municipality: str = "265", birth: tuple[int, int, int] = (2009, 5, 17)) -> Person:
        from datetime import date

        return Person.objects.create(
            given_name=given_name, family_name=family_name, owner_organisation=owner,
            municipality=Municipality.objects.get(code=municipality), birth_date=date(*birth),
            is_synthetic=True,
        )

    return factory


@pytest.fixture
def suspect(make_person: Callable[..., Person], police: Organisation) -> Person:
    return make_person("Mads", "Testesen", owner=police)


@pytest.fixture
def victim(make_person: Callable[..., Person], roskilde: Organisation) -> Person:
    # Owned by the municipality: registering the incident must give the police a grant.
    return make_person("Sofie", "Prøvesen", owner=roskilde, birth=(1990, 2, 3))


@pytest.fixture
def island(reference: None) -> Organisation:
    return make_organisation("test-sejeroe", OrganisationKind.ISLAND_CONSTABLE,
                             "midt-vestsjaelland", "326")


@pytest.fixture
def constable(make_user: Callable[..., User], island: Organisation) -> User:
    return make_user("frida", island, Role.ISLAND_CONSTABLE)


@pytest.fixture
def other_constable(make_user: Callable[..., User], reference: None) -> User:
    oroe = make_organisation("test-oroe", OrganisationKind.ISLAND_CONSTABLE,
                             "midt-vestsjaelland", "316")
    return make_user("gustav", oroe, Role.ISLAND_CONSTABLE)


@pytest.fixture
def administrator(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("hanne", police, Role.ADMINISTRATOR)


@pytest.fixture
def register(officer: User) -> Callable[..., Incident]:
    counter = iter(range(1, 10_000))

    def factory(*, actor: User | None = None, narrative: str = "", category: str = "violence",
                municipality: str = "265", involvements: Any = (), **extra: Any) -> Incident:
        number = next(counter)
        return incident_register(
            actor=actor or officer,
            journal_no=extra.pop("journal_no", f"0100-12345-{number:05d}-25"),
            occurred_at=extra.pop("occurred_at", when(2025, 3, 14, 21, 30)),
            category=category, municipality=municipality, narrative=narrative,
            involvements=involvements, is_synthetic=True, **extra,
        )

    return factory


@pytest.fixture
def incident(register: Callable[..., Incident], suspect: Person, victim: Person) -> Incident:
    return register(narrative="Knallerten blev fundet ved havnen efter et slagsmål.",
                    involvements=[(suspect, InvolvementRole.SUSPECT),
                                  (victim, InvolvementRole.VICTIM)])
