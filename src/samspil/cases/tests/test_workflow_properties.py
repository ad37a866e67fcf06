"""Random walks through every case type: whatever people try, the engine stays inside the table.

Each walk opens a case and then tries random actions (including made-up ones) with random sets of
roles, random field values and random outcomes (including other case types' outcomes). The engine
may refuse any step; what it accepts must be a declared transition, and a closed case must carry
an outcome from its own type's list.
"""

from __future__ import annotations

from collections import deque
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samspil.cases.deadlines import due_date, period_limit
from samspil.cases.workflows import (
    CASE_TYPES,
    CREATE,
    ROLE_CODES,
    SYSTEM_ROLE,
    CaseTypeDefinition,
    TransitionError,
    allowed_actions,
    check_transition,
)

KNOWN_ERRORS = {
    "unknown_state",
    "unknown_action",
    "action_not_allowed",
    "role_not_allowed",
    "field_required",
    "condition_not_met",
    "invalid_origin",
    "outcome_required",
    "invalid_outcome",
    "outcome_not_expected",
    "extension_limit",
}
ALL_OUTCOMES = sorted({o for d in CASE_TYPES.values() for o in d.outcomes})
ALL_ACTIONS = sorted({t.action for d in CASE_TYPES.values() for t in d.transitions})
ROLES = sorted(ROLE_CODES | {SYSTEM_ROLE})
FIELD_VALUES = st.sampled_from(
    [None, "", "value", True, False, date(2025, 3, 1), ["housing", "mentor"], "265"]
)


def declared_reachable(definition: CaseTypeDefinition) -> set[str]:
    """Reachable states computed from the raw table, not through the engine's helpers."""
    initial = {t.to_state for t in definition.transitions if t.from_state is None}
    seen = set(initial)
    queue = deque(initial)
    while queue:
        state = queue.popleft()
        for t in definition.transitions:
            if t.from_state == state and t.to_state not in seen:
                seen.add(t.to_state)
                queue.append(t.to_state)
    return seen


def field_names(definition: CaseTypeDefinition) -> list[str]:
    names = set(definition.extra_fields)
    for t in definition.transitions:
        names.update(t.required_fields, t.must_be_true)
        names.update(n for pair in t.required_if for n in pair)
    # The simulation owns these; random values would only test the caller's type errors.
    return sorted(names - {"opened_at", "extensions_days", "origin"})


