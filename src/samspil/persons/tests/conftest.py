"""Fixtures for the persons tests: an administrator and a quick way to register persons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.organisations.models import Municipality, Organisation
from samspil.persons.models import Person
from samspil.persons.services import person_register

# Fictitious CPR numbers. The first one does not pass modulus 11 (issued since 2007).
CPR_MOTHER = "1203851238"  # 12.03.1985, female
CPR_CHILD = "0507154011"  # 05.07.2015, male (digit 7 = 4, year 15 -> 2000s)


@pytest.fixture
def admin(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("frida", police, Role.ADMINISTRATOR)


@pytest.fixture
def analyst(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("gustav", police, Role.ANALYST)


@pytest.fixture
def ssp(make_user: Callable[..., User], roskilde: Organisation) -> User:
    return make_user("hanne", roskilde, Role.SSP_COORDINATOR)


@pytest.fixture
def register(officer: User) -> Callable[..., Person]:
    """register(given, family, cpr=…, birth_date=…, actor=…) with Roskilde as home."""

    def factory(given: str, family: str, *, actor: User | None = None, cpr: str | None = None,
                birth_date: date | None = None, **fields: Any) -> Person:
        return person_register(
            actor=actor or officer, given_name=given, family_name=family,
            municipality=fields.pop("municipality", None) or Municipality.objects.get(code="265"),
            cpr=cpr, birth_date=birth_date, is_synthetic=True, **fields,
        )

    return factory
