"""Every case type walked from opening to closed through the API, by the roles that do it — and
the wrong role, another organisation and the outsider refused on the way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from samspil.accounts.constants import Role
from samspil.cases.models import Case
from samspil.cases.workflows import CASE_TYPES

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Step:
    actor: str
    action: str
    outcome: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Flow:
    opener: str
    open: dict[str, Any]
    steps: tuple[Step, ...]
    closed_state: str
    owner: str
    with_person: bool = True


FLOWS: dict[str, Flow] = {
    "ukn_screening": Flow(
        "officer", {"crime_class": "personfarlig"},
        (Step("caseworker", "screen", "referred_both"),), "screened", "test-politi",
    ),
    "victim_followup": Flow(
        "officer", {},
        (Step("officer", "attempt_contact"), Step("officer", "close", "not_reached")),
        "closed", "test-politi",
    ),
    "victim_support_referral": Flow(
        "officer", {"fields": {"consent_at": "2025-05-01"}},
        (Step("officer", "refer", "referred"),), "referred", "test-politi",
    ),
    "officer_request": Flow(
        "officer", {"origin": "talk_burglary"},
        (Step("officer", "triage"), Step("officer", "accommodate", "accommodated")),
        "closed", "test-politi", with_person=False,
    ),
    "restraining_order_request": Flow(
        "officer", {"fields": {"variant": "immediate"}},
        (Step("officer", "visitate"),
         Step("officer", "decide", "granted", {"order_kind": "tilhold"})),
        "decided", "test-politi",
    ),
    "area_ban": Flow(
        "officer", {"fields": {"area": "Stationspladsen", "radius_m": 500}},
        (Step("officer", "extend", None, {"extension_reason": "Fortsat uro"}),
         Step("officer", "close_breached", "breached")),
        "closed", "test-politi",
    ),
    "conflict_mediation": Flow(
        "officer", {},
        (Step("mediation_worker", "visitate"),
         Step("mediation_worker", "record_consent", None, {
             "victim_consent_at": "2025-05-01", "offender_consent_at": "2025-05-02",
             "victim_is_minor": True, "victim_guardian_consent_at": "2025-05-01",
             "offender_is_minor": False, "offender_admits_offence": True}),
         Step("mediation_worker", "assign_mediator", None, {"mediator": "Birgitte Skov"}),
         Step("mediation_worker", "hold_meeting", None, {"meeting_date": "2025-05-20"}),
         Step("mediation_worker", "close_mediated", "mediated")),
        "closed", "test-konfliktraad",
    ),
    "exit_programme": Flow(
        "officer", {"fields": {"subject_is_adult": True}},
        (Step("officer", "make_plan", None, {"consent_at": "2025-04-01"}),
         Step("officer", "start", None, {"plan_elements": ["housing", "mentor"]}),
         Step("officer", "complete", "completed")),
        "closed", "test-politi",
    ),
    "release_coordination": Flow(
        "probation_worker", {"fields": {"release_date": "2025-09-01"}},
        (Step("probation_worker", "complete", "completed"),), "closed",
        "test-kriminalforsorg",
    ),
    "social_report": Flow(
        "reviewer", {"origin": "socialsoeg"},
        (Step("reviewer", "send", "sent", {"recipient_municipality_code": "265"}),
         Step("caseworker", "acknowledge")),
        "acknowledged", "test-politi",
    ),
    "psp_discussion": Flow(
        "caseworker", {}, (Step("caseworker", "close", "discussed"),), "closed",
        "test-roskilde",
    ),
    "concern_conversation": Flow(
        "officer", {}, (Step("officer", "close", "held"),), "closed", "test-politi",
    ),
}


def test_every_case_type_has_a_flow():
    assert set(FLOWS) == set(CASE_TYPES)


@pytest.fixture
def actors(officer, caseworker, mediation_worker, probation_worker, reviewer):
    return {
        "officer": officer, "caseworker": caseworker, "mediation_worker": mediation_worker,
        "probation_worker": probation_worker, "reviewer": reviewer,
    }


def _open(client_for, actors, make_person, code: str) -> tuple[dict[str, Any], Any]:
    flow = FLOWS[code]
    opener = actors[flow.opener]
    payload: dict[str, Any] = {"case_type": code, "municipality_code": "265", **flow.open}
    if flow.with_person:
        payload["person_key"] = make_person(opener.organisation).person_key
    response = client_for(opener).post("/api/v1/cases/open", payload,
                                       content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json(), opener


@pytest.mark.parametrize("code", sorted(FLOWS))
def test_the_right_roles_walk_the_whole_flow_through_the_api(
    client_for, actors, make_person, code
):
    flow = FLOWS[code]
    case, _opener = _open(client_for, actors, make_person, code)
    assert case["state"] == CASE_TYPES[code].initial_state
    assert case["case_ref"].startswith(case["case_ref"].split("-")[0])
    for step in flow.steps:
        client = client_for(actors[step.actor])
        detail = client.get(f"/api/v1/cases/{case['id']}").json()
        assert step.action in {a["action"] for a in detail["allowed_actions"]}
        body: dict[str, Any] = {"action": step.action, "fields": step.fields}
        if step.outcome:
            body["outcome"] = step.outcome
        response = client.post(f"/api/v1/cases/{case['id']}/transition", body,
                               content_type="application/json")
        assert response.status_code == 200, response.content
        case = response.json()
    stored = Case.objects.get(pk=case["id"])
    assert stored.state == flow.closed_state
    assert stored.owner_organisation.slug == flow.owner
    assert stored.outcome in CASE_TYPES[code].outcomes
    assert stored.closed_at is not None
    assert stored.status_changes.count() == len(flow.steps) + 1


def _wrong_role_user(make_user, code: str, actors) -> Any:
    """A user in the organisation of the first step's actor whose role that step does not allow
    (a role that still reads casework and sensitive records, so the refusal is the role's)."""
    flow = FLOWS[code]
    step = flow.steps[0]
    transition = next(t for t in CASE_TYPES[code].transitions if t.action == step.action)
    role = next(r for r in (Role.SOCIALSOEG_REVIEWER, Role.CASEWORKER, Role.PREVENTION_OFFICER)
                if r not in transition.allowed_roles)
    return make_user(f"wrong-{code[:20]}", actors[step.actor].organisation, role)


@pytest.mark.parametrize("code", sorted(FLOWS))
def test_the_wrong_role_another_organisation_and_the_outsider_are_refused(
    client_for, actors, make_person, make_user, other_caseworker, outsider, code
):
    flow = FLOWS[code]
    case, _opener = _open(client_for, actors, make_person, code)
    step = flow.steps[0]
    body: dict[str, Any] = {"action": step.action, "fields": step.fields}
    if step.outcome:
        body["outcome"] = step.outcome
    wrong_role = _wrong_role_user(make_user, code, actors)
    for user in (wrong_role, other_caseworker, outsider):
        client = client_for(user)
        response = client.post(f"/api/v1/cases/{case['id']}/transition", body,
                               content_type="application/json")
        assert response.status_code == 403, (user.username, response.content)
        assert case["case_ref"] not in response.content.decode()
    for user in (other_caseworker, outsider):
        client = client_for(user)
        assert client.get(f"/api/v1/cases/{case['id']}").status_code == 403
        assert client.get(f"/api/v1/cases/{case['id']}/notes").status_code == 403
        listed = client.get("/api/v1/cases", {"queue": "all"}).json()["results"]
        assert case["id"] not in {row["id"] for row in listed}
    stored = Case.objects.get(pk=case["id"])
    assert stored.state == CASE_TYPES[code].initial_state
    assert stored.status_changes.count() == 1


def test_a_step_the_input_does_not_satisfy_is_a_400_with_the_engines_message(
    client_for, actors, make_person
):
    case, opener = _open(client_for, actors, make_person, "victim_followup")
    response = client_for(opener).post(
        f"/api/v1/cases/{case['id']}/transition", {"action": "close", "outcome": "contacted"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "not possible in the case's current state" in str(response.json()) or (
        "ikke mulig" in str(response.json())
    )


def test_opening_with_a_missing_field_is_a_400(client_for, officer, make_person, police):
    response = client_for(officer).post(
        "/api/v1/cases/open",
        {"case_type": "victim_support_referral", "municipality_code": "265",
         "person_key": make_person(police).person_key},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "consent_at" in response.json()


def test_assign_bulk_assign_and_notes_through_the_api(
    client_for, actors, make_person, second_officer, outsider
):
    first, officer = _open(client_for, actors, make_person, "concern_conversation")
    second, _ = _open(client_for, actors, make_person, "concern_conversation")
    client = client_for(officer)
    response = client.post(f"/api/v1/cases/{first['id']}/assign", {"assigned_to": "mads"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["assigned_to"] == "mads"
    response = client.post("/api/v1/cases/bulk-assign",
                           {"case_ids": [first["id"], second["id"]], "assigned_to": "alice"},
                           content_type="application/json")
    assert response.json() == {"assigned": 2}
    response = client.post(f"/api/v1/cases/{first['id']}/notes/create", {"text": "Ringet op."},
                           content_type="application/json")
    assert response.status_code == 201
    assert [n["text"] for n in client.get(f"/api/v1/cases/{first['id']}/notes").json()] == [
        "Ringet op."
    ]
    outsider_client = client_for(outsider)
    assert outsider_client.post(f"/api/v1/cases/{first['id']}/assign", {"assigned_to": None},
                                content_type="application/json").status_code == 403
    assert outsider_client.post("/api/v1/cases/bulk-assign",
                                {"case_ids": [first["id"]], "assigned_to": None},
                                content_type="application/json").status_code == 403
    assert outsider_client.post(f"/api/v1/cases/{first['id']}/notes/create", {"text": "x"},
                                content_type="application/json").status_code == 403