@pytest.mark.parametrize("code", sorted(CASE_TYPES))
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_walks_stay_inside_the_declared_table(code: str, data: st.DataObject) -> None:
    definition = CASE_TYPES[code]
    reachable = declared_reachable(definition)
    declared = {(t.from_state, t.action, t.to_state) for t in definition.transitions}
    names = field_names(definition)
    actions = [*sorted(definition.actions), "bogus", *ALL_ACTIONS[:3]]
    outcomes = [None, "", *definition.outcomes, *ALL_OUTCOMES]
    origins = [None, "bogus", *definition.origins]
    # True is both present and True, so a case whose fields are all True passes every guard.
    complete: dict[str, object] = dict.fromkeys(names, True)

    opened = data.draw(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
    state: str | None = None
    outcome_on_record: str | None = None
    extensions = 0

    for _step in range(data.draw(st.integers(min_value=1, max_value=20))):
        options = definition.transitions_from(state)
        # Most steps are an honest attempt at a declared step, so that walks reach the end of
        # every flow; the rest are anything at all, so that every refusal is exercised too.
        honest = data.draw(st.integers(min_value=0, max_value=2)) > 0
        if options and honest:
            # Lean towards moving on rather than closing early, to reach the deep states.
            onward = [t for t in options if not t.requires_outcome and t.to_state != state]
            move_on = data.draw(st.booleans())
            aim = data.draw(st.sampled_from(onward if onward and move_on else list(options)))
            action = aim.action
            roles = {data.draw(st.sampled_from(sorted(aim.allowed_roles)))}
            fields: dict[str, object] = dict(complete)
            fields["origin"] = data.draw(st.sampled_from([None, *definition.origins]))
            outcome = data.draw(st.sampled_from(aim.outcomes)) if aim.outcomes else None
        else:
            action = data.draw(st.sampled_from(actions))
            roles = data.draw(st.sets(st.sampled_from(ROLES), max_size=3))
            mixed: st.SearchStrategy[dict[str, object]] = st.fixed_dictionaries(
                {}, optional=dict.fromkeys(names, FIELD_VALUES)
            )
            fields = data.draw(st.just(dict(complete)) | mixed)
            fields["origin"] = data.draw(st.sampled_from(origins))
            outcome = data.draw(st.sampled_from(outcomes))
        fields["opened_at"] = opened
        fields["extensions_days"] = extensions

        try:
            step = check_transition(
                definition,
                from_state=state,
                action=action,
                actor_roles=roles,
                fields=fields,
                outcome=outcome,
            )
        except TransitionError as error:
            assert error.code in KNOWN_ERRORS
            continue

        assert (state, action, step.to_state) in declared
        assert roles & step.allowed_roles
        assert step.to_state in reachable
        if state is not None and state in definition.closed_states:
            # Once closed, a case stays closed and keeps the outcome it was closed with.
            assert step.to_state in definition.closed_states
            assert outcome is None
        if step.to_state in definition.closed_states and outcome_on_record is None:
            assert outcome in definition.outcomes
            assert outcome in step.outcomes
            outcome_on_record = outcome
        if step.extends_deadline:
            extensions += definition.deadline.extension_days if definition.deadline else 0
            rule = definition.deadline_rule(fields)
            assert rule is not None
            limit = period_limit(rule, opened)
            assert limit is None or due_date(rule, opened, extensions) <= limit
        state = step.to_state
        if state in definition.closed_states:
            assert outcome_on_record in definition.outcomes


@pytest.mark.parametrize("code", sorted(CASE_TYPES))
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_what_allowed_actions_offers_is_never_refused_for_state_or_role(
    code: str, data: st.DataObject
) -> None:
    definition = CASE_TYPES[code]
    state = data.draw(st.sampled_from([None, *sorted(definition.state_codes)]))
    roles = data.draw(st.sets(st.sampled_from(ROLES), max_size=3))
    for transition in allowed_actions(definition, state, roles):
        try:
            check_transition(
                definition,
                from_state=state,
                action=transition.action,
                actor_roles=roles,
                fields={},
                outcome=transition.outcomes[0] if transition.outcomes else None,
            )
        except TransitionError as error:
            # Only guards on the case's data may still say no.
            assert error.code in {"field_required", "condition_not_met", "extension_limit"}
        else:
            assert transition.from_state == state


@pytest.mark.parametrize("code", sorted(CASE_TYPES))
def test_a_path_with_complete_data_closes_every_case_type(code: str) -> None:
    """Walk the shortest path to a closed state with every guard satisfied."""
    definition = CASE_TYPES[code]
    fields: dict[str, object] = {
        name: True if name.endswith(("_is_adult", "_admits_offence")) else "value"
        for name in field_names(definition)
    }
    fields.update(
        {
            "opened_at": date(2025, 1, 1),
            "extensions_days": 0,
            "plan_elements": ["housing"],
            "origin": definition.origins[0] if definition.origins else None,
            "variant": "immediate",
        }
    )
    state: str | None = None
    visited: set[str] = set()
    for _attempt in range(20):
        options = definition.transitions_from(state)
        # The longest way round: a step to a new open state first, closing only when none is
        # left, so every guard on the main path is exercised.
        step = next(
            (
                t
                for t in options
                if t.to_state not in visited and t.to_state not in definition.closed_states
            ),
            None,
        ) or next(t for t in options if t.requires_outcome)
        roles = set(step.allowed_roles)
        result = check_transition(
            definition,
            from_state=state,
            action=step.action,
            actor_roles=roles,
            fields=fields,
            outcome=step.outcomes[0] if step.outcomes else None,
        )
        state = result.to_state
        visited.add(state)
        if state in definition.closed_states:
            break
    assert state in definition.closed_states
    assert CREATE in {t.action for t in definition.transitions_from(None)}
