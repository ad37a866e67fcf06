"""Properties of the services on the database: whatever sequence of steps anyone tries, a case
is only ever in a declared state reached by a declared step, every closed case has an outcome
from its type's list, and the history tells exactly the steps that succeeded."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.cases import services
from samspil.cases.models import Case
from samspil.cases.tests.test_api_flows import FLOWS
from samspil.cases.workflows import CASE_TYPES
from samspil.organisations.models import Municipality

pytestmark = pytest.mark.django_db

ACTOR_NAMES = ("officer", "caseworker", "mediation_worker", "probation_worker", "reviewer",
               "other_caseworker")


def _all_fields(code: str) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for step in FLOWS[code].steps:
        values.update(step.fields)
    return values


ATTEMPT = st.tuples(
    st.sampled_from(ACTOR_NAMES),
    st.one_of(st.sampled_from(sorted({a for d in CASE_TYPES.values() for a in d.actions})),
              st.just("bogus")),
    st.one_of(st.none(), st.sampled_from(
        [*sorted({o for d in CASE_TYPES.values() for o in d.outcomes}), "bogus"]
    )),
    st.booleans(),
)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(code=st.sampled_from(sorted(CASE_TYPES)), attempts=st.lists(ATTEMPT, max_size=8))
def test_no_sequence_of_steps_reaches_a_forbidden_state(
    officer, caseworker, mediation_worker, probation_worker, reviewer, other_caseworker,
    make_person, code, attempts,
):
    actors = {"officer": officer, "caseworker": caseworker, "mediation_worker": mediation_worker,
              "probation_worker": probation_worker, "reviewer": reviewer,
              "other_caseworker": other_caseworker}
    definition = CASE_TYPES[code]
    flow = FLOWS[code]
    opener = actors[flow.opener]
    case = services.case_open(
        actor=opener, case_type=code, municipality=Municipality.objects.get(code="265"),
        person=make_person(opener.organisation) if flow.with_person else None,
        fields=flow.open.get("fields"), origin=flow.open.get("origin", ""),
        crime_class=flow.open.get("crime_class", ""),
    )
    succeeded = 0
    for actor_name, action, outcome, with_fields in attempts:
        before = Case.objects.get(pk=case.pk)
        try:
            services.case_transition(
                actor=actors[actor_name], case=case, action=action, outcome=outcome,
                fields=_all_fields(code) if with_fields else None,
            )
        except (services.CaseError, services.CaseRefused):
            after = Case.objects.get(pk=case.pk)
            assert (after.state, after.outcome, after.closed_at) == (
                before.state, before.outcome, before.closed_at
            )
            continue
        succeeded += 1
        after = Case.objects.get(pk=case.pk)
        step = next(t for t in definition.transitions_from(before.state) if t.action == action)
        assert after.state == step.to_state
        assert actors[actor_name].role_codes & step.allowed_roles
    stored = Case.objects.get(pk=case.pk)
    assert stored.state in definition.state_codes
    if stored.state in definition.closed_states:
        assert stored.outcome in definition.outcomes
        assert stored.closed_at is not None
    else:
        assert stored.outcome == "" and stored.closed_at is None
    history = list(stored.status_changes.order_by("id"))
    assert len(history) == succeeded + 1
    assert history[-1].to_state == stored.state
    for previous, row in itertools.pairwise(history):
        assert row.from_state == previous.to_state
