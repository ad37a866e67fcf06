"""Fixtures for the Socialsøg database tests: a reviewer, a frozen "today", and a builder that
plants families through the persons and incidents services (the path real data takes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
import time_machine

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.incidents.models import Incident
from samspil.incidents.services import incident_register, involvement_add
from samspil.organisations.models import District, Municipality, Organisation
from samspil.persons.models import Person
from samspil.persons.services import person_register, relation_add
from samspil.risk.engine import COPENHAGEN
from samspil.risk.tests.builders import years_before

AS_OF = date(2025, 6, 30)


@pytest.fixture
def frozen_today() -> Iterator[None]:
    """Today is AS_OF (noon in Copenhagen): the per-incident re-screening screens on today."""
    with time_machine.travel(datetime.combine(AS_OF, time(12), tzinfo=COPENHAGEN), tick=False):
        yield


@pytest.fixture
def reviewer(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("lene", police, Role.SOCIALSOEG_REVIEWER)


@pytest.fixture
def analyst(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("anders", police, Role.ANALYST)


@pytest.fixture
def foreign_reviewer(make_user: Callable[..., User], foreign_police: Organisation) -> User:
    return make_user("jens", foreign_police, Role.SOCIALSOEG_REVIEWER)


@pytest.fixture
def district(reference: None) -> District:
    return District.objects.get(slug="midt-vestsjaelland")


@dataclass
class Town:
    """Plants persons, relations and incidents through the services, as the officer."""

    officer: User
    as_of: date = AS_OF
    persons: dict[str, Person] = field(default_factory=dict)
    counter: int = 0

    def person(self, key: str, *, age: int = 35, born: date | None = None,
               municipality: str = "265") -> Person:
        if born is None:
            born = years_before(self.as_of, age) - timedelta(days=30)
        person = person_register(
            actor=self.officer, given_name=key.title(), family_name="Testesen",
            municipality=Municipality.objects.get(code=municipality), birth_date=born,
            person_key=key, is_synthetic=True,
        )
        self.persons[key] = person
        return person

    def child(self, key: str, *, age: int = 8, **kwargs: Any) -> Person:
        return self.person(key, age=age, **kwargs)

    def parent_of(self, parent: Person, *children: Person, kind: str = "parent_of") -> None:
        for child in children:
            relation_add(actor=self.officer, person=parent, related_person=child, kind=kind)

    def family(self, prefix: str = "", *, children: int = 1) -> tuple[Person, Person, list[Person]]:
        mother = self.person(f"{prefix}mor")
        father = self.person(f"{prefix}far")
        kids = [self.child(f"{prefix}barn{i}") for i in range(children)]
        self.parent_of(mother, *kids)
        self.parent_of(father, *kids)
        return mother, father, kids

    def incident(self, category: str, *roles: tuple[Person, str], days_ago: int = 10,
                 journal_no: str | None = None, actor: User | None = None) -> Incident:
        self.counter += 1
        occurred = datetime.combine(self.as_of - timedelta(days=days_ago), time(21, 30),
                                    tzinfo=COPENHAGEN)
        return incident_register(
            actor=actor or self.officer,
            journal_no=journal_no or f"0100-12345-{self.counter:05d}-25",
            occurred_at=occurred, category=category, municipality="265",
            involvements=list(roles), is_synthetic=True,
        )

    def involve(self, incident: Incident, person: Person, role: str) -> None:
        involvement_add(actor=self.officer, incident=incident, person=person, role=role)


@pytest.fixture
def town(officer: User, frozen_today: None) -> Town:
    return Town(officer)
