"""Fixtures for the fora tests: a PSP practice group in Roskilde with police, the municipality,
psychiatry and the prison and probation service; a person the police know, with a PSP incident.

Who is who:
- alice (police, prevention officer): the home agency, raises the concern.
- pia (Roskilde, PSP coordinator): chair of the practice group; Roskilde is the assisting agency.
- psyk (psychiatry, caseworker): the lead agency.
- kim (prison and probation, caseworker): sits in the forum but is never named.
- dora (Køge, caseworker): another municipality, not in the forum.
- charlie: another police district.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.conftest import make_organisation
from samspil.incidents.constants import InvolvementRole
from samspil.incidents.services import incident_register
from samspil.meetings.constants import ForumKind, MemberRole, RiskFactor
from samspil.meetings.models import Concern, Forum
from samspil.meetings.services import concern_raise, fora_defaults_create, forum_member_add
from samspil.organisations.constants import OrganisationKind
from samspil.organisations.models import District, Municipality, Organisation
from samspil.persons.models import Person
from samspil.persons.services import person_register

CPH = ZoneInfo("Europe/Copenhagen")

GIVEN, FAMILY = "Kasper", "Mørkegaard"
CPR = "070511-4123"
BIRTH = date(2011, 5, 7)
ADDRESS = "Skovbrynet 14"
POSTAL = "4000"
NARRATIVE = "Knallerten blev fundet ved Glasværkstedet efter uroen i opgangen."


def when(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=CPH)


@pytest.fixture
def psychiatry(reference: None) -> Organisation:
    return make_organisation("test-psykiatrien", OrganisationKind.PSYCHIATRY,
                             "midt-vestsjaelland")


@pytest.fixture
def probation(reference: None) -> Organisation:
    return make_organisation("test-kriminalforsorgen", OrganisationKind.PRISON_PROBATION,
                             "midt-vestsjaelland")


@pytest.fixture
def coordinator(make_user: Callable[..., User], roskilde: Organisation) -> User:
    return make_user("pia", roskilde, Role.PSP_COORDINATOR)


@pytest.fixture
def psychiatry_user(make_user: Callable[..., User], psychiatry: Organisation) -> User:
    return make_user("psyk", psychiatry, Role.CASEWORKER)


@pytest.fixture
def probation_user(make_user: Callable[..., User], probation: Organisation) -> User:
    return make_user("kim", probation, Role.CASEWORKER)


@pytest.fixture
def district(reference: None) -> District:
    return District.objects.get(slug="midt-vestsjaelland")


@pytest.fixture
def psp_forum(district: District, officer: User, coordinator: User, caseworker: User,
              psychiatry_user: User, probation_user: User) -> Forum:
    (forum,) = fora_defaults_create(district=district,
                                    municipality=Municipality.objects.get(code="265"),
                                    kinds=[ForumKind.PSP], is_synthetic=True)
    forum_member_add(actor=officer, forum=forum, organisation=coordinator.organisation,
                     user=coordinator, role=MemberRole.CHAIR, email="pia@example.invalid")
    forum_member_add(actor=officer, forum=forum, organisation=officer.organisation,
                     user=officer, role=MemberRole.MEMBER)
    forum_member_add(actor=officer, forum=forum, organisation=psychiatry_user.organisation,
                     user=psychiatry_user)
    forum_member_add(actor=officer, forum=forum, organisation=probation_user.organisation,
                     user=probation_user)
    forum_member_add(actor=officer, forum=forum, organisation=officer.organisation,
                     external_name="Politiinspektør Hansen", title="Leder af lokalpolitiet")
    return forum


@pytest.fixture
def person(officer: User) -> Person:
    return person_register(actor=officer, given_name=GIVEN, family_name=FAMILY,
                           municipality=Municipality.objects.get(code="265"), cpr=CPR,
                           address=ADDRESS, postal_code=POSTAL, is_synthetic=True)


@pytest.fixture
def psp_incident(officer: User, person: Person) -> Any:
    from django.utils import timezone

    return incident_register(
        actor=officer, journal_no="0100-55555-00001-26",
        occurred_at=timezone.now() - timezone.timedelta(days=20),
        category="mental_health_concern", municipality="265", narrative=NARRATIVE,
        involvements=[(person, InvolvementRole.INVOLVED)], is_synthetic=True)


@pytest.fixture
def raise_concern(officer: User, psp_forum: Forum, person: Person) -> Callable[..., Concern]:
    def factory(**overrides: Any) -> Concern:
        values: dict[str, Any] = {
            "actor": officer, "forum": psp_forum, "person": person,
            "reason": "Gentagne henvendelser om uro; vi vurderer, at der er behov for en "
                      "koordineret indsats.",
            "risk_factors": [RiskFactor.MENTAL_HEALTH, RiskFactor.SCHOOL_ABSENCE],
            "risk_text": "Ung, der ofte er væk fra skole og har haft flere episoder med uro.",
        }
        values.update(overrides)
        return concern_raise(**values)

    return factory


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    """Seven users a test: hash their passwords quickly (Argon2 is slow on purpose)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
