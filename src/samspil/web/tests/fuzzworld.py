"""A small district for the API fuzzer: the demo organisations and users, the demo fora and
plans, and a few persons, incidents, cases, disclosures and a Socialsøg hit — all built through
the normal services, so the fuzzer's ids point at real records of every kind the API serves."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Model

from samspil.access.constants import LegalBasis
from samspil.access.services import disclosure_create
from samspil.accounts.models import User
from samspil.cases.models import Case
from samspil.cases.services import case_open, case_transition
from samspil.cases.types.models import CasePlanItem
from samspil.cases.types.programmes import plan_item_add
from samspil.demo.organisations import demo_organisations_build, demo_users_build
from samspil.incidents.models import Incident
from samspil.incidents.services import incident_register
from samspil.meetings.demo import demo_fora_build
from samspil.meetings.models import Action, Concern, Forum, Meeting
from samspil.organisations.models import District, Municipality
from samspil.organisations.services import reference_data_load
from samspil.persons.models import Person
from samspil.persons.services import person_register, relation_add
from samspil.plans.demo import demo_plans_build
from samspil.plans.models import CooperationPlan
from samspil.risk.engine import COPENHAGEN
from samspil.risk.models import Hit
from samspil.risk.services import screening_run

DISTRICT = "midt-vestsjaelland"

# The users the fuzzer signs in as (demo usernames): police, municipality, the data-protection
# officer and two low-privilege roles (an analyst reads statistics only; an island constable sees
# only what they registered).
ROLES: dict[str, str] = {
    "officer": "betjent",
    "ssp_coordinator": "ssp.roskilde",
    "caseworker": "sagsbehandler.roskilde",
    "dpo": "dpo",
    "analyst": "analytiker",
    "island_constable": "sognefoged.oroe",
}

# Path templates of docs/openapi.yaml → the model whose ids fill the template's parameters.
ID_SOURCES: dict[str, type[Model]] = {
    "/api/v1/actions/{id}": Action,
    "/api/v1/cases/{id}": Case,
    "/api/v1/concerns/{id}": Concern,
    "/api/v1/fora/{id}": Forum,
    "/api/v1/incidents/{id}": Incident,
    "/api/v1/meetings/{id}": Meeting,
    "/api/v1/persons/{id}": Person,
    "/api/v1/plans/{id}": CooperationPlan,
    "/api/v1/socialsoeg/hits/{id}": Hit,
    "/api/v1/cases/{id}/plan-items/{item}": CasePlanItem,
}


@dataclass(frozen=True)
class World:
    users: dict[str, User]
    ids: dict[str, list[int]]  # keyed like ID_SOURCES

    def ids_for(self, path: str) -> dict[str, list[int]]:
        """Real ids for each path parameter of `path` (a schema path template)."""
        found: dict[str, list[int]] = {}
        for prefix, ids in self.ids.items():
            if path.startswith(prefix):
                found[prefix.rsplit("{", 1)[1].rstrip("}")] = ids
        return found


def _at(day: date, hour: int = 21) -> datetime:
    return datetime.combine(day, time(hour, 30), tzinfo=COPENHAGEN)


def _persons_incidents_cases(users: dict[str, User]) -> None:
    officer = users["betjent"]
    roskilde = Municipality.objects.get(code="265")
    today = date.today()

    def person(key: str, age: int) -> Person:
        born = date(today.year - age, 3, 1)
        return person_register(
            actor=officer,
            given_name=key.title(),
            family_name="Fuzzesen",
            municipality=roskilde,
            birth_date=born,
            person_key=f"FUZZ-{key}",
            is_synthetic=True,
        )

    mother, father, child = person("mor", 36), person("far", 38), person("barn", 9)
    youth, victim = person("ung", 16), person("offer", 44)
    relation_add(actor=officer, person=mother, related_person=child, kind="parent_of")
    relation_add(actor=officer, person=father, related_person=child, kind="parent_of")
    # Domestic violence in a family with a child: Socialsøg flags the child.
    incident_register(
        actor=officer,
        journal_no="0100-77777-00001-25",
        occurred_at=_at(today - timedelta(days=12)),
        category="domestic_violence",
        municipality="265",
        involvements=[(father, "suspect")],
        is_synthetic=True,
    )
    # A young suspect and a victim: the rules open a UKN screening and a victim follow-up.
    incident = incident_register(
        actor=officer,
        journal_no="0100-77777-00002-25",
        occurred_at=_at(today - timedelta(days=5)),
        category="violence",
        municipality="265",
        narrative="Slagsmål ved stationen (fiktivt).",
        involvements=[(youth, "suspect"), (victim, "victim")],
        is_synthetic=True,
    )
    screening_run(as_of=today, district=District.objects.get(slug=DISTRICT))
    case_open(
        actor=officer,
        case_type="officer_request",
        municipality=roskilde,
        origin="talk_burglary",
        title="Tryghedsvandring",
        is_synthetic=True,
    )
    programme = case_open(
        actor=officer,
        case_type="exit_programme",
        municipality=roskilde,
        person=victim,
        fields={"subject_is_adult": True},
        is_synthetic=True,
    )
    programme = case_transition(
        actor=officer, case=programme, action="make_plan", fields={"consent_at": "2025-04-01"}
    )
    plan_item_add(actor=officer, case=programme, owner=officer.organisation, element="mentor")
    case_open(
        actor=officer,
        case_type="area_ban",
        municipality=roskilde,
        person=youth,
        incident=incident,
        fields={"area": "Stationspladsen", "radius_m": 500},
        is_synthetic=True,
    )
    disclosure_create(
        actor=officer,
        subject=youth,
        to_organisation=users["sagsbehandler.roskilde"].organisation,
        legal_basis=LegalBasis.RPL_115_1_1,
        purpose="SSP-samarbejde (fiktivt)",
        shared="Hændelsen ved stationen",
    )


def world_build() -> World:
    reference_data_load()
    organisations = demo_organisations_build()
    users = {user.username: user for user in demo_users_build(organisations)}
    demo_fora_build(seed=7, year=date.today().year)
    demo_plans_build()
    _persons_incidents_cases(users)
    ids = {
        prefix: list(model._default_manager.order_by("pk").values_list("pk", flat=True)[:50])
        for prefix, model in ID_SOURCES.items()
    }
    return World(users={role: users[name] for role, name in ROLES.items()}, ids=ids)
