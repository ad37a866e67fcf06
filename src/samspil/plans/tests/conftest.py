"""Fixtures for the plan tests: Roskilde's 2025 plan with a measured burglary indicator, the
district's Kredsråd and Lokalråd, and bundles written to disk for the importer.

Who is who: alice (police, prevention officer) and sofie (Roskilde, SSP coordinator) edit the
plan; bob (Roskilde, caseworker) reads it; dora (Køge, caseworker) reads it too (plans are the
district's); charlie is from another police district.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from samspil.accounts.constants import Role
from samspil.accounts.models import User
from samspil.meetings.constants import ForumKind
from samspil.meetings.models import Forum
from samspil.meetings.services import fora_defaults_create
from samspil.organisations.models import District, Municipality, Organisation
from samspil.plans import services
from samspil.plans.constants import IndicatorMode, TargetDirection
from samspil.plans.models import CooperationPlan, FocusArea, Indicator

PERSONS_HEADER = ("person_key,cpr,given_name,family_name,birth_date,gender,municipality_code,"
                  "address,postal_code\r\n")
INCIDENTS_HEADER = ("journal_no,occurred_at,reported_at,category,municipality_code,lat,lon,"
                    "narrative\r\n")
INVOLVEMENTS_HEADER = "journal_no,person_key,role\r\n"
CASES_HEADER = ("case_ref,case_type,municipality_code,person_key,journal_no,opened_at,closed_at,"
                "outcome,origin,crime_class\r\n")


@pytest.fixture(autouse=True)
def _english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture
def district(reference: None) -> District:
    return District.objects.get(slug="midt-vestsjaelland")


@pytest.fixture
def fora(district: District) -> dict[str, Forum]:
    made = fora_defaults_create(district=district, kinds=[ForumKind.KREDSRAAD,
                                                          ForumKind.LOKALRAAD, ForumKind.SSP],
                                municipality=Municipality.objects.get(code="265"))
    by_kind: dict[str, Forum] = {}
    for forum in made:
        by_kind.setdefault(forum.kind, forum)
    return by_kind


@pytest.fixture
def ssp(make_user: Callable[..., User], roskilde: Organisation) -> User:
    return make_user("sofie", roskilde, Role.SSP_COORDINATOR)


@pytest.fixture
def administrator(make_user: Callable[..., User], police: Organisation) -> User:
    return make_user("ada", police, Role.ADMINISTRATOR)


@pytest.fixture
def plan(officer: User, fora: dict[str, Forum]) -> CooperationPlan:
    return services.plan_create(actor=officer, year=2025, district=officer.organisation.district,
                                municipality=Municipality.objects.get(code="265"),
                                title="Samarbejdsplan 2025 for Roskilde",
                                designated_by=fora[ForumKind.KREDSRAAD])


@pytest.fixture
def area(officer: User, plan: CooperationPlan, fora: dict[str, Forum]) -> FocusArea:
    area = services.focus_area_add(actor=officer, plan=plan,
                                   title="Indsats mod indbrud og hæleri",
                                   description="Borgeren skal føle sig tryg i eget hjem.",
                                   designated_by=fora[ForumKind.KREDSRAAD])
    services.activity_add(actor=officer, focus_area=area, activity="Nabohjælp",
                          action="Fortsat fokus på projektet",
                          responsible_forum=fora[ForumKind.LOKALRAAD])
    services.activity_add(actor=officer, focus_area=area, activity="Projekt ekstra øjne",
                          action="Indførelse af projektet i alle kommuner.",
                          responsible_forum=fora[ForumKind.LOKALRAAD],
                          responsible_text="Lokalråd og Lokalråd+")
    return area


@pytest.fixture
def burglaries(officer: User, area: FocusArea) -> Indicator:
    return services.indicator_add(actor=officer, focus_area=area,
                                  title="Fald i antallet af anmeldelser om indbrud",
                                  mode=IndicatorMode.MEASURED, kind="incident_count",
                                  parameters={"categories": ["burglary"]},
                                  direction=TargetDirection.DECREASE)


def write_bundle(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def bundle(tmp_path: Path) -> Callable[[dict[str, str]], Path]:
    counter = iter(range(1000))

    def factory(files: dict[str, str]) -> Path:
        return write_bundle(tmp_path / f"bundle{next(counter)}", files)

    return factory


def burglary_bundle_files(rows: list[tuple[str, str, str]]) -> dict[str, str]:
    """(journal_no, occurred_at, municipality_code) burglaries, each with a fictitious victim."""
    persons = PERSONS_HEADER
    incidents = INCIDENTS_HEADER
    involvements = INVOLVEMENTS_HEADER
    for index, (journal_no, occurred_at, code) in enumerate(rows, start=1):
        persons += f"PL{journal_no},,Fiktiv{index},Plansen,1970-01-0{index % 9 + 1},F,{code},,\r\n"
        incidents += f"{journal_no},{occurred_at},,burglary,{code},,,\r\n"
        involvements += f"{journal_no},PL{journal_no},victim\r\n"
    return {"persons.csv": persons, "incidents.csv": incidents, "involvements.csv": involvements}
